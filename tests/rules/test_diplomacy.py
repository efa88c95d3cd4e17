"""Diplomacy: proposals answered in a later turn, treaties and blocs, and the price of leaving."""

from __future__ import annotations

from game.rules import (
    Answer,
    Code,
    Fund,
    Launch,
    Propose,
    State,
    Withdraw,
    check,
    legal_commands,
)
from game.rules import queries as q
from game.rules.state import Agreement, Proposal
from tests.rules.builders import (
    add_program,
    add_station,
    learn,
    of_kind,
    opening,
    resolve_quiet,
    resolve_until,
    succeeded,
)


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
    for agency in ("roscosmos", "esa"):  # signing earns no prestige of itself
        assert after.agency[agency].prestige["diplomacy"] == 0


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


def test_leaving_after_the_notice_costs_only_some_trust():
    state = opening()
    dip = state.content.rule("diplomacy")
    state.agreements["t50"] = Agreement(
        "t50", "docking", "Docking", ["esa", "roscosmos"], "esa", ["docking"], 0
    )
    state.turn = dip.notice
    relations = state.relations["esa"]["roscosmos"]
    after, events = resolve_quiet(state, {"esa": [Withdraw("t50")]})
    [left] = of_kind(events, "agreement_left")
    assert left.data["broken"] is False and "after its notice" in left.text
    assert after.agency["esa"].prestige["penalties"] == state.agency["esa"].prestige["penalties"]
    assert after.agency["esa"].support >= state.agency["esa"].support - 1  # drift alone
    assert after.relations["esa"]["roscosmos"] == _drifted(
        state, "esa", "roscosmos", relations + dip.left
    )


