"""The headless match runner: seats bots, plays a match to its end, and records a replay.

Each turn every seat is shown its agency's view and legal commands; subprocess seats are
asked first so they think while in-process bots decide. A seat's orders are checked with
`validate`: an order the rules refuse is dropped and the rest stand (an `illegal` fault says
which and why); a seat that times out, crashes or answers with something that is not orders
gets no orders that turn. Either way the seat is told what went wrong the next turn. Then
`resolve_turn` runs, and the orders and the state hash go into the replay. The runner holds
no rule of its own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from game import __version__
from game.ai.base import seat_seed
from game.replay import Replay, TurnRecord, content_hash, content_version
from game.rules import Command, OutcomeWire, orders_to_wire
from game.runner.faults import Fault, FaultKind
from game.runner.host import BotProcess, SeatReply, TimeLimits
from game.runner.seats import Seat, open_seat

DEFAULT_BOT = "greedy"
MAX_TURNS = 1000  # a guard: no scenario comes near it


@dataclass
class SeatSummary:
    """One seat over a whole match: who played it, its faults and its thinking time."""

    agency: str
    spec: str
    name: str
    faults: list[Fault] = field(default_factory=list)
    think: list[float] = field(default_factory=list)  # seconds per decision

    def to_json(self) -> dict[str, Any]:
        total = sum(self.think)
        return {
            "bot": self.spec,
            "name": self.name,
            "faults": [f.to_wire() for f in self.faults],
            "think_time": {
                "total_s": round(total, 4),
                "mean_ms": round(1000 * total / len(self.think), 3) if self.think else 0.0,
                "max_ms": round(1000 * max(self.think), 3) if self.think else 0.0,
                "decisions": len(self.think),
            },
        }


@dataclass
class MatchResult:
    """How a match ended, with everything needed to report it and re-play it."""

    seed: int
    scenario: str
    turns: int
    outcome: OutcomeWire
    seats: dict[str, SeatSummary]
    wall_time: float
    replay: Replay
    state: Any = field(repr=False)

    @property
    def winners(self) -> list[str]:
        return list(self.outcome.get("winners", []))

    @property
    def termination(self) -> str:
        return str(self.outcome.get("termination", ""))

    def score(self, agency: str) -> float:
        return split_score(self.outcome.get("scores", {}).get(agency, {}))[0]

    def breakdown(self, agency: str) -> dict[str, float]:
        return split_score(self.outcome.get("scores", {}).get(agency, {}))[1]

    def standing(self, agency: str) -> float | None:
        """The agency's final standing as a percentage: its share of the prestige over its
        share of the field's means."""
        return standing_percent(self.outcome, agency)

    def to_json(self) -> dict[str, Any]:
        """The `lunar-race match --json` document."""
        winners = self.winners
        return {
            "version": __version__,
            "seed": self.seed,
            "scenario": self.scenario,
            "turns": self.turns,
            "termination": self.termination,
            "winner": winners[0] if len(winners) == 1 else None,
            "winners": winners,
            "scores": {
                agency: {
                    "total": self.score(agency),
                    "standing": self.standing(agency),
                    "breakdown": self.breakdown(agency),
                }
                for agency in self.outcome.get("scores", {})
            },
            "seats": {agency: s.to_json() for agency, s in self.seats.items()},
            "wall_time_s": round(self.wall_time, 4),
        }


