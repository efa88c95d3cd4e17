"""Diplomacy: proposals answered in a later turn, treaties and blocs, and the price of leaving."""

from __future__ import annotations

from game.rules import (
    Answer,
    Code,
    Fund,
    Propose,
    State,
    Withdraw,
    check,
    legal_commands,
)
from game.rules import queries as q
from game.rules.state import Agreement, Proposal
from tests.rules.builders import add_program, of_kind, opening, resolve_quiet


def _propose(state: State, sender: str, cmd: Propose) -> tuple[State, str]:
    after, events = resolve_quiet(state, {sender: [cmd]})
    made = of_kind(events, "proposal_made")
    assert len(made) == 1 and set(made[0].visible_to) == {sender, cmd.to}
    return after, made[0].data["proposal"]["id"]


def _drifted(state: State, a: str, b: str, value: int) -> int:
    """Relations after the end-of-turn drift toward the scenario's baseline."""
    drift = state.content.rule("diplomacy").drift
    return value + round((state.content.baseline(a, b) - value) * drift)


def test_a_proposal_cannot_be_answered_in_the_turn_it_is_made():
    state = opening()
    coming = f"p{state.next_id}"  # the id the proposal will get
    orders = {
        "roscosmos": [Propose("esa", "tech_sharing")],
        "esa": [Answer(coming, True)],
    }
    after, events = resolve_quiet(state, orders)
    assert [e.data["code"] for e in of_kind(events, "order_rejected")] == ["unknown_proposal"]
    assert coming in after.proposals
    assert not of_kind(events, "treaty_signed")


def test_a_proposal_accepted_in_a_later_turn_signs_the_treaty():
    state, pid = _propose(opening(), "roscosmos", Propose("esa", "tech_sharing"))
    before = state.relations["roscosmos"]["esa"]
    after, events = resolve_quiet(state, {"esa": [Answer(pid, True)]})
    signed = of_kind(events, "treaty_signed")
    assert len(signed) == 1 and signed[0].visible_to is None
    treaty = after.agreements[signed[0].data["agreement"]]
    assert (treaty.kind, treaty.members) == ("tech_sharing", ["roscosmos", "esa"])
    assert q.treaty_between(after, "esa", "roscosmos", "tech_sharing") == treaty.id
    assert pid not in after.proposals
    dip = state.content.rule("diplomacy")
    assert after.relations["esa"]["roscosmos"] == _drifted(
        state, "esa", "roscosmos", before + dip.signed
    )
    bonus = state.content.rule("prestige").treaty_signed
    for agency in ("roscosmos", "esa"):
        assert after.agency[agency].prestige["diplomacy"] == bonus


def test_a_declined_proposal_cools_relations():
    state, pid = _propose(opening(), "roscosmos", Propose("esa", "tech_sharing"))
    before = state.relations["roscosmos"]["esa"]
    after, events = resolve_quiet(state, {"esa": [Answer(pid, False)]})
    assert [set(e.visible_to) for e in of_kind(events, "proposal_declined")] == [
        {"roscosmos", "esa"}
    ]
    dip = state.content.rule("diplomacy")
    assert after.relations["esa"]["roscosmos"] == _drifted(
        state, "esa", "roscosmos", before + dip.declined
    )
    assert not q.treaty_between(after, "esa", "roscosmos", "tech_sharing")


def test_an_unanswered_proposal_expires():
    state, pid = _propose(opening(), "roscosmos", Propose("esa", "tech_sharing"))
    expiry = state.content.rule("diplomacy").proposal_expiry
    for _ in range(expiry - 1):
        state, events = resolve_quiet(state)
        assert pid in state.proposals and not of_kind(events, "proposal_expired")
    state, events = resolve_quiet(state)
    expired = of_kind(events, "proposal_expired")
    assert [(e.data["proposal"], set(e.visible_to)) for e in expired] == [
        (pid, {"roscosmos", "esa"})
    ]
    assert pid not in state.proposals
    assert check(state, "esa", Answer(pid, True)).code == Code.UNKNOWN_PROPOSAL


def test_leaving_a_treaty_costs_prestige_support_and_relations():
    state, pid = _propose(opening(), "roscosmos", Propose("esa", "tech_sharing"))
    state, events = resolve_quiet(state, {"esa": [Answer(pid, True)]})
    gid = of_kind(events, "treaty_signed")[0].data["agreement"]
    relations = state.relations["esa"]["roscosmos"]
    after, events = resolve_quiet(state, {"esa": [Withdraw(gid)]})
    rules = state.content
    assert [e.agency for e in of_kind(events, "agreement_left")] == ["esa"]
    assert gid not in after.agreements  # a treaty of two ends when one leaves
    penalty = after.agency["esa"].prestige["penalties"] - state.agency["esa"].prestige["penalties"]
    assert penalty == -rules.rule("prestige").broken_treaty
    assert (
        after.agency["esa"].support
        == state.agency["esa"].support - rules.rule("support").broken_treaty
    )
    broken = rules.rule("diplomacy").broken
    assert after.relations["esa"]["roscosmos"] == _drifted(
        state, "esa", "roscosmos", relations + broken
    )


