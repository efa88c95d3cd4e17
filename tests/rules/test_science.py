"""Science that pays for new things: repeats, stacked labs and empty stations earn less, and
commercial access in low Earth orbit is priced by demand."""

from __future__ import annotations

from math import ceil

from game.rules import BuyService, Launch, view
from game.rules import queries as q
from game.rules.content import ORBIT
from tests.rules.builders import (
    add_program,
    add_station,
    income_of,
    leo_open,
    opening,
    resolve_quiet,
    resolve_until,
)
from tests.rules.builders import succeeded as _succeeded


def _science(before, after, agency: str) -> int:  # type: ignore[no-untyped-def]
    return int(after.agency[agency].prestige["science"] - before.agency[agency].prestige["science"])


def _lander_science(earlier_successes: int) -> int:
    state = opening()
    state.agreements.pop("iss")  # no ISS science this turn: only the flight's
    for _ in range(earlier_successes):
        state.flights.append(
            {"mission_type": "lander", "site": "boguslawsky", "result": "success", "turn": -1}
        )
    program = add_program(state, "roscosmos", "lander", "boguslawsky")
    after, _ = resolve_until(state, {"roscosmos": [Launch(program.id)]}, _succeeded(program.id))
    return _science(state, after, "roscosmos")


def test_a_mission_repeated_at_the_same_place_earns_less_science_each_time():
    content = opening().content
    rules = content.rule("science")
    base = (
        content.missions["lander"].science
        * content.sites["boguslawsky"].science
        * content.agencies["roscosmos"].trait("science")
    )
    assert _lander_science(0) == round(base)
    assert _lander_science(1) == round(base * rules.repeat)
    assert _lander_science(2) == round(base * rules.repeat**2)
    assert _lander_science(9) == round(base * rules.repeat_floor)


def test_the_repeat_factor_counts_only_successes_of_that_type_at_that_place():
    state = opening()
    state.flights += [
        {"mission_type": "lander", "site": "shackleton", "result": "success"},
        {"mission_type": "lander", "site": "boguslawsky", "result": "failure"},
        {"mission_type": "rover", "site": "boguslawsky", "result": "success"},
    ]
    assert q.repeat_factor(state, "lander", "boguslawsky") == 1.0
    assert q.repeat_factor(state, "lander", "shackleton") == state.content.rule("science").repeat


def _station_science(modules: list[str], crew: int) -> int:
    state = opening()
    state.agreements.pop("iss")
    add_station(
        state,
        ORBIT,
        modules,
        {"nasa": 1000},
        crew=[("nasa", crew)] if crew else [],
        supplies=40,
    )
    after, _ = resolve_quiet(state)
    return _science(state, after, "nasa")


def test_each_extra_laboratory_at_a_station_adds_less():
    rules = opening().content.rule("science")
    lab = opening().content.modules["laboratory"].science
    crewed = 1 + rules.crew_bonus * 4
    one = _station_science(["power_propulsion", "habitat", "laboratory"], crew=4)
    three = _station_science(
        ["power_propulsion", "habitat", "laboratory", "laboratory", "laboratory"], 4
    )
    habitat = opening().content.modules["habitat"].science
    assert one == round((habitat + lab) * crewed)
    assert three == round((habitat + lab * (1 + 1 / 2 + 1 / 3)) * crewed)


def test_the_crew_aboard_earns_its_share_of_a_stations_science():
    state = opening()
    state.agreements.pop("iss")
    rules = state.content.rule("science")
    lab = state.content.modules["laboratory"].science
    add_station(
        state,
        ORBIT,
        ["power_propulsion", "laboratory"],
        {"jaxa": 1000},
        crew=[("nasa", 2)],
        supplies=40,
    )
    after, _ = resolve_quiet(state)
    science = lab * (1 + rules.crew_bonus * 2)
    assert _science(state, after, "nasa") == round(science * rules.crew_share)
    assert _science(state, after, "jaxa") == round(science * (1 - rules.crew_share))


def test_a_laboratory_without_crew_earns_a_tenth():
    rules = opening().content.rule("science")
    lab = opening().content.modules["laboratory"].science
    assert _station_science(["power_propulsion", "laboratory", "laboratory"], crew=0) == round(
        lab * 1.5 * rules.uncrewed
    )


def test_commercial_leo_access_costs_more_after_many_buyers():
    state = leo_open()
    com = state.content.rule("commercial")
    assert view(state, "esa")["prices"]["leo_station_access"] == com.leo_access_cost
    buyers = ["nasa", "cnsa", "esa"]
    after, _ = resolve_quiet(state, {a: [BuyService("leo_station_access")] for a in buyers})
    assert after.demand == {"leo_station_access": 3}
    price = ceil(com.leo_access_cost * (1 + 3 * com.leo_demand))
    seen = view(after, "jaxa")
    assert seen["prices"]["leo_station_access"] == price
    assert seen["demand"] == {"leo_station_access": 3}
    was = after.agency["jaxa"].treasury
    later, _ = resolve_quiet(after, {"jaxa": [BuyService("leo_station_access")]})
    assert later.agency["jaxa"].treasury == was - price + income_of(later, "jaxa")
    assert later.demand == {"leo_station_access": 1}
    quiet, _ = resolve_quiet(later)
    assert quiet.demand == {}
    assert view(quiet, "jaxa")["prices"]["leo_station_access"] == com.leo_access_cost


def test_the_scenarios_programs_are_not_ready_before_the_report_says():
    state = opening()
    content = state.content
    earliest = {
        "Luna 26": 2024,
        "Luna 27": 2025,
        "Chang'e 6": 2024,
        "Chang'e 7": 2026,
        "Chang'e 8": 2028,
        "Commercial lander": 2024,
    }
    for program in state.programs.values():
        if program.name not in earliest:
            continue
        # Paid on schedule from the first turn, it flies the turn after it is paid up.
        turns = ceil((program.cost - program.paid) / q.schedule(state, program))
        assert content.start_year + turns // 2 == earliest[program.name], program.name
