"""What each agency may see, and nothing more.

`view(state, agency)` is the only way state leaves the rules for a player, a bot or a
spectator: public facts (prestige, support, stations, treaties, flights, news) for everyone;
the agency's own money, research, programs and proposals under "me"; rivals' private numbers
only as noisy estimates under "intel" - exact for co-signatories of a transparency term.
Orders are never in a view. `events_for` filters a turn's events the same way, and
`sample_state` rebuilds a plausible full state from a view, for bots that plan ahead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from game.rules import queries as q
from game.rules.commands import Command
from game.rules.content import Content, Objective
from game.rules.flight import flight_odds
from game.rules.legal import ViewPrices, launch_problem, order_cost, service_prices
from game.rules.setup import new_match
from game.rules.shapes import EventWire, Intel, ObjectiveView, OwnAgency, PublicAgency, View
from game.rules.state import Agreement, Event, Program, Proposal, State, Station


def view(state: State, agency: str | None) -> View:
    """Everything `agency` may see (None: a spectator's public view), as plain data."""
    if agency is not None and agency not in state.agency:
        raise ValueError(f"{agency!r} is not an agency in this match")
    content = state.content
    standing = q.standings(state)
    out: dict[str, Any] = {
        "scenario": content.scenario,
        "title": content.title,
        "turn": state.turn,
        "version": state.turn,
        "date": content.date(min(state.turn, state.last_turn)),
        "year": state.year,
        "half": state.turn % 2 + 1,
        "last_turn": state.last_turn,
        "seat": agency,
        "seats": list(state.agencies),
        "agencies": {a: _public_agency(state, a, standing) for a in state.agencies},
        "relations": {a: dict(r) for a, r in state.relations.items()},
        "agreements": {k: g.to_wire() for k, g in state.agreements.items()},
        "stations": {k: _station(state, st) for k, st in state.stations.items()},
        "milestones": {k: [list(r) for r in v] for k, v in state.milestones.items()},
        "flights": [dict(f) for f in state.flights],
        "relays": dict(state.relays),
        "services": list(state.services),
        "bounties": [dict(b) for b in state.bounties],
        "ice_confirmed": q.ice_confirmed_sites(state),
        "prices": service_prices(state),
        "demand": dict(state.demand),
        "news": [dict(n) for n in state.news],
        "objectives": [
            _objective(state, o) for o in content.objectives if o.agency in state.agency
        ],
        "outcome": None if state.outcome is None else state.outcome.to_wire(),
        "programs": {},
        "proposals": [],
        "intel": {},
    }
    if agency is not None:
        reliabilities = {agency: q.system_reliabilities(state, agency)}
        out["me"] = _me(state, agency, reliabilities[agency])
        out["programs"] = {
            p.id: _program(state, p, reliabilities)
            for p in state.programs.values()
            if p.agency == agency or agency in p.partners
        }
        out["proposals"] = [
            _proposal(state, p) for p in state.proposals.values() if agency in (p.sender, p.to)
        ]
    observer = agency or "spectator"
    out["intel"] = {a: _intel(state, observer, a) for a in state.agencies if a != agency}
    return cast(View, out)  # tests/rules/test_shapes.py holds it to the shape


def events_for(events: list[Event], agency: str | None) -> list[EventWire]:
    """The wire forms of the events this agency (None: a spectator) may see."""
    return [e.to_wire() for e in events if e.seen_by(agency)]


def _objective(state: State, o: Objective) -> ObjectiveView:
    return {
        "id": o.id,
        "agency": o.agency,
        "name": o.name,
        "text": o.text,
        "kind": o.kind,
        "by": o.by,
        "prestige": o.prestige,
        "status": q.objective_status(state, o),
        "met": state.objectives.get(o.id, -1),
    }


def _public_agency(state: State, a: str, standing: dict[str, int]) -> PublicAgency:
    d = state.content.agencies[a]
    ag = state.agency[a]
    return {
        "name": d.name,
        "country": d.country,
        "color": d.color,
        "note": d.note,
        "prestige": ag.total_prestige,
        "score": dict(ag.prestige),
        "support": ag.support,
        "flights": ag.flights,
        "successes": ag.successes,
        "failures": ag.failures,
        "crew_lost": ag.crew_lost,
        "blocs": [g.id for g in state.agreements.values() if a in g.members],
        "standing": standing[a],
    }


def _station(state: State, st: Station) -> dict[str, Any]:
    wire = st.to_wire()
    wire["shares"] = st.shares()
    wire["capacity"] = q.capacity(state, st)
    wire["storage"] = q.storage(state, st)
    wire["crew_count"] = st.crew_count
    wire["owner"] = st.majority_owner() if st.contributions else ""
    wire["supply_need"] = q.supply_need(state, st)
    wire["supply_production"] = q.supply_production(state, st)
    claim = q.presence_claim(state, st)
    wire["claim"] = {
        "counts": claim.counts,
        "coalition": list(claim.coalition),
        "held": claim.held,
        "winners": list(claim.winners),
        "rivals": list(claim.rivals),
        "target": int(state.content.rule("stations").presence_turns),
        "turns_left": claim.turns_left,
        "last_call": claim.last_call,
    }
    return wire


def _program(
    state: State, p: Program, reliabilities: dict[str, dict[str, float]]
) -> dict[str, Any]:
    wire = p.to_wire()
    wire["schedule"] = q.schedule(state, p)
    wire["remaining"] = p.cost - p.paid
    wire["fund_limit"] = q.fund_limit(state, p, False)
    wire["rush_fee"] = q.rush_fee(state, p)
    wire["test_fee"] = q.test_fee(state, p)
    wire["reliability"] = {
        k: round(v, 3) for k, v in q.program_reliability_systems(state, p, reliabilities).items()
    }
    ready = p.phase == "ready"
    problem = launch_problem(state, p) if ready else None
    wire["launch_problem"] = None if problem is None else problem.to_wire()
    wire["odds"] = flight_odds(state, p, reliabilities).to_wire() if ready else None
    return wire


def _proposal(state: State, p: Proposal) -> dict[str, Any]:
    """A proposal as its two parties see it; an offer to join a mission says which one."""
    wire = p.to_wire()
    program = state.programs.get(p.program) if p.program else None
    if program is not None:
        wire["mission"] = {
            "name": program.name,
            "mission_type": program.mission_type,
            "site": program.site,
            "cost": program.cost,
        }
    return wire


def _me(state: State, a: str, reliabilities: dict[str, float]) -> OwnAgency:
    content = state.content
    ag = state.agency[a]
    techs: dict[str, Any] = {}
    terms = q.research_table(state, a)
    for tid, tech in content.techs.items():
        known = tid in ag.known
        if known:
            status = "known"
        elif q.prerequisites_met(state, a, tid):
            status = "available"
        else:
            status = "locked"
        cost, limit = terms[tid]
        entry: dict[str, Any] = {
            "status": status,
            "paid": ag.research.get(tid, 0),
            "cost": cost,
            "limit": limit if status != "locked" else 0,
        }
        if known:
            reliability = q.tech_reliability(state, a, tid)
            entry["refinements"] = ag.known[tid]
            entry["refinable"] = q.refinable(tech, reliability)
            if tech.system:
                entry["reliability"] = round(reliability, 3)
        techs[tid] = entry
    effects = q.tech_effects(state, a)
    have = q.known_systems(state, a)
    return {
        "agency": a,
        "treasury": ag.treasury,
        "budget": ag.budget,
        "income": ag.budget // 2,
        "dues": q.dues(state, a),
        "support": ag.support,
        "techs": techs,
        "systems": {
            sys: round(reliabilities.get(sys, 0.0), 3)
            for sys in sorted(content.systems)
            if sys in have
        },
        "experience": dict(ag.experience),
        "leo_novelty": round(q.leo_novelty(state, a), 3),
        "mission_costs": {
            m: q.mission_cost(state, a, mt, "", False, effects)
            for m, mt in content.missions.items()
        },
        "relay": q.has_relay(state, a),
        "known": dict(ag.known),
        "research": dict(ag.research),
        "year_prestige": ag.year_prestige,
    }


def _noise(state: State, observer: str, target: str, key: str) -> float:
    """A repeatable error in [-1, 1): the same question gets the same wrong answer all turn.

    Keyed by the match's intel secret, never the seed: a host may choose the seed, and
    whoever knew it could otherwise take the error back out.
    """
    return state.secret_draw(f"{state.turn}:{observer}:{target}:{key}")


def _band(state: State, observer: str, target: str, key: str, value: int) -> list[int]:
    """[low, high]: 2 * `count_band` + 1 whole numbers with the true count anywhere among
    them, each place as likely. Moved up rather than cut off at zero, so a band never
    narrows onto the truth."""
    width = int(q.constant(state, "intel", "count_band"))
    places = 2 * width + 1
    place = min(places - 1, int((_noise(state, observer, target, key) + 1) / 2 * places))
    low = max(0, value - place)
    return [low, low + 2 * width]


def _intel(state: State, observer: str, target: str) -> Intel:
    ag = state.agency[target]
    active = sum(1 for p in state.programs.values() if p.agency == target)
    exact = observer in state.agency and "transparency" in q.terms_between(state, observer, target)
    if exact:
        return {
            "exact": True,
            "treasury": ag.treasury,
            "budget": ag.budget,
            "techs": len(ag.known),
            "techs_range": [len(ag.known), len(ag.known)],
            "programs": active,
            "programs_range": [active, active],
            "known": sorted(ag.known),
        }
    spread = q.constant(state, "intel", "noise")

    def guess(key: str, value: int) -> int:
        return max(0, round(value * (1 + spread * _noise(state, observer, target, key))))

    techs = _band(state, observer, target, "techs", len(ag.known))
    programs = _band(state, observer, target, "programs", active)
    return {
        "exact": False,
        "treasury": guess("treasury", ag.treasury),
        "budget": guess("budget", ag.budget),
        "techs": (techs[0] + techs[1]) // 2,
        "techs_range": techs,
        "programs": (programs[0] + programs[1]) // 2,
        "programs_range": programs,
    }


def sample_state(v: Mapping[str, Any], seed: int) -> State:
    """A full state consistent with a view: public facts exact, hidden ones guessed.

    Rivals' hidden research is guessed from their starting techs plus what their flights
    prove they know; their money from intel. The generator is seeded from `seed`, so the
    sample is one possible future, not the real one.
    """
    s = new_match(v["scenario"], seed=seed, agencies=list(v["seats"]), turns=v["last_turn"] + 1)
    content = s.content
    s.turn = v["turn"]
    s.next_id = 1 + max(
        [_number(k) for k in (*v["programs"], *v["stations"], *v["agreements"])]
        + [_number(p["id"]) for p in v["proposals"]]
        + [_number(f["program"]) for f in v["flights"]],
        default=0,
    )
    s.relations = {a: dict(r) for a, r in v["relations"].items()}
    s.objectives = {o["id"]: o["met"] for o in v["objectives"] if o["met"] >= 0}
    s.agreements = {k: Agreement.from_wire(g) for k, g in v["agreements"].items()}
    s.stations = {k: Station.from_wire(st) for k, st in v["stations"].items()}
    s.milestones = {k: [list(r) for r in rs] for k, rs in v["milestones"].items()}
    s.flights = [dict(f) for f in v["flights"]]
    s.relays = dict(v["relays"])
    s.services = list(v["services"])
    s.demand = dict(v["demand"])
    s.bounties = [dict(b) for b in v["bounties"]]
    s.news = []
    program_fields = set(Program.__match_args__)
    s.programs = {
        k: Program.from_wire({f: p[f] for f in program_fields}) for k, p in v["programs"].items()
    }
    s.proposals = {p["id"]: Proposal.from_wire(p) for p in v["proposals"]}
    me = v.get("me")
    for a in s.agencies:
        ag = s.agency[a]
        pub = v["agencies"][a]
        ag.prestige = dict(pub["score"])
        ag.support = pub["support"]
        ag.flights, ag.successes = pub["flights"], pub["successes"]
        ag.failures, ag.crew_lost = pub["failures"], pub["crew_lost"]
        if me is not None and a == me["agency"]:
            ag.treasury, ag.budget = me["treasury"], me["budget"]
            ag.known = dict(me["known"])
            ag.research = dict(me["research"])
            ag.experience = dict(me["experience"])
            ag.year_prestige = me["year_prestige"]
            continue
        intel = v["intel"][a]
        ag.treasury, ag.budget = intel["treasury"], max(1, intel["budget"])
        ag.year_prestige = ag.total_prestige
        if intel.get("exact"):
            ag.known = {t: 0 for t in intel["known"]}
        else:
            for flight in s.flights:
                if flight["agency"] == a:
                    for req in content.missions[flight["mission_type"]].requires:
                        _learn_with_prerequisites(s, a, req)
        ag.research = {}
    return s


def _number(ident: str) -> int:
    digits = ident.lstrip("abcdefghijklmnopqrstuvwxyz_")
    return int(digits) if digits.isdigit() else 0


def _learn_with_prerequisites(s: State, agency: str, tech: str) -> None:
    known = s.agency[agency].known
    if tech in known:
        return
    for req in s.content.techs[tech].requires:
        _learn_with_prerequisites(s, agency, req)
    known[tech] = 0


def orders_cost(v: Mapping[str, Any], orders: list[Command]) -> int:
    """What a list of orders would take from the treasury, computed from one's own view."""
    prices = ViewPrices(v)
    return sum(order_cost(cmd, prices) for cmd in orders)


def unspent_money_lost(content: Content, v: Mapping[str, Any], orders: list[Command]) -> int:
    """$M that these orders leave in the treasury and the end of the turn takes away, read
    from one's own view: what the income would carry over the treasury cap, or all of it when
    this is the match's last turn. At a yearly review the budget, and so the cap, still moves.
    """
    me = v.get("me") or {}
    if "treasury" not in me:
        return 0
    left = int(me["treasury"]) - orders_cost(v, orders)
    if left <= 0:
        return 0
    if int(v.get("turn", 0)) >= int(v.get("last_turn", 10**9)):
        return left
    income = left + int(me.get("income", 0)) - int(me.get("dues", 0))
    cap = q.treasury_cap(content, int(me.get("budget", 0)))
    return max(0, min(left, income - cap))