def test_both_parties_walking_out_of_a_treaty_together_each_pay_the_price():
    state = opening()
    state.agreements["t50"] = Agreement(
        "t50", "docking", "Docking", ["esa", "roscosmos"], "esa", ["docking"], 0
    )
    orders = {"esa": [Withdraw("t50")], "roscosmos": [Withdraw("t50")]}
    after, events = resolve_quiet(state, orders)
    assert sorted(e.agency for e in of_kind(events, "agreement_left")) == ["esa", "roscosmos"]
    assert "t50" not in after.agreements
    penalty = state.content.rule("prestige").broken_treaty
    for agency in ("esa", "roscosmos"):
        assert after.agency[agency].prestige["penalties"] == -penalty


def test_leaving_a_bloc_sours_relations_with_every_member_and_the_bloc_goes_on():
    state = opening()
    after, _ = resolve_quiet(state, {"nasa": [Withdraw("gateway_partnership")]})
    bloc = after.agreements["gateway_partnership"]
    assert bloc.members == ["esa", "jaxa", "csa"]
    assert bloc.lead == "esa"
    broken = state.content.rule("diplomacy").broken
    for other in ("esa", "jaxa", "csa"):
        expected = _drifted(state, "nasa", other, state.relations["nasa"][other] + broken)
        assert after.relations["nasa"][other] == after.relations[other]["nasa"] == expected


def test_nasa_and_cnsa_may_sign_no_bilateral_treaty():
    state = opening()
    for treaty in state.content.treaties:
        assert check(state, "nasa", Propose("cnsa", treaty)).code == Code.FORBIDDEN_PAIRING
        assert check(state, "cnsa", Propose("nasa", treaty)).code == Code.FORBIDDEN_PAIRING
    gateway = next(p for p in state.programs.values() if p.name == "Gateway PPE")
    invite = Propose("cnsa", "joint_mission", program=gateway.id)
    assert check(state, "nasa", invite).code == Code.FORBIDDEN_PAIRING
    for agency, other in (("nasa", "cnsa"), ("cnsa", "nasa")):
        offered = [
            c
            for c in legal_commands(state, agency)
            if isinstance(c, Propose) and c.to == other and c.treaty != "join_bloc"
        ]
        assert offered == []


def test_a_nasa_cnsa_proposal_that_somehow_waits_lapses_when_accepted():
    state = opening()
    state.proposals["p90"] = Proposal("p90", "nasa", "cnsa", "docking", -1)
    after, events = resolve_quiet(state, {"cnsa": [Answer("p90", True)]})
    assert [e.data["proposal"] for e in of_kind(events, "proposal_lapsed")] == ["p90"]
    assert not q.treaty_between(after, "nasa", "cnsa", "docking")


def test_an_invited_partner_joins_a_program_and_may_then_fund_it():
    state = opening()
    program = add_program(state, "nasa", "orbiter", "imbrium", ready=False)
    assert check(state, "esa", Fund(program.id, 10)).code == Code.NOT_A_PARTNER
    state, pid = _propose(state, "nasa", Propose("esa", "joint_mission", program=program.id))
    after, events = resolve_quiet(state, {"esa": [Answer(pid, True)]})
    assert [e.data["program"] for e in of_kind(events, "partner_joined")] == [program.id]
    assert after.programs[program.id].partners == ["esa"]
    assert check(after, "esa", Fund(program.id, 10)) is None


def test_an_accepted_request_to_join_a_bloc_adds_the_member():
    state, pid = _propose(
        opening(), "roscosmos", Propose("nasa", "join_bloc", bloc="artemis_accords")
    )
    after, events = resolve_quiet(state, {"nasa": [Answer(pid, True)]})
    assert [e.agency for e in of_kind(events, "bloc_joined")] == ["roscosmos"]
    assert "roscosmos" in after.agreements["artemis_accords"].members
    assert "transparency" in q.terms_between(after, "roscosmos", "jaxa")


def test_relations_stay_symmetric_and_within_bounds_after_a_heavy_blow():
    state = opening()
    state.relations["esa"]["roscosmos"] = state.relations["roscosmos"]["esa"] = -90
    state.agreements["t50"] = Agreement(
        "t50", "docking", "Docking", ["esa", "roscosmos"], "esa", ["docking"], 0
    )
    after, _ = resolve_quiet(state, {"esa": [Withdraw("t50")]})
    floor = _drifted(state, "esa", "roscosmos", -100)  # -90 - 30 stops at -100, then drifts
    assert after.relations["esa"]["roscosmos"] == after.relations["roscosmos"]["esa"] == floor
