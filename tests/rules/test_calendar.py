"""The calendar: income every half-year, the yearly budget review, and the scenario's beats."""

from __future__ import annotations

from game.rules import BuyService, Code, StartMission, State, check, validate
from game.rules.queries import dues
from game.rules.setup import appropriation, yearly_budget
from tests.rules.builders import income_of, learn, of_kind, opening, resolve, resolve_quiet


def _at(turn: int) -> State:
    """The opening position moved to a later turn of the calendar."""
    state = opening()
    state.turn = turn
    return state


def test_each_half_year_brings_half_the_yearly_budget_less_dues():
    state = opening()
    after, _ = resolve_quiet(state)
    for agency in state.agencies:
        ag = state.agency[agency]
        owed = dues(state, agency)
        assert owed > 0  # every agency starts in a bloc
        assert after.agency[agency].treasury == ag.treasury + ag.budget // 2 - owed


def test_there_is_no_budget_review_in_the_first_half_of_a_year():
    state = opening()
    _, events = resolve_quiet(state)
    assert state.date.endswith("H1")
    assert not of_kind(events, "budget_review")


def test_the_yearly_review_sets_the_budget_from_support():
    state, _ = resolve_quiet(opening())
    assert state.date.endswith("H2")
    after, events = resolve_quiet(state)
    reviews = {e.agency: e for e in of_kind(events, "budget_review")}
    assert set(reviews) == set(state.agencies)
    economy = state.content.rule("economy")
    for agency in state.agencies:
        ag = after.agency[agency]
        assert reviews[agency].visible_to == (agency,)
        assert reviews[agency].data == {"support": ag.support, "budget": ag.budget}
        assert ag.budget == yearly_budget(
            state.content.agencies[agency].budget,
            ag.support,
            economy,
            appropriation(state, agency, state.year + 1),
        )
        assert ag.year_prestige == ag.total_prestige


def test_prestige_earned_in_a_year_raises_support_at_the_review():
    state, _ = resolve_quiet(opening())
    state.agency["esa"].prestige["firsts"] += 40
    state.agency["jaxa"].support = state.agency["esa"].support
    after, _ = resolve_quiet(state)
    assert after.agency["esa"].support > after.agency["jaxa"].support
    assert after.agency["esa"].budget > state.agency["esa"].budget


def test_support_drifts_back_toward_the_middle_each_year():
    state, _ = resolve_quiet(opening())
    state.agency["csa"].support = 90
    after, _ = resolve_quiet(state)
    assert 50 < after.agency["csa"].support < 90


def test_unspent_money_is_capped_at_two_yearly_budgets():
    state = opening()
    cap = int(state.content.rule("economy").treasury_cap * state.agency["csa"].budget)
    state.agency["csa"].treasury = cap
    after, _ = resolve_quiet(state)
    assert after.agency["csa"].treasury == cap


def test_the_iss_retires_in_2028_h2_dissolving_its_partnership_and_opening_leo_access():
    state = _at(opening().content.turn_of(2028, 2))
    assert state.date == "2028 H2"
    assert "iss" in state.agreements
    assert check(state, "esa", BuyService("leo_station_access")).code == Code.SERVICE_UNAVAILABLE
    after, events = resolve_quiet(state)
    assert "iss" not in after.agreements
    assert "leo_station_access" in after.services
    assert any(
        "International Space Station is retired" in e.text for e in of_kind(events, "history")
    )
    assert validate(after, "esa", [BuyService("leo_station_access")]) == []


def test_iss_partners_earn_science_until_the_iss_retires():
    state = opening()
    before, _ = resolve_quiet(state)
    iss = state.content.rule("commercial").iss_science
    assert before.agency["esa"].prestige["science"] == iss
    assert before.agency["cnsa"].prestige["science"] == 0
    late, _ = resolve_quiet(_at(opening().content.turn_of(2028, 2)))
    after, _ = resolve_quiet(late)
    assert after.agency["esa"].prestige["science"] == late.agency["esa"].prestige["science"]


def test_leo_station_access_buys_science_and_support_for_its_price():
    state, _ = resolve_quiet(_at(opening().content.turn_of(2028, 2)))
    assert state.date == "2029 H1"  # no review to move support this turn
    com = state.content.rule("commercial")
    after, events = resolve_quiet(state, {"cnsa": [BuyService("leo_station_access")]})
    cnsa, was = after.agency["cnsa"], state.agency["cnsa"]
    assert cnsa.treasury == was.treasury - com.leo_access_cost + income_of(state, "cnsa")
    assert cnsa.prestige["science"] == was.prestige["science"] + com.leo_access_science
    assert cnsa.support == was.support + com.leo_access_support
    assert [e.visible_to for e in of_kind(events, "service_bought")] == [("cnsa",)]


def test_commercial_heavy_launches_go_on_sale_in_2024():
    state = _at(opening().content.turn_of(2024, 1))
    start = StartMission("orbital_module", "orbit", "power_propulsion", commercial=True)
    assert check(state, "esa", start).code == Code.SERVICE_UNAVAILABLE
    after, _ = resolve_quiet(state)
    assert "commercial_heavy" in after.services
    assert check(after, "esa", start) is None


def test_the_gateway_airlock_bounty_is_posted_in_2024_and_lapses_after_2028():
    state = _at(opening().content.turn_of(2024, 1))
    after, _ = resolve_quiet(state)
    assert [(b["module"], b["owner"]) for b in after.bounties] == [("airlock", "nasa")]
    after.turn = after.content.turn_of(2029, 1)
    later, _ = resolve_quiet(after)
    assert later.bounties == []


def test_beats_happen_once_on_their_date():
    state = _at(opening().content.turn_of(2022, 1))
    before = state.relations["nasa"]["roscosmos"]
    after, events = resolve_quiet(state)
    assert len(of_kind(events, "history")) == 1
    assert after.relations["nasa"]["roscosmos"] < before
    _, events = resolve_quiet(after)
    assert of_kind(events, "history") == []


def test_a_random_event_happens_on_some_turns_and_is_drawn_from_the_table():
    state = opening()
    learn(state, "esa", "robotic_lander")
    seen = set()
    for seed in range(40):
        trial = state.clone()
        trial.rng = seed * 7919
        _, events = resolve(trial)
        seen |= {e.data["event"] for e in of_kind(events, "random_event")}
    assert seen and seen <= set(state.content.events)
    assert len(seen) >= 4
