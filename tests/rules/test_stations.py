"""Stations: founded and grown module by module, crewed, supplied, and held for the win."""

from __future__ import annotations

from game.rules import Launch, SetAccess, StartMission, State, Termination, check, means, view
from tests.rules.builders import (
    add_program,
    add_station,
    flight,
    learn,
    of_kind,
    opening,
    resolve_quiet,
    resolve_until,
    succeeded,
)


def _nasa_station_ready(modules: list[str], **kwargs) -> tuple[State, str]:
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    station = add_station(state, "orbit", modules, {"nasa": 1000}, **kwargs)
    return state, station.id


def test_a_founding_module_founds_a_station_owned_by_its_contributors():
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    program = add_program(
        state, "nasa", "orbital_module", "orbit", module="power_propulsion", partners={"esa": 200}
    )
    after, events = resolve_until(state, {"nasa": [Launch(program.id)]}, succeeded(program.id))
    founded = of_kind(events, "station_founded")
    assert len(founded) == 1 and founded[0].agency == "nasa"
    station = after.stations[founded[0].data["station"]]
    assert station.site == "orbit"
    assert [m[0] for m in station.modules] == ["power_propulsion"]
    assert station.contributions == {"esa": 200, "nasa": program.cost - 200}
    assert abs(sum(station.shares().values()) - 1) < 1e-9
    assert "docking" not in [r[0] for r in flight(events, program.id).data["steps"]]
    assert [e.agency for e in of_kind(events, "milestone")] == ["nasa", "esa"]


def test_a_module_joins_an_existing_station_after_docking_and_shifts_the_shares():
    state, sid = _nasa_station_ready(["power_propulsion"])
    program = add_program(
        state, "nasa", "orbital_module", sid, module="habitat", partners={"esa": 500}
    )
    after, events = resolve_until(state, {"nasa": [Launch(program.id)]}, succeeded(program.id))
    assert "docking" in [r[0] for r in flight(events, program.id).data["steps"]]
    station = after.stations[sid]
    assert [m[0] for m in station.modules] == ["power_propulsion", "habitat"]
    assert station.contributions == {"esa": 500, "nasa": 1000 + program.cost - 500}
    total = 1000 + program.cost
    assert station.shares() == {"esa": 500 / total, "nasa": (1000 + program.cost - 500) / total}
    assert [e.data["module"] for e in of_kind(events, "module_added")] == ["habitat"]
    assert not of_kind(events, "station_founded")


def test_a_crew_arrives_with_supplies_and_starts_the_presence_counter():
    state, sid = _nasa_station_ready(["power_propulsion", "habitat"])
    program = add_program(state, "nasa", "orbital_crew", sid)
    after, events = resolve_until(state, {"nasa": [Launch(program.id)]}, succeeded(program.id))
    rules = state.content.rule("stations")
    station = after.stations[sid]
    assert [e.agency for e in of_kind(events, "crew_arrived")] == ["nasa"]
    assert station.crew == [["nasa", 4, state.turn + rules.rotation_turns]]
    # The crew brings its supplies and eats one a head the same turn.
    assert station.supplies == 4 * rules.supplies_per_crew - 4
    assert station.crewed_turns == 1
    milestones = {e.data["milestone"] for e in of_kind(events, "milestone")}
    assert {"crewed_lunar_orbit", "station_crewed"} <= milestones


def test_a_crew_eats_one_supply_a_head_each_turn():
    state, sid = _nasa_station_ready(
        ["power_propulsion", "habitat"], crew=[("nasa", 4)], supplies=10
    )
    after, _ = resolve_quiet(state)
    assert after.stations[sid].supplies == 6


def test_a_resupply_flight_brings_supplies_up_to_the_stations_storage():
    state, sid = _nasa_station_ready(
        ["power_propulsion", "habitat"], crew=[("nasa", 4)], supplies=4
    )
    program = add_program(state, "nasa", "resupply", sid)
    after, _ = resolve_until(state, {"nasa": [Launch(program.id)]}, succeeded(program.id))
    storage = 4 + 8  # power and propulsion element + habitation module
    assert after.stations[sid].supplies == min(storage, 4 + 8) - 4


