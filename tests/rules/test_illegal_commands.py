"""Every way an order can be refused, each with its stable code.

One test per code that `validate`/`check` can return. Each builds the situation from the
2021 opening (editing a copy of the state where playing there would take too long) and
asserts that exactly that code comes back, for exactly that order.
"""

from __future__ import annotations

import re
from pathlib import Path

from game.rules import (
    Answer,
    BuyService,
    Code,
    Command,
    Delay,
    Fund,
    Launch,
    Propose,
    Research,
    Rush,
    Scrub,
    SetAccess,
    StartMission,
    State,
    Withdraw,
    check,
    legal_commands,
    validate,
)
from game.rules import queries as q
from tests.rules.builders import add_program, add_station, learn, of_kind, opening, resolve


def refused(state: State, agency: str, orders: list[Command], index: int = 0) -> Code:
    """The one code `validate` gives these orders; it must name the order at `index`."""
    errors = validate(state, agency, orders)
    assert len(errors) == 1, [e.to_wire() for e in errors]
    assert errors[0].index == index
    assert errors[0].message
    return errors[0].code


def refused_alone(state: State, agency: str, cmd: Command) -> Code:
    """The code of a single order, which `check` and `validate` must agree on."""
    alone = check(state, agency, cmd)
    assert alone is not None
    assert refused(state, agency, [cmd]) == alone.code
    assert cmd not in legal_commands(state, agency)
    return alone.code


def gateway(state: State) -> str:
    return next(p.id for p in state.programs.values() if p.name == "Gateway PPE")


def luna_27(state: State) -> str:
    return next(p.id for p in state.programs.values() if p.name == "Luna 27")


# --- the match and the seat ---------------------------------------------------------------------


def test_orders_after_the_match_is_over_are_refused_with_match_over():
    state = opening(turns=1)
    state, _ = resolve(state)
    assert state.outcome is not None
    assert refused(state, "nasa", [Research("heavy_launcher", 10)], index=-1) == Code.MATCH_OVER
    assert check(state, "nasa", Research("heavy_launcher", 10)).code == Code.MATCH_OVER


def test_orders_from_an_agency_not_in_the_match_are_refused_with_not_seated():
    state = opening(agencies=["nasa", "esa"])
    assert refused(state, "cnsa", [Research("station_modules", 10)], index=-1) == Code.NOT_SEATED
    assert refused(state, "isro", [], index=-1) == Code.NOT_SEATED


def test_something_that_is_not_a_command_is_refused_as_malformed():
    state = opening()
    orders = [Research("heavy_launcher", 10), {"kind": "launch", "program": "m1"}]
    assert refused(state, "nasa", orders, index=1) == Code.MALFORMED  # type: ignore[list-item]


def test_more_orders_than_the_limit_are_refused_with_too_many_orders():
    state = opening()
    limit = state.content.rule("economy").max_orders
    orders = [Propose("esa", "docking")] + [Answer(f"p{n}", True) for n in range(limit)]
    assert refused(state, "nasa", orders, index=-1) == Code.TOO_MANY_ORDERS


# --- research -----------------------------------------------------------------------------------


def test_research_of_an_unknown_tech_is_refused_with_unknown_tech():
    assert refused_alone(opening(), "nasa", Research("warp_drive", 100)) == Code.UNKNOWN_TECH


def test_research_before_the_prerequisites_is_refused_with_tech_locked():
    state = opening()
    # NASA lacks precision landing and the ascent stage the crewed lander builds on.
    assert refused_alone(state, "nasa", Research("crewed_lander", 100)) == Code.TECH_LOCKED


def test_research_of_a_known_tech_without_a_system_is_refused_with_tech_maxed():
    state = opening()
    assert "autonomous_navigation" in state.agency["cnsa"].known
    assert refused_alone(state, "cnsa", Research("autonomous_navigation", 50)) == Code.TECH_MAXED


