"""The planner bot: looks ahead with rollouts over sampled worlds before it orders.

Each turn the planner:

1. builds a few candidate order sets with the greedy player under different knobs (the
   usual choice; the second to fifth best new mission, or none; more missions; rushing;
   more or less caution at launch; more research; a taste for station modules, for crews
   or for robotic landings; no proposals; none or 60% of income paid into partners'
   programs);
2. samples worlds consistent with its view (`game.rules.sample_state`: public facts exact,
   rivals' money and research guessed, the dice reseeded), and in each world plays every
   candidate forward with the pure rules: this turn with the candidate's orders, then
   `horizon` turns in which every agency funds and launches what it has (the planner's own
   agency keeps to the candidate's policy for the first `follow` of them);
3. scores each rollout by its `outlook`: the score the agency can expect at the end of the
   match (its final score so far, the science its stations will still earn, and its pace
   of prestige over the turns still to play, which a match ended early forfeits), its
   money, programs and knowledge at the price its doctrine puts on money, and a bonus for
   winning, shared among the winners, or for the chance of finishing ahead of every rival;
4. spends its worlds where they matter (successive halving): every candidate meets the
   first `first` worlds, then the worse half of the candidates is dropped each time the
   number of worlds doubles, the usual choice always kept as the yardstick. Every
   candidate meets the same worlds, so luck largely cancels out between them;
5. orders the candidate with the best mean gain over the usual choice in the worlds both
   met, if that gain clears CONFIDENCE standard errors; otherwise the usual choice.

It is anytime: `samples` worlds per decision, or as many as fit in `ms` milliseconds when
`ms` is set (at least one). With `ms` unset the same seed always gives the same orders.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from game import rules
from game.ai.base import Bot
from game.ai.doctrine import Doctrine, doctrine_for
from game.ai.greedy import GreedyPlayer, Knobs
from game.rules import (
    Command,
    Fund,
    Launch,
    State,
    View,
    final_scores,
    fund_limit,
    legal_commands,
    load_content,
    means,
    resolve_turn,
    sample_state,
)


@dataclass(frozen=True)
class Variant:
    """One way to play the doctrine: greedy knobs, and optionally another partner share."""

    knobs: Knobs = field(default_factory=Knobs)
    partner_share: float | None = None  # share of income paid into partners' programs

    def player(self, doctrine: Doctrine) -> GreedyPlayer:
        if self.partner_share is not None:
            doctrine = replace(doctrine, partner_share=self.partner_share)
        return GreedyPlayer(doctrine, self.knobs)


VARIANTS: tuple[Variant, ...] = (
    Variant(),
    Variant(Knobs(mission_rank=1)),
    Variant(Knobs(mission_rank=2)),
    Variant(Knobs(mission_rank=3)),
    Variant(Knobs(mission_rank=4)),
    Variant(Knobs(start=False)),
    Variant(Knobs(thrift=0.3)),
    Variant(Knobs(rush=True)),
    Variant(Knobs(caution=0.08)),
    Variant(Knobs(caution=-0.2)),
    Variant(Knobs(research_share=0.5)),
    Variant(Knobs(boost=(("orbital_module", 3.0), ("surface_module", 3.0)))),
    Variant(Knobs(boost=(("orbital_crew", 2.5), ("crewed_landing", 2.5), ("resupply", 2.0)))),
    Variant(
        Knobs(boost=(("sample_return", 2.0), ("rover", 2.0), ("hopper", 2.0), ("lander", 2.0)))
    ),
    Variant(Knobs(diplomacy=False)),
    Variant(partner_share=0.0),
    Variant(partner_share=0.6),
)
WIN_BONUS = 300.0  # winning the match alone, in prestige; a shared win is split
CONFIDENCE = 0.5  # standard errors of the gain a variant must beat the usual choice by
PACE_SPREAD = (50.0, 15.0)  # uncertainty of the final margin: constant + per turn to play


class PlannerBot(Bot):
    """Rollout planning over greedy variants.

    Options: samples (worlds per decision), horizon (turns per rollout), follow, ms (a time
    budget instead of samples), first (worlds every candidate meets before any is dropped).
    """

    name = "planner"
    # The clock a time budget is read from; a test can step it instead of racing it.
    clock: Callable[[], float] = staticmethod(time.perf_counter)

    def __init__(
        self,
        agency: str,
        seed: int,
        samples: int = 24,
        horizon: int = 8,
        follow: int = 0,
        ms: int = 0,
        first: int = 4,
    ) -> None:
        super().__init__(agency, seed)
        if samples < 1 or horizon < 0 or follow < 0 or ms < 0 or first < 1:
            raise ValueError(
                "samples and first must be at least 1; horizon, follow and ms at least 0"
            )
        self.samples = samples
        self.horizon = horizon
        self.follow = follow
        self.ms = ms
        self.first = first
        self.doctrine = doctrine_for(agency)
        self.players = [variant.player(self.doctrine) for variant in VARIANTS]
        # What the last decision did (for reports and tests).
        self.last_worlds = 0  # worlds sampled
        self.last_rollouts = 0  # candidates played forward, summed over the worlds
        self.last_choice = 0  # the candidate ordered (0: the usual choice)
        self.last_candidates = 1  # distinct candidates

    def decide(self, view: View, legal: list[Command]) -> list[Command]:
        started = self.clock()
        candidates: list[list[Command]] = []
        policies: list[GreedyPlayer] = []
        for player in self.players:
            orders = player.orders(view, legal)
            if orders not in candidates:
                candidates.append(orders)
                policies.append(player)
        self.last_worlds = self.last_rollouts = self.last_choice = 0
        self.last_candidates = len(candidates)
        if len(candidates) == 1 or view.get("outcome") is not None:
            return candidates[0]
        price = self._price(view)
        results: list[list[float]] = [[] for _ in candidates]
        active = list(range(len(candidates)))
        deadline = started + self.ms / 1000 if self.ms else None
        checkpoint = self.first
        while True:
            world = sample_state(view, self.rng.randrange(2**31))
            pace = prestige_pace(world)
            for n in active:
                results[n].append(self._rollout(world, candidates[n], policies[n], price, pace))
            self.last_worlds += 1
            self.last_rollouts += len(active)
            if deadline is None:
                if self.last_worlds >= self.samples:
                    break
            elif self.clock() >= deadline:
                break
            if self.last_worlds >= checkpoint:
                active = halve(results, active)
                checkpoint *= 2
        self.last_choice = choose(results, active)
        return candidates[self.last_choice]

    def _price(self, view: View) -> float:
        """Prestige a $M is worth to this agency now (less as its treasury fills)."""
        me = view["me"]
        cap = load_content(view["scenario"]).rule("economy").treasury_cap * me["budget"]
        abundance = min(1.0, max(0.0, me["treasury"] / cap)) if cap else 0.0
        return self.doctrine.min_value * (1 - abundance) ** 2

    def _rollout(
        self,
        world: State,
        orders: list[Command],
        policy: GreedyPlayer,
        price: float,
        pace: dict[str, float],
    ) -> float:
        """Play the candidate, then `horizon` turns in which everyone is on autopilot but
        this agency, which keeps to the candidate's policy for the first `follow` of them."""
        me = self.agency
        state = world
        first = {a: autopilot(state, a) for a in state.agencies if a != me}
        first[me] = orders
        state, _ = resolve_turn(state, first)
        for turn in range(self.horizon):
            if state.outcome is not None:
                break
            given = {a: autopilot(state, a) for a in state.agencies}
            if turn < self.follow:
                given[me] = policy.orders(rules.view(state, me), legal_commands(state, me))
            state, _ = resolve_turn(state, given)
        return outlook(state, me, price, pace)


