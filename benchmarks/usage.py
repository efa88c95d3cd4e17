"""The usage report: which systems the built-in AI actually uses, over many games.

It plays N matches with one bot (greedy by default) in every seat and counts, from each
match's orders, events and final state, what a designer needs to see which systems are dead:

* how often each technology is learned by someone, and each station module built;
* each command kind ordered (per game, and in how many games at all);
* proposals made, signed, declined and left to lapse; treaties and blocs broken;
* the distinct alliance structures at the end (who shares a presence victory with whom);
* the share of the winners' scores that comes from science, from firsts and milestones, and
  from the other categories;
* how matches end (sustained presence against the scenario's end), and when.

It reads the state directly: it measures, it does not play.

    python -m benchmarks.usage --games 100 --workers 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from game.runner.tournament import game_seed

PROPOSAL_EVENTS = (
    "proposal_made",
    "treaty_signed",
    "bloc_joined",
    "partner_joined",
    "proposal_declined",
    "proposal_expired",
    "proposal_lapsed",
    "agreement_left",
    "station_evacuated",
)


@dataclass
class GameUsage:
    """What one match used."""

    seed: int
    termination: str
    turns: int
    techs_learned: set[str] = field(default_factory=set)
    modules: Counter[str] = field(default_factory=Counter)
    commands: Counter[str] = field(default_factory=Counter)
    missions: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    alliances: tuple[tuple[str, ...], ...] = ()
    winners: tuple[str, ...] = ()
    winner_scores: list[dict[str, int]] = field(default_factory=list)


def measure_game(args: tuple[str, int, str, int | None]) -> GameUsage:
    """Play one match and count what it used (in a worker process or this one)."""
    from game.rules import StartMission
    from game.runner.match import run_match

    bot, seed, scenario, turns = args
    usage = GameUsage(seed=seed, termination="", turns=0)

    def count(turn: int, state: Any, events: list[Any], orders: dict[str, list[Any]]) -> None:
        for cmds in orders.values():
            for cmd in cmds:
                usage.commands[cmd.KIND] += 1
                if isinstance(cmd, StartMission):
                    usage.missions[cmd.mission_type] += 1
        for event in events:
            if event.kind == "tech_learned":
                usage.techs_learned.add(event.data["tech"])
            elif event.kind == "module_added":
                usage.modules[event.data["module"]] += 1
            if event.kind in PROPOSAL_EVENTS:
                usage.events[event.kind] += 1

    result = run_match(bot=bot, seed=seed, scenario=scenario, turns=turns, on_turn=count)
    state = result.state
    usage.termination = result.termination
    usage.turns = result.turns
    usage.winners = tuple(result.winners)
    usage.winner_scores = [dict(result.outcome["scores"][w]) for w in result.winners]
    usage.alliances = tuple(
        sorted(
            tuple(sorted(g.members))
            for g in state.agreements.values()
            if "alliance" in g.terms and len(g.members) > 1
        )
    )
    return usage


def command_kinds() -> list[str]:
    from game.rules import COMMAND_KINDS

    return list(COMMAND_KINDS)


def percent(n: float, total: float) -> str:
    return f"{100.0 * n / total:.0f}%" if total else "-"


def tally(
    counts: list[Counter[str]], names: Iterable[str], per_game: str
) -> list[tuple[str, str, str]]:
    """Rows of (name, how many a game, share of games with any), most common first."""
    total = Counter(k for c in counts for k in c.elements())
    games_with = Counter(k for c in counts for k in c)
    n = len(counts)
    return [
        (k, per_game.format(total[k] / n), percent(games_with[k], n))
        for k in sorted(names, key=lambda k: (-total[k], k))
    ]


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    return "\n".join(lines)


def report(games: list[GameUsage], scenario: str) -> str:
    from game.rules import load_content, new_match

    content = load_content(scenario)
    n = len(games)
    out: list[str] = []

    # Technologies: learned during the match by anyone (known at the start does not count).
    learned = Counter(t for g in games for t in g.techs_learned)
    rows = [
        (tech, percent(learned[tech], n))
        for tech in sorted(content.techs, key=lambda t: (-learned[t], t))
    ]
    start = new_match(scenario, seed=0)
    known_by_all = set.intersection(*(set(start.agency[a].known) for a in start.agencies))
    never = [t for t, _ in rows if not learned[t] and t not in known_by_all]
    out.append(f"## Technologies learned by someone ({n} games)\n")
    out.append(table(("technology", "games"), [r for r in rows if learned[r[0]]]))
    out.append(f"\nnever learned: {', '.join(never) or 'none'}")
    out.append(f"known by every agency from the start: {', '.join(sorted(known_by_all))}\n")

    rows = tally([g.modules for g in games], content.modules, "{:.2f}")
    out.append("## Station modules built\n")
    out.append(table(("module", "per game", "games"), rows))

    rows = tally([g.commands for g in games], command_kinds(), "{:.1f}")
    out.append("\n## Orders given (all seats)\n")
    out.append(table(("command", "per game", "games"), rows))

    rows = tally([g.missions for g in games], content.missions, "{:.1f}")
    out.append("\n## Mission programs opened\n")
    out.append(table(("mission type", "per game", "games"), rows))

    events = Counter(k for g in games for k in g.events.elements())
    in_games = Counter(k for g in games for k in g.events)
    rows = [(k, f"{events[k] / n:.2f}", percent(in_games[k], n)) for k in PROPOSAL_EVENTS]
    out.append("\n## Diplomacy and stations: events\n")
    out.append(table(("event", "per game", "games"), rows))

    structures = Counter(g.alliances for g in games)
    rows = [
        (" ; ".join("+".join(m) for m in s) or "(no alliance)", str(c))
        for s, c in structures.most_common()
    ]
    out.append(f"\n## Alliance structures at the end: {len(structures)} distinct\n")
    out.append(table(("alliances (blocs and treaties with an alliance term)", "games"), rows))

    categories = ("firsts", "science", "stations", "reliability", "diplomacy", "penalties")
    shares: dict[str, list[float]] = {c: [] for c in categories}
    for g in games:
        for score in g.winner_scores:
            total = score.get("total") or sum(score.get(c, 0) for c in categories)
            for c in categories:
                shares[c].append(score.get(c, 0) / total if total else 0.0)
    rows = [(c, f"{100 * statistics.fmean(v):.1f}%" if v else "-") for c, v in shares.items()]
    out.append("\n## Where the winners' scores come from (mean share over winners)\n")
    out.append(table(("category", "share"), rows))

    endings = Counter(g.termination for g in games)
    rows = []
    for how, count in endings.most_common():
        turns = [g.turns for g in games if g.termination == how]
        rows.append((how, str(count), percent(count, n), f"{statistics.fmean(turns):.1f}"))
    out.append("\n## How matches end\n")
    out.append(table(("termination", "games", "share", "mean turns"), rows))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.usage",
        description="Which systems the AI uses, counted over many games.",
    )
    parser.add_argument("--games", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bot", default="greedy", help="the bot in every seat")
    parser.add_argument("--seed", type=int, default=1, help="the seed match seeds derive from")
    parser.add_argument("--scenario", default="2021")
    parser.add_argument("--turns", type=int, default=None)
    args = parser.parse_args(argv)
    jobs = [
        (args.bot, game_seed(args.seed, g), args.scenario, args.turns) for g in range(args.games)
    ]
    started = time.perf_counter()
    if args.workers <= 1:
        games = [measure_game(job) for job in jobs]
    else:
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            games = pool.map(measure_game, jobs)
    print(f"# Usage report: {args.bot} in every seat, {args.games} games, seed {args.seed}\n")
    print(report(games, args.scenario))
    print(f"\n{args.games} games, {time.perf_counter() - started:.0f} s, {args.workers} workers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