def test_a_crew_without_enough_supplies_evacuates_and_the_counter_resets():
    state, sid = _nasa_station_ready(
        ["power_propulsion", "habitat"], crew=[("nasa", 4)], supplies=2, crewed_turns=3
    )
    after, events = resolve_quiet(state)
    station = after.stations[sid]
    assert [e.data["station"] for e in of_kind(events, "station_evacuated")] == [sid]
    assert station.crew == []
    assert station.crewed_turns == 0
    penalty = state.content.rule("prestige").failure
    assert after.agency["nasa"].prestige["penalties"] == -penalty


def test_a_crew_goes_home_after_its_rotation():
    state, sid = _nasa_station_ready(
        ["power_propulsion", "habitat"], crew=[("nasa", 4)], supplies=8
    )
    state.stations[sid].crew[0][2] = state.turn
    after, events = resolve_quiet(state)
    assert [e.agency for e in of_kind(events, "crew_returned")] == ["nasa"]
    assert after.stations[sid].crew == []
    assert after.stations[sid].supplies == 8


def test_the_presence_counter_grows_while_crewed_and_resets_when_empty():
    state, crewed = _nasa_station_ready(
        ["power_propulsion", "habitat"], crew=[("nasa", 2)], supplies=8, crewed_turns=3
    )
    empty = add_station(state, "orbit", ["power_propulsion"], {"esa": 500}, crewed_turns=3).id
    after, _ = resolve_quiet(state)
    assert after.stations[crewed].crewed_turns == 4
    assert after.stations[empty].crewed_turns == 0


def test_a_year_of_presence_earns_its_milestone_for_the_largest_owner():
    state, sid = _nasa_station_ready(
        ["power_propulsion", "habitat"], crew=[("nasa", 2)], supplies=8, crewed_turns=1
    )
    state.stations[sid].contributions = {"esa": 400, "nasa": 1000}
    _, events = resolve_quiet(state)
    awards = [e for e in of_kind(events, "milestone") if e.data["milestone"] == "year_of_presence"]
    assert [(e.agency, e.data["rank"]) for e in awards] == [("nasa", 1)]


def test_a_crewed_stations_owners_share_prestige_by_ownership_each_turn():
    state, sid = _nasa_station_ready(
        ["power_propulsion", "habitat"], crew=[("nasa", 2)], supplies=8
    )
    state.stations[sid].contributions = {"esa": 500, "nasa": 1500}
    after, _ = resolve_quiet(state)
    per_turn = state.content.rule("prestige").crewed_turn
    gained = {a: after.agency[a].prestige["stations"] for a in ("nasa", "esa")}
    assert gained == {"nasa": round(per_turn * 0.75), "esa": round(per_turn * 0.25)}


def _pole_station(owners: dict[str, int], **kwargs) -> tuple[State, str]:
    """A crewed surface station at Shackleton (south pole, rich ice) one turn from the win."""
    state = opening()
    even_standing(state)
    presence = state.content.rule("stations").presence_turns
    kwargs.setdefault("crew", [("nasa", 2)])
    kwargs.setdefault("crewed_turns", presence - 1)
    station = add_station(
        state, "shackleton", ["surface_power", "surface_habitat"], owners, supplies=12, **kwargs
    )
    return state, station.id


def test_sustained_presence_at_a_south_pole_ice_station_wins_for_its_coalition():
    state, sid = _pole_station({"esa": 300, "nasa": 600, "roscosmos": 100})
    after, events = resolve_quiet(state)
    outcome = after.outcome
    assert outcome is not None
    assert outcome.termination == Termination.SUSTAINED_PRESENCE
    assert outcome.station == sid
    # ESA is NASA's ally through the Gateway partnership; Roscosmos only shares the ISS with it.
    assert outcome.winners == ("nasa", "esa")
    assert [e.visible_to for e in of_kind(events, "match_over")] == [None]


def test_a_coalition_partner_below_the_share_neither_makes_the_claim_nor_wins():
    state, sid = _pole_station({"esa": 80, "nasa": 920})
    after, _ = resolve_quiet(state)
    assert after.outcome is None
    assert after.stations[sid].crewed_turns == state.content.rule("stations").presence_turns


def even_standing(state: State, prestige_per_mean: int = 2) -> None:
    """Give every agency the same standing, with prestige in proportion to its means."""
    for a, ag in state.agency.items():
        ag.prestige = dict.fromkeys(ag.prestige, 0)
        ag.prestige["science"] = round(prestige_per_mean * means(state.content, a))