def split_score(entry: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """An outcome's score entry (category -> points, plus "total") as total and breakdown."""
    breakdown = {k: v for k, v in entry.items() if k != "total"}
    return entry.get("total", sum(breakdown.values())), breakdown


def standing_percent(outcome: Mapping[str, Any], agency: str) -> float | None:
    """An outcome's standing of an agency (kept in thousandths) as a percentage."""
    thousandths = outcome.get("standings", {}).get(agency)
    return None if thousandths is None else thousandths / 10


TurnHook = Callable[[int, Any, list[Any], dict[str, list[Command]]], None]


def run_match(
    seats: Mapping[str, str] | None = None,
    *,
    bot: str = DEFAULT_BOT,
    seed: int,
    scenario: str = "2021",
    turns: int | None = None,
    agencies: list[str] | None = None,
    limits: TimeLimits | None = None,
    on_turn: TurnHook | None = None,
) -> MatchResult:
    """Play one match. `seats` maps agencies to bot specs; other agencies get `bot`.

    `on_turn(turn, state, events, orders)` is called after each turn resolves.
    Raises ValueError for a seat naming an agency not in the match, and `BotSpecError`
    for a spec naming no bot.
    """
    from game import rules

    started = time.perf_counter()
    limits = limits or TimeLimits()
    state = rules.new_match(scenario, seed=seed, agencies=agencies, turns=turns)
    seated = list(state.agencies)
    unknown = sorted(set(seats or {}) - set(seated))
    if unknown:
        raise ValueError(f"no seat for {', '.join(unknown)} in this match (seats: {seated})")
    specs = {agency: (seats or {}).get(agency, bot) for agency in seated}
    opened: dict[str, Seat] = {}
    try:
        for agency in seated:
            opened[agency] = open_seat(specs[agency], agency, seat_seed(seed, agency), limits)
        summaries = {a: SeatSummary(a, specs[a], opened[a].name) for a in seated}
        replay = Replay(
            game_version=__version__,
            content_hash=content_hash(state),
            content_version=content_version(state),
            intel_secret=state.intel_secret,
            scenario=scenario,
            seed=seed,
            turn_limit=turns,
            agencies=seated,
            seats=specs,
            bots={},
            initial_hash=rules.state_hash(state),
        )
        # Subprocess seats first, so they think while the in-process bots decide.
        order = sorted(seated, key=lambda a: not isinstance(opened[a], BotProcess))
        feedback: dict[str, list[Fault]] = {a: [] for a in seated}
        while not rules.is_over(state):
            if state.turn >= MAX_TURNS:
                raise RuntimeError(f"the match did not end within {MAX_TURNS} turns")
            turn = state.turn
            for agency in order:
                opened[agency].begin(
                    turn,
                    rules.view(state, agency),
                    rules.legal_commands(state, agency),
                    feedback[agency],
                )
            orders: dict[str, list[Command]] = {}
            faults: list[dict[str, Any]] = []
            for agency in seated:
                reply = _checked(state, agency, turn, opened[agency].collect())
                summaries[agency].think.append(reply.think)
                feedback[agency] = [reply.fault] if reply.fault else []
                if reply.fault:
                    faults.append({"agency": agency, **reply.fault.to_wire()})
                    summaries[agency].faults.append(reply.fault)
                orders[agency] = reply.orders
            state, events = rules.resolve_turn(state, orders)
            replay.turns.append(
                TurnRecord(
                    turn=turn,
                    orders={a: orders_to_wire(o) for a, o in orders.items()},
                    faults=faults,
                    hash=rules.state_hash(state),
                )
            )
            if on_turn is not None:
                on_turn(turn, state, events, orders)
        assert state.outcome is not None  # the loop ends when the match is over
        outcome = state.outcome.to_wire()
    finally:
        final = state.outcome.to_wire() if state.outcome is not None else None
        for seat in opened.values():
            seat.close(final)
    replay.bots = {a: opened[a].name for a in seated}
    replay.outcome = dict(outcome)
    replay.final_hash = rules.state_hash(state)
    for agency in seated:
        summaries[agency].name = opened[agency].name
    return MatchResult(
        seed=seed,
        scenario=scenario,
        turns=len(replay.turns),
        outcome=outcome,
        seats=summaries,
        wall_time=time.perf_counter() - started,
        replay=replay,
        state=state,
    )


def _checked(state: Any, agency: str, turn: int, reply: SeatReply) -> SeatReply:
    """A reply some of whose orders the rules refuse: those orders are dropped and the rest
    stand (as `resolve_turn` does), and an `illegal` fault tells the seat which and why."""
    from game import rules

    if reply.fault is not None or not reply.orders:
        return reply
    errors = rules.validate(state, agency, reply.orders)
    if not errors:
        return reply
    refused = {e.index for e in errors}
    whole = -1 in refused  # a refusal of the whole turn (too many orders), not of one order
    good = [] if whole else [c for i, c in enumerate(reply.orders) if i not in refused]
    reasons = "; ".join(
        f"order {e.index}: {e.code}: {e.message}" if e.index >= 0 else f"{e.code}: {e.message}"
        for e in errors[:5]
    )
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return SeatReply(good, Fault(turn, FaultKind.ILLEGAL, reasons + more), reply.think)
