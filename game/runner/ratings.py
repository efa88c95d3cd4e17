"""Ratings and win rates from tournament results, with confidence intervals, and export.

Ratings are OpenSkill (Plackett-Luce), a Bayesian rating for games with many players. What
it learns from (`contests`) is by default the *board*: tournaments play in blocks whose
games share a match seed while the bots rotate seats, so each agency's seat in a block was
played by every bot under the same starting dice and events, and the bots are ranked by
their score in it - duplicate scoring, as in bridge. Agencies differ tenfold in budget, so
comparing a bot's NASA with another's CSA would rate the seat, not the bot. `par` ranks each
game's seats by their score against the agency's mean over the tournament; `score` by the
match result (winners first, sharing first place). A bot with several entries in one
ranking gets the sum of their rating changes and the information of all of them (precisions
add), as if they came one after another. Bots do not learn between games, so ratings have
no drift term (tau = 0). Ratings are computed in game order, so a resumed or parallel
tournament rates exactly like a serial one.

Intervals are 95%: `mu +/- 1.96 sigma` for ratings, Wilson score intervals for win rates
(a seat wins when its agency is among the match's winners).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from game.runner.results import GameRecord, SeatResult

Z95 = 1.96


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion."""
    if trials == 0:
        return 0.0, 1.0
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


RATE_BY = ("board", "par", "score")


def contests(records: Sequence[GameRecord], by: str) -> list[list[tuple[str, float]]]:
    """The rankings ratings learn from, in game order: each a list of (bot, placement).

    * board: each agency's seat in each block of games is a board (the same match seed, a
      different bot each game); the bots that played it are ranked by their score there.
    * par: each game's seats, ranked by their score against the agency's par.
    * score: each game's seats, winners first (sharing first place), then by score.
    """
    if by not in RATE_BY:
        raise ValueError(f"rate by one of {', '.join(RATE_BY)}, not {by!r}")
    if by == "board":
        boards: dict[tuple[int, str], list[tuple[str, float]]] = {}
        for record in records:
            for s in record.seats:
                boards.setdefault((record.seed, s.agency), []).append((s.bot, s.score))
        return [_ranked(entries) for entries in boards.values() if len(entries) > 1]
    par = agency_par(records)
    out = []
    for record in records:
        if by == "par":
            entries = [(s.bot, (0.0, s.score - par[s.agency])) for s in record.seats]
        else:
            # Winners share first place; the others follow by score.
            entries = [(s.bot, (1.0, 0.0) if s.won else (0.0, s.score)) for s in record.seats]
        out.append(_ranked(entries))
    return out


def _ranked(entries: Sequence[tuple[str, Any]]) -> list[tuple[str, float]]:
    """Placements from (bot, key) pairs, 1 = the highest key, ties sharing a place."""
    return [(bot, 1.0 + sum(1 for _, other in entries if other > key)) for bot, key in entries]


def agency_par(records: Iterable[GameRecord]) -> dict[str, float]:
    """Each agency's mean score over all the games, whoever played it."""
    totals: dict[str, list[float]] = {}
    for record in records:
        for s in record.seats:
            entry = totals.setdefault(s.agency, [0.0, 0.0])
            entry[0] += s.score
            entry[1] += 1
    return {agency: total / count for agency, (total, count) in totals.items()}


@dataclass
class BotStanding:
    """One bot's line in the ratings table."""

    bot: str
    games: int
    seats: int
    wins: int
    win_rate: float
    win_low: float
    win_high: float
    mu: float
    sigma: float
    rating_low: float
    rating_high: float
    mean_score: float
    vs_par: float  # mean score against the agency's par
    vs_par_low: float
    vs_par_high: float
    faults: int
    think_ms: float  # mean per decision


@dataclass
class AgencyRow:
    """How often each agency won, whoever played it: the balance table."""

    agency: str
    games: int
    wins: int
    win_rate: float
    win_low: float
    win_high: float
    mean_score: float


