"""A flight's odds: one rule for the launch's rolls, the view's numbers and the bots'."""

from __future__ import annotations

from math import prod

import pytest

from game.ai.reading import Reading
from game.rules import Launch, view
from game.rules.flight import flight_conditions, flight_odds
from tests.rules.builders import add_program, add_station, flight, opening, resolve_quiet


def test_the_odds_a_view_shows_are_those_the_launch_rolls_against():
    state = opening()
    program = add_program(state, "nasa", "lander", "imbrium")
    shown = view(state, "nasa")["programs"][program.id]["odds"]
    _, events = resolve_quiet(state, {"nasa": [Launch(program.id)]})
    rolled = flight(events, program.id).data["steps"]
    assert [[s["step"], s["chance"]] for s in shown["steps"]][: len(rolled)] == [
        r[:2] for r in rolled
    ]
    assert [s["step"] for s in shown["steps"]] == [
        "launch",
        "cruise",
        "descent",
        "surface operations",
    ]


def test_the_chance_of_a_flight_is_every_step_succeeding_and_its_weakest_step_is_named():
    state = opening()
    odds = flight_odds(state, add_program(state, "cnsa", "lander", "imbrium"))
    assert odds.chance == pytest.approx(prod(s.chance for s in odds.steps))
    assert odds.weakest is not None
    assert odds.weakest.chance == min(s.chance for s in odds.steps)
    assert odds.to_wire()["weakest"] == odds.weakest.name


def test_a_bought_launch_flies_the_launch_and_the_cruise_at_the_providers_reliability():
    state = opening()
    odds = flight_odds(state, add_program(state, "esa", "lander", "imbrium", commercial=True))
    provider = state.content.rule("commercial").launch_reliability
    assert [(s.name, s.bought, s.chance) for s in odds.steps[:2]] == [
        ("launch", True, provider),
        ("cruise", True, provider),
    ]
    assert not any(s.bought for s in odds.steps[2:])


def test_only_a_program_ready_to_fly_shows_its_odds():
    state = opening()
    ready = add_program(state, "nasa", "orbiter", "orbit")
    building = add_program(state, "nasa", "lander", "imbrium", ready=False)
    programs = view(state, "nasa")["programs"]
    assert programs[ready.id]["odds"]["chance"] > 0
    assert programs[building.id]["odds"] is None


def test_a_module_joining_a_station_adds_the_docking_step_and_founds_nothing():
    state = opening()
    mtype = state.content.missions["orbital_module"]
    assert flight_conditions(mtype, station=True, staying=False)["joining"]
    assert not flight_conditions(mtype, station=True, staying=False)["founding"]
    assert flight_conditions(mtype, station=False, staying=False)["founding"]
    station = add_station(state, "orbit", ["power_propulsion"], {"nasa": 100})
    joining = flight_odds(state, add_program(state, "nasa", "orbital_module", station.id))
    assert "docking" in [s.name for s in joining.steps]


def test_a_bot_reckons_a_ready_flight_from_its_view_as_the_rules_do():
    state = opening()
    program = add_program(state, "nasa", "lander", "imbrium")
    seen = view(state, "nasa")
    reading = Reading(seen)
    wire = seen["programs"][program.id]
    mtype = state.content.missions["lander"]
    estimate = reading.odds(
        mtype, state.content.sites["imbrium"], wire["reliability"], commercial=False
    )
    # The view rounds reliabilities to three places; nothing else differs.
    assert estimate.chance == pytest.approx(wire["odds"]["chance"], abs=0.005)
    assert [s.name for s in estimate.steps] == [s["step"] for s in wire["odds"]["steps"]]
