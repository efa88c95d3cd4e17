"""What greedy reads from the report's facts: bounties in time, the docking standard,
bases where ice is confirmed."""

from __future__ import annotations

from game import rules
from game.ai.opportunities import base_sites, bounty_starts, standard_research
from game.ai.reading import Reading
from game.rules import StartMission
from game.rules.state import Station


def gateway_with_bounty(year: int, half: int = 1):
    state = rules.new_match(seed=5)
    state.turn = state.content.turn_of(year, half)
    gateway = Station("s900", "Gateway", "orbit", 0, [["power_propulsion", 0, "nasa"]])
    gateway.contributions = {"nasa": 1000}
    state.stations[gateway.id] = gateway
    bounty = next(b.bounty for b in state.content.beats if b.bounty is not None)
    state.bounties.append(dict(bounty))
    state.agency["roscosmos"].treasury = 5000
    return state, gateway


def starts(state, agency):
    return [c for c in rules.legal_commands(state, agency) if isinstance(c, StartMission)]


def test_a_bounty_is_worth_a_program_that_can_arrive_before_its_deadline():
    state, gateway = gateway_with_bounty(2026)
    found = bounty_starts(Reading(rules.view(state, "roscosmos")), starts(state, "roscosmos"))
    assert found and all(c.module == "airlock" and c.site == gateway.id for c in found)


def test_a_bounty_too_late_to_claim_opens_nothing():
    state, _ = gateway_with_bounty(2028)
    assert bounty_starts(Reading(rules.view(state, "roscosmos")), starts(state, "roscosmos")) == []


def test_the_owner_of_a_bounty_does_not_chase_it():
    state, _ = gateway_with_bounty(2026)
    assert bounty_starts(Reading(rules.view(state, "nasa")), starts(state, "nasa")) == []


def test_the_docking_standard_is_wanted_to_reach_a_station_no_treaty_opens():
    state, gateway = gateway_with_bounty(2026)
    gateway.modules.append(["habitat", 0, "nasa"])
    state.agency["roscosmos"].known["orel_spacecraft"] = 0
    state.agreements = {k: g for k, g in state.agreements.items() if k != "iss"}
    assert standard_research(Reading(rules.view(state, "roscosmos")))["docking_standard"] > 0


def test_a_base_goes_first_where_ice_was_confirmed():
    state = rules.new_match(seed=5)
    state.flights.append(
        {"program": "m0", "mission_type": "drill_lander", "site": "nobile", "steps": 4}
    )
    reading = Reading(rules.view(state, "cnsa"))
    assert base_sites(reading, ["shackleton", "nobile"]) == ["nobile", "shackleton"]
