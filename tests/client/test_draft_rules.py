"""The client's draft follows the rules: orders that replace each other in a draft are
exactly those the server's `validate` refuses to take together."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from game.ai.doctrine import doctrine_for
from game.ai.greedy import GreedyPlayer
from game.client.match import MatchModel
from game.rules import (
    COMMAND_KINDS,
    Code,
    Command,
    Fund,
    OrderSheet,
    Research,
    Rng,
    State,
    legal_commands,
    new_match,
    resolve_turn,
    validate,
    view,
)

EACH_KIND = 8  # legal commands of each kind tried against every other


@cache
def mid_game() -> tuple[State, str]:
    """The first state of a seeded greedy match in which some agency may give every kind
    of order, and that agency."""
    state = new_match(seed=3)
    players = {a: GreedyPlayer(doctrine_for(a)) for a in state.agencies}
    while state.outcome is None:
        for agency in state.agencies:
            kinds = {c.KIND for c in legal_commands(state, agency)}
            if kinds == set(COMMAND_KINDS):
                return state, agency
        orders = {
            a: players[a].orders(view(state, a), legal_commands(state, a)) for a in state.agencies
        }
        state, _ = resolve_turn(state, orders)
    raise AssertionError("no agency could give every kind of order in this match")


def samples(legal: list[Command], kind: str) -> list[Command]:
    """Up to EACH_KIND legal commands of a kind, and the same payments at another amount."""
    of_kind = [c for c in legal if kind == c.KIND][:EACH_KIND]
    return of_kind + [replace(c, amount=1) for c in of_kind if isinstance(c, Research | Fund)]


def test_the_draft_replaces_exactly_the_orders_validation_refuses_together():
    state, agency = mid_game()
    legal = legal_commands(state, agency)
    model = MatchModel(state.content, agency)
    remembered: dict = {}
    disagreements = []
    clashing_kinds = set()
    for first_kind in COMMAND_KINDS:
        for second_kind in COMMAND_KINDS:
            for first in samples(legal, first_kind):
                for second in samples(legal, second_kind):
                    model.draft = [first]
                    model.add_order(second)
                    replaced = model.draft == [second]
                    errors = validate(state, agency, [first, second], remembered=remembered)
                    refused = any(e.index == 1 and e.code == Code.DUPLICATE for e in errors)
                    if replaced != refused:
                        disagreements.append((first, second, replaced, refused))
                    if refused:
                        clashing_kinds.add((first_kind, second_kind))
    assert disagreements == []
    # The pairs that must clash were met: a launch and a scrub of one program among them.
    assert {("launch", "scrub"), ("delay", "launch"), ("research", "research")} <= clashing_kinds


def test_a_sheet_from_the_view_fits_and_prices_orders_as_the_server_does():
    state, agency = mid_game()
    legal = legal_commands(state, agency)
    rng = Rng(5)
    for _ in range(20):
        served = OrderSheet.for_state(state, agency)
        seen = OrderSheet.for_view(view(state, agency))
        for _ in range(30):
            cmd = legal[rng.below(len(legal))]
            assert seen.cost(cmd) == served.cost(cmd)
            assert seen.misfit(cmd) == served.misfit(cmd)
            assert seen.add(cmd) == served.add(cmd)
        assert seen.orders == served.orders and seen.spent == served.spent
        assert not [e for e in validate(state, agency, served.orders)]