def test_a_coalition_owner_standing_below_the_median_holds_the_claim_but_does_not_win():
    state, sid = _pole_station({"esa": 300, "jaxa": 300, "nasa": 400})
    state.agency["jaxa"].prestige["science"] = 0
    claim = view(state, None)["stations"][sid]["claim"]
    assert sorted(claim["coalition"]) == ["esa", "jaxa", "nasa"]
    assert sorted(claim["winners"]) == ["esa", "nasa"]
    after, _ = resolve_quiet(state)
    assert after.outcome is not None and sorted(after.outcome.winners) == ["esa", "nasa"]
    middle = sorted(after.outcome.standings.values())[2:4]
    assert after.outcome.standings["jaxa"] < sum(middle) / 2


def test_a_claim_whose_coalition_all_stands_below_the_median_does_not_complete():
    state, sid = _pole_station({"esa": 300, "nasa": 700})
    state.agency["esa"].prestige["science"] = 0
    state.agency["nasa"].prestige["science"] = 0
    after, _ = resolve_quiet(state)
    assert after.outcome is None
    claim = view(after, None)["stations"][sid]["claim"]
    assert claim["held"] and claim["turns_left"] == 0 and claim["winners"] == []


def test_a_held_claim_pays_its_coalition_each_crewed_turn_by_share():
    state, _ = _pole_station({"esa": 300, "nasa": 700}, crewed_turns=1)
    before = {a: state.agency[a].prestige["stations"] for a in ("esa", "nasa")}
    after, _ = resolve_quiet(state)
    per_turn = state.content.rule("prestige").crewed_turn
    claim = state.content.rule("standing").claim_turn
    for a, share in (("esa", 0.3), ("nasa", 0.7)):
        gained = after.agency[a].prestige["stations"] - before[a]
        assert gained == round(per_turn * share) + round(claim * share)


def test_an_orbital_station_crewed_long_enough_does_not_win_outright():
    state, sid = _nasa_station_ready(
        ["power_propulsion", "habitat"], crew=[("nasa", 4)], supplies=12
    )
    state.stations[sid].contributions = {"esa": 400, "nasa": 600}
    state.stations[sid].crewed_turns = 20
    after, _ = resolve_quiet(state)
    assert after.outcome is None
    assert after.agency["nasa"].prestige["stations"] > 0


def test_a_station_at_a_dry_pole_site_does_not_win_outright():
    state = opening()
    presence = state.content.rule("stations").presence_turns
    dry = next(s.id for s in state.content.sites.values() if s.south_pole and s.ice < 2)
    add_station(
        state,
        dry,
        ["surface_power", "surface_habitat"],
        {"esa": 400, "nasa": 600},
        crew=[("nasa", 2)],
        supplies=12,
        crewed_turns=presence - 1,
    )
    after, _ = resolve_quiet(state)
    assert after.outcome is None


def test_a_rival_crewed_station_at_the_pole_holds_the_claim_open():
    state, sid = _pole_station({"esa": 300, "nasa": 700})
    for a in ("esa", "nasa"):  # standing well, whatever the rival's base earns meanwhile
        state.agency[a].prestige["science"] *= 2
    rival = add_station(
        state,
        "de_gerlache",
        ["surface_power", "surface_habitat"],
        {"cnsa": 1000},
        crew=[("cnsa", 2)],
        supplies=12,
        crewed_turns=1,
    )
    after, events = resolve_quiet(state)
    assert after.outcome is None
    calls = of_kind(events, "presence_last_call")
    assert [(e.data["station"], e.data["rivals"]) for e in calls] == [(sid, [rival.id])]
    # Once the rival's crew is gone, the claim completes.
    after.stations[rival.id].crew = []
    later, _ = resolve_quiet(after)
    assert later.outcome is not None and later.outcome.station == sid