def test_refining_a_tech_at_its_cap_is_refused_with_tech_maxed():
    state = opening()
    learn(state, "nasa", "docking_systems", refinements=4)  # 0.92 + 4 x 0.02 >= 0.99
    assert refused_alone(state, "nasa", Research("docking_systems", 50)) == Code.TECH_MAXED


def test_research_above_the_turns_limit_is_refused_with_bad_amount():
    state = opening()
    limit = q.research_limit(state, "nasa", "heavy_launcher")
    assert check(state, "nasa", Research("heavy_launcher", limit)) is None
    assert refused_alone(state, "nasa", Research("heavy_launcher", limit + 1)) == Code.BAD_AMOUNT


def test_research_of_nothing_or_less_is_refused_with_bad_amount():
    state = opening()
    assert refused_alone(state, "nasa", Research("heavy_launcher", 0)) == Code.BAD_AMOUNT
    assert refused_alone(state, "nasa", Research("heavy_launcher", -5)) == Code.BAD_AMOUNT


def test_funding_a_program_above_its_schedule_is_refused_with_bad_amount():
    state = opening()
    program = state.programs[gateway(state)]
    limit = q.fund_limit(state, program, False)
    assert refused_alone(state, "nasa", Fund(program.id, limit + 1)) == Code.BAD_AMOUNT


def test_one_order_costing_more_than_the_treasury_is_refused_with_over_budget():
    state = opening()
    state.agency["nasa"].treasury = 50
    assert refused_alone(state, "nasa", Research("heavy_launcher", 51)) == Code.OVER_BUDGET


def test_orders_that_together_cost_more_than_the_treasury_are_refused_with_over_budget():
    state = opening()
    state.agency["nasa"].treasury = 500
    orders = [Research("heavy_launcher", 400), Research("precision_landing", 150)]
    assert refused(state, "nasa", orders, index=1) == Code.OVER_BUDGET


def test_the_same_order_twice_is_refused_with_duplicate():
    state = opening()
    orders = [Research("heavy_launcher", 100), Research("heavy_launcher", 100)]
    assert refused(state, "nasa", orders, index=1) == Code.DUPLICATE


def test_launching_and_scrubbing_one_program_in_a_turn_is_refused_with_duplicate():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "boguslawsky")
    assert (
        refused(state, "nasa", [Launch(program.id), Scrub(program.id)], index=1) == Code.DUPLICATE
    )


# --- programs -----------------------------------------------------------------------------------


def test_an_unknown_mission_type_is_refused_with_unknown_mission_type():
    assert (
        refused_alone(opening(), "nasa", StartMission("teleport", "orbit"))
        == Code.UNKNOWN_MISSION_TYPE
    )


def test_a_mission_type_needing_an_unknown_tech_is_refused_with_missing_tech():
    state = opening()
    # ESA has no lander technology yet.
    assert refused_alone(state, "esa", StartMission("lander", "boguslawsky")) == Code.MISSING_TECH


def test_a_mission_without_a_rocket_of_ones_own_is_refused_with_missing_tech():
    state = opening()
    # CSA knows the probe bus but has no launcher; a commercial launch is the way.
    assert refused_alone(state, "csa", StartMission("orbiter", "imbrium")) == Code.MISSING_TECH
    assert check(state, "csa", StartMission("orbiter", "imbrium", commercial=True)) is None


def test_a_module_needing_an_unknown_tech_is_refused_with_missing_tech():
    state = opening()
    learn(
        state, "nasa", "heavy_launcher", "precision_landing", "station_modules", "surface_habitat"
    )
    add_station(state, "shackleton", ["surface_power"], {"nasa": 1000})
    # The ISRU plant needs regolith processing, which NASA has not learned.
    cmd = StartMission("surface_module", "shackleton", "isru_plant")
    assert refused_alone(state, "nasa", cmd) == Code.MISSING_TECH