def standings(
    records: Sequence[GameRecord], bots: Sequence[str], *, by: str = "board"
) -> list[BotStanding]:
    """Rate the bots over the games, best first. `by` is one of RATE_BY (see `contests`)."""
    from openskill.models import PlackettLuce

    model = PlackettLuce(tau=0.0)
    ratings = {bot: model.rating(name=bot) for bot in bots}
    for contest in contests(records, by):
        for bot, _ in contest:
            ratings.setdefault(bot, model.rating(name=bot))
        before = {bot: (r.mu, r.sigma) for bot, r in ratings.items()}
        teams = [[model.rating(mu=before[bot][0], sigma=before[bot][1])] for bot, _ in contest]
        rated = model.rate(teams, ranks=[place for _, place in contest])
        moved: dict[str, list[tuple[float, float]]] = {}
        for (bot, _), team in zip(contest, rated, strict=True):
            moved.setdefault(bot, []).append((team[0].mu, team[0].sigma))
        for bot, changes in moved.items():
            mu, sigma = before[bot]
            precision = 1 / sigma**2 + sum(1 / sg**2 - 1 / sigma**2 for _, sg in changes)
            ratings[bot].mu = mu + sum(m - mu for m, _ in changes)
            ratings[bot].sigma = math.sqrt(1 / precision) if precision > 0 else sigma
    par = agency_par(records)
    seats: dict[str, list[SeatResult]] = {bot: [] for bot in ratings}
    games: dict[str, int] = dict.fromkeys(ratings, 0)
    for record in records:
        for bot in {s.bot for s in record.seats}:
            games[bot] += 1
        for s in record.seats:
            seats[s.bot].append(s)
    rows = []
    for bot, r in ratings.items():
        played = seats[bot]
        wins = sum(1 for s in played if s.won)
        low, high = wilson(wins, len(played))
        vs_par, half = _mean_interval([s.score - par[s.agency] for s in played])
        decisions = sum(s.decisions for s in played)
        rows.append(
            BotStanding(
                bot=bot,
                games=games[bot],
                seats=len(played),
                wins=wins,
                win_rate=wins / len(played) if played else 0.0,
                win_low=low,
                win_high=high,
                mu=r.mu,
                sigma=r.sigma,
                rating_low=r.mu - Z95 * r.sigma,
                rating_high=r.mu + Z95 * r.sigma,
                mean_score=sum(s.score for s in played) / len(played) if played else 0.0,
                vs_par=vs_par,
                vs_par_low=vs_par - half,
                vs_par_high=vs_par + half,
                faults=sum(s.faults for s in played),
                think_ms=1000 * sum(s.think for s in played) / decisions if decisions else 0.0,
            )
        )
    rows.sort(key=lambda row: row.mu, reverse=True)
    return rows


def _mean_interval(values: Sequence[float]) -> tuple[float, float]:
    """The mean and the half-width of its 95% interval (normal approximation)."""
    if not values:
        return 0.0, 0.0
    mean = sum(values) / len(values)
    if len(values) < 2:
        return mean, math.inf
    variance = sum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, Z95 * math.sqrt(variance / len(values))


def agency_table(records: Iterable[GameRecord]) -> list[AgencyRow]:
    """Win rate and mean score of every agency seat, in seat order of first appearance."""
    tally: dict[str, list[float]] = {}
    for record in records:
        for s in record.seats:
            games, wins, score = tally.setdefault(s.agency, [0, 0, 0.0])
            tally[s.agency] = [games + 1, wins + int(s.won), score + s.score]
    rows = []
    for agency, (games, wins, score) in tally.items():
        low, high = wilson(int(wins), int(games))
        rows.append(
            AgencyRow(agency, int(games), int(wins), wins / games, low, high, score / games)
        )
    return rows


# -- output ---------------------------------------------------------------------------------


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def render_standings(rows: Sequence[BotStanding]) -> str:
    header = (
        "#",
        "bot",
        "rating",
        "95% interval",
        "seats",
        "wins",
        "win rate",
        "95% interval",
        "mean score",
        "vs par",
        "95% interval",
        "faults",
        "ms/decision",
    )
    body = [
        (
            str(n),
            r.bot,
            f"{r.mu:.2f} +/- {r.sigma:.2f}",
            f"[{r.rating_low:.2f}, {r.rating_high:.2f}]",
            str(r.seats),
            str(r.wins),
            f"{r.win_rate:.1%}",
            f"[{r.win_low:.1%}, {r.win_high:.1%}]",
            f"{r.mean_score:.1f}",
            f"{r.vs_par:+.1f}",
            f"[{r.vs_par_low:+.1f}, {r.vs_par_high:+.1f}]",
            str(r.faults),
            f"{r.think_ms:.1f}",
        )
        for n, r in enumerate(rows, start=1)
    ]
    return _table(header, body)


def render_agencies(rows: Sequence[AgencyRow]) -> str:
    header = ("agency", "games", "wins", "win rate", "95% interval", "mean score")
    body = [
        (
            r.agency,
            str(r.games),
            str(r.wins),
            f"{r.win_rate:.1%}",
            f"[{r.win_low:.1%}, {r.win_high:.1%}]",
            f"{r.mean_score:.1f}",
        )
        for r in rows
    ]
    return _table(header, body)


def export(
    path: str | Path,
    bots: Sequence[BotStanding],
    agencies: Sequence[AgencyRow],
    plan: dict[str, Any],
) -> None:
    """Write the tables as JSON (`.json`) or CSV (anything else; one table after the other,
    each with its own header row and a `table` column saying which it is)."""
    target = Path(path)
    if target.suffix.lower() == ".json":
        document = {
            "plan": plan,
            "bots": [asdict(b) for b in bots],
            "agencies": [asdict(a) for a in agencies],
        }
        target.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        return
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for table, rows, cls in (("bots", bots, BotStanding), ("agencies", agencies, AgencyRow)):
            names = list(cls.__dataclass_fields__)
            writer.writerow(["table", *names])
            for row in rows:
                values = asdict(row)
                writer.writerow([table, *(values[n] for n in names)])