def test_a_last_call_is_public_and_rivals_of_the_claim_gain_support():
    rules = opening().content.rule("stations")
    early, _ = _pole_station({"esa": 300, "nasa": 700}, crewed_turns=rules.last_call - 2)
    state, sid = _pole_station({"esa": 300, "nasa": 700}, crewed_turns=rules.last_call - 1)
    quiet, events = resolve_quiet(early)
    assert not of_kind(events, "presence_last_call")
    after, events = resolve_quiet(state)
    calls = of_kind(events, "presence_last_call")
    assert [(e.visible_to, e.data["owners"]) for e in calls] == [(None, ["esa", "nasa"])]
    assert calls[0].data["turns_left"] == rules.presence_turns - rules.last_call
    # CNSA is not allied with NASA and gains support; ESA is in the claim and does not.
    assert after.agency["cnsa"].support == quiet.agency["cnsa"].support + rules.rival_support
    assert after.agency["esa"].support == quiet.agency["esa"].support
    claim = view(after, "cnsa")["stations"][sid]["claim"]
    assert claim["last_call"] and claim["held"]
    assert claim["turns_left"] == rules.presence_turns - rules.last_call


def test_supplies_are_kept_to_the_tenth_and_frugal_crews_eat_less():
    state = opening()
    station = add_station(
        state,
        "shackleton",
        ["surface_power", "surface_habitat"],
        {"roscosmos": 1000},
        crew=[("roscosmos", 2)],
        supplies=4,
    )
    after, _ = resolve_quiet(state)
    frugal = state.content.agencies["roscosmos"].traits["supply"]
    assert after.stations[station.id].supplies == round(4 - 2 * frugal, 1)


def test_a_crew_brings_less_than_its_rotation_eats():
    rules = opening().content.rule("stations")
    assert rules.supplies_per_crew < rules.rotation_turns


def test_a_station_one_short_of_sustained_presence_does_not_end_the_match():
    state, sid = _nasa_station_ready(
        ["power_propulsion", "habitat"], crew=[("nasa", 4)], supplies=12
    )
    state.stations[sid].crewed_turns = state.content.rule("stations").presence_turns - 2
    after, _ = resolve_quiet(state)
    assert after.outcome is None


def test_an_ice_site_station_with_a_plant_makes_supplies():
    state = opening()
    sid = add_station(
        state, "shackleton", ["surface_power", "surface_habitat", "isru_plant"], {"nasa": 2000}
    ).id
    after, _ = resolve_quiet(state)
    production = state.content.modules["isru_plant"].production
    assert after.stations[sid].supplies == production


def test_the_largest_owner_sets_access_and_opening_a_station_admits_anyone():
    state, sid = _nasa_station_ready(["power_propulsion", "habitat"])
    state.agreements["iss"].members.remove("roscosmos")  # no docking term with NASA left
    learn(state, "roscosmos", "deep_space_capsule", "heavy_launcher")
    crew = StartMission("orbital_crew", sid)
    assert check(state, "roscosmos", crew) is not None
    after, events = resolve_quiet(state, {"nasa": [SetAccess(sid, "open")]})
    assert after.stations[sid].access == "open"
    assert [(e.agency, e.data["access"]) for e in of_kind(events, "station_access")] == [
        ("nasa", "open")
    ]
    assert check(after, "roscosmos", crew) is None
    # Open to anyone but those the law bars from it.
    learn(after, "cnsa", "deep_space_capsule", "heavy_launcher")
    assert check(after, "cnsa", crew) is not None


def test_a_relief_crew_takes_the_berths_of_a_crew_going_home_that_turn():
    state, sid = _nasa_station_ready(["power_propulsion", "habitat"], supplies=8)
    station = state.stations[sid]
    station.crew = [["nasa", 4, state.turn]]  # their rotation ends this turn
    station.crewed_turns = 3
    program = add_program(state, "nasa", "orbital_crew", sid)
    assert check(state, "nasa", Launch(program.id)) is None
    after, events = resolve_until(state, {"nasa": [Launch(program.id)]}, succeeded(program.id))
    assert [c[0] for c in after.stations[sid].crew] == ["nasa"]
    assert after.stations[sid].crew[0][2] > state.turn
    assert of_kind(events, "crew_returned") and of_kind(events, "crew_arrived")
    assert after.stations[sid].crewed_turns == 4


def test_a_full_station_refuses_more_crew_while_nobody_is_leaving():
    state, sid = _nasa_station_ready(["power_propulsion", "habitat"], crew=[("nasa", 4)])
    program = add_program(state, "nasa", "orbital_crew", sid)
    error = check(state, "nasa", Launch(program.id))
    assert error is not None and error.code == "station_full"
