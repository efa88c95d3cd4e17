"""Mission programs: built over turns, rushed, tested, scrubbed, and flown step by step."""

from __future__ import annotations

from math import ceil

from game.rules import Code, Delay, Fund, Launch, Rush, Scrub, StartMission, check, validate
from game.rules import queries as q
from tests.rules.builders import (
    add_program,
    flight,
    income_of,
    learn,
    of_kind,
    opening,
    resolve_quiet,
    resolve_until,
    succeeded,
)


def test_a_new_program_costs_its_mission_price_and_starts_unfunded():
    state = opening()
    after, events = resolve_quiet(state, {"nasa": [StartMission("orbiter", "imbrium")]})
    started = of_kind(events, "program_started")
    assert [(e.agency, e.visible_to) for e in started] == [("nasa", ("nasa",))]
    program = after.programs[started[0].data["program"]]
    mtype = state.content.missions["orbiter"]
    assert program.cost == q.mission_cost(state, "nasa", mtype, "", False) > mtype.cost  # NASA x1.2
    assert (program.paid, program.phase, program.agency) == (0, "building", "nasa")


def test_a_program_funded_on_schedule_is_ready_after_its_build_turns():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False)
    build = state.content.missions["orbiter"].build_turns
    for _ in range(build):
        assert state.programs[program.id].phase == "building"
        amount = q.fund_limit(state, state.programs[program.id], False)
        state, events = resolve_quiet(state, {"nasa": [Fund(program.id, amount)]})
    assert state.programs[program.id].phase == "ready"
    assert [e.data["program"] for e in of_kind(events, "program_ready")] == [program.id]


def test_an_underfunded_program_slips_past_its_build_turns():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False)
    build = state.content.missions["orbiter"].build_turns
    half = q.schedule(state, program) // 2
    for _ in range(build):
        state, _ = resolve_quiet(state, {"nasa": [Fund(program.id, half)]})
    slipped = state.programs[program.id]
    assert slipped.phase == "building"
    assert slipped.paid == build * half < slipped.cost


def test_funding_takes_no_more_than_the_schedule_from_all_contributors_together():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False, partners={"esa": 0})
    limit = q.fund_limit(state, program, False)
    after, _ = resolve_quiet(
        state, {"nasa": [Fund(program.id, limit)], "esa": [Fund(program.id, limit)]}
    )
    assert after.programs[program.id].paid == limit
    # Offered alike, so shared alike; what did not fit stays in each treasury.
    assert after.programs[program.id].contributions == {"esa": limit // 2, "nasa": limit // 2}
    income = income_of(state, "esa")
    assert after.agency["esa"].treasury == state.agency["esa"].treasury - limit // 2 + income


def test_a_rush_lets_a_program_take_twice_its_schedule_for_a_fee():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False)
    double = 2 * q.schedule(state, program)
    assert [e.code for e in validate(state, "nasa", [Fund(program.id, double)])] == [
        Code.BAD_AMOUNT
    ]
    orders = [Rush(program.id), Fund(program.id, double)]
    assert validate(state, "nasa", orders) == []
    after, _ = resolve_quiet(state, {"nasa": orders})
    fee = q.rush_fee(state, program)
    assert fee == ceil(q.schedule(state, program) * state.content.rule("economy").rush_fee) > 0
    income = income_of(state, "nasa")
    assert after.agency["nasa"].treasury == state.agency["nasa"].treasury - fee - double + income
    assert after.programs[program.id].paid == double
    assert after.programs[program.id].rushes == 1


def _first_step_chance(state, program) -> float:
    """The chance the program's first step was flown at, launched alone from this state."""
    _, events = resolve_until(state, {program.agency: [Launch(program.id)]}, lambda s, e: True)
    return flight(events, program.id).data["steps"][0][1]


def test_a_rushed_program_flies_less_reliably():
    state = opening()
    plain = add_program(state, "nasa", "orbiter", "imbrium")
    rushed = add_program(state, "nasa", "orbiter", "crisium")
    rushed.rushes = 2
    penalty = state.content.rule("economy").rush_penalty
    difference = _first_step_chance(state, plain) - _first_step_chance(state, rushed)
    assert abs(difference - 2 * penalty) < 1e-9


def test_a_delay_for_testing_costs_its_fee_and_keeps_the_program_on_the_ground():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium")
    after, events = resolve_quiet(state, {"nasa": [Delay(program.id)]})
    fee = q.test_fee(state, program)
    income = income_of(state, "nasa")
    assert after.agency["nasa"].treasury == state.agency["nasa"].treasury - fee + income
    assert after.programs[program.id].tests == 1
    assert after.programs[program.id].phase == "ready"
    assert [e.data["program"] for e in of_kind(events, "program_tested")] == [program.id]
    assert not of_kind(events, "mission_flown")


def test_a_tested_program_flies_more_reliably():
    state = opening()
    plain = add_program(state, "nasa", "orbiter", "imbrium")
    tested = add_program(state, "nasa", "orbiter", "crisium")
    tested.tests = 2
    bonus = state.content.rule("economy").test_bonus
    difference = _first_step_chance(state, tested) - _first_step_chance(state, plain)
    assert abs(difference - 2 * bonus) < 1e-9


def test_a_scrub_refunds_a_quarter_of_what_each_contributor_paid():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", partners={"esa": 100})
    paid = program.contributions
    after, events = resolve_quiet(state, {"nasa": [Scrub(program.id)]})
    refund = state.content.rule("economy").scrub_refund
    assert refund == 0.25
    for agency in ("nasa", "esa"):
        income = income_of(state, agency)
        expected = state.agency[agency].treasury + int(paid[agency] * refund) + income
        assert after.agency[agency].treasury == expected
    assert program.id not in after.programs
    assert after.agency["nasa"].support == state.agency["nasa"].support - 1
    scrubbed = of_kind(events, "program_scrubbed")
    assert [(e.agency, set(e.visible_to)) for e in scrubbed] == [("nasa", {"nasa", "esa"})]


