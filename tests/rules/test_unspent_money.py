"""What ending a turn would let go to waste, as a player's own view tells it: income over the
treasury cap, or everything left on the match's last turn."""

from __future__ import annotations

from game.rules import Research, new_match, unspent_money_lost, view


def _view_with(treasury: int, *, last: bool = False):
    state = new_match("2021", seed=1, turns=6)
    state.agency["csa"].treasury = treasury
    if last:
        state.turn = state.last_turn
    return state.content, view(state, "csa")


def test_nothing_is_lost_below_the_cap():
    content, v = _view_with(100)
    assert unspent_money_lost(content, v, []) == 0


def test_income_over_the_cap_is_lost_up_to_what_is_left_unspent():
    content, v = _view_with(0)
    me = v["me"]
    cap = int(content.rule("economy").treasury_cap * me["budget"])
    over = cap - me["income"] + me["dues"] + 50  # 50 $M more than the treasury can keep
    content, v = _view_with(over)
    assert unspent_money_lost(content, v, []) == 50
    tech = next(t for t, entry in v["me"]["techs"].items() if entry["status"] == "available")
    research = Research(tech, 30)
    assert unspent_money_lost(content, v, [research]) == 20  # spending it saves it


def test_everything_left_on_the_last_turn_is_lost():
    content, v = _view_with(120, last=True)
    assert unspent_money_lost(content, v, []) == 120
