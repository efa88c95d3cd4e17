"""Resolving a turn: every agency's secret orders in, a new state and the turn's events out.

The phases run in a fixed order (docs/rules.md, "How a turn resolves"):

1. orders are checked; refused ones are dropped and their sender told why
2. diplomacy: answers, withdrawals, then new proposals
3. research and commercial services
4. programs: scrubs, new programs, rushes, funding, extra testing
5. launches, step by step against reliability; then milestones are awarded
6. stations: crews come home, supplies, science, the presence counter
7. scripted beats and a random event
8. income, and at the end of each year the budget review; relations drift
9. objectives met; the end of the match: sustained presence, or the last turn
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from game.rules import queries as q
from game.rules.commands import (
    Answer,
    BuyService,
    Command,
    Delay,
    Fund,
    Launch,
    Propose,
    Research,
    Rush,
    Scrub,
    SetAccess,
    StartMission,
    Withdraw,
)
from game.rules.content import ORBIT, EventDef
from game.rules.flight import flight_odds
from game.rules.legal import accepted, launch_problem
from game.rules.queries import final_scores
from game.rules.rng import Rng
from game.rules.setup import appropriation, yearly_budget
from game.rules.state import (
    Agreement,
    Event,
    Outcome,
    Program,
    Proposal,
    State,
    Station,
    Termination,
)

NEWS_KEPT = 40

# The orders that stand, grouped by command type, each as (agency, command) in seat order.
_Orders = dict[type, list[tuple[str, Any]]]


@dataclass
class _Turn:
    """What one resolution works on: the new state, its generator and the events so far."""

    s: State
    rng: Rng
    events: list[Event] = field(default_factory=list)
    milestones: list[tuple[str, dict[str, float], str, str]] = field(default_factory=list)

    def emit(
        self,
        kind: str,
        agency: str | None,
        text: str,
        visible_to: tuple[str, ...] | list[str] | None = None,
        **data: Any,
    ) -> None:
        vis = None
        if visible_to is not None:
            # Each reader once, in order; most events have one or two distinct readers.
            if len(visible_to) == 1 or (len(visible_to) == 2 and visible_to[0] != visible_to[1]):
                vis = tuple(visible_to)
            else:
                vis = tuple(dict.fromkeys(visible_to))
        self.events.append(Event(kind, self.s.turn, agency, text, data, vis))

    def name(self, agency: str) -> str:
        return self.s.content.agencies[agency].name

    def prestige(self, agency: str, category: str, points: float) -> int:
        gained = round(points)
        if gained:
            self.s.agency[agency].prestige[category] += gained
        return gained

    def support(self, agency: str, delta: float) -> None:
        ag = self.s.agency[agency]
        ag.support = max(0, min(100, ag.support + round(delta)))

    def relations(self, a: str, b: str, delta: float) -> None:
        if a == b or round(delta) == 0:
            return
        rel = self.s.relations
        value = max(-100, min(100, rel[a][b] + round(delta)))
        rel[a][b] = value
        rel[b][a] = value


def resolve_turn(state: State, orders: dict[str, list[Command]]) -> tuple[State, list[Event]]:
    """Resolve one turn of simultaneous orders. The input state is not changed.

    Orders for agencies not seated are ignored; refused orders are dropped, each with an
    `order_rejected` event for its sender alone. Raises ValueError if the match is over.
    """
    if state.outcome is not None:
        raise ValueError("the match is over")
    kept: _Orders = {}
    turn = _Turn(state.clone(), Rng(state.rng))
    for agency in state.agencies:
        own = list(orders.get(agency, []))
        good, errors = accepted(state, agency, own)
        for cmd in good:
            kept.setdefault(type(cmd), []).append((agency, cmd))
        for e in errors:
            turn.emit(
                "order_rejected",
                agency,
                f"Order refused: {e.message}",
                (agency,),
                code=str(e.code),
                index=e.index,
                command=(
                    own[e.index].to_wire()
                    if 0 <= e.index < len(own) and isinstance(own[e.index], Command)
                    else None
                ),
            )
    _diplomacy(turn, kept)
    _research_and_services(turn, kept)
    _programs(turn, kept)
    _launches(turn, kept)
    _settle_milestones(turn)
    _stations(turn)
    _events(turn)
    _economy(turn)
    s = turn.s
    s.rng = turn.rng.state
    _finish(turn)
    for event in turn.events:
        if event.visible_to is None:
            s.news.append({"turn": event.turn, "kind": event.kind, "text": event.text})
    del s.news[:-NEWS_KEPT]
    return s, turn.events


def _of(kept: _Orders, kind: type) -> list[tuple[str, Any]]:
    """Every kept order of one kind, as (agency, command), in seat order."""
    return kept.get(kind, [])


# --- 2. diplomacy -------------------------------------------------------------------------------


def _diplomacy(t: _Turn, kept: _Orders) -> None:
    s = t.s
    dip = s.content.rule("diplomacy")
    for agency, cmd in _of(kept, Answer):
        proposal = s.proposals.pop(cmd.proposal, None)
        if proposal is None:
            continue
        pair = (proposal.sender, proposal.to)
        if not cmd.accept:
            t.relations(*pair, dip.declined)
            t.emit(
                "proposal_declined",
                agency,
                f"{t.name(agency)} declines "
                f"{t.name(proposal.sender)}'s proposal ({_describe(s, proposal)}).",
                pair,
                proposal=proposal.id,
            )
            continue
        _accept(t, proposal)
    for agency, cmd in _of(kept, Withdraw):
        _withdraw(t, agency, cmd.agreement)
    # Ended only now, so that partners walking out together all pay, whatever their seats.
    # A treaty ends with one party left; a bloc only with none (its lead may recruit again).
    for gid in [gid for gid, g in s.agreements.items() if len(g.members) < _least(g.kind)]:
        del s.agreements[gid]
    for agency, cmd in _of(kept, Propose):
        pid = s.new_id("p")
        proposal = Proposal(pid, agency, cmd.to, cmd.treaty, s.turn, cmd.bloc, cmd.program)
        s.proposals[pid] = proposal
        t.emit(
            "proposal_made",
            agency,
            f"{t.name(agency)} proposes to {t.name(cmd.to)}: {_describe(s, proposal)}.",
            (agency, cmd.to),
            proposal=proposal.to_wire(),
        )
    for agency, cmd in _of(kept, SetAccess):
        station = s.stations[cmd.station]
        station.access = cmd.access
        t.emit(
            "station_access",
            agency,
            f"{station.name} is now open to: {cmd.access}.",
            station=station.id,
            access=cmd.access,
        )


def _least(kind: str) -> int:
    """The fewest members an agreement of this kind lives on with."""
    return 1 if kind == "bloc" else 2


def _describe(s: State, p: Proposal) -> str:
    if p.treaty == "join_bloc":
        bloc = s.agreements.get(p.bloc)
        return f"membership of the {bloc.name if bloc else p.bloc}"
    if p.treaty == "joint_mission":
        program = s.programs.get(p.program)
        return f"a partnership in {program.name if program else p.program}"
    return s.content.treaties[p.treaty].name


def _accept(t: _Turn, p: Proposal) -> None:
    s = t.s
    dip = s.content.rule("diplomacy")
    pair = (p.sender, p.to)
    if p.treaty == "join_bloc":
        bloc = s.agreements.get(p.bloc)
        if bloc is None or p.sender in bloc.members:
            _lapse(t, p, "the bloc has ended or already counts them in")
            return
        refusal = q.join_refusal(s, p.sender, bloc.id)
        if refusal is not None:
            _lapse(t, p, refusal.message)
            return
        bloc.members.append(p.sender)
        for m in bloc.members:
            t.relations(p.sender, m, dip.signed / 2)
        t.emit(
            "bloc_joined", p.sender, f"{t.name(p.sender)} joins the {bloc.name}.", agreement=bloc.id
        )
        return
    if p.treaty == "joint_mission":
        program = s.programs.get(p.program)
        if program is None or program.phase != "building" or p.to in program.partners:
            _lapse(t, p, "the program is no longer being built")
            return
        if q.invite_refusal(s, program, p.to) is not None:
            _lapse(t, p, "it is forbidden")
            return
        program.partners.append(p.to)
        t.relations(*pair, dip.signed / 2)
        t.emit(
            "partner_joined",
            p.to,
            f"{t.name(p.to)} joins {t.name(p.sender)}'s {program.name} as a partner.",
            pair,
            program=program.id,
        )
        return
    treaty = s.content.treaties[p.treaty]
    why = ""
    if q.treaty_between(s, p.sender, p.to, p.treaty):
        why = "they are already bound by it"
    elif s.content.forbidden_reason(*pair):
        why = "it is forbidden"
    elif "alliance" in treaty.terms:
        refusal = q.alliance_refusal(s, p.sender, p.to)
        why = refusal.message if refusal is not None else ""
    if why:
        _lapse(t, p, why)
        return
    gid = s.new_id("t")
    s.agreements[gid] = Agreement(
        gid, p.treaty, treaty.name, [p.sender, p.to], p.sender, list(treaty.terms), s.turn
    )
    t.relations(*pair, dip.signed)
    t.emit(
        "treaty_signed",
        p.sender,
        f"{t.name(p.sender)} and {t.name(p.to)} sign the {treaty.name} treaty.",
        agreement=gid,
        treaty=p.treaty,
        members=list(pair),
    )


def _lapse(t: _Turn, p: Proposal, why: str) -> None:
    """An accepted proposal that can no longer take effect: both sides hear which and why."""
    t.emit(
        "proposal_lapsed",
        p.to,
        f"{t.name(p.sender)}'s proposal to {t.name(p.to)} ({_describe(t.s, p)}) lapsed: {why}.",
        (p.sender, p.to),
        proposal=p.id,
        reason=why,
    )


def _withdraw(t: _Turn, agency: str, gid: str) -> None:
    s = t.s
    g = s.agreements.get(gid)
    if g is None or agency not in g.members:
        return
    dip = s.content.rule("diplomacy")
    # Within its notice an agreement is broken (prestige, support and trust lost); after it,
    # leaving costs only some trust.
    broken = s.turn - g.since < dip.notice
    if broken:
        t.prestige(agency, "penalties", -s.content.rule("prestige").broken_treaty)
        t.support(agency, -s.content.rule("support").broken_treaty)
    for other in g.members:
        t.relations(agency, other, dip.broken if broken else dip.left)
    g.members.remove(agency)
    if g.members and g.lead == agency:
        g.lead = g.members[0]
    text = (
        f"{t.name(agency)} breaks the {g.name}."
        if broken
        else f"{t.name(agency)} leaves the {g.name} after its notice."
    )
    t.emit("agreement_left", agency, text, agreement=gid, broken=broken)


# --- 3. research and services ---------------------------------------------------------------------


def _research_and_services(t: _Turn, kept: _Orders) -> None:
    s = t.s
    techs = s.content.techs
    for agency, cmd in _of(kept, Research):
        ag = s.agency[agency]
        ag.treasury -= cmd.amount
        ag.research[cmd.tech] = ag.research.get(cmd.tech, 0) + cmd.amount
        target = q.research_target(s, agency, cmd.tech)
        if ag.research[cmd.tech] < target:
            continue
        name = techs[cmd.tech].name
        # The price can fall while the order waits (a partner learned the tech first, a
        # tech-sharing treaty was signed this turn): what it no longer needs comes back.
        excess = ag.research.pop(cmd.tech) - target
        if excess > 0:
            ag.treasury += excess
            t.emit(
                "research_refunded",
                agency,
                f"{excess} $M of {t.name(agency)}'s research into {name} came back: "
                f"it needed only {target} $M.",
                (agency,),
                tech=cmd.tech,
                amount=excess,
            )
        if cmd.tech in ag.known:
            ag.known[cmd.tech] += 1
            t.emit(
                "tech_refined",
                agency,
                f"{t.name(agency)} refines {name} (reliability "
                f"{q.tech_reliability(s, agency, cmd.tech):.0%}).",
                (agency,),
                tech=cmd.tech,
            )
        else:
            ag.known[cmd.tech] = 0
            t.emit(
                "tech_learned",
                agency,
                f"{t.name(agency)} masters {name}.",
                (agency,),
                tech=cmd.tech,
            )
    com = s.content.rule("commercial")
    bought = _of(kept, BuyService)
    prices = {cmd.service: q.service_price(s, cmd.service) for _, cmd in bought}
    for agency, cmd in bought:
        price = prices[cmd.service]
        ag = s.agency[agency]
        ag.treasury -= price
        # The station teaches what the agency's crews have not yet learned, and trains
        # them for the lunar surface.
        novelty = q.leo_novelty(s, agency)
        science = t.prestige(
            agency,
            "science",
            com.leo_access_science * novelty * q.trait(s, agency, "science"),
        )
        t.support(agency, com.leo_access_support * novelty)
        cap = s.content.rule("reliability").experience_cap
        family = com.leo_training_system
        ag.experience[family] = round(
            min(cap, ag.experience.get(family, 0.0) + com.leo_training), 4
        )
        t.emit(
            "service_bought",
            agency,
            f"{t.name(agency)} flies crew to a commercial station in low Earth orbit for "
            f"{price} $M (+{science} science, crews trained for the surface).",
            (agency,),
            service=cmd.service,
            price=price,
        )
    # Demand sets next turn's price: each buyer this turn raises it.
    s.demand = {
        service: n
        for service in s.services
        if (n := sum(1 for _, cmd in bought if cmd.service == service))
    }


# --- 4. programs --------------------------------------------------------------------------------


def _programs(t: _Turn, kept: _Orders) -> None:
    s = t.s
    economy = s.content.rule("economy")
    cancelled: dict[str, str] = {}  # program id -> name, scrubbed this turn
    for agency, cmd in _of(kept, Scrub):
        scrubbed = s.programs.pop(cmd.program)
        cancelled[scrubbed.id] = scrubbed.name
        t.support(agency, -1)
        t.emit(
            "program_scrubbed",
            agency,
            f"{t.name(agency)} cancels {scrubbed.name}.",
            scrubbed.participants,
            program=scrubbed.id,
        )
        for a, paid in scrubbed.contributions.items():
            back = int(paid * economy.scrub_refund)
            if paid <= 0:
                continue
            s.agency[a].treasury += back
            t.emit(
                "scrub_refund",
                a,
                f"{back} $M of the {paid} $M {t.name(a)} paid into {scrubbed.name} came back; "
                f"the other {paid - back} $M is spent.",
                (a,),
                program=scrubbed.id,
                amount=back,
                lost=paid - back,
            )
    for agency, cmd in _of(kept, StartMission):
        _start(t, agency, cmd)
    rushed: set[str] = set()
    for agency, cmd in _of(kept, Rush):
        program = s.programs.get(cmd.program)
        if program is None:
            t.emit(
                "order_void",
                agency,
                f"No rush fee paid: {cancelled.get(cmd.program, cmd.program)} was "
                "cancelled this turn.",
                (agency,),
                program=cmd.program,
            )
            continue
        s.agency[agency].treasury -= q.rush_fee(s, program)
        program.rushes += 1
        rushed.add(program.id)
    asked: dict[str, list[tuple[str, int]]] = {}
    for agency, cmd in _of(kept, Fund):
        asked.setdefault(cmd.program, []).append((agency, cmd.amount))
    for pid, requests in asked.items():
        _fund(t, pid, requests, rushed=pid in rushed, cancelled=cancelled)
    for program in s.programs.values():
        if program.phase == "building" and program.paid >= program.cost:
            program.phase = "ready"
            t.emit(
                "program_ready",
                program.agency,
                f"{program.name} is ready to fly.",
                program.participants,
                program=program.id,
            )
    for agency, cmd in _of(kept, Delay):
        program = s.programs.get(cmd.program)
        if program is None:
            continue
        s.agency[agency].treasury -= q.test_fee(s, program)
        program.tests += 1
        t.emit(
            "program_tested",
            agency,
            f"{program.name} stays on the ground for more tests.",
            program.participants,
            program=program.id,
        )


def _fund(
    t: _Turn,
    pid: str,
    requests: list[tuple[str, int]],
    *,
    rushed: bool,
    cancelled: dict[str, str],
) -> None:
    """Pay a turn's funding orders into one program. What its schedule cannot take is
    shared out in proportion to what each payer offered; the rest stays home, with a word."""
    s = t.s
    program = s.programs.get(pid)
    if program is None or program.phase != "building":
        for agency, amount in requests:
            t.emit(
                "funding_returned",
                agency,
                f"{amount} $M of {t.name(agency)}'s funding for {cancelled.get(pid, pid)} "
                "came back: "
                "the program was cancelled this turn.",
                (agency,),
                program=pid,
                amount=amount,
                reason="cancelled",
            )
        return
    room = q.fund_limit(s, program, rushed)
    granted = _pro_rata([amount for _, amount in requests], room)
    for (agency, amount), paid in zip(requests, granted, strict=True):
        if paid > 0:
            s.agency[agency].treasury -= paid
            program.paid += paid
            program.contributions[agency] = program.contributions.get(agency, 0) + paid
            t.emit(
                "program_funded",
                agency,
                f"{t.name(agency)} pays {paid} $M into {program.name}.",
                (agency,),
                program=program.id,
                amount=paid,
            )
        if paid < amount:
            t.emit(
                "funding_returned",
                agency,
                f"{amount - paid} $M of {t.name(agency)}'s funding for {program.name} came "
                "back: its schedule was full.",
                (agency,),
                program=program.id,
                amount=amount - paid,
                reason="schedule_full",
            )


def _pro_rata(amounts: list[int], room: int) -> list[int]:
    """Share `room` among offers in proportion to them (largest remainders first, ties to
    the earlier offer); all of every offer if they fit."""
    total = sum(amounts)
    if total <= room:
        return list(amounts)
    room = max(0, room)
    shares = [a * room // total for a in amounts]
    remainders = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] * room % total), i))
    for i in remainders[: room - sum(shares)]:
        shares[i] += 1
    return shares


def _start(t: _Turn, agency: str, cmd: StartMission) -> None:
    s = t.s
    mtype = s.content.missions[cmd.mission_type]
    count = 1 + sum(
        1 for p in s.programs.values() if p.agency == agency and p.mission_type == mtype.id
    )
    count += sum(1 for f in s.flights if f["agency"] == agency and f["mission_type"] == mtype.id)
    name = f"{t.name(agency)} {mtype.name} {count}"
    pid = s.new_id("m")
    cost = q.mission_cost(s, agency, mtype, cmd.module, cmd.commercial)
    s.programs[pid] = Program(
        id=pid,
        name=name,
        agency=agency,
        mission_type=mtype.id,
        site=cmd.site,
        module=cmd.module,
        commercial=cmd.commercial,
        cost=cost,
        started=s.turn,
        contributions={agency: 0},
    )
    t.emit(
        "program_started",
        agency,
        f"{t.name(agency)} opens {name} ({cost} $M).",
        (agency,),
        program=pid,
    )


# --- 5. launches --------------------------------------------------------------------------------


def _launches(t: _Turn, kept: _Orders) -> None:
    s = t.s
    for agency, cmd in sorted(_of(kept, Launch), key=lambda ac: ac[1].program):
        program = s.programs.get(cmd.program)
        if program is None or program.phase != "ready":
            continue
        problem = launch_problem(s, program)
        if problem is not None:
            t.emit(
                "launch_held",
                agency,
                f"{program.name} stays on the pad: {problem.message}",
                program.participants,
                program=program.id,
                code=str(problem.code),
            )
            continue
        _fly(t, program)


def _shares(program: Program) -> dict[str, float]:
    total = sum(program.contributions.values())
    if total <= 0:
        return {program.agency: 1.0}
    return {a: program.contributions.get(a, 0) / total for a in program.participants}


def _partner_part(s: State, agency: str, share: float) -> float:
    """A partner's credited part of a program's award: its partner credit multiplies the odds
    of its share of the money, so a small partner earns up to `credit` times its share and a
    partner who paid nearly everything earns nearly what a lead would."""
    credit = q.trait(s, agency, "partner_credit")
    return credit * share / (1 + (credit - 1) * share)


def _fly(t: _Turn, program: Program) -> None:
    s = t.s
    content = s.content
    mtype = content.missions[program.mission_type]
    lead = program.agency
    site = q.site_of(s, program.site)
    station = q.target_station(s, program)
    odds = flight_odds(s, program)
    staying = odds.staying
    record: list[list[Any]] = []
    failed = ""
    passed: set[str] = set()
    for step in odds.steps:
        ok = t.rng.random() < step.chance
        record.append([step.name, round(step.chance, 3), ok])
        _gain_experience(t, program, step.system, ok, commercial=step.bought)
        if not ok:
            failed = step.name
            break
        passed.add(step.name)
    shares = _shares(program)
    for milestone, after, when in mtype.milestones:
        if after in passed and odds.holds(when):
            where = content.milestones[milestone].where
            if site is None and where != "any":
                continue
            if site is not None and not site.matches(where):
                continue
            t.milestones.append((milestone, shares, lead, program.name))
    for tech, after in mtype.advances:
        if after in passed:
            _advance(t, program, tech)
    ag = s.agency[lead]
    ag.flights += 1
    crew_lost = False
    target_name = site.name if site is not None else (station.name if station else "lunar orbit")
    if failed:
        ag.failures += 1
        penalty = content.rule("prestige").failure
        t.prestige(lead, "penalties", -penalty)
        t.support(lead, -content.rule("support").failure * q.trait(s, lead, "failure_support"))
        if mtype.crewed:
            crew_lost = not _crew_survives(t, program)
        if crew_lost:
            ag.crew_lost += 1
            t.prestige(lead, "penalties", -content.rule("prestige").crew_lost)
            t.support(
                lead, -content.rule("support").crew_lost * q.trait(s, lead, "failure_support")
            )
            text = (
                f"Tragedy: {program.name} ({t.name(lead)}) is lost during {failed}; "
                f"its crew of {mtype.crew} did not survive."
            )
        elif mtype.crewed:
            text = f"{program.name} ({t.name(lead)}) aborts during {failed}; the crew is safe."
        else:
            text = f"{program.name} ({t.name(lead)}) fails during {failed}."
    else:
        ag.successes += 1
        text = f"{program.name} ({t.name(lead)}) succeeds at {target_name}."
        _science(t, program, shares, site)
        station = _deliver(t, program, station, staying)
        for a in program.partners:
            t.relations(lead, a, content.rule("diplomacy").joint_success)
    result = "failure" if failed else "success"
    flight: dict[str, Any] = {
        "program": program.id,
        "name": program.name,
        "agency": lead,
        "mission_type": mtype.id,
        "site": site.id if site is not None else ORBIT,
        "turn": s.turn,
        "result": result,
        "steps": len(passed),
    }
    # The record of every flight stays in the state to the end, so fields at their usual
    # value (no partners, no station, no failure, no crew) are left out to keep it small.
    extra = {
        "partners": list(program.partners),
        "station": station.id if station is not None else "",
        "failed_step": failed,
        "crew": mtype.crew,
        "crew_lost": crew_lost,
    }
    flight.update((key, value) for key, value in extra.items() if value)
    s.flights.append(flight)
    del s.programs[program.id]
    t.emit(
        "mission_flown",
        lead,
        text,
        None,
        program=program.id,
        name=program.name,
        mission_type=mtype.id,
        site=program.site,
        result=result,
        failed_step=failed,
        steps=record,
        partners=list(program.partners),
        crew_lost=crew_lost,
    )


def _advance(t: _Turn, program: Program, tech: str) -> None:
    """A test flown gives every participant who does not know the tech a head start on it:
    a share of its price as research paid, never the whole of it."""
    s = t.s
    share = s.content.rule("findings").advance
    name = s.content.techs[tech].name
    for a in program.participants:
        ag = s.agency[a]
        if tech in ag.known:
            continue
        target = q.research_cost(s, a, tech)
        before = ag.research.get(tech, 0)
        paid = min(target - 1, before + round(target * share))
        if paid <= before:
            continue
        ag.research[tech] = paid
        t.emit(
            "research_advanced",
            a,
            f"{t.name(a)} is {paid - before} $M ahead on {name} after the test of {program.name}.",
            (a,),
            tech=tech,
            amount=paid - before,
        )


def _gain_experience(t: _Turn, program: Program, system: str, ok: bool, commercial: bool) -> None:
    if commercial:
        return
    rules = t.s.content.rule("reliability")
    gain = rules.experience_success if ok else rules.experience_failure
    for a in program.participants:
        if not q.has_system(t.s, a, system):
            continue
        share = gain if a == program.agency else gain / 2
        exp = t.s.agency[a].experience
        exp[system] = round(min(rules.experience_cap, exp.get(system, 0.0) + share), 4)


def _crew_survives(t: _Turn, program: Program) -> bool:
    s = t.s
    crew = s.content.rule("crew")
    chance = crew.survival + max(q.tech_effect(s, a, "crew_survival") for a in program.participants)
    rescuers = q.partners_with(s, program.agency, "emergency_assistance")
    if any(q.has_system(s, a, "crew") for a in rescuers):
        chance += crew.assistance
    return t.rng.random() < min(0.98, chance)


def _science(t: _Turn, program: Program, shares: dict[str, float], site: Any) -> None:
    s = t.s
    mtype = s.content.missions[program.mission_type]
    if mtype.science <= 0:
        return
    base = mtype.science * (site.science if site is not None else 1.0)
    base *= q.repeat_factor(s, mtype.id, site.id if site is not None else ORBIT)
    for a, share in shares.items():
        part = share if a == program.agency else _partner_part(s, a, share)
        value = base * part * q.trait(s, a, "science")
        value *= 1 + q.tech_effect(s, a, "science")
        t.prestige(a, "science", value)
    for a in q.partners_with(s, program.agency, "data_release"):
        if a not in shares:
            t.prestige(a, "science", base * 0.1)


def _deliver(t: _Turn, program: Program, station: Station | None, staying: bool) -> Station | None:
    """What a successful mission leaves behind: a relay, a module, a crew, supplies."""
    s = t.s
    content = s.content
    mtype = content.missions[program.mission_type]
    stations = content.rule("stations")
    if mtype.id == "relay":
        s.relays[program.agency] = s.turn + stations.relay_turns
    if mtype.builds_module:
        station = _assemble(t, program, station)
    if mtype.crewed and staying and station is not None:
        station.crew.append([program.agency, mtype.crew, s.turn + stations.rotation_turns])
        station.supplies = _stored(
            s, station, station.supplies + mtype.crew * stations.supplies_per_crew
        )
        t.emit(
            "crew_arrived",
            program.agency,
            f"A crew of {mtype.crew} from {t.name(program.agency)} moves into {station.name}.",
            station=station.id,
        )
    if mtype.supplies and station is not None:
        station.supplies = _stored(s, station, station.supplies + mtype.supplies)
    return station


def _assemble(t: _Turn, program: Program, station: Station | None) -> Station:
    s = t.s
    content = s.content
    module = content.modules[program.module]
    if station is None:
        sid = s.new_id("s")
        if program.station_name:
            name = program.station_name
        elif program.site == ORBIT:
            name = f"{t.name(program.agency)} Lunar Orbital Station"
        else:
            name = f"{content.sites[program.site].name} Base"
        station = Station(sid, name, program.site, s.turn)
        s.stations[sid] = station
        t.emit(
            "station_founded",
            program.agency,
            f"{name} is founded by {t.name(program.agency)}.",
            station=sid,
            site=program.site,
        )
    # A bounty asks for a module on the station its owner leads when the module arrives.
    led_by = station.majority_owner() if station.modules else ""
    station.modules.append([module.id, s.turn, program.agency])
    owners = [o for o, paid in station.contributions.items() if paid > 0]
    if module.supplies:
        room = q.storage(s, station) - station.supplies
        station.supplies = round(station.supplies + max(0.0, min(module.supplies, room)), 1)
    for a, paid in program.contributions.items():
        if paid <= 0:
            continue
        barred = [o for o in owners if q.barred(s, a, o)]
        if barred:
            # The law keeps them out of a station they would share: the money built the
            # module, but buys no share of it.
            t.emit(
                "share_barred",
                a,
                f"{t.name(a)} gets no share of {station.name}: "
                f"{q.forbidden_reason(s, a, barred[0])}",
                (a,),
                station=station.id,
                amount=paid,
            )
            continue
        station.contributions[a] = station.contributions.get(a, 0) + paid
    station.contributions = dict(sorted(station.contributions.items()))
    for a, share in _shares(program).items():
        t.prestige(a, "stations", content.rule("prestige").module * share)
    t.emit(
        "module_added",
        program.agency,
        f"{module.name} joins {station.name}.",
        station=station.id,
        module=module.id,
    )
    for bounty in list(s.bounties):
        if (
            bounty["module"] == module.id
            and s.turn <= bounty["until"]
            and led_by == bounty["owner"]
            and program.agency != bounty["owner"]
        ):
            s.bounties.remove(bounty)
            t.prestige(program.agency, "diplomacy", bounty["prestige"])
            t.relations(program.agency, bounty["owner"], bounty["relations"])
            t.emit(
                "bounty_claimed",
                program.agency,
                f"{t.name(program.agency)} delivers the "
                f"{module.name} {t.name(bounty['owner'])} asked for.",
                module=module.id,
            )
    return station


def _award_milestones(t: _Turn) -> None:
    """Award this turn's milestones. Each achievement takes the next rank, and achievers in
    the same turn share it: simultaneous firsts are all firsts. The lead of a program earns
    at least half the value; partners earn their share of the money paid, times their
    partner credit, and a partner who paid nothing earns nothing."""
    s = t.s
    decay = s.content.rule("prestige").decay
    by_milestone: dict[str, list[tuple[dict[str, float], str, str]]] = {}
    for milestone, shares, lead, name in t.milestones:
        by_milestone.setdefault(milestone, []).append((shares, lead, name))
    for milestone, entries in by_milestone.items():
        record = s.milestones.setdefault(milestone, [])
        done = {r[0] for r in record}
        rank = max((r[2] for r in record), default=0) + 1
        value = s.content.milestones[milestone].prestige * decay[min(rank, len(decay)) - 1]
        for shares, lead, name in entries:
            for a, share in shares.items():
                if a in done or (a != lead and share <= 0):
                    continue
                done.add(a)
                record.append([a, s.turn, rank])
                part = max(share, 0.5) if a == lead else _partner_part(s, a, share)
                points = t.prestige(a, "firsts", value * part)
                ordinal = "First" if rank == 1 else f"No. {rank}"
                t.emit(
                    "milestone",
                    a,
                    f"{ordinal}: {t.name(a)} - "
                    f"{s.content.milestones[milestone].name} with {name} "
                    f"(+{points} prestige).",
                    milestone=milestone,
                    rank=rank,
                    points=points,
                )


# --- 6. stations --------------------------------------------------------------------------------


def _stations(t: _Turn) -> None:
    s = t.s
    content = s.content
    rules = content.rule("stations")
    for station in s.stations.values():
        leaving = [c for c in station.crew if c[2] <= s.turn]
        if leaving:
            station.crew = [c for c in station.crew if c[2] > s.turn]
            for c in leaving:
                t.emit(
                    "crew_returned",
                    c[0],
                    f"{t.name(c[0])}'s crew of {c[1]} leaves {station.name} for home.",
                    station=station.id,
                )
        station.supplies += q.supply_production(s, station)
        need = q.supply_need(s, station)
        if need > station.supplies + 1e-9:
            for c in station.crew:
                t.prestige(c[0], "penalties", -content.rule("prestige").failure)
            t.emit(
                "station_evacuated",
                station.majority_owner(),
                f"{station.name} runs out of supplies; its crew evacuates.",
                station=station.id,
            )
            station.crew = []
        else:
            station.supplies -= need
        station.supplies = _stored(s, station, station.supplies)
        _station_science(t, station)
        if station.crew:
            station.crewed_turns += 1
            per_turn = content.rule("prestige").crewed_turn
            for a, share in station.shares().items():
                t.prestige(a, "stations", per_turn * share)
            _claim_prestige(t, station)
            if station.crewed_turns == rules.year_of_presence:
                owner = station.majority_owner()
                t.milestones.append(("year_of_presence", {owner: 1.0}, owner, station.name))
        else:
            station.crewed_turns = 0
    _settle_milestones(t)
    _last_calls(t)
    iss = content.rule("commercial").iss_science
    for g in s.agreements.values():
        if "leo_science" in g.terms:
            for a in g.members:
                t.prestige(a, "science", iss)


def _claim_prestige(t: _Turn, station: Station) -> None:
    """A held south-pole claim pays its coalition each crewed turn, by their shares."""
    claim = q.presence_claim(t.s, station)
    if not claim.held:
        return
    shares = station.shares()
    held = sum(shares[a] for a in claim.coalition)
    per_turn = t.s.content.rule("standing").claim_turn
    for a in claim.coalition:
        t.prestige(a, "stations", per_turn * shares[a] / held)


def _stored(s: State, station: Station, supplies: float) -> float:
    """Supplies as a station keeps them: never below zero or above its storage, to the tenth."""
    digits = int(s.content.rule("stations").supply_precision)
    return round(max(0.0, min(float(q.storage(s, station)), supplies)), digits)


def _last_calls(t: _Turn) -> None:
    """A claim nearing the sustained-presence victory is announced to every agency, and
    the agencies not allied with it gain support at home to answer it."""
    s = t.s
    gain = s.content.rule("stations").rival_support
    for station in s.stations.values():
        claim = q.presence_claim(s, station)
        if not claim.last_call:
            continue
        owner = station.majority_owner()
        names = " and ".join(t.name(a) for a in claim.coalition)
        contest = (
            " It is contested by " + ", ".join(s.stations[r].name for r in claim.rivals) + "."
            if claim.rivals
            else ""
        )
        t.emit(
            "presence_last_call",
            owner,
            f"Last call: {station.name} ({names}) has been crewed {station.crewed_turns} "
            f"turns; {claim.turns_left} more win the race.{contest}",
            station=station.id,
            owners=list(claim.coalition),
            turns_left=claim.turns_left,
            rivals=list(claim.rivals),
        )
        for a in s.agencies:
            if a not in claim.coalition and not q.allied(s, owner, a):
                t.support(a, gain)


def _settle_milestones(t: _Turn) -> None:
    if t.milestones:
        _award_milestones(t)
        t.milestones.clear()


def _station_science(t: _Turn, station: Station) -> None:
    s = t.s
    rules = s.content.rule("science")
    base = 0.0
    copies: dict[str, int] = {}
    for m in station.modules:
        # The n-th module of a kind at a station adds its science / n^stacking.
        copies[m[0]] = n = copies.get(m[0], 0) + 1
        base += s.content.modules[m[0]].science / n**rules.stacking
    if base <= 0:
        return
    crew = station.crew_count
    science = base * (1 + rules.crew_bonus * crew) if crew else base * rules.uncrewed
    # Those who do the work earn part of it: `crew_share` of a crewed station's science goes
    # to the agencies whose crews are aboard, by head count; the rest to its owners.
    shares = {
        a: share * (1 - rules.crew_share) if crew else share
        for a, share in station.shares().items()
    }
    for c in station.crew:
        shares[c[0]] = shares.get(c[0], 0.0) + rules.crew_share * c[1] / crew
    for a, share in shares.items():
        bonus = 1 + q.tech_effect(s, a, "science")
        if station.site != ORBIT:
            bonus += q.tech_effect(s, a, "surface_science")
        t.prestige(a, "science", science * share * bonus * q.trait(s, a, "science"))


# --- 7. events ----------------------------------------------------------------------------------


def _events(t: _Turn) -> None:
    s = t.s
    for beat in s.content.beats:
        if beat.turn != s.turn:
            continue
        if beat.relations is not None:
            a, b, change = beat.relations
            if a in s.agency and b in s.agency:
                t.relations(a, b, change)
        if beat.bounty is not None and beat.bounty["owner"] in s.agency:
            s.bounties.append(dict(beat.bounty))
        if beat.open_service and beat.open_service not in s.services:
            s.services.append(beat.open_service)
        if beat.dissolve_bloc:
            s.agreements.pop(beat.dissolve_bloc, None)
        t.emit("history", None, beat.text)
    for bounty in list(s.bounties):
        if bounty["until"] < s.turn:
            s.bounties.remove(bounty)
    if t.rng.random() >= s.content.rule("events").chance:
        return
    options = [
        e
        for e in s.content.events.values()
        if e.from_year <= s.year <= e.until_year and e.weight > 0
    ]
    if not options:
        return
    event = options[t.rng.weighted([e.weight for e in options])]
    _apply_event(t, event)


def _apply_event(t: _Turn, event: EventDef) -> None:
    s = t.s
    eff = event.effects
    candidates = list(s.agencies)
    if "setback" in eff:
        candidates = [
            a
            for a in candidates
            if any(
                p.agency == a and p.phase == "building" and p.paid > 0 for p in s.programs.values()
            )
        ]
    if "supplies" in eff:
        candidates = [
            a for a in candidates if any(c[0] == a for st in s.stations.values() for c in st.crew)
        ]
    if "experience" in eff:
        candidates = [
            a for a in candidates if any(s.content.techs[x].system for x in s.agency[a].known)
        ]
    if not candidates or (event.target == "pair" and len(candidates) < 2):
        return
    if event.target == "all":
        targets = candidates
        other = ""
    else:
        first = t.rng.choice(candidates)
        targets = [first]
        other = ""
        if event.target == "pair":
            other = t.rng.choice([a for a in candidates if a != first])
    program_name = ""
    private = False
    for a in targets:
        ag = s.agency[a]
        if "support" in eff:
            t.support(a, eff["support"])
        if "budget" in eff:
            ag.treasury = max(0, ag.treasury + round(ag.budget * eff["budget"]))
        if "science" in eff:
            t.prestige(a, "science", eff["science"])
        if "relations" in eff and other:
            t.relations(a, other, eff["relations"])
        if "setback" in eff:
            programs = sorted(
                (
                    p
                    for p in s.programs.values()
                    if p.agency == a and p.phase == "building" and p.paid > 0
                ),
                key=lambda p: p.id,
            )
            program = t.rng.choice(programs)
            program.paid -= min(program.paid, q.schedule(s, program) * int(eff["setback"]))
            program_name = program.name
            private = True
        if "supplies" in eff:
            stations = [st for st in s.stations.values() if any(c[0] == a for c in st.crew)]
            st = t.rng.choice(stations)
            st.supplies = _stored(s, st, st.supplies + eff["supplies"])
        if "experience" in eff:
            systems = sorted(
                {s.content.techs[x].system for x in ag.known if s.content.techs[x].system}
            )
            system = t.rng.choice(systems)
            cap = s.content.rule("reliability").experience_cap
            ag.experience[system] = round(
                min(cap, ag.experience.get(system, 0.0) + eff["experience"]), 4
            )
    text = event.text.format(
        agency=t.name(targets[0]) if targets else "",
        other=t.name(other) if other else "",
        program=program_name,
    )
    t.emit(
        "random_event",
        targets[0] if len(targets) == 1 else None,
        text,
        tuple(targets) if private else None,
        event=event.id,
        targets=list(targets),
        other=other,
    )


# --- 8. economy ---------------------------------------------------------------------------------


def _economy(t: _Turn) -> None:
    s = t.s
    content = s.content
    economy = content.rule("economy")
    support_rules = content.rule("support")
    year_end = s.turn % 2 == 1
    for a in s.agencies:
        ag = s.agency[a]
        if year_end:
            gained = ag.total_prestige - ag.year_prestige
            before = ag.support
            t.support(a, max(-10, gained * support_rules.prestige_per_point))
            t.support(a, (50 - ag.support) * support_rules.drift)
            old_budget = ag.budget
            ag.budget = yearly_budget(
                content.agencies[a].budget, ag.support, economy, appropriation(s, a, s.year + 1)
            )
            ag.year_prestige = ag.total_prestige
            t.emit(
                "budget_review",
                a,
                f"{t.name(a)}'s yearly review: support {before} -> "
                f"{ag.support}, budget {old_budget} -> {ag.budget} $M a year.",
                (a,),
                support=ag.support,
                budget=ag.budget,
            )
        cap = q.treasury_cap(content, ag.budget)
        dues = q.dues(s, a)
        if dues:
            t.emit(
                "dues_paid",
                a,
                f"{t.name(a)} pays {dues} $M in dues to its blocs and treaties.",
                (a,),
                amount=dues,
            )
        income = ag.treasury + ag.budget // 2 - dues
        ag.treasury = min(income, cap)
        if income > cap:
            t.emit(
                "treasury_capped",
                a,
                f"{income - cap} $M over {t.name(a)}'s treasury cap ({cap} $M, "
                f"{economy.treasury_cap:g} yearly budgets) was lost.",
                (a,),
                amount=income - cap,
                cap=cap,
            )
    drift = content.rule("diplomacy").drift
    for i, a in enumerate(s.agencies):
        for b in s.agencies[i + 1 :]:
            gap = content.baseline(a, b) - s.relations[a][b]
            t.relations(a, b, gap * drift)
    expiry = content.rule("diplomacy").proposal_expiry
    for pid in [p.id for p in s.proposals.values() if s.turn - p.turn >= expiry]:
        p = s.proposals.pop(pid)
        t.emit(
            "proposal_expired",
            p.to,
            f"{t.name(p.sender)}'s proposal to {t.name(p.to)} ({_describe(s, p)}) "
            "expired unanswered.",
            (p.sender, p.to),
            proposal=pid,
        )


# --- 9. the end ---------------------------------------------------------------------------------


def _objectives(t: _Turn) -> None:
    """Objectives met this turn earn their prestige, in the open."""
    s = t.s
    for objective in s.content.objectives:
        if objective.id in s.objectives or objective.agency not in s.agency:
            continue
        if s.turn > q.objective_deadline(s, objective):
            continue
        if not q.objective_met_now(s, objective):
            continue
        s.objectives[objective.id] = s.turn
        points = t.prestige(objective.agency, "firsts", objective.prestige)
        t.emit(
            "objective_met",
            objective.agency,
            f"{t.name(objective.agency)} meets its objective: {objective.name} "
            f"(+{points} prestige).",
            objective=objective.id,
            points=points,
        )


def _finish(t: _Turn) -> None:
    s = t.s
    _objectives(t)
    claims = [(st, q.presence_claim(s, st)) for st in s.stations.values()]
    won = sorted(
        ((st, c) for st, c in claims if c.wins), key=lambda sc: (-sc[0].crewed_turns, sc[0].id)
    )
    if won:
        station, claim = won[0]
        winners = [a for a in s.agencies if a in claim.winners]
        _end(t, Termination.SUSTAINED_PRESENCE, winners, station.id)
    elif s.turn >= s.last_turn:
        full = s.last_turn + 1 >= int(s.content.rule("time").turns)
        _end(t, Termination.SCENARIO_END if full else Termination.TURN_LIMIT, None, "")
    s.turn += 1


def _end(t: _Turn, how: Termination, winners: list[str] | None, station: str) -> None:
    s = t.s
    scores = final_scores(s)
    for a in s.agencies:
        s.agency[a].prestige["reliability"] = scores[a]["reliability"]
    standings = q.standings_of(s.content, {a: scores[a]["total"] for a in s.agencies})
    if winners is None:
        # Judged by standing: prestige for the means each was given, in thousandths.
        best = max(standings.values())
        winners = [a for a in s.agencies if standings[a] == best]
    s.outcome = Outcome(how, tuple(winners), s.turn, scores, station, standings)
    names = " and ".join(t.name(a) for a in winners)
    reason = {
        Termination.SUSTAINED_PRESENCE: f"keeping {s.stations[station].name} crewed"
        if station
        else "sustained presence",
        Termination.SCENARIO_END: "the best standing at the end of the race",
        Termination.TURN_LIMIT: "the best standing when the match was stopped",
    }[how]
    t.emit(
        "match_over",
        None,
        f"{names} win{'s' if len(winners) == 1 else ''} by {reason}.",
        outcome=s.outcome.to_wire(),
    )