def test_a_launch_flies_its_steps_in_order_and_stops_at_the_failed_step():
    state = opening()
    program = add_program(state, "nasa", "lander", "imbrium")
    state.agency["nasa"].experience["landing"] = -1.0  # the descent is all but certain to fail
    after, events = resolve_until(
        state,
        {"nasa": [Launch(program.id)]},
        lambda s, e: any(
            x.kind == "mission_flown" and x.data["failed_step"] == "descent" for x in e
        ),
    )
    data = flight(events, program.id).data
    names = [step.name for step in state.content.missions["lander"].steps]
    assert [r[0] for r in data["steps"]] == names[: names.index("descent") + 1]
    assert [r[2] for r in data["steps"]] == [True, True, False]
    assert data["steps"][-1][1] == state.content.rule("reliability").floor
    assert data["result"] == "failure"
    record = after.flights[-1]
    assert (record["result"], record["failed_step"], record["steps"]) == ("failure", "descent", 2)
    assert program.id not in after.programs
    assert not of_kind(events, "milestone")


def test_a_failed_flight_costs_prestige_and_support():
    state = opening()
    program = add_program(state, "nasa", "lander", "imbrium")
    state.agency["nasa"].experience["landing"] = -1.0
    after, _ = resolve_until(
        state,
        {"nasa": [Launch(program.id)]},
        lambda s, e: (
            any(x.kind == "mission_flown" and x.data["result"] == "failure" for x in e)
            and not any(x.kind == "random_event" for x in e)
        ),
    )
    rules = state.content
    nasa_before, nasa_after = state.agency["nasa"], after.agency["nasa"]
    assert nasa_after.prestige["penalties"] == -rules.rule("prestige").failure
    lost = round(rules.rule("support").failure * q.trait(state, "nasa", "failure_support"))
    assert nasa_after.support == nasa_before.support - lost
    assert (nasa_after.flights, nasa_after.failures, nasa_after.successes) == (1, 1, 0)


def test_a_successful_flight_flies_every_step_and_earns_science():
    state = opening()
    program = add_program(state, "nasa", "lander", "imbrium")
    after, events = resolve_until(
        state,
        {"nasa": [Launch(program.id)]},
        lambda s, e: any(x.kind == "mission_flown" and x.data["result"] == "success" for x in e),
    )
    data = flight(events, program.id).data
    assert [r[0] for r in data["steps"]] == [s.name for s in state.content.missions["lander"].steps]
    assert all(r[2] for r in data["steps"])
    assert after.agency["nasa"].prestige["science"] > state.agency["nasa"].prestige["science"]
    assert after.agency["nasa"].experience["landing"] > 0
    # The state keeps every flight's record; fields at their usual value are left out.
    record = after.flights[-1]
    assert record["result"] == "success" and record["steps"] == len(data["steps"])
    assert not {"partners", "station", "failed_step", "crew", "crew_lost"} & set(record)


def test_a_failed_crewed_flight_either_aborts_safely_or_loses_its_crew():
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    program = add_program(state, "nasa", "crewed_flyby", "orbit")
    state.agency["nasa"].experience["crew"] = -1.0

    def failed(lost: bool):
        return lambda s, e: (
            any(
                x.kind == "mission_flown"
                and x.data["failed_step"] == "lunar flyby"
                and x.data["crew_lost"] is lost
                for x in e
            )
            and not any(x.kind == "random_event" for x in e)
        )

    orders = {"nasa": [Launch(program.id)]}
    safe, _ = resolve_until(state, orders, failed(False))
    lost, _ = resolve_until(state, orders, failed(True))
    prestige = state.content.rule("prestige")
    assert safe.agency["nasa"].crew_lost == 0
    assert safe.agency["nasa"].prestige["penalties"] == -prestige.failure
    assert lost.agency["nasa"].crew_lost == 1
    assert lost.agency["nasa"].prestige["penalties"] == -prestige.failure - prestige.crew_lost
    assert lost.agency["nasa"].support < safe.agency["nasa"].support


def test_a_commercial_launch_flies_at_the_providers_reliability():
    state = opening()
    program = add_program(state, "esa", "orbiter", "imbrium", commercial=True)
    chance = _first_step_chance(state, program)
    assert chance == state.content.rule("commercial").launch_reliability


def test_a_commercial_launch_also_flies_the_cruise_so_csa_can_send_an_orbiter():
    state = opening()
    program = add_program(state, "csa", "orbiter", "imbrium", commercial=True)
    assert check(state, "csa", Launch(program.id)) is None
    after, events = resolve_until(state, {"csa": [Launch(program.id)]}, succeeded(program.id))
    steps = flight(events, program.id).data["steps"]
    reliability = state.content.rule("commercial").launch_reliability
    assert [s[1] for s in steps[:2]] == [reliability, reliability]
    assert after.agency["csa"].successes == 1


def test_partners_funding_the_last_stretch_together_can_finish_a_program():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False, partners={"esa": 0})
    program.paid = program.cost - 80
    program.contributions = {"nasa": program.paid, "esa": 0}
    orders = {"nasa": [Fund(program.id, 50)], "esa": [Fund(program.id, 50)]}
    after, _ = resolve_quiet(state, orders)
    assert "esa" in program.participants
    done = after.programs[program.id]
    assert done.phase == "ready"
    assert done.contributions["esa"] == 40  # the last 80 shared as offered: 50 to 50
