"""Nothing lost without a word: every refund, cap and lapse is an event its agency sees."""

from __future__ import annotations

from game.rules import Answer, Fund, Research, Rush, Scrub
from game.rules import queries as q
from game.rules.state import Proposal
from game.rules.view import events_for
from tests.rules.builders import add_program, income_of, of_kind, opening, resolve_quiet


def test_funding_a_full_schedule_is_shared_pro_rata_and_the_rest_comes_back():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False, partners={"esa": 0})
    limit = q.fund_limit(state, program, False)
    after, events = resolve_quiet(
        state, {"nasa": [Fund(program.id, limit)], "esa": [Fund(program.id, limit // 2)]}
    )
    paid = after.programs[program.id].contributions
    assert after.programs[program.id].paid == limit == paid["nasa"] + paid["esa"]
    assert abs(paid["nasa"] - 2 * paid["esa"]) <= 2
    returned = {e.agency: e for e in of_kind(events, "funding_returned")}
    assert returned["nasa"].data["amount"] == limit - paid["nasa"]
    assert returned["esa"].data["amount"] == limit // 2 - paid["esa"]
    assert returned["esa"].visible_to == ("esa",)
    assert "its schedule was full" in returned["esa"].text
    income = income_of(state, "esa")
    assert after.agency["esa"].treasury == state.agency["esa"].treasury - paid["esa"] + income


def test_a_partner_funding_a_program_its_lead_already_filled_hears_it_came_back():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False, partners={"esa": 0})
    program.paid = program.cost - 10  # ten $M left to pay: the lead's order fills it
    after, events = resolve_quiet(
        state, {"nasa": [Fund(program.id, 10)], "esa": [Fund(program.id, 10)]}
    )
    assert after.programs[program.id].paid == program.cost
    returned = of_kind(events, "funding_returned")
    assert sum(e.data["amount"] for e in returned) == 10
    assert all(e.visible_to == (e.agency,) for e in returned)
    funded = sum(e.data["amount"] for e in of_kind(events, "program_funded"))
    assert funded == 10


def test_funding_a_program_scrubbed_the_same_turn_comes_back_named():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False, partners={"esa": 0})
    _, events = resolve_quiet(state, {"nasa": [Scrub(program.id)], "esa": [Fund(program.id, 50)]})
    [returned] = of_kind(events, "funding_returned")
    assert (returned.agency, returned.data["amount"]) == ("esa", 50)
    assert program.name in returned.text and "cancelled" in returned.text


def test_rushing_a_program_scrubbed_the_same_turn_costs_nothing_and_says_so():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False)
    _, events = resolve_quiet(state, {"nasa": [Scrub(program.id), Rush(program.id)]})
    [void] = of_kind(events, "order_void")
    assert void.visible_to == ("nasa",) and program.name in void.text


def test_each_contributor_hears_what_a_scrub_gave_back():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", partners={"esa": 100})
    _, events = resolve_quiet(state, {"nasa": [Scrub(program.id)]})
    refunds = {e.agency: e for e in of_kind(events, "scrub_refund")}
    refund = state.content.rule("economy").scrub_refund
    assert refunds["esa"].data["amount"] == int(100 * refund)
    assert refunds["esa"].visible_to == ("esa",)
    assert refunds["nasa"].data["lost"] > 0


def test_money_over_the_treasury_cap_is_reported_lost():
    state = opening()
    ag = state.agency["esa"]
    cap = int(state.content.rule("economy").treasury_cap * ag.budget)
    ag.treasury = cap
    after, events = resolve_quiet(state)
    [capped] = of_kind(events, "treasury_capped")
    assert (capped.agency, capped.visible_to) == ("esa", ("esa",))
    assert capped.data["amount"] == income_of(state, "esa")
    assert f"{income_of(state, 'esa')} $M over" in capped.text and "was lost" in capped.text
    assert after.agency["esa"].treasury == cap
    assert [e["kind"] for e in events_for(events, "esa")].count("treasury_capped") == 1
    assert "treasury_capped" not in [e["kind"] for e in events_for(events, "nasa")]


def test_research_a_partner_made_cheaper_the_same_turn_gives_back_the_difference():
    state = opening()
    first, second = [a for a in state.agencies if a in ("nasa", "esa")]
    tech = next(
        t
        for t in state.content.techs
        if all(
            t not in state.agency[a].known and q.prerequisites_met(state, a, t)
            for a in (first, second)
        )
    )
    for a in (first, second):
        state.agency[a].research[tech] = q.research_target(state, a, tech) - 1
    after, events = resolve_quiet(state, {first: [Research(tech, 1)], second: [Research(tech, 1)]})
    assert tech in after.agency[first].known and tech in after.agency[second].known
    [refund] = of_kind(events, "research_refunded")
    assert (refund.agency, refund.visible_to) == (second, (second,))
    assert refund.data["amount"] > 0


def test_an_accepted_proposal_that_lapses_names_what_it_was():
    state = opening()
    state.proposals["p90"] = Proposal("p90", "nasa", "cnsa", "docking", -1)
    _, events = resolve_quiet(state, {"cnsa": [Answer("p90", True)]})
    [lapsed] = of_kind(events, "proposal_lapsed")
    assert set(lapsed.visible_to or ()) == {"nasa", "cnsa"}
    assert state.content.treaties["docking"].name in lapsed.text
