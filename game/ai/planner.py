"""The planner bot: looks ahead with rollouts over sampled worlds before it orders.

Each turn the planner:

1. builds a few candidate order sets with the greedy player under different knobs (the
   usual choice; the second to fifth best new mission, or none; more missions; rushing;
   more or less caution at launch; more research; a taste for station modules, for crews
   or for robotic landings);
2. samples worlds consistent with its view (`game.rules.sample_state`: public facts exact,
   rivals' money and research guessed, the dice reseeded), and in each world plays every
   candidate forward with the pure rules: this turn with the candidate's orders, then
   `horizon` turns in which every agency funds and launches what it has (the planner's own
   agency keeps to the candidate's policy for the first `follow` of them);
3. scores each world by its own worth (prestige; the money, programs and knowledge it
   holds, valued at the price its doctrine puts on money; the science its stations will
   still earn), using the same worlds for every candidate so that luck cancels out;
4. orders the candidate with the best mean gain over the usual choice in the same worlds
   (gains within CONFIDENCE standard errors of zero do not count; ties keep the usual).

It is anytime: `samples` worlds per decision, or as many as fit in `ms` milliseconds when
`ms` is set (at least one). With `ms` unset the same seed always gives the same orders.
"""

from __future__ import annotations

import time
from typing import Any

from game.ai.base import Bot
from game.ai.doctrine import doctrine_for
from game.ai.greedy import GreedyPlayer, Knobs
from game.rules import (
    Command,
    Fund,
    Launch,
    State,
    legal_commands,
    load_content,
    resolve_turn,
    sample_state,
)
from game.rules import queries as q
from game.rules import (
    view as view_of,
)

VARIANTS: tuple[Knobs, ...] = (
    Knobs(),
    Knobs(mission_rank=1),
    Knobs(mission_rank=2),
    Knobs(mission_rank=3),
    Knobs(mission_rank=4),
    Knobs(start=False),
    Knobs(thrift=0.3),
    Knobs(rush=True),
    Knobs(caution=0.08),
    Knobs(caution=-0.2),
    Knobs(research_share=0.5),
    Knobs(boost=(("orbital_module", 3.0), ("surface_module", 3.0))),
    Knobs(boost=(("orbital_crew", 2.5), ("crewed_landing", 2.5), ("resupply", 2.0))),
    Knobs(boost=(("sample_return", 2.0), ("rover", 2.0), ("hopper", 2.0), ("lander", 2.0))),
)
WIN_BONUS = 300.0  # a match won (or lost) inside the horizon, in prestige
CONFIDENCE = 0.0  # standard errors a variant must gain by (0: any gain in the mean counts)


class PlannerBot(Bot):
    """Rollout planning over greedy variants. Options: samples, horizon, follow, ms."""

    name = "planner"

    def __init__(
        self,
        agency: str,
        seed: int,
        samples: int = 6,
        horizon: int = 8,
        follow: int = 0,
        ms: int = 0,
    ) -> None:
        super().__init__(agency, seed)
        if samples < 1 or horizon < 0 or follow < 0 or ms < 0:
            raise ValueError("samples must be at least 1; horizon, follow and ms at least 0")
        self.samples = samples
        self.horizon = horizon
        self.follow = follow
        self.ms = ms
        self.doctrine = doctrine_for(agency)
        self.players = [GreedyPlayer(self.doctrine, knobs) for knobs in VARIANTS]
        self.last_worlds = 0  # worlds sampled for the last decision (for reports and tests)

    def decide(self, view: dict[str, Any], legal: list[Command]) -> list[Command]:
        started = time.perf_counter()
        candidates: list[list[Command]] = []
        policies: list[GreedyPlayer] = []
        for player in self.players:
            orders = player.orders(view, legal)
            if orders not in candidates:
                candidates.append(orders)
                policies.append(player)
        self.last_worlds = 0
        if len(candidates) == 1 or view.get("outcome") is not None:
            return candidates[0]
        price = self._price(view)
        results: list[list[float]] = [[] for _ in candidates]
        deadline = started + self.ms / 1000 if self.ms else None
        while True:
            seed = self.rng.randrange(2**31)
            world = sample_state(view, seed)
            for n, orders in enumerate(candidates):
                results[n].append(self._rollout(world, orders, policies[n], price))
            self.last_worlds += 1
            if deadline is None:
                if self.last_worlds >= self.samples:
                    break
            elif time.perf_counter() >= deadline:
                break
        return candidates[self._choose(results)]

    @staticmethod
    def _choose(results: list[list[float]]) -> int:
        """The candidate to order: the usual choice (0) unless another beats it on average
        in the same worlds, by more than CONFIDENCE standard errors of the difference."""
        best, best_gain = 0, 0.0
        for n in range(1, len(results)):
            diffs = [a - b for a, b in zip(results[n], results[0], strict=True)]
            gain = sum(diffs) / len(diffs)
            if len(diffs) > 1:
                variance = sum((d - gain) ** 2 for d in diffs) / (len(diffs) - 1)
                if gain <= CONFIDENCE * (variance / len(diffs)) ** 0.5:
                    continue
            if gain > best_gain:
                best, best_gain = n, gain
        return best

    def _price(self, view: dict[str, Any]) -> float:
        """Prestige a $M is worth to this agency now (less as its treasury fills)."""
        me = view["me"]
        cap = load_content(view["scenario"]).rule("economy").treasury_cap * me["budget"]
        abundance = min(1.0, max(0.0, me["treasury"] / cap)) if cap else 0.0
        return self.doctrine.min_value * (1 - abundance) ** 2

    def _rollout(
        self, world: State, orders: list[Command], policy: GreedyPlayer, price: float
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
                given[me] = policy.orders(view_of(state, me), legal_commands(state, me))
            state, _ = resolve_turn(state, given)
        return standing(state, me, price)


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
        amount = min(q.fund_limit(state, program, False), money)
        if amount > 0:
            orders.append(Fund(program.id, amount))
            money -= amount
    return orders


def standing(state: State, agency: str, price: float) -> float:
    """An agency's worth at the end of a rollout, in prestige.

    Its prestige; its money, programs and knowledge at `price`; and the science its share of
    the stations will still earn (at the crewed rate if crewed now). Rivals are left out:
    their fortunes in a rollout are mostly dice that differ between candidates, and a race
    lost for a first already shows in the agency's own prestige.
    """
    ag = state.agency[agency]
    assets = ag.treasury + sum(ag.research.values())
    assets += sum(p.contributions.get(agency, 0) for p in state.programs.values())
    techs = state.content.techs
    assets += sum(techs[t].cost for t in ag.known)
    remaining = max(0, state.last_turn - state.turn)
    modules = state.content.modules
    to_come = 0.0
    for station in state.stations.values():
        share = station.shares().get(agency, 0.0)
        if share:
            base = sum(modules[m[0]].science for m in station.modules)
            crew = 1.0 + 0.25 * station.crew_count if station.crew else 0.5
            to_come += base * crew * share * remaining
    score = ag.total_prestige + price * assets + to_come
    if state.outcome is not None:
        score += WIN_BONUS if agency in state.outcome.winners else -WIN_BONUS
    return score
