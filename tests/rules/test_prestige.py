"""Firsts and credit: the first to a milestone earns most, partners share by what they paid."""

from __future__ import annotations

import pytest

from game.rules import Event, Launch, State
from game.rules.resolve import _partner_part
from tests.rules.builders import add_program, learn, of_kind, opening, resolve_until


def _all_succeed(*programs: str):
    def check(_: State, events: list[Event]) -> bool:
        done = {
            e.data["program"]
            for e in events
            if e.kind == "mission_flown" and e.data["result"] == "success"
        }
        return done == set(programs) and not of_kind(events, "random_event")

    return check


def _awards(events: list[Event], milestone: str) -> dict[str, tuple[int, int]]:
    """agency -> (rank, points) of one milestone's awards this turn."""
    return {
        e.agency: (e.data["rank"], e.data["points"])
        for e in events
        if e.kind == "milestone" and e.data["milestone"] == milestone
    }


def _two_south_pole_landings() -> tuple[State, list[Event]]:
    state = opening()
    learn(state, "nasa", "precision_landing")
    first = add_program(state, "nasa", "lander", "shackleton")
    second = add_program(state, "cnsa", "lander", "haworth")
    orders = {"nasa": [Launch(first.id)], "cnsa": [Launch(second.id)]}
    return resolve_until(state, orders, _all_succeed(first.id, second.id))


def test_agencies_reaching_a_milestone_in_the_same_turn_share_the_first_rank():
    after, events = _two_south_pole_landings()
    full = after.content.milestones["south_pole_landing"].prestige
    assert _awards(events, "south_pole_landing") == {"nasa": (1, full), "cnsa": (1, full)}
    assert sorted(r[0] for r in after.milestones["south_pole_landing"]) == ["cnsa", "nasa"]
    assert all(e.visible_to is None for e in of_kind(events, "milestone"))


def test_a_later_completion_of_a_milestone_pays_less():
    state, _ = _two_south_pole_landings()
    learn(state, "esa", "robotic_lander", "precision_landing")
    program = add_program(state, "esa", "lander", "shoemaker")
    after, events = resolve_until(state, {"esa": [Launch(program.id)]}, _all_succeed(program.id))
    milestone = state.content.milestones["south_pole_landing"]
    decay = state.content.rule("prestige").decay
    # Two agencies got there first together; ESA's landing is the second achievement.
    assert _awards(events, "south_pole_landing") == {
        "esa": (2, round(milestone.prestige * decay[1]))
    }
    assert after.agency["esa"].prestige["firsts"] > state.agency["esa"].prestige["firsts"]


def test_a_milestone_claimed_before_the_match_starts_the_race_at_a_later_rank():
    _, events = _two_south_pole_landings()
    robotic = opening().content.milestones["robotic_landing"]
    decay = opening().content.rule("prestige").decay
    # CNSA landed robots before 2021: it earns nothing again, NASA comes second.
    assert _awards(events, "robotic_landing") == {"nasa": (2, round(robotic.prestige * decay[1]))}


def test_a_joint_program_shares_science_and_firsts_by_contribution():
    state = opening()
    state.agreements.pop("iss")  # no ISS science this turn: only the flight's
    program = add_program(state, "roscosmos", "lander", "boguslawsky", partners={"esa": 0})
    program.contributions = {
        "esa": program.cost // 4,
        "roscosmos": program.cost - program.cost // 4,
    }
    share = {a: paid / program.cost for a, paid in program.contributions.items()}
    after, events = resolve_until(
        state, {"roscosmos": [Launch(program.id)]}, _all_succeed(program.id)
    )
    content = state.content
    esa = content.agencies["esa"]
    base = content.missions["lander"].science * content.sites["boguslawsky"].science
    roscosmos = content.agencies["roscosmos"].trait("science")
    # The partner credit multiplies the odds of ESA's share of the money.
    credit = esa.trait("partner_credit")
    esa_part = credit * share["esa"] / (1 + (credit - 1) * share["esa"])
    assert share["esa"] < esa_part < credit * share["esa"]
    science = {
        "roscosmos": round(base * share["roscosmos"] * roscosmos),
        "esa": round(base * esa_part * esa.trait("science")),
    }
    for agency, points in science.items():
        gained = after.agency[agency].prestige["science"] - state.agency[agency].prestige["science"]
        assert gained == points
    value = content.milestones["robotic_landing"].prestige * content.rule("prestige").decay[1]
    assert _awards(events, "robotic_landing") == {
        "roscosmos": (2, round(value * share["roscosmos"])),
        "esa": (2, round(value * esa_part)),
    }


def test_a_partner_who_paid_more_earns_more_of_the_credit():
    gained = {}
    for esa_share in (0.2, 0.6):
        state = opening()
        program = add_program(state, "roscosmos", "lander", "boguslawsky", partners={"esa": 0})
        esa_paid = round(program.cost * esa_share)
        program.contributions = {"esa": esa_paid, "roscosmos": program.cost - esa_paid}
        after, _ = resolve_until(
            state, {"roscosmos": [Launch(program.id)]}, _all_succeed(program.id)
        )
        gained[esa_share] = after.agency["esa"].total_prestige - state.agency["esa"].total_prestige
    assert gained[0.6] > gained[0.2] > 0


def test_a_partner_who_paid_everything_earns_no_more_than_a_lead():
    state = opening()
    credit = state.content.agencies["jaxa"].trait("partner_credit")
    assert credit > 1
    assert _partner_part(state, "jaxa", 0.1) == pytest.approx(
        credit * 0.1 / (1 + (credit - 1) * 0.1)
    )
    assert 0.1 < _partner_part(state, "jaxa", 0.1) < credit * 0.1
    assert _partner_part(state, "jaxa", 1.0) == pytest.approx(1.0)
    parts = [_partner_part(state, "jaxa", x / 10) for x in range(11)]
    assert parts == sorted(parts)


def test_a_partner_who_paid_nothing_earns_no_milestone():
    state = opening()
    learn(state, "nasa", "precision_landing")
    program = add_program(state, "nasa", "lander", "shackleton", partners={"csa": 0})
    after, events = resolve_until(state, {"nasa": [Launch(program.id)]}, _all_succeed(program.id))
    awards = _awards(events, "south_pole_landing")
    assert set(awards) == {"nasa"}
    assert "csa" not in {r[0] for r in after.milestones["south_pole_landing"]}


def test_a_partner_earns_its_share_with_its_partner_credit():
    state = opening()
    learn(state, "nasa", "precision_landing")
    program = add_program(state, "nasa", "lander", "shackleton", partners={"csa": 100})
    _, events = resolve_until(state, {"nasa": [Launch(program.id)]}, _all_succeed(program.id))
    full = state.content.milestones["south_pole_landing"].prestige
    credit = state.content.agencies["csa"].trait("partner_credit")
    awards = _awards(events, "south_pole_landing")
    share = 100 / program.cost
    assert awards["csa"] == (1, round(full * credit * share / (1 + (credit - 1) * share)))
    assert awards["nasa"] == (1, round(full * (program.cost - 100) / program.cost))
