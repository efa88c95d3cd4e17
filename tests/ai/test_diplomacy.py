"""Greedy's diplomacy: proposals judged by their worth, counters, withdrawals, blocs."""

from __future__ import annotations

from game import rules
from game.ai.diplomacy import Diplomat
from game.ai.doctrine import doctrine_for
from game.ai.greedy import GreedyBot
from game.ai.reading import Reading
from game.rules import Answer, Propose, State, Withdraw
from game.rules.state import Agreement, Proposal


def _orders(state: State, agency: str) -> list[rules.Command]:
    view = rules.view(state, agency)
    return GreedyBot(agency, 1).decide(view, rules.legal_commands(state, agency))


def _diplomat(state: State, agency: str) -> Diplomat:
    legal = set(rules.legal_commands(state, agency))
    return Diplomat(Reading(rules.view(state, agency)), doctrine_for(agency), legal)


def test_a_treaty_worth_less_than_its_dues_is_declined_and_countered():
    state = rules.new_match(seed=3)
    # CSA flies no crews at the start: emergency assistance gives it nothing for its dues.
    state.proposals["p90"] = Proposal("p90", "esa", "csa", "emergency_assistance", 0)
    diplomat = _diplomat(state, "csa")
    assert diplomat.weigh_treaty("emergency_assistance", "esa").net < 0
    orders = _orders(state, "csa")
    assert Answer("p90", False) in orders
    counters = [c for c in orders if isinstance(c, Propose) and c.to == "esa"]
    for counter in counters:  # a counter, if any, is a treaty worth its dues to CSA
        assert counter.treaty != "emergency_assistance"
        assert diplomat.weigh_treaty(counter.treaty, "esa").net > 0


def test_a_treaty_worth_its_dues_is_accepted():
    state = rules.new_match(seed=3)
    # JAXA knows far fewer techs than NASA: sharing them is worth its dues.
    state.agreements["gateway_partnership"].terms.remove("tech_sharing")
    state.proposals["p90"] = Proposal("p90", "nasa", "jaxa", "tech_sharing", 0)
    assert _diplomat(state, "jaxa").weigh_treaty("tech_sharing", "nasa").net > 0
    assert Answer("p90", True) in _orders(state, "jaxa")


def _with_assistance_treaty() -> State:
    """A match where CSA and ESA signed an emergency-assistance treaty on the first turn."""
    state = rules.new_match(seed=3)
    state.agreements["t50"] = Agreement(
        "t50",
        "emergency_assistance",
        "Emergency assistance",
        ["csa", "esa"],
        "csa",
        ["emergency_assistance"],
        0,
    )
    return state


def test_a_treaty_whose_dues_outlive_its_use_is_left_after_its_notice():
    state = _with_assistance_treaty()
    state.turn = state.content.rule("diplomacy").notice
    assert Withdraw("t50") in _orders(state, "csa")


def test_a_fresh_treaty_is_kept_while_breaking_it_costs_more_than_its_dues():
    state = _with_assistance_treaty()
    state.turn = 1
    assert Withdraw("t50") not in _orders(state, "csa")


def test_an_alliance_whose_partner_races_its_own_claim_is_worth_less_than_nothing():
    state = rules.new_match(seed=3)
    diplomat = _diplomat(state, "cnsa")
    diplomat.claims = {"cnsa": "s1", "roscosmos": "s2"}
    assert diplomat.alliance_worth("roscosmos") < 0


def test_the_lead_turns_away_a_rival_ahead_of_it_from_a_bloc_with_an_alliance():
    state = rules.new_match(seed=3)
    state.agency["roscosmos"].prestige["firsts"] = 200
    state.agreements["ilrs"].members.remove("roscosmos")
    state.proposals["p90"] = Proposal("p90", "roscosmos", "nasa", "join_bloc", 0, "artemis_accords")
    state.proposals["p91"] = Proposal(
        "p91", "roscosmos", "nasa", "join_bloc", 0, "gateway_partnership"
    )
    orders = _orders(state, "nasa")
    assert Answer("p91", False) in orders  # would share a presence victory with a leader


def test_greedy_leaves_its_bloc_for_the_rival_one_when_that_pays_clearly_better():
    state = rules.new_match(seed=3)
    state.turn = 10
    state.agreements["gateway_partnership"].terms[:] = ["alliance"]
    state.agreements["ilrs"].terms.append("data_release")  # an ILRS that shares its science
    state.agency["cnsa"].prestige["science"] = 600
    assert _diplomat(state, "esa").switch_gain("gateway_partnership") > 0
    assert Withdraw("gateway_partnership") in _orders(state, "esa")
    after, _ = rules.resolve_turn(state, {"esa": [Withdraw("gateway_partnership")]})
    assert Propose("cnsa", "join_bloc", bloc="ilrs") in _orders(after, "esa")


def test_without_a_better_rival_bloc_greedy_stays_in_its_own():
    state = rules.new_match(seed=3)
    state.turn = 10
    assert _diplomat(state, "esa").switch_gain("gateway_partnership") == 0
    assert Withdraw("gateway_partnership") not in _orders(state, "esa")