def test_launching_to_a_site_needing_an_unknown_tech_is_refused_with_missing_tech():
    state = opening()
    # Roscosmos lacks precision landing, which Shackleton's rim demands.
    program = add_program(state, "roscosmos", "lander", "shackleton")
    assert refused_alone(state, "roscosmos", Launch(program.id)) == Code.MISSING_TECH


def test_more_programs_than_the_limit_are_refused_with_too_many_programs():
    state = opening()
    limit = state.content.rule("economy").max_programs
    have = sum(1 for p in state.programs.values() if p.agency == "nasa")
    starts = [
        StartMission("orbiter", site) for site in list(state.content.sites)[: limit - have + 1]
    ]
    assert refused(state, "nasa", starts, index=limit - have) == Code.TOO_MANY_PROGRAMS


def test_a_new_program_at_the_limit_is_refused_with_too_many_programs():
    state = opening()
    limit = state.content.rule("economy").max_programs
    while sum(1 for p in state.programs.values() if p.agency == "nasa") < limit:
        add_program(state, "nasa", "orbiter", "imbrium", ready=False)
    assert (
        refused_alone(state, "nasa", StartMission("orbiter", "crisium")) == Code.TOO_MANY_PROGRAMS
    )


def test_a_landing_at_an_unknown_site_is_refused_with_unknown_site():
    assert refused_alone(opening(), "nasa", StartMission("lander", "atlantis")) == Code.UNKNOWN_SITE


def test_a_relay_aimed_at_the_surface_is_refused_with_bad_target():
    assert refused_alone(opening(), "nasa", StartMission("relay", "shackleton")) == Code.BAD_TARGET


def test_a_second_founding_module_at_a_surface_station_is_refused_with_bad_target():
    state = opening()
    learn(state, "nasa", "heavy_launcher", "precision_landing", "surface_habitat")
    add_station(state, "shackleton", ["surface_power"], {"nasa": 1000})
    cmd = StartMission("surface_module", "shackleton", "surface_power")
    assert refused_alone(state, "nasa", cmd) == Code.BAD_TARGET


def test_an_orbital_station_begun_without_a_founding_module_is_refused_with_bad_target():
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    cmd = StartMission("orbital_module", "orbit", "habitat")
    assert refused_alone(state, "nasa", cmd) == Code.BAD_TARGET


def test_station_access_other_than_the_three_rules_is_refused_with_bad_target():
    state = opening()
    station = add_station(state, "orbit", ["power_propulsion"], {"nasa": 1000})
    assert refused_alone(state, "nasa", SetAccess(station.id, "friends")) == Code.BAD_TARGET


def test_a_far_side_landing_without_a_relay_is_refused_with_needs_relay():
    state = opening()
    # Roscosmos has no relay and no partner with one (the Chinese Queqiao serves CNSA's ILRS
    # partners, so take Roscosmos out of the ILRS first).
    state.agreements.pop("ilrs")
    program = add_program(state, "roscosmos", "lander", "von_karman")
    assert refused_alone(state, "roscosmos", Launch(program.id)) == Code.NEEDS_RELAY


def test_a_module_of_the_wrong_kind_is_refused_with_unknown_module():
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    assert (
        refused_alone(state, "nasa", StartMission("orbital_module", "orbit", "surface_power"))
        == Code.UNKNOWN_MODULE
    )
    assert (
        refused_alone(state, "nasa", StartMission("orbital_module", "orbit", "warp_core"))
        == Code.UNKNOWN_MODULE
    )


def test_a_module_on_a_mission_that_carries_none_is_refused_with_unknown_module():
    cmd = StartMission("orbiter", "imbrium", "habitat")
    assert refused_alone(opening(), "nasa", cmd) == Code.UNKNOWN_MODULE


def test_a_crew_for_a_station_that_is_not_there_is_refused_with_no_station():
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    cmd = StartMission("orbital_crew", "s99")
    assert refused_alone(state, "nasa", cmd) == Code.NO_STATION


