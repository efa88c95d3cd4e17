"""The report's programs and hardware as rules: Chang'e 7's elements, Chang'e 8's tests,
ESA's drill on Luna 27, Orel and China's next capsule, the docking standard, the airlock."""

from __future__ import annotations

from game.rules import Launch, Research, StartMission, flight_odds
from game.rules import queries as q
from game.rules.errors import Code

from .builders import (
    add_program,
    add_station,
    learn,
    of_kind,
    opening,
    resolve_until,
)
from .test_illegal_commands import refused_alone


def flew(program_id: str, result: str):
    def wanted(_state, events) -> bool:
        return any(
            e.kind == "mission_flown"
            and e.data["program"] == program_id
            and e.data["result"] == result
            for e in events
        )

    return wanted


def scripted(state, name: str):
    return next(p for p in state.programs.values() if p.name == name)


# --- the scenario's programs ---------------------------------------------------------------


def test_change_7_is_an_orbiter_lander_rover_and_hopper_after_its_relay():
    state = opening()
    change7 = scripted(state, "Chang'e 7")
    steps = [s.name for s in state.content.missions[change7.mission_type].steps]
    for element_step in ("orbit insertion", "descent", "roving", "hop into crater"):
        assert element_step in steps
    assert scripted(state, "Queqiao-2").mission_type == "relay"


def test_change_8_tests_resource_harvesting_and_manufacturing_at_the_pole():
    state = opening()
    change8 = scripted(state, "Chang'e 8")
    mtype = state.content.missions[change8.mission_type]
    assert {tech for tech, _ in mtype.advances} == {"water_extraction", "in_space_manufacturing"}
    assert state.content.sites[change8.site].south_pole


def test_luna_27_carries_a_drill_to_a_site_where_ice_can_be_confirmed():
    state = opening()
    luna27 = scripted(state, "Luna 27")
    mtype = state.content.missions[luna27.mission_type]
    assert ("ice_confirmed", "drilling", "always") in mtype.milestones
    assert state.content.sites[luna27.site].matches("ice")
    assert "esa" in luna27.partners


# --- the drill and confirmed ice -------------------------------------------------------------


def test_the_drilling_step_flies_on_the_best_drill_among_the_partners():
    state = opening()
    learn(state, "roscosmos", "precision_landing")
    alone = add_program(state, "roscosmos", "drill_lander", "nobile")
    with_esa = add_program(state, "roscosmos", "drill_lander", "nobile", partners={"esa": 100})
    drilling = {
        p.id: next(s for s in flight_odds(state, p).steps if s.name == "drilling")
        for p in (alone, with_esa)
    }
    assert drilling[alone.id].chance == state.content.rule("reliability").floor  # no drill
    assert drilling[with_esa.id].chance > 0.8  # ESA's


def test_a_drill_that_works_confirms_ice_and_a_plain_lander_does_not():
    state = opening()
    learn(state, "nasa", "precision_landing", "ice_prospecting")
    lander = add_program(state, "nasa", "lander", "haworth")
    drill = add_program(state, "nasa", "drill_lander", "nobile")
    orders = {"nasa": [Launch(lander.id), Launch(drill.id)]}

    def both_succeed(s, events) -> bool:
        return flew(lander.id, "success")(s, events) and flew(drill.id, "success")(s, events)

    after, events = resolve_until(state, orders, both_succeed)
    assert q.ice_confirmed_sites(after) == ["nobile"]
    assert any(e.data.get("milestone") == "ice_confirmed" for e in of_kind(events, "milestone"))


def test_an_isru_plant_makes_half_again_as_much_where_ice_is_confirmed():
    state = opening()
    station = add_station(state, "nobile", ["surface_power", "isru_plant"], {"cnsa": 1000})
    plain = q.supply_production(state, station)
    state.flights.append(
        {"program": "m0", "mission_type": "drill_lander", "site": "nobile", "steps": 4}
    )
    assert q.supply_production(state, station) == plain * 1.5 == 6.0


def test_a_drill_that_fails_before_drilling_confirms_nothing():
    state = opening()
    state.flights.append(
        {"program": "m0", "mission_type": "drill_lander", "site": "nobile", "steps": 3}
    )
    assert q.ice_confirmed_sites(state) == []


# --- Chang'e 8's head start ------------------------------------------------------------------


def test_a_resource_and_manufacturing_test_gives_its_participants_a_head_start():
    state = opening()
    learn(state, "cnsa", "ice_prospecting")
    program = add_program(
        state, "cnsa", "resource_testbed", "de_gerlache", partners={"roscosmos": 200}
    )
    after, events = resolve_until(
        state, {"cnsa": [Launch(program.id)]}, flew(program.id, "success")
    )
    share = state.content.rule("findings").advance
    for agency in ("cnsa", "roscosmos"):
        for tech in ("water_extraction", "in_space_manufacturing"):
            price = q.research_cost(after, agency, tech)
            assert after.agency[agency].research[tech] == round(price * share) < price
            assert tech not in after.agency[agency].known
    assert len(of_kind(events, "research_advanced")) == 4


