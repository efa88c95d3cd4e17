"""Two hundred full matches of six agencies with random legal orders, checked every turn.

After every turn: no treasury below zero, every reliability in [0, 1], station shares summing
to 1, support and relations in bounds, every event traced back to an order or to the
calendar and the dice, every order to its effect, and the match ending with an outcome whose
scores add up. One turn of each match is resolved twice to show that the same state and
orders give the same events, and every command `legal_commands` offers that turn is checked
to pass `validate` on its own.
"""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

import pytest

from game.rules import (
    Answer,
    BuyService,
    Code,
    Command,
    Delay,
    Event,
    Fund,
    Launch,
    Propose,
    Research,
    Rng,
    Rush,
    Scrub,
    SetAccess,
    StartMission,
    State,
    Termination,
    Withdraw,
    legal_commands,
    new_match,
    random_orders,
    resolve_turn,
    state_hash,
    validate,
    view,
)
from game.rules import queries as q
from game.rules.state import PRESTIGE_CATEGORIES

MATCHES = 200
CHUNK = 10
EPSILON = 1e-9
ANSWER_RESULTS = {
    "proposal_declined",
    "proposal_lapsed",
    "treaty_signed",
    "bloc_joined",
    "partner_joined",
}


@pytest.mark.parametrize(
    "first", range(0, MATCHES, CHUNK), ids=lambda n: f"seeds {n}-{n + CHUNK - 1}"
)
def test_random_legal_matches_keep_every_invariant_to_the_end(first: int):
    for seed in range(first, first + CHUNK):
        play_and_check(seed)


def play_and_check(seed: int) -> None:
    state = new_match(seed=seed)
    rng = Rng(seed + 7_000_003)
    replayed = seed % (state.last_turn + 1)
    check_state(state, None)
    events: list[Event] = []
    while state.outcome is None:
        orders = {
            a: with_a_rush(state, a, random_orders(state, a, rng), rng) for a in state.agencies
        }
        after, events = resolve_turn(state, orders)
        if state.turn == replayed:
            again, events_again = resolve_turn(state, orders)
            assert state_hash(again) == state_hash(after)
            assert [e.to_wire() for e in events_again] == [e.to_wire() for e in events]
            seat = state.agencies[seed % len(state.agencies)]
            for cmd in legal_commands(state, seat):
                assert validate(state, seat, [cmd]) == [], f"legal yet refused: {cmd}"
        try:
            check_events(state, orders, after, events)
            check_state(after, state)
            if after.turn % 8 == seed % 8:
                check_view(after, after.agencies[after.turn % len(after.agencies)])
        except AssertionError as exc:
            raise AssertionError(f"seed {seed}, turn {state.turn} ({state.date}): {exc}") from exc
        state = after
    check_outcome(state, events)


def with_a_rush(state: State, agency: str, orders: list[Command], rng: Rng) -> list[Command]:
    """Now and then, rush a program and pay in twice its schedule (random_orders never rush)."""
    building = [p for p in state.programs.values() if p.agency == agency and p.phase == "building"]
    if not building or rng.below(4):
        return orders
    program = rng.choice(building)
    rushed = [c for c in orders if not (isinstance(c, Fund) and c.program == program.id)]
    rushed += [Rush(program.id), Fund(program.id, q.fund_limit(state, program, True))]
    return rushed if validate(state, agency, rushed) == [] else orders


# --- the state ----------------------------------------------------------------------------------


def check_state(s: State, before: State | None) -> None:
    for a in s.agencies:
        ag = s.agency[a]
        assert ag.treasury >= 0, f"{a} treasury {ag.treasury}"
        assert 0 <= ag.support <= 100, f"{a} support {ag.support}"
        for system in changed_systems(s, before, a):
            assert 0.0 <= q.system_reliability(s, a, system) <= 1.0, (a, system)
        assert set(ag.prestige) == set(PRESTIGE_CATEGORIES)
    for a, row in s.relations.items():
        for b, value in row.items():
            assert -100 <= value <= 100, (a, b, value)
            assert s.relations[b][a] == value, f"relations {a}-{b} not symmetric"
    for p in s.programs.values():
        assert 0 <= p.paid <= p.cost, p.id
        assert (p.phase == "ready") == (p.paid >= p.cost), (p.id, p.phase, p.paid, p.cost)
    for st in s.stations.values():
        shares = st.shares()
        assert abs(sum(shares.values()) - 1.0) <= EPSILON, (st.id, shares)
        assert 0 <= st.supplies <= q.storage(s, st), (st.id, st.supplies)
        assert st.crew_count <= q.capacity(s, st), st.id
    for g in s.agreements.values():
        least = 1 if g.kind == "bloc" else 2  # a bloc lives on with its lead alone
        assert len(g.members) >= least and set(g.members) <= set(s.agencies), g.id
        for i, a in enumerate(g.members):
            for b in g.members[i + 1 :]:
                assert not q.barred(s, a, b), f"{a} and {b} barred but both in {g.id}"
        if g.kind == "bloc" and g.id in s.content.blocs:
            for rival in s.content.blocs[g.id].excludes:
                theirs = s.agreements.get(rival)
                both = set(g.members) & set(theirs.members) if theirs else set()
                assert not both, f"{both} in rival blocs {g.id} and {rival}"
    expiry = s.content.rule("diplomacy").proposal_expiry
    for p in s.proposals.values():
        assert p.sender != p.to and 0 <= s.turn - 1 - p.turn < expiry, p.id