def test_a_module_for_an_orbital_station_that_is_not_there_is_refused_with_no_station():
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    cmd = StartMission("orbital_module", "s99", "habitat")
    assert refused_alone(state, "nasa", cmd) == Code.NO_STATION


def test_setting_access_to_a_station_that_is_not_there_is_refused_with_no_station():
    assert refused_alone(opening(), "nasa", SetAccess("s99", "open")) == Code.NO_STATION


def test_a_crew_for_a_full_station_is_refused_with_station_full():
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    station = add_station(
        state, "orbit", ["power_propulsion", "habitat"], {"nasa": 1000}, crew=[("nasa", 4)]
    )
    program = add_program(state, "nasa", "orbital_crew", station.id)
    assert refused_alone(state, "nasa", Launch(program.id)) == Code.STATION_FULL


def test_a_module_for_a_station_closed_to_the_agency_is_refused_with_access_denied():
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    station = add_station(
        state, "orbit", ["power_propulsion"], {"roscosmos": 1000}, access="owners"
    )
    cmd = StartMission("orbital_module", station.id, "habitat")
    assert refused_alone(state, "nasa", cmd) == Code.ACCESS_DENIED


def test_a_crew_for_a_station_of_a_non_partner_is_refused_with_access_denied():
    state = opening()
    # CNSA shares no docking term with NASA, and NASA's station admits partners only.
    station = add_station(state, "orbit", ["power_propulsion", "habitat"], {"nasa": 1000})
    learn(state, "cnsa", "deep_space_capsule", "heavy_launcher")
    cmd = StartMission("orbital_crew", station.id)
    assert refused_alone(state, "cnsa", cmd) == Code.ACCESS_DENIED


def test_funding_a_program_that_does_not_exist_is_refused_with_unknown_program():
    assert refused_alone(opening(), "nasa", Fund("m999", 10)) == Code.UNKNOWN_PROGRAM


def test_inviting_a_partner_to_a_program_that_does_not_exist_is_refused_with_unknown_program():
    cmd = Propose("esa", "joint_mission", program="m999")
    assert refused_alone(opening(), "nasa", cmd) == Code.UNKNOWN_PROGRAM


def test_rushing_another_agencys_program_is_refused_with_not_yours():
    state = opening()
    assert refused_alone(state, "esa", Rush(gateway(state))) == Code.NOT_YOURS


def test_scrubbing_a_program_one_is_only_a_partner_in_is_refused_with_not_yours():
    state = opening()
    assert refused_alone(state, "esa", Scrub(luna_27(state))) == Code.NOT_YOURS


def test_answering_a_proposal_addressed_to_another_is_refused_with_not_yours():
    state = opening()
    state, events = resolve(state, {"nasa": [Propose("esa", "docking")]})
    proposal = of_kind(events, "proposal_made")[0].data["proposal"]["id"]
    assert refused_alone(state, "jaxa", Answer(proposal, True)) == Code.NOT_YOURS


def test_leaving_an_agreement_one_is_not_part_of_is_refused_with_not_yours():
    assert refused_alone(opening(), "cnsa", Withdraw("artemis_accords")) == Code.NOT_YOURS


def test_setting_access_to_a_station_one_does_not_lead_is_refused_with_not_yours():
    state = opening()
    station = add_station(state, "orbit", ["power_propulsion"], {"nasa": 900, "esa": 100})
    assert refused_alone(state, "esa", SetAccess(station.id, "open")) == Code.NOT_YOURS


def test_funding_a_program_one_has_not_joined_is_refused_with_not_a_partner():
    state = opening()
    assert refused_alone(state, "cnsa", Fund(gateway(state), 10)) == Code.NOT_A_PARTNER


def test_launching_a_program_still_being_built_is_refused_with_wrong_phase():
    state = opening()
    assert refused_alone(state, "nasa", Launch(gateway(state))) == Code.WRONG_PHASE


def test_testing_a_program_still_being_built_is_refused_with_wrong_phase():
    state = opening()
    assert refused_alone(state, "nasa", Delay(gateway(state))) == Code.WRONG_PHASE