# --- national crew vehicles ------------------------------------------------------------------


def test_only_roscosmos_may_research_orel_and_only_cnsa_its_next_capsule():
    state = opening()
    assert refused_alone(state, "nasa", Research("orel_spacecraft", 100)) == Code.TECH_LOCKED
    assert refused_alone(state, "roscosmos", Research("next_generation_capsule", 100)) == (
        Code.TECH_LOCKED
    )
    assert q.prerequisites_met(state, "roscosmos", "orel_spacecraft")
    assert q.prerequisites_met(state, "cnsa", "next_generation_capsule")


def test_orel_flies_a_crew_of_four_to_a_lunar_orbit_station_on_its_own_hardware():
    state = opening()
    learn(state, "roscosmos", "orel_spacecraft")
    station = add_station(state, "orbit", ["power_propulsion", "habitat"], {"roscosmos": 1000})
    mtype = state.content.missions["orel_crew"]
    assert mtype.crew == 4
    assert refused_alone(state, "nasa", StartMission("orel_crew", station.id)) == (
        Code.MISSING_TECH
    )
    program = add_program(state, "roscosmos", "orel_crew", station.id)
    systems = [s.system for s in flight_odds(state, program).steps]
    assert "orel" in systems
    after, _ = resolve_until(
        state, {"roscosmos": [Launch(program.id)]}, flew(program.id, "success")
    )
    assert after.stations[station.id].crew[0][:2] == ["roscosmos", 4]


def test_the_next_generation_capsule_carries_three_on_its_own_hardware():
    state = opening()
    learn(state, "cnsa", "next_generation_capsule", "heavy_launcher")
    station = add_station(state, "orbit", ["power_propulsion", "habitat"], {"cnsa": 1000})
    program = add_program(state, "cnsa", "next_capsule_crew", station.id)
    assert state.content.missions["next_capsule_crew"].crew == 3
    assert "lunar_return" in [s.system for s in flight_odds(state, program).steps]


# --- the docking standard --------------------------------------------------------------------


def test_the_docking_standard_opens_a_partners_station_when_both_follow_it():
    state = opening()
    station = add_station(state, "orbit", ["power_propulsion", "habitat"], {"cnsa": 1000})
    assert not q.may_use_station(state, station, "jaxa")
    learn(state, "jaxa", "docking_standard")
    assert not q.may_use_station(state, station, "jaxa")  # CNSA does not follow it
    learn(state, "cnsa", "docking_standard")
    assert q.may_use_station(state, station, "jaxa")
    station.access = "owners"
    assert not q.may_use_station(state, station, "jaxa")


def test_the_docking_standard_does_not_lift_the_legal_bar():
    state = opening()
    station = add_station(state, "orbit", ["power_propulsion", "habitat"], {"cnsa": 1000})
    learn(state, "nasa", "docking_standard")
    learn(state, "cnsa", "docking_standard")
    assert not q.may_use_station(state, station, "nasa")


# --- the airlock ---------------------------------------------------------------------------------


def airlock_at_the_gateway(year: int, half: int = 1):
    """A ready ESA airlock for a NASA-led station, with the Gateway airlock bounty posted."""
    state = opening()
    state.turn = state.content.turn_of(year, half)
    gateway = add_station(state, "orbit", ["power_propulsion"], {"nasa": 1000})
    bounty = next(b.bounty for b in state.content.beats if b.bounty is not None)
    state.bounties.append(dict(bounty))
    learn(state, "esa", "heavy_launcher")
    program = add_program(state, "esa", "orbital_module", gateway.id, module="airlock")
    return state, program, bounty


def test_an_airlock_needs_no_spacesuit_and_claims_the_gateway_bounty_by_2028():
    state, program, bounty = airlock_at_the_gateway(2028, 2)
    assert not state.content.modules["airlock"].requires
    # ESA pays more for its airlock than NASA paid for the station: NASA led it when it came.
    assert program.cost > 1000
    before = state.agency["esa"].prestige.get("diplomacy", 0)
    after, events = resolve_until(state, {"esa": [Launch(program.id)]}, flew(program.id, "success"))
    assert of_kind(events, "bounty_claimed")
    assert after.agency["esa"].prestige["diplomacy"] - before == bounty["prestige"] >= 45


def test_an_airlock_that_arrives_in_2029_claims_nothing():
    state, program, _ = airlock_at_the_gateway(2029, 1)
    _, events = resolve_until(state, {"esa": [Launch(program.id)]}, flew(program.id, "success"))
    assert of_kind(events, "module_added") and not of_kind(events, "bounty_claimed")
