"""Facts that matter: does a fact of the report change how matches turn out?

For each fact it plays the same N greedy matches (same seeds) twice: on the content as it is,
and on the content with that one fact taken out, built from the edited texts of the data
files (nothing on disk changes). A match's outcome is its winners, how it ended and its last
turn; the table counts the matches whose outcome differs.

The facts:

* `legal_bar`: NASA is barred by law from bilateral partnership with China (the scenario's
  `[[forbidden]]` entry);
* `airlock_bounty`: NASA seeks a provider for the Gateway airlock by 2028 (the bounty of the
  2024 beat);
* `luna27_drill`: ESA's drill on Luna 27 (without it, Luna 27 is a plain lander).

    python -m benchmarks.facts --games 40 --workers 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from game.runner.tournament import game_seed

SCENARIO = "2021"
SCENARIO_FILE = f"scenarios/{SCENARIO}.toml"
GOAL = 0.25  # a fact matters if removing it changes at least this share of outcomes


def _without_legal_bar(text: str) -> str:
    return _cut(text, r"\[\[forbidden\]\]\npair = \[[^\]]*\]\nreason = \"[^\"]*\"\n")


def _without_airlock_bounty(text: str) -> str:
    return _cut(text, r"bounty = \{ module = \"airlock\"[^}]*\}\n")


def _without_luna27_drill(text: str) -> str:
    return _cut(
        text,
        r"(?<=name = \"Luna 27\"\nagency = \"roscosmos\"\nmission_type = )\"drill_lander\"",
        '"lander"',
    )


def _cut(text: str, pattern: str, replacement: str = "") -> str:
    edited, count = re.subn(pattern, replacement, text)
    if count != 1:
        raise ValueError(f"the scenario no longer reads as expected: {pattern!r}")
    return edited


# fact -> (what it is, how to take it out of the scenario's text)
FACTS: dict[str, tuple[str, Callable[[str], str]]] = {
    "legal_bar": ("NASA-CNSA legal bar", _without_legal_bar),
    "airlock_bounty": ("Gateway airlock bounty", _without_airlock_bounty),
    "luna27_drill": ("ESA's drill on Luna 27", _without_luna27_drill),
}


# The variants this process has built and registered already.
_BUILT: set[str] = set()


def scenario_without(fact: str) -> str:
    """Build the content without `fact`, register it under a name of its own, and return
    that name (once per process)."""
    from game.rules.content import (
        build_content,
        content_texts,
        register_content,
    )

    name = f"{SCENARIO}-without-{fact}".replace("_", "-")
    if name in _BUILT:
        return name
    texts = content_texts(SCENARIO)
    scen = texts.pop(SCENARIO_FILE)
    texts[f"scenarios/{name}.toml"] = FACTS[fact][1](scen)
    register_content(build_content(name, texts))
    _BUILT.add(name)
    return name


@dataclass(frozen=True)
class Outcome:
    """What a match came to: who won, how it ended, when."""

    winners: tuple[str, ...]
    termination: str
    turns: int


@dataclass(frozen=True)
class Played:
    """One match: its outcome, and the turn a bounty was claimed (None if never)."""

    fact: str
    seed: int
    outcome: Outcome
    bounty_turn: int | None


def play(args: tuple[str, int, str, int | None]) -> Played:
    """Play one greedy match on the content without `fact` ("" for the content as it is)."""
    from game.runner.match import run_match

    fact, seed, bot, turns = args
    scenario = scenario_without(fact) if fact else SCENARIO
    claimed: list[int] = []

    def watch(turn: int, _state: Any, events: list[Any], _orders: Any) -> None:
        claimed.extend(turn for e in events if e.kind == "bounty_claimed")

    result = run_match(bot=bot, seed=seed, scenario=scenario, turns=turns, on_turn=watch)
    outcome = Outcome(tuple(sorted(result.winners)), result.termination, result.turns)
    return Played(fact, seed, outcome, claimed[0] if claimed else None)


def report(outcomes: dict[tuple[str, int], Outcome], seeds: list[int]) -> str:
    """One table: per fact, the matches whose outcome changed, and in what."""
    lines = [
        "| fact removed | outcome changed | winners | ending | final turn | goal |",
        "|---|---|---|---|---|---|",
    ]
    for fact, (label, _) in FACTS.items():
        changed = winners = ending = turn = 0
        for seed in seeds:
            base, other = outcomes[("", seed)], outcomes[(fact, seed)]
            winners += base.winners != other.winners
            ending += base.termination != other.termination
            turn += base.turns != other.turns
            changed += base != other
        met = "met" if changed >= GOAL * len(seeds) else "missed"
        lines.append(
            f"| {label} | {changed}/{len(seeds)} | {winners} | {ending} | {turn} | "
            f"≥ {GOAL * len(seeds):g}: {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.facts",
        description="How many matches change when one fact of the report is taken out.",
    )
    parser.add_argument("--games", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bot", default="greedy", help="the bot in every seat")
    parser.add_argument("--seed", type=int, default=1, help="the seed match seeds derive from")
    parser.add_argument("--turns", type=int, default=None, help="stop matches after this many")
    args = parser.parse_args(argv)
    seeds = [game_seed(args.seed, g) for g in range(args.games)]
    jobs = [(fact, seed, args.bot, args.turns) for fact in ("", *FACTS) for seed in seeds]
    started = time.perf_counter()
    if args.workers <= 1:
        played = [play(job) for job in jobs]
    else:
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            played = pool.map(play, jobs)
    outcomes = {(p.fact, p.seed): p.outcome for p in played}
    print(f"# Facts that matter: {args.bot} in every seat, {args.games} games, seed {args.seed}\n")
    print(report(outcomes, seeds))
    claims = [p.bounty_turn for p in played if not p.fact and p.bounty_turn is not None]
    dates = sorted(claims)
    print(
        f"\nThe Gateway airlock bounty was claimed in {len(claims)} of {len(seeds)} games "
        f"as it is (turns {dates[0] if dates else '-'}-{dates[-1] if dates else '-'})."
    )
    print(f"\n{len(jobs)} games, {time.perf_counter() - started:.0f} s, {args.workers} workers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
