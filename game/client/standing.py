"""Standing orders: what the player asks the client to queue every turn, so a long match is
not a dozen identical clicks a turn.

"Fund my programs on schedule" puts a funding order for each program the seat leads or
shares at the amount the server offers (its schedule, or what is left to pay), as long as
the money lasts, when a turn begins or when the player turns it on. The orders are ordinary
orders in the draft: they show in the orders list and can be taken out or changed like any
other; a standing order queues once a turn, so what the player takes out stays out.
"""

from __future__ import annotations

from game.client.match import MatchModel
from game.rules import Command, Fund, orders_cost

FUND_ON_SCHEDULE = "fund_on_schedule"


def fund_on_schedule(model: MatchModel) -> bool:
    return FUND_ON_SCHEDULE in model.standing_orders


def set_fund_on_schedule(model: MatchModel, on: bool) -> None:
    """Turn the standing order on (queuing this turn's funding now) or off."""
    if on:
        model.standing_orders.add(FUND_ON_SCHEDULE)
        model.standing_turn = -1
        queue(model)
    else:
        model.standing_orders.discard(FUND_ON_SCHEDULE)


def funding_due(model: MatchModel) -> list[Command]:
    """The funding orders the standing order would add now: every program not yet funded
    in the draft, at the offered amount, while the treasury covers them."""
    me = model.view.get("me")
    if not fund_on_schedule(model) or not isinstance(me, dict):
        return []
    left = int(me.get("treasury", 0)) - model.spending()
    funded = {c.program for c in model.draft if isinstance(c, Fund)}
    due: list[Command] = []
    for fund in model.legal_of(Fund):
        if fund.program in funded:
            continue
        cost = orders_cost(model.view, [fund])
        if cost <= left:
            due.append(fund)
            left -= cost
    return due


def queue(model: MatchModel) -> bool:
    """Queue this turn's standing orders once; True if the draft changed."""
    if model.standing_turn == model.version or model.final or model.outcome is not None:
        return False
    model.standing_turn = model.version
    due = funding_due(model)
    if due:
        model.set_draft(model.draft + due)
    return bool(due)


def queued_by_standing(model: MatchModel, order: Command) -> bool:
    """Whether an order on file is one a standing order would have queued."""
    return fund_on_schedule(model) and isinstance(order, Fund) and order in model.legal