def test_each_agreement_charges_its_dues_every_turn():
    state = opening()
    esa = state.agency["esa"]
    content = state.content
    share = content.blocs["iss"].dues + content.blocs["gateway_partnership"].dues
    assert q.dues(state, "esa") == -(-share * (esa.budget // 2) // 1)
    state.agreements["t50"] = Agreement(
        "t50", "docking", "Docking", ["esa", "roscosmos"], "esa", ["docking"], 0
    )
    more = q.dues(state, "esa")
    assert more > q.dues(opening(), "esa")
    after, events = resolve_quiet(state)
    paid = [e for e in of_kind(events, "dues_paid") if e.agency == "esa"]
    assert [(e.data["amount"], e.visible_to) for e in paid] == [(more, ("esa",))]
    assert after.agency["esa"].treasury == esa.treasury + esa.budget // 2 - more


def test_a_member_of_one_camp_may_not_join_the_rival_bloc():
    state = opening()
    assert check(state, "esa", Propose("cnsa", "join_bloc", bloc="ilrs")).code == Code.RIVAL_BLOC
    assert (
        check(state, "roscosmos", Propose("nasa", "join_bloc", bloc="gateway_partnership")).code
        == Code.RIVAL_BLOC
    )
    # Once out of the Gateway partnership, ESA may ask.
    after, _ = resolve_quiet(state, {"esa": [Withdraw("gateway_partnership")]})
    assert check(after, "esa", Propose("cnsa", "join_bloc", bloc="ilrs")) is None


def test_no_alliance_across_the_rival_blocs_so_no_agency_sits_in_both_coalitions():
    state = opening()
    state.relations["esa"]["roscosmos"] = state.relations["roscosmos"]["esa"] = 60
    # NASA, in ESA's camp, is barred from CNSA, in Roscosmos's.
    assert check(state, "esa", Propose("roscosmos", "alliance")).code == Code.FORBIDDEN_PAIRING
    assert check(state, "esa", Propose("roscosmos", "docking")) is None
    # With CNSA out of it, the ILRS still excludes the Gateway partnership.
    state.agreements["ilrs"].members.remove("cnsa")
    assert check(state, "esa", Propose("roscosmos", "alliance")).code == Code.RIVAL_BLOC
    state.agreements["ilrs"].members.append("cnsa")
    # An alliance with NASA signed outside both blocs keeps ESA out of the ILRS: NASA, in
    # the Gateway partnership and barred from CNSA, would be in the same coalition.
    state.agreements["gateway_partnership"].members.remove("esa")
    state.agreements["t50"] = Agreement(
        "t50", "alliance", "Alliance", ["esa", "nasa"], "esa", ["alliance"], 0
    )
    ask = Propose("cnsa", "join_bloc", bloc="ilrs")
    assert check(state, "esa", ask).code == Code.FORBIDDEN_PAIRING
    state.relations["esa"]["cnsa"] = state.relations["cnsa"]["esa"] = 60
    assert check(state, "esa", Propose("cnsa", "alliance")).code == Code.FORBIDDEN_PAIRING
    # So does an alliance with JAXA, whose Gateway partnership holds NASA.
    del state.agreements["t50"]
    state.agreements["t51"] = Agreement(
        "t51", "alliance", "Alliance", ["esa", "jaxa"], "esa", ["alliance"], 0
    )
    assert check(state, "esa", ask).code == Code.FORBIDDEN_PAIRING


def test_a_bloc_lives_on_with_its_lead_alone():
    state = opening()
    after, _ = resolve_quiet(state, {"roscosmos": [Withdraw("ilrs")]})
    assert after.agreements["ilrs"].members == ["cnsa"]
    assert q.dues(after, "cnsa") < q.dues(state, "cnsa")  # a bloc of one charges nothing
    assert check(after, "esa", Propose("cnsa", "join_bloc", bloc="ilrs")).code == Code.RIVAL_BLOC


def test_a_rival_bloc_joined_meanwhile_lets_an_accepted_request_lapse():
    state = opening()
    state.agreements["gateway_partnership"].members.remove("esa")
    state.proposals["p90"] = Proposal("p90", "esa", "cnsa", "join_bloc", -1, "ilrs")
    state.agreements["gateway_partnership"].members.append("esa")
    after, events = resolve_quiet(state, {"cnsa": [Answer("p90", True)]})
    assert [e.data["proposal"] for e in of_kind(events, "proposal_lapsed")] == ["p90"]
    assert "esa" not in after.agreements["ilrs"].members


def test_the_legal_bar_keeps_cnsa_out_of_every_bloc_nasa_sits_in():
    state = opening()
    ask = Propose("nasa", "join_bloc", bloc="artemis_accords")
    assert check(state, "cnsa", ask).code == Code.FORBIDDEN_PAIRING
    # Through a third party too: no shared program, even one led by a partner of both.
    program = add_program(state, "esa", "orbiter", "imbrium", ready=False)
    program.partners.append("nasa")
    invite = Propose("cnsa", "joint_mission", program=program.id)
    assert check(state, "esa", invite).code == Code.FORBIDDEN_PAIRING


def test_the_legal_bar_shares_no_terms_stations_or_coalition_even_in_one_bloc():
    state = opening()
    state.agreements["artemis_accords"].members.append("cnsa")
    state.agreements["t50"] = Agreement(
        "t50", "alliance", "Alliance", ["nasa", "cnsa", "esa"], "esa", ["alliance"], 0
    )
    assert q.terms_between(state, "nasa", "cnsa") == set()
    assert not q.allied(state, "nasa", "cnsa")
    assert "cnsa" not in q.partners_with(state, "nasa", "docking")
    station = add_station(state, "shackleton", ["habitat"], {"cnsa": 100}, access="open")
    assert not q.may_use_station(state, station, "nasa")
    assert q.may_use_station(state, station, "jaxa")


def test_a_joint_program_term_makes_a_shared_program_more_reliable():
    state = opening()
    state.agreements["gateway_partnership"].terms.remove("joint_program")
    program = add_program(state, "jaxa", "orbiter", "imbrium", ready=False)
    program.partners.append("csa")
    alone = q.program_reliability_systems(state, program)
    state.agreements["t50"] = Agreement(
        "t50", "joint_program", "Joint", ["jaxa", "csa"], "jaxa", ["joint_program"], 0
    )
    joint = q.program_reliability_systems(state, program)
    bonus = state.content.rule("diplomacy").joint_reliability
    ceiling = state.content.rule("reliability").ceiling
    for system, r in alone.items():
        assert joint[system] == (min(ceiling, r + bonus) if r > 0 else r)
    assert any(joint[k] > alone[k] for k in alone)


def test_the_legal_bar_keeps_a_partner_out_of_a_program_to_a_station_it_is_barred_from():
    state = opening()
    add_station(state, "shackleton", ["surface_power"], {"nasa": 500})
    program = add_program(state, "esa", "surface_module", "shackleton", module="surface_habitat")
    program.phase = "building"
    invite = Propose("cnsa", "joint_mission", program=program.id)
    assert check(state, "esa", invite).code == Code.FORBIDDEN_PAIRING
    assert check(state, "esa", Propose("roscosmos", "joint_mission", program=program.id)) is None


def test_a_barred_partner_arriving_at_a_station_gets_no_share_and_hears_why():
    state = opening()
    station = add_station(state, "shackleton", ["surface_power"], {"nasa": 500})
    program = add_program(
        state,
        "roscosmos",
        "surface_module",
        "shackleton",
        module="surface_habitat",
        partners={"cnsa": 100},
    )
    learn(state, "roscosmos", "heavy_launcher", "surface_habitat", "precision_landing")
    orders = {"roscosmos": [Launch(program.id)]}
    after, events = resolve_until(state, orders, succeeded(program.id))
    assert of_kind(events, "module_added")
    [barred] = of_kind(events, "share_barred")
    assert (barred.agency, barred.visible_to, barred.data["amount"]) == ("cnsa", ("cnsa",), 100)
    assert "cnsa" not in after.stations[station.id].contributions
    assert after.stations[station.id].contributions["roscosmos"] > 0


def test_no_alliance_joins_two_camps_even_two_steps_apart():
    state = opening()
    for bloc in ("gateway_partnership", "ilrs"):
        del state.agreements[bloc]
    state.agreements["t50"] = Agreement(
        "t50", "alliance", "Alliance", ["esa", "nasa"], "esa", ["alliance"], 0
    )
    state.agreements["t51"] = Agreement(
        "t51", "alliance", "Alliance", ["roscosmos", "cnsa"], "cnsa", ["alliance"], 0
    )
    state.relations["esa"]["roscosmos"] = state.relations["roscosmos"]["esa"] = 60
    # ESA's camp holds NASA, Roscosmos's holds CNSA: one alliance would make them one.
    assert q.allies(state, "esa") == {"esa", "nasa"}
    assert check(state, "esa", Propose("roscosmos", "alliance")).code == Code.FORBIDDEN_PAIRING