def test_testing_a_program_past_the_most_tests_is_refused_with_wrong_phase():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium")
    program.tests = state.content.rule("economy").max_tests
    assert refused_alone(state, "nasa", Delay(program.id)) == Code.WRONG_PHASE


def test_funding_a_ready_program_is_refused_with_wrong_phase():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium")
    assert refused_alone(state, "nasa", Fund(program.id, 10)) == Code.WRONG_PHASE


# --- diplomacy ----------------------------------------------------------------------------------


def test_a_proposal_to_an_agency_not_in_the_match_is_refused_with_unknown_agency():
    assert refused_alone(opening(), "nasa", Propose("isro", "docking")) == Code.UNKNOWN_AGENCY


def test_a_proposal_to_oneself_is_refused_with_self_target():
    assert refused_alone(opening(), "nasa", Propose("nasa", "docking")) == Code.SELF_TARGET


def test_a_nasa_cnsa_treaty_is_refused_with_forbidden_pairing():
    state = opening()
    assert refused_alone(state, "nasa", Propose("cnsa", "docking")) == Code.FORBIDDEN_PAIRING


def test_a_proposal_under_the_relations_threshold_is_refused_with_relations_too_low():
    state = opening()
    # An alliance needs relations of 30; NASA and Roscosmos start at 10.
    assert state.relations["nasa"]["roscosmos"] < 30
    assert refused_alone(state, "nasa", Propose("roscosmos", "alliance")) == Code.RELATIONS_TOO_LOW


def test_a_treaty_that_exists_already_is_refused_with_already_agreed():
    state = opening()
    state, events = resolve(state, {"nasa": [Propose("esa", "docking")]})
    proposal = of_kind(events, "proposal_made")[0].data["proposal"]["id"]
    state, events = resolve(state, {"esa": [Answer(proposal, True)]})
    assert of_kind(events, "treaty_signed")
    assert refused_alone(state, "esa", Propose("nasa", "docking")) == Code.ALREADY_AGREED


def test_asking_to_join_a_bloc_one_is_in_is_refused_with_already_agreed():
    cmd = Propose("nasa", "join_bloc", bloc="gateway_partnership")
    assert refused_alone(opening(), "esa", cmd) == Code.ALREADY_AGREED


def test_the_same_proposal_while_one_waits_is_refused_with_pending():
    state = opening()
    state, _ = resolve(state, {"nasa": [Propose("esa", "docking")]})
    assert refused_alone(state, "nasa", Propose("esa", "docking")) == Code.PENDING
    assert refused_alone(state, "esa", Propose("nasa", "docking")) == Code.PENDING


def test_answering_a_proposal_that_is_not_waiting_is_refused_with_unknown_proposal():
    assert refused_alone(opening(), "esa", Answer("p999", True)) == Code.UNKNOWN_PROPOSAL


def test_leaving_an_agreement_that_does_not_exist_is_refused_with_unknown_agreement():
    assert refused_alone(opening(), "esa", Withdraw("t999")) == Code.UNKNOWN_AGREEMENT


def test_an_unknown_kind_of_treaty_is_refused_with_unknown_treaty():
    assert refused_alone(opening(), "nasa", Propose("esa", "non_aggression")) == Code.UNKNOWN_TREATY


def test_asking_to_join_an_unknown_bloc_is_refused_with_unknown_bloc():
    cmd = Propose("nasa", "join_bloc", bloc="warsaw_pact")
    assert refused_alone(opening(), "cnsa", cmd) == Code.UNKNOWN_BLOC


def test_asking_to_join_a_closed_bloc_is_refused_with_bloc_closed():
    cmd = Propose("nasa", "join_bloc", bloc="iss")
    assert refused_alone(opening(), "cnsa", cmd) == Code.BLOC_CLOSED


