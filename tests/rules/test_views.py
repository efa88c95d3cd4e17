"""Hidden information: each agency sees its own secrets, public facts, and estimates of rivals."""

from __future__ import annotations

import json

import msgpack
import pytest

from game.rules import Propose, Research, events_for, view
from tests.rules.builders import add_program, of_kind, opening, resolve_quiet

PRIVATE_KEYS = {"treasury", "budget", "research", "known", "techs", "experience"}


def test_an_agency_sees_its_own_treasury_research_and_techs_under_me():
    state = opening()
    mine = view(state, "nasa")["me"]
    nasa = state.agency["nasa"]
    assert (mine["agency"], mine["treasury"], mine["budget"]) == (
        "nasa",
        nasa.treasury,
        nasa.budget,
    )
    assert mine["research"] == nasa.research
    assert mine["known"] == nasa.known
    assert mine["techs"]["heavy_launcher"]["status"] == "available"


def test_public_agency_entries_carry_no_private_numbers():
    state = opening()
    for seat in (None, "nasa"):
        for agency, public in view(state, seat)["agencies"].items():
            assert PRIVATE_KEYS.isdisjoint(public), agency


def test_an_agency_sees_only_the_programs_it_takes_part_in():
    state = opening()
    for agency in state.agencies:
        seen = view(state, agency)["programs"]
        own = {p.id for p in state.programs.values() if agency in p.participants}
        assert set(seen) == own
    assert {p["name"] for p in view(state, "esa")["programs"].values()} == {
        "Luna 27",
        "Gateway PPE",
    }


def test_an_agency_sees_only_its_own_proposals():
    state = opening()
    state, _ = resolve_quiet(state, {"roscosmos": [Propose("esa", "tech_sharing")]})
    assert len(view(state, "roscosmos")["proposals"]) == 1
    assert len(view(state, "esa")["proposals"]) == 1
    assert view(state, "nasa")["proposals"] == []
    assert view(state, None)["proposals"] == []


def test_an_offer_to_join_a_mission_tells_both_parties_which_mission():
    state = opening()
    lander = add_program(state, "roscosmos", "lander", "shackleton", ready=False)
    offer = Propose("esa", "joint_mission", program=lander.id)
    state, _ = resolve_quiet(state, {"roscosmos": [offer]})
    for party in ("roscosmos", "esa"):
        (proposal,) = view(state, party)["proposals"]
        assert proposal["mission"] == {
            "name": lander.name,
            "mission_type": "lander",
            "site": "shackleton",
            "cost": lander.cost,
        }
    assert view(state, "nasa")["proposals"] == []
    assert lander.id not in view(state, "esa")["programs"]  # a partner only once it accepts


def test_the_spectator_view_has_no_private_part():
    state = opening()
    public = view(state, None)
    assert "me" not in public
    assert public["seat"] is None
    assert public["programs"] == {}
    assert not any(intel["exact"] for intel in public["intel"].values())
    assert set(public["intel"]) == set(state.agencies)


def test_rivals_private_numbers_are_noisy_estimates_within_the_intel_spread():
    state = opening()
    spread = state.content.rule("intel").noise
    intel = view(state, "cnsa")["intel"]
    assert "cnsa" not in intel
    misses = 0
    for agency, guess in intel.items():
        assert guess["exact"] is False and "known" not in guess
        real = state.agency[agency].treasury
        assert abs(guess["treasury"] - real) <= spread * real + 1
        misses += guess["treasury"] != real
    assert misses >= 3


def test_transparency_partners_see_each_other_exactly():
    state = opening()
    # NASA and JAXA signed the Artemis Accords, which carry transparency; ESA did not.
    intel = view(state, "nasa")["intel"]
    assert intel["jaxa"]["exact"] is True
    assert intel["jaxa"]["treasury"] == state.agency["jaxa"].treasury
    assert intel["jaxa"]["known"] == sorted(state.agency["jaxa"].known)
    assert intel["esa"]["exact"] is False


def test_the_same_question_gets_the_same_estimate():
    state = opening()
    assert view(state, "cnsa")["intel"] == view(state.clone(), "cnsa")["intel"]


def test_the_views_version_grows_every_turn():
    state = opening()
    before = view(state, "esa")["version"]
    state, _ = resolve_quiet(state)
    assert view(state, "esa")["version"] == before + 1


@pytest.mark.parametrize("seat", [None, "nasa", "csa"])
def test_a_view_is_plain_data_for_msgpack_and_json(seat):
    state = opening()
    state, _ = resolve_quiet(state, {"nasa": [Research("heavy_launcher", 400)]})
    v = view(state, seat)
    assert msgpack.unpackb(msgpack.packb(v), raw=False) == v
    assert json.loads(json.dumps(v)) == v


def test_a_view_for_an_agency_not_seated_is_refused():
    with pytest.raises(ValueError):
        view(opening(agencies=["nasa", "esa"]), "cnsa")


def test_events_for_shows_private_events_only_to_those_they_concern():
    state, _ = resolve_quiet(opening())  # the second half-year ends with budget reviews
    orders = {
        "nasa": [Research("heavy_launcher", 400)],
        "roscosmos": [Propose("esa", "tech_sharing")],
    }
    _, events = resolve_quiet(state, orders)
    assert len(of_kind(events, "budget_review")) == len(state.agencies)
    for seat in [None, *state.agencies]:
        shown = events_for(events, seat)
        expected = [e.to_wire() for e in events if e.visible_to is None or seat in e.visible_to]
        assert shown == expected
    kinds_for = {
        seat: {e["kind"] for e in events_for(events, seat)} for seat in (None, "esa", "nasa")
    }
    assert "proposal_made" in kinds_for["esa"]
    assert "proposal_made" not in kinds_for["nasa"] and "proposal_made" not in kinds_for[None]
    assert "budget_review" in kinds_for["esa"] and "budget_review" not in kinds_for[None]
    assert [e["agency"] for e in events_for(events, "esa") if e["kind"] == "budget_review"] == [
        "esa"
    ]


def test_a_spectator_sees_no_event_meant_for_one_agency():
    state = opening()
    _, events = resolve_quiet(state, {"nasa": [Research("warp_drive", 1)]})
    assert of_kind(events, "order_rejected")
    assert all(e["kind"] != "order_rejected" for e in events_for(events, None))
    assert all(e["kind"] != "order_rejected" for e in events_for(events, "esa"))
    assert any(e["kind"] == "order_rejected" for e in events_for(events, "nasa"))