def gain(results: list[list[float]], n: int) -> tuple[float, float]:
    """Candidate n's mean gain over the usual choice (0) in the worlds both met, and the
    standard error of that mean."""
    diffs = [a - b for a, b in zip(results[n], results[0], strict=False)]
    mean = sum(diffs) / len(diffs)
    if len(diffs) < 2:
        return mean, 0.0
    variance = sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)
    return mean, (variance / len(diffs)) ** 0.5


def halve(results: list[list[float]], active: list[int]) -> list[int]:
    """The usual choice and the better half of the other active candidates."""
    others = sorted(active[1:], key=lambda n: (-gain(results, n)[0], n))
    return [0, *others[: (len(others) + 1) // 2]]


def choose(results: list[list[float]], active: list[int]) -> int:
    """The active candidate with the best mean gain over the usual choice, if that gain
    clears CONFIDENCE standard errors; else the usual choice (0)."""
    best, best_gain = 0, 0.0
    for n in active[1:]:
        mean, error = gain(results, n)
        if mean > CONFIDENCE * error and mean > best_gain:
            best, best_gain = n, mean
    return best


def autopilot(state: State, agency: str) -> list[Command]:
    """What any agency does on a quiet turn: pay its programs on schedule, fly ready ones."""
    money = state.agency[agency].treasury
    orders: list[Command] = []
    for program in state.programs.values():
        if program.agency != agency:
            continue
        if program.phase == "ready":
            orders.append(Launch(program.id))
            continue
        amount = min(fund_limit(state, program, False), money)
        if amount > 0:
            orders.append(Fund(program.id, amount))
            money -= amount
    return orders


def prestige_pace(state: State) -> dict[str, float]:
    """Prestige each agency has earned per turn so far in the match."""
    turns = max(1, state.turn)
    return {a: state.agency[a].total_prestige / turns for a in state.agencies}


def holdings(state: State, agency: str) -> float:
    """An agency's money, the money it paid into programs, and its knowledge, in $M."""
    ag = state.agency[agency]
    held = ag.treasury + sum(ag.research.values())
    held += sum(p.contributions.get(agency, 0) for p in state.programs.values())
    techs = state.content.techs
    return held + sum(techs[t].cost for t in ag.known)


def station_science(state: State, agency: str) -> float:
    """The science an agency's share of the stations will still earn by the end of the
    match (at the crewed rate if crewed now)."""
    remaining = max(0, state.last_turn - state.turn)
    modules = state.content.modules
    to_come = 0.0
    for station in state.stations.values():
        share = station.shares().get(agency, 0.0)
        if share:
            base = sum(modules[m[0]].science for m in station.modules)
            crew = 1.0 + 0.25 * station.crew_count if station.crew else 0.5
            to_come += base * crew * share * remaining
    return to_come


def outlook(state: State, agency: str, price: float, pace: dict[str, float]) -> float:
    """What an agency can expect from the match at the end of a rollout, in prestige.

    A match that is over is worth its final score, plus WIN_BONUS shared among the winners.
    One that goes on is worth each agency's projected final score - its final score so far,
    the science its stations will still earn, and its `pace` (prestige per turn) over the
    turns still to play - plus this agency's holdings at `price`, plus WIN_BONUS times the
    chance that its projection, over its means (docs/rules.md, "Standing"), ends ahead of
    every rival's (the standing that decides the winner at the scenario's end). So ending
    the match early costs the turns it would still have earned in, and what counts for the
    win is how it fares against its rivals.
    """
    if state.outcome is not None:
        winners = state.outcome.winners
        bonus = WIN_BONUS / len(winners) if agency in winners else 0.0
        return state.outcome.scores[agency]["total"] + bonus
    scores = final_scores(state)
    remaining = max(0, state.last_turn - state.turn + 1)
    projected = {
        a: scores[a]["total"] + station_science(state, a) + pace[a] * remaining
        for a in state.agencies
    }
    # The winner at the end is the best standing: the score over the agency's means.
    expected = {a: means(state.content, a) for a in state.agencies}
    best_rival = max(projected[a] / expected[a] for a in state.agencies if a != agency)
    lead = projected[agency] - best_rival * expected[agency]
    spread = PACE_SPREAD[0] + PACE_SPREAD[1] * remaining
    chance = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, lead / spread))))
    return projected[agency] + price * holdings(state, agency) + WIN_BONUS * chance