def test_asking_to_join_the_rival_bloc_is_refused_with_rival_bloc():
    cmd = Propose("cnsa", "join_bloc", bloc="ilrs")
    assert refused_alone(opening(), "esa", cmd) == Code.RIVAL_BLOC


def test_an_alliance_across_the_rival_blocs_is_refused_with_rival_bloc():
    state = opening()
    state.agreements["ilrs"].members.remove("cnsa")  # no legal bar between the camps
    state.relations["esa"]["roscosmos"] = state.relations["roscosmos"]["esa"] = 60
    assert refused_alone(state, "esa", Propose("roscosmos", "alliance")) == Code.RIVAL_BLOC


def test_cnsa_asking_into_a_bloc_nasa_sits_in_is_refused_with_forbidden_pairing():
    cmd = Propose("nasa", "join_bloc", bloc="artemis_accords")
    assert refused_alone(opening(), "cnsa", cmd) == Code.FORBIDDEN_PAIRING


def test_asking_someone_other_than_the_blocs_lead_is_refused_with_bad_target():
    cmd = Propose("esa", "join_bloc", bloc="artemis_accords")
    assert refused_alone(opening(), "roscosmos", cmd) == Code.BAD_TARGET


# --- services -----------------------------------------------------------------------------------


def test_buying_a_service_not_sold_on_its_own_is_refused_with_unknown_service():
    state = opening()
    assert refused_alone(state, "nasa", BuyService("commercial_heavy")) == Code.UNKNOWN_SERVICE
    assert refused_alone(state, "nasa", BuyService("space_hotel")) == Code.UNKNOWN_SERVICE


def test_buying_leo_station_access_before_the_iss_retires_is_refused_with_service_unavailable():
    state = opening()
    assert (
        refused_alone(state, "nasa", BuyService("leo_station_access")) == Code.SERVICE_UNAVAILABLE
    )


def test_a_commercial_heavy_launch_before_it_is_on_sale_is_refused_with_service_unavailable():
    state = opening()
    cmd = StartMission("orbital_module", "orbit", "power_propulsion", commercial=True)
    assert refused_alone(state, "esa", cmd) == Code.SERVICE_UNAVAILABLE


# --- the refusals in play -----------------------------------------------------------------------


def test_a_refused_order_is_dropped_and_only_its_sender_is_told_why():
    state = opening()
    orders = {"nasa": [Research("warp_drive", 10), Research("heavy_launcher", 100)]}
    after, events = resolve(state, orders)
    rejected = of_kind(events, "order_rejected")
    assert [(e.agency, e.data["code"], e.data["index"]) for e in rejected] == [
        ("nasa", "unknown_tech", 0)
    ]
    assert rejected[0].visible_to == ("nasa",)
    assert rejected[0].data["command"] == Research("warp_drive", 10).to_wire()
    assert after.agency["nasa"].research["heavy_launcher"] == 1120 + 100


def test_orders_refused_as_a_whole_are_all_dropped():
    state = opening()
    limit = state.content.rule("economy").max_orders
    orders = {"nasa": [Research("heavy_launcher", 100)] + [Answer("p1", True)] * limit}
    after, events = resolve(state, orders)
    assert [e.data["code"] for e in of_kind(events, "order_rejected")] == ["too_many_orders"]
    assert after.agency["nasa"].research["heavy_launcher"] == 1120


def test_something_that_is_not_a_command_is_dropped_by_the_resolution_not_a_crash():
    state = opening()
    after, events = resolve(state, {"nasa": [{"kind": "launch", "program": "m1"}]})  # type: ignore[list-item]
    rejected = of_kind(events, "order_rejected")
    assert [(e.data["code"], e.data["command"]) for e in rejected] == [("malformed", None)]
    assert after.turn == state.turn + 1


def test_every_refusal_code_has_its_test():
    source = Path(__file__).read_text(encoding="utf-8")
    tested = set(re.findall(r"== Code\.([A-Z_]+)", source))
    assert {c.name for c in Code} - tested == set()
