"""The first-turn advisor: what a good first move is for the agency the player chose.

The advice is the built-in AI's own plan for this agency's first turn, from its doctrine
(the programs it favours, the partners it courts) and its view, so it follows the agency
rather than a fixed script: the few orders that matter most, in words, with the agency's
nearest public objective as the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.ai.doctrine import doctrine_for
from game.ai.greedy import GreedyPlayer
from game.client.match import MatchModel
from game.rules import Command, Fund, Propose, Research, StartMission

ADVICE_SHOWN = 4  # orders the advice names
PER_KIND = 2  # of them, at most this many of one kind
# What a first move is made of, most telling first: the programs and research that set the
# agency's course, then the partners it courts.
WEIGHT = {StartMission: 0, Fund: 1, Research: 2, Propose: 3}


@dataclass(frozen=True)
class Advice:
    why: str
    orders: list[Command]


_KEPT: list[tuple[object, Advice]] = []  # (the view it was worked out for, the advice)


def first_moves(model: MatchModel) -> Advice:
    """The advice for the seat's current view (worked out once per view)."""
    if not _KEPT or _KEPT[0][0] is not model.view:
        _KEPT[:] = [(model.view, _advise(model))]
    return _KEPT[0][1]


def _advise(model: MatchModel) -> Advice:
    seat = model.seat
    if seat is None or "me" not in model.view:
        return Advice("", [])
    plan = GreedyPlayer(doctrine_for(seat)).orders(model.view, list(model.legal))
    ranked: list[Command] = []
    for order in sorted((c for c in plan if type(c) in WEIGHT), key=lambda c: WEIGHT[type(c)]):
        # A mix of kinds says more about a plan than three programs of one.
        if sum(1 for c in ranked if type(c) is type(order)) < PER_KIND:
            ranked.append(order)
    ranked = ranked[:ADVICE_SHOWN]
    agency = model.content.agencies.get(seat)
    why = agency.note if agency is not None else ""
    own = [
        o
        for o in model.view.get("objectives", [])
        if o.get("agency") == seat and o.get("status") == "open"
    ]
    if own:
        nearest = min(own, key=lambda o: int(o.get("by", 9999)))
        name, by = str(nearest.get("name")), str(nearest.get("by"))
        why += f" Your nearest objective: {name}" + ("." if by in name else f" by {by}.")
    return Advice(why.strip(), ranked)