def changed_systems(s: State, before: State | None, agency: str) -> set[str]:
    """The hardware families whose reliability may differ from the turn before.

    A reliability moves only with the techs known (and their refinements) and with flight
    experience, so checking these every turn checks every reliability every turn.
    """
    techs = s.content.techs
    ag = s.agency[agency]
    old = before.agency[agency] if before is not None else None
    systems = {techs[t].system for t, n in ag.known.items() if old is None or old.known.get(t) != n}
    systems |= {k for k, v in ag.experience.items() if old is None or old.experience.get(k) != v}
    systems.discard("")
    return systems


def check_view(s: State, agency: str) -> None:
    v = view(s, agency)
    assert v["me"]["treasury"] == s.agency[agency].treasury
    assert all(0.0 <= r <= 1.0 for r in v["me"]["systems"].values())
    for program in v["programs"].values():
        assert all(0.0 <= r <= 1.0 for r in program["reliability"].values())
    public = view(s, None)
    assert "me" not in public and public["programs"] == {}


# --- the events ---------------------------------------------------------------------------------


def check_events(
    before: State, orders: dict[str, list[Command]], after: State, events: list[Event]
) -> None:
    """Every event has its cause: an order this turn, the calendar, or the dice."""
    assert after.turn == before.turn + 1
    given: dict[str, dict[type, list[Any]]] = {a: {} for a in before.agencies}
    for a, cmds in orders.items():
        for c in cmds:
            given[a].setdefault(type(c), []).append(c)

    def ordered(agency: str | None, kind: type, **fields: Any) -> bool:
        return agency is not None and any(
            all(getattr(c, k) == v for k, v in fields.items()) for c in given[agency].get(kind, [])
        )

    flown = {e.data["program"]: e for e in events if e.kind == "mission_flown"}
    paid_in = Counter()
    for e in events:
        if e.kind == "program_funded":
            paid_in[e.data["program"]] += e.data["amount"]
    for pid, amount in paid_in.items():
        rushed = any(
            isinstance(c, Rush) and c.program == pid for cmds in orders.values() for c in cmds
        )
        assert amount <= q.fund_limit(before, before.programs[pid], rushed), (pid, amount)
        if rushed:
            assert after.programs[pid].rushes == before.programs[pid].rushes + 1
    funded = {e.data["program"] for e in events if e.kind == "program_funded"}
    counts = Counter(e.kind for e in events)
    beats = {b.text for b in before.content.beats if b.turn == before.turn}
    expiry = before.content.rule("diplomacy").proposal_expiry
    types = before.content.missions
    for e in events:
        assert e.turn == before.turn, e.to_wire()
        k, d, a = e.kind, e.data, e.agency
        if k == "proposal_made":
            p = d["proposal"]
            assert ordered(
                a, Propose, to=p["to"], treaty=p["treaty"], bloc=p["bloc"], program=p["program"]
            )
        elif k == "proposal_declined":
            assert ordered(a, Answer, proposal=d["proposal"], accept=False)
        elif k == "proposal_lapsed":
            assert ordered(a, Answer, proposal=d["proposal"], accept=True)
        elif k == "treaty_signed":
            sender, to = d["members"]
            assert any(
                ordered(to, Answer, proposal=pid, accept=True)
                for pid, p in before.proposals.items()
                if (p.sender, p.to, p.treaty) == (sender, to, d["treaty"])
            ), e.to_wire()
        elif k == "bloc_joined":
            assert any(
                ordered(p.to, Answer, proposal=pid, accept=True)
                for pid, p in before.proposals.items()
                if (p.sender, p.treaty, p.bloc) == (a, "join_bloc", d["agreement"])
            ), e.to_wire()
        elif k == "partner_joined":
            assert any(
                ordered(a, Answer, proposal=pid, accept=True)
                for pid, p in before.proposals.items()
                if (p.to, p.treaty, p.program) == (a, "joint_mission", d["program"])
            ), e.to_wire()
        elif k == "agreement_left":
            assert ordered(a, Withdraw, agreement=d["agreement"])
        elif k == "station_access":
            assert ordered(a, SetAccess, station=d["station"], access=d["access"])
        elif k == "tech_learned":
            assert ordered(a, Research, tech=d["tech"])
            assert d["tech"] not in before.agency[a].known and d["tech"] in after.agency[a].known
        elif k == "tech_refined":
            assert ordered(a, Research, tech=d["tech"])
            assert after.agency[a].known[d["tech"]] == before.agency[a].known[d["tech"]] + 1
        elif k == "service_bought":
            assert ordered(a, BuyService)
        elif k == "program_scrubbed":
            assert ordered(a, Scrub, program=d["program"])
            assert d["program"] not in after.programs
        elif k == "scrub_refund":
            program = before.programs[d["program"]]
            assert any(ordered(b, Scrub, program=d["program"]) for b in before.agencies)
            assert d["amount"] + d["lost"] == program.contributions[a] > 0
        elif k == "order_void":
            assert ordered(a, Rush, program=d["program"])
            assert ordered(a, Scrub, program=d["program"])
        elif k == "funding_returned":
            asked = sum(c.amount for c in given[a].get(Fund, []) if c.program == d["program"])
            paid = sum(
                f.data["amount"]
                for f in events
                if f.kind == "program_funded"
                and f.agency == a
                and f.data["program"] == d["program"]
            )
            assert d["amount"] == asked - paid > 0, e.to_wire()
        elif k == "research_refunded":
            assert ordered(a, Research, tech=d["tech"])
            assert d["tech"] not in after.agency[a].research
        elif k == "research_advanced":
            assert any(
                f.kind == "mission_flown"
                and (f.agency == a or a in f.data["partners"])
                and d["tech"] in {tech for tech, _ in types[f.data["mission_type"]].advances}
                for f in events
            ), e.to_wire()
            left = after.agency[a].research[d["tech"]]
            assert 0 < left < before.content.techs[d["tech"]].cost * 2
        elif k == "treasury_capped":
            cap = int(before.content.rule("economy").treasury_cap * after.agency[a].budget)
            assert after.agency[a].treasury == d["cap"] == cap and d["amount"] > 0
        elif k == "program_started":
            program = after.programs[d["program"]]
            assert ordered(
                a,
                StartMission,
                mission_type=program.mission_type,
                site=program.site,
                module=program.module,
                commercial=program.commercial,
            )
        elif k == "program_funded":
            assert any(
                c.program == d["program"] and c.amount >= d["amount"] > 0
                for c in given[a].get(Fund, [])
            )
        elif k == "program_ready":
            assert d["program"] in funded
        elif k == "program_tested":
            assert ordered(a, Delay, program=d["program"])
        elif k == "launch_held":
            assert ordered(a, Launch, program=d["program"])
        elif k == "mission_flown":
            assert ordered(a, Launch, program=d["program"])
            steps = d["steps"]
            assert steps and all(0.0 <= r[1] <= 1.0 for r in steps)
            if d["result"] == "success":
                assert all(r[2] for r in steps) and d["failed_step"] == ""
            else:
                assert [r[2] for r in steps] == [True] * (len(steps) - 1) + [False]
                assert d["failed_step"] == steps[-1][0]
        elif k == "milestone":
            assert d["milestone"] in before.content.milestones and d["rank"] >= 1
            earlier = {r[0] for r in before.milestones.get(d["milestone"], [])}
            assert a not in earlier, "a milestone is earned once"
            if d["milestone"] == "year_of_presence":
                years = before.content.rule("stations").year_of_presence
                assert any(st.crewed_turns == years for st in after.stations.values())
            else:
                assert any(
                    f.data["result"] == "success" or f.data["failed_step"]
                    for f in flown.values()
                    if a == f.agency or a in f.data["partners"]
                ), e.to_wire()
        elif k == "share_barred":
            station = after.stations[d["station"]]
            assert a not in station.contributions and d["amount"] > 0
            assert any(q.barred(after, a, o) for o in station.contributions)
        elif k in ("station_founded", "module_added", "crew_arrived", "bounty_claimed"):
            assert any(
                f.agency == a
                and f.data["result"] == "success"
                and (types[f.data["mission_type"]].builds_module or k == "crew_arrived")
                for f in flown.values()
            ), e.to_wire()
        elif k == "crew_returned":
            station = before.stations[d["station"]]
            assert any(c[0] == a and c[2] <= before.turn for c in station.crew)
        elif k == "station_evacuated":
            assert after.stations[d["station"]].crew == []
        elif k == "random_event":
            assert d["event"] in before.content.events
        elif k == "history":
            assert e.text in beats
        elif k == "dues_paid":
            assert d["amount"] == q.dues(after, a) > 0
        elif k == "budget_review":
            assert before.turn % 2 == 1
        elif k == "proposal_expired":
            p = before.proposals[d["proposal"]]
            assert before.turn - p.turn >= expiry and d["proposal"] not in after.proposals
        elif k == "objective_met":
            (objective,) = [o for o in before.content.objectives if o.id == d["objective"]]
            assert objective.agency == a and d["objective"] not in before.objectives
            assert after.objectives[d["objective"]] == before.turn
            assert before.turn <= before.content.turn_of(objective.by, 2)
        elif k == "match_over":
            assert after.outcome is not None and d["outcome"] == after.outcome.to_wire()
        else:
            raise AssertionError(f"an event nothing explains: {e.to_wire()}")
    # ... and every order has its effect.
    assert counts["order_rejected"] == 0
    assert counts["random_event"] <= 1 and counts["match_over"] <= 1
    assert counts["budget_review"] == (len(before.agencies) if before.turn % 2 == 1 else 0)
    every = [c for cmds in orders.values() for c in cmds]
    assert counts["proposal_made"] == sum(isinstance(c, Propose) for c in every)
    assert counts["program_started"] == sum(isinstance(c, StartMission) for c in every)
    assert counts["mission_flown"] + counts["launch_held"] == sum(
        isinstance(c, Launch) for c in every
    )
    assert sum(counts[k] for k in ANSWER_RESULTS) == sum(isinstance(c, Answer) for c in every)
    assert counts["program_scrubbed"] == sum(isinstance(c, Scrub) for c in every)
    assert counts["program_tested"] == sum(isinstance(c, Delay) for c in every)
    assert counts["agreement_left"] == sum(isinstance(c, Withdraw) for c in every)


