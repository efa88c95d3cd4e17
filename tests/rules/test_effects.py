"""Technologies, modules and services worth having (docs/rules.md, sections 4, 7 and 10)."""

from __future__ import annotations

from game.rules import BuyService, Launch, view
from game.rules import queries as q
from game.rules.content import ORBIT
from tests.rules.builders import (
    add_program,
    add_station,
    learn,
    leo_open,
    opening,
    resolve_quiet,
    resolve_until,
    succeeded,
)


def test_a_leo_visit_trains_crews_for_the_surface():
    state = leo_open()
    com = state.content.rule("commercial")
    before = state.agency["esa"].experience.get(com.leo_training_system, 0.0)
    after, _ = resolve_quiet(state, {"esa": [BuyService("leo_station_access")]})
    trained = after.agency["esa"].experience[com.leo_training_system]
    assert trained == round(before + com.leo_training, 4)


def test_leo_science_falls_as_the_crews_learn_and_stops_at_the_cap():
    state = leo_open()
    com = state.content.rule("commercial")
    cap = state.content.rule("reliability").experience_cap
    earned = []
    for _ in range(round(cap / com.leo_training) + 1):
        was = state.agency["esa"].prestige["science"]
        state, _ = resolve_quiet(state, {"esa": [BuyService("leo_station_access")]})
        earned.append(state.agency["esa"].prestige["science"] - was)
    trait = state.content.agencies["esa"].trait("science")
    assert earned[0] == round(com.leo_access_science * trait)
    assert earned == sorted(earned, reverse=True) and earned[0] > earned[-2]
    assert earned[-1] == 0
    assert view(state, "esa")["me"]["leo_novelty"] == 0.0


def test_an_agency_whose_crews_walked_on_the_moon_learns_less_in_leo():
    state = leo_open()
    com = state.content.rule("commercial")
    cap = state.content.rule("reliability").experience_cap
    state.agency["nasa"].experience[com.leo_training_system] = cap / 2
    assert q.leo_novelty(state, "nasa") == 0.5
    assert view(state, "nasa")["me"]["leo_novelty"] == 0.5


def test_a_logistics_module_arrives_packed_up_to_the_stations_storage():
    state = opening()
    station = add_station(
        state, ORBIT, ["power_propulsion", "habitat"], {"nasa": 1000}, crew=[("nasa", 4)]
    )
    station.supplies = 2
    packed = state.content.modules["logistics"].supplies
    assert packed > 0
    learn(state, "nasa", "heavy_launcher")
    program = add_program(state, "nasa", "orbital_module", station.id, module="logistics")
    after, _ = resolve_until(state, {"nasa": [Launch(program.id)]}, succeeded(program.id))
    built = after.stations[station.id]
    need = q.supply_need(after, built)
    # It came packed, then the crew ate a turn's supplies.
    assert built.supplies == round(min(q.storage(after, built), 2 + packed) - need, 1)


def test_a_packed_module_fills_no_more_than_the_station_can_store():
    state = opening()
    station = add_station(state, ORBIT, ["power_propulsion"], {"nasa": 1000})
    station.supplies = 4
    learn(state, "nasa", "heavy_launcher")
    program = add_program(state, "nasa", "orbital_module", station.id, module="logistics")
    after, _ = resolve_until(state, {"nasa": [Launch(program.id)]}, succeeded(program.id))
    built = after.stations[station.id]
    assert built.supplies == q.storage(after, built)


def test_a_sample_return_capsule_needs_a_heat_shield():
    content = opening().content
    assert "heat_shield" in content.techs["sample_return_capsule"].requires
    assert content.techs["heat_shield"].requires == ()


def test_jaxa_starts_without_life_support_and_must_learn_it_for_station_modules():
    state = opening()
    assert "life_support" not in state.agency["jaxa"].known
    techs = view(state, "jaxa")["me"]["techs"]
    assert techs["life_support"]["status"] == "available"
    assert techs["station_modules"]["status"] == "locked"
    learn(state, "jaxa", "life_support")
    assert view(state, "jaxa")["me"]["techs"]["station_modules"]["status"] == "available"
