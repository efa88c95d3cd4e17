"""Research: techs are learned over turns, then refined for reliability up to their cap."""

from __future__ import annotations

from math import ceil

from game.rules import Code, Research, check, view
from game.rules import queries as q
from tests.rules.builders import income_of, learn, of_kind, opening, resolve_quiet


def test_research_is_paced_by_the_techs_minimum_turns_and_completes_with_tech_learned():
    state = opening()
    tech = state.content.techs["heavy_launcher"]
    cost = q.research_cost(state, "nasa", "heavy_launcher")
    per_turn = ceil(cost / tech.min_turns)
    assert q.research_limit(state, "nasa", "heavy_launcher") == per_turn
    turns = 0
    while "heavy_launcher" not in state.agency["nasa"].known:
        amount = q.research_limit(state, "nasa", "heavy_launcher")
        assert 0 < amount <= per_turn
        state, events = resolve_quiet(state, {"nasa": [Research("heavy_launcher", amount)]})
        turns += 1
        assert turns <= tech.min_turns
    learned = of_kind(events, "tech_learned")
    assert [(e.agency, e.data["tech"], e.visible_to) for e in learned] == [
        ("nasa", "heavy_launcher", ("nasa",))
    ]
    assert "heavy_launcher" not in state.agency["nasa"].research
    assert view(state, "nasa")["me"]["systems"]["heavy_launcher"] == tech.reliability


def test_research_money_leaves_the_treasury():
    state = opening()
    before = state.agency["nasa"].treasury
    after, _ = resolve_quiet(state, {"nasa": [Research("heavy_launcher", 300)]})
    income = income_of(state, "nasa")
    assert after.agency["nasa"].treasury == before - 300 + income


def test_a_tech_sharing_partner_who_knows_a_tech_makes_it_cheaper():
    state = opening()
    # ESA shares technology with NASA through the Gateway partnership; NASA knows landers.
    shared = q.research_cost(state, "esa", "robotic_lander")
    assert shared < state.content.techs["robotic_lander"].cost
    state.agreements.pop("gateway_partnership")
    assert (
        q.research_cost(state, "esa", "robotic_lander")
        == state.content.techs["robotic_lander"].cost
    )


def test_a_refinement_raises_the_techs_reliability_by_one_step():
    state = opening()
    step = state.content.rule("reliability").refine_step
    before = q.tech_reliability(state, "nasa", "medium_launcher")
    cost = q.refine_cost(state, "nasa", "medium_launcher")
    after, events = resolve_quiet(state, {"nasa": [Research("medium_launcher", cost)]})
    assert [e.data["tech"] for e in of_kind(events, "tech_refined")] == ["medium_launcher"]
    assert after.agency["nasa"].known["medium_launcher"] == 1
    assert q.tech_reliability(after, "nasa", "medium_launcher") == before + step
    assert (
        view(after, "nasa")["me"]["systems"]["launcher"]
        > view(state, "nasa")["me"]["systems"]["launcher"]
    )


def test_refinement_stops_at_the_techs_cap():
    state = opening()
    tech = state.content.techs["medium_launcher"]
    step = state.content.rule("reliability").refine_step
    steps_to_cap = ceil((tech.cap - tech.reliability) / step - 1e-9)
    learn(state, "nasa", "medium_launcher", refinements=steps_to_cap - 1)
    assert q.can_refine(state, "nasa", "medium_launcher")
    cost = q.refine_cost(state, "nasa", "medium_launcher")
    after, _ = resolve_quiet(state, {"nasa": [Research("medium_launcher", cost)]})
    assert abs(q.tech_reliability(after, "nasa", "medium_launcher") - tech.cap) < 1e-9
    assert not q.can_refine(after, "nasa", "medium_launcher")
    assert check(after, "nasa", Research("medium_launcher", cost)).code == Code.TECH_MAXED
    assert view(after, "nasa")["me"]["techs"]["medium_launcher"]["refinable"] is False


def test_system_reliability_adds_flight_experience_but_stays_under_the_ceiling():
    state = opening()
    rules = state.content.rule("reliability")
    base = q.system_reliability(state, "nasa", "launcher")
    state.agency["nasa"].experience["launcher"] = 0.04
    assert q.system_reliability(state, "nasa", "launcher") == min(rules.ceiling, base + 0.04)
    learn(state, "nasa", "medium_launcher", refinements=50)
    state.agency["nasa"].experience["launcher"] = rules.experience_cap
    assert q.system_reliability(state, "nasa", "launcher") <= rules.ceiling
    assert q.system_reliability(state, "esa", "crew") == 0.0