# --- the end ------------------------------------------------------------------------------------


def check_outcome(s: State, last_events: list[Event]) -> None:
    outcome = s.outcome
    assert outcome is not None
    assert outcome.termination in (Termination.SCENARIO_END, Termination.SUSTAINED_PRESENCE)
    assert set(outcome.scores) == set(s.agencies)
    for card in outcome.scores.values():
        assert set(card) == {*PRESTIGE_CATEGORIES, "total"}
        assert card["total"] == sum(v for k, v in card.items() if k != "total")
    assert outcome.winners and set(outcome.winners) <= set(s.agencies)
    if outcome.termination == Termination.SCENARIO_END:
        assert outcome.turn == s.last_turn
        best = max(outcome.standings.values())
        assert {a for a, v in outcome.standings.items() if v == best} == set(outcome.winners)
    else:
        station = s.stations[outcome.station]
        assert station.crewed_turns >= s.content.rule("stations").presence_turns
        assert set(outcome.winners) <= set(station.contributions)
        middle = statistics.median(outcome.standings.values())
        assert all(outcome.standings[a] >= middle for a in outcome.winners)
    # Standing: the share of the field's prestige over the share of its means.
    power = s.content.rule("standing").budget_power
    agencies = s.content.agencies
    means = {a: (agencies[a].budget / agencies[a].trait("cost")) ** power for a in s.agencies}
    earned = sum(max(0, c["total"]) for c in outcome.scores.values())
    for a, c in outcome.scores.items():
        if earned == 0:  # nobody earned anything: everyone stands where its means would
            assert outcome.standings[a] == 1000
            continue
        share = c["total"] / earned / (means[a] / sum(means.values()))
        assert abs(outcome.standings[a] - 1000 * share) <= 0.5 + 1e-6
    assert [e.kind for e in last_events].count("match_over") == 1
    assert legal_commands(s, s.agencies[0]) == []
    assert [e.code for e in validate(s, s.agencies[0], [])] == [Code.MATCH_OVER]
    with pytest.raises(ValueError):
        resolve_turn(s, {})


# --- the checks themselves can fail ---------------------------------------------------------------


def _one_turn() -> tuple[State, dict[str, list[Command]], State, list[Event]]:
    state = new_match(seed=1)
    orders: dict[str, list[Command]] = {a: [] for a in state.agencies}
    after, events = resolve_turn(state, orders)
    return state, orders, after, events


def test_the_event_check_refuses_an_event_no_order_explains():
    before, orders, after, events = _one_turn()
    check_events(before, orders, after, events)
    learned = Event("tech_learned", 0, "nasa", "NASA masters warp.", {"tech": "heavy_launcher"})
    with pytest.raises(AssertionError):
        check_events(before, orders, after, [*events, learned])
    with pytest.raises(AssertionError):
        check_events(before, orders, after, [*events, Event("miracle", 0, None, "?")])


def test_the_state_check_refuses_a_broken_state():
    before, _, after, _ = _one_turn()
    check_state(after, before)
    after.relations["nasa"]["esa"] += 1
    with pytest.raises(AssertionError, match="symmetric"):
        check_state(after, before)
    after.relations["nasa"]["esa"] -= 1
    after.agency["csa"].treasury = -1
    with pytest.raises(AssertionError, match="treasury"):
        check_state(after, before)
