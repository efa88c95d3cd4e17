"""Questions about a state that the legality checks, the resolution and the views all ask.

Costs, reliabilities, who is partnered with whom, who may dock where: each answered in one
place so that what the rules allow and what they then do can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import ceil
from statistics import median
from typing import Any

from game.rules.content import ORBIT, Content, MissionType, Objective, Site, Tech
from game.rules.errors import Code, RuleError
from game.rules.memo import Memo
from game.rules.state import Agency, Program, State, Station


def constant(state: State, section: str, name: str) -> Any:
    """One constant of the content's rules, `state.content.rule(section).<name>`."""
    key = (state.content.hash, "rule", section, name)
    try:
        return _CONTENT_ANSWERS[key]
    except KeyError:
        return _CONTENT_ANSWERS.keep(key, getattr(state.content.rule(section), name))


def forbidden_reason(state: State, a: str, b: str) -> str:
    """Why the content forbids a bilateral pairing of two agencies, or ""."""
    key = (state.content.hash, "forbidden", a, b)
    try:
        reason: str = _CONTENT_ANSWERS[key]
    except KeyError:
        reason = _CONTENT_ANSWERS.keep(key, state.content.forbidden_reason(a, b))
    return reason


# Answers to questions about the content alone, keyed by the content's hash (which covers
# every file) and the question: the rules ask a few of them thousands of times a turn.
_CONTENT_ANSWERS: Memo[tuple[str, ...], Any] = Memo(4096)


def trait(state: State, agency: str, name: str) -> float:
    return state.content.agencies[agency].trait(name)


def tech_effect(state: State, agency: str, key: str) -> float:
    """The sum of a numeric effect over the techs the agency knows."""
    return tech_effects(state, agency).get(key, 0.0)


def tech_effects(state: State, agency: str) -> dict[str, float]:
    """Every numeric effect summed over the techs the agency knows, in the order it
    learned them (so each sum is the same float however it is asked for)."""
    techs = state.content.techs
    totals: dict[str, float] = {}
    for tid in state.agency[agency].known:
        for key, value in techs[tid].effects.items():
            if isinstance(value, int | float):
                totals[key] = totals.get(key, 0.0) + value
    return totals


# --- agreements -----------------------------------------------------------------------------


def barred(state: State, a: str, b: str) -> bool:
    """Whether the content bars two agencies from working together at all: no treaty,
    shared program, station, crew or coalition, even through a bloc or a third party."""
    return a != b and bool(forbidden_reason(state, a, b))


def terms_between(state: State, a: str, b: str) -> set[str]:
    """Every term of every agreement that both agencies are members of (none if barred)."""
    terms: set[str] = set()
    if barred(state, a, b):
        return terms
    for g in state.agreements.values():
        if a in g.members and b in g.members:
            terms.update(g.terms)
    return terms


def partners_with(state: State, agency: str, term: str) -> list[str]:
    """Agencies that share an agreement with `term` with this agency, in seat order."""
    found: set[str] = set()
    for g in state.agreements.values():
        if term in g.terms and agency in g.members:
            found.update(g.members)
    found.discard(agency)
    return [a for a in state.agencies if a in found and not barred(state, agency, a)]


def allied(state: State, a: str, b: str) -> bool:
    return a == b or "alliance" in terms_between(state, a, b)


def rival_blocs(state: State, agency: str) -> list[str]:
    """The blocs this agency may not join or ally into: those its own blocs exclude."""
    blocs = state.content.blocs
    out: list[str] = []
    for g in state.agreements.values():
        if g.kind == "bloc" and agency in g.members and g.id in blocs:
            out.extend(x for x in blocs[g.id].excludes if x not in out)
    return out


def allies(state: State, agency: str) -> set[str]:
    """The agency and everyone linked to it by alliance terms, directly or through other
    allies: the camp whose coalitions it may sit in."""
    camp = {agency}
    waiting = [agency]
    while waiting:
        for other in partners_with(state, waiting.pop(), "alliance"):
            if other not in camp:
                camp.add(other)
                waiting.append(other)
    return camp


def coalition_refusal(state: State, ours: set[str], theirs: set[str]) -> RuleError | None:
    """Why two sets of allies may not become one coalition, or None: someone on one side is
    barred from someone on the other, or sits in a bloc that excludes theirs."""
    for a in sorted(ours):
        for b in sorted(theirs):
            reason = forbidden_reason(state, a, b)
            if reason:
                return RuleError(Code.FORBIDDEN_PAIRING, f"{reason} ({a} and {b} would be allied)")
    for a in sorted(ours):
        rivals = set(rival_blocs(state, a))
        for b in sorted(theirs):
            for x in rivals:
                if x in state.agreements and b in state.agreements[x].members:
                    name = state.agreements[x].name
                    return RuleError(Code.RIVAL_BLOC, f"{b} sits in the {name}, a rival of {a}'s")
    return None


def join_refusal(state: State, agency: str, bloc_id: str) -> RuleError | None:
    """Why this agency may not join a bloc now, or None: the bloc is a rival of one of its
    own, someone in it is barred from the agency, or (for a bloc with an alliance term) it
    would join two coalitions that may not be one."""
    bloc = state.agreements[bloc_id]
    for m in bloc.members:
        reason = forbidden_reason(state, agency, m)
        if reason:
            return RuleError(Code.FORBIDDEN_PAIRING, reason)
    if bloc_id in rival_blocs(state, agency):
        return RuleError(Code.RIVAL_BLOC, f"members of the {bloc.name}'s rival may not join it")
    if "alliance" not in bloc.terms:
        return None
    theirs: set[str] = set()
    for m in bloc.members:
        theirs |= allies(state, m)
    theirs.discard(agency)
    return coalition_refusal(state, allies(state, agency), theirs)


def invite_refusal(state: State, program: Program, invitee: str) -> RuleError | None:
    """Why an agency may not become a partner of a program, or None: it is barred from a
    participant, or from an owner of the station the program goes to."""
    station = target_station(state, program)
    others = [*program.participants, *(station.contributions if station is not None else ())]
    for a in others:
        reason = forbidden_reason(state, a, invitee)
        if reason and a != invitee:
            return RuleError(Code.FORBIDDEN_PAIRING, reason)
    return None


def alliance_refusal(state: State, a: str, b: str) -> RuleError | None:
    """Why two agencies may not sign an alliance now, or None: their coalitions may not be
    one (a rival bloc or the legal bar between them, even through a third party)."""
    return coalition_refusal(state, allies(state, a), allies(state, b))


def treasury_cap(content: Content, budget: int) -> int:
    """The most a treasury keeps after a turn's income: `treasury_cap` yearly budgets."""
    return int(content.rule("economy").treasury_cap * budget)


def dues(state: State, agency: str) -> int:
    """$M this agency pays each turn for the agreements it is in: each one's `dues` share
    of its half-year income."""
    blocs = state.content.blocs
    treaties = state.content.treaties
    share = 0.0
    for g in state.agreements.values():
        if agency not in g.members or len(g.members) < 2:
            continue
        if g.kind == "bloc":
            share += blocs[g.id].dues if g.id in blocs else 0.0
        elif g.kind in treaties:
            share += treaties[g.kind].dues
    return ceil(share * (state.agency[agency].budget // 2))


def agreement_dues(state: State, agency: str, gid: str) -> int:
    """$M a turn this agency pays for one agreement."""
    g = state.agreements[gid]
    content = state.content
    if g.kind == "bloc":
        share = content.blocs[g.id].dues if g.id in content.blocs else 0.0
    else:
        share = content.treaties[g.kind].dues if g.kind in content.treaties else 0.0
    return ceil(share * (state.agency[agency].budget // 2))


def joint_partners(state: State, program: Program) -> list[str]:
    """The program's partners who share a joint-program term with its lead."""
    return [
        a for a in program.partners if "joint_program" in terms_between(state, program.agency, a)
    ]


def treaty_between(state: State, a: str, b: str, kind: str) -> str:
    """The id of a bilateral treaty of this kind between a and b, or ""."""
    for g in state.agreements.values():
        if g.kind == kind and a in g.members and b in g.members:
            return g.id
    return ""


# --- research and reliability ------------------------------------------------------------------


def research_cost(state: State, agency: str, tech: str) -> int:
    """What learning a tech costs this agency (tech-sharing partners who know it halve it)."""
    shared = any(tech in p.known for p in _sharing_partners(state, agency))
    return _learning_price(state.content.techs[tech], trait(state, agency, "research"), shared)


def _learning_price(t: Tech, factor: float, shared: bool) -> int:
    base = t.cost * factor
    if shared:
        base *= 0.6
    return max(1, ceil(base))


def _sharing_partners(state: State, agency: str) -> list[Agency]:
    """The seated agencies that share technology with this one (never across the bar)."""
    out: list[Agency] = []
    for g in state.agreements.values():
        if "tech_sharing" in g.terms and agency in g.members:
            out.extend(
                state.agency[m]
                for m in g.members
                if m != agency and m in state.agency and not barred(state, agency, m)
            )
    return out


def refine_cost(state: State, agency: str, tech: str) -> int:
    share = constant(state, "reliability", "refine_share")
    return _refining_price(state.content.techs[tech], share, trait(state, agency, "research"))


def _refining_price(t: Tech, share: float, factor: float) -> int:
    return max(1, ceil(t.cost * share * factor))


def tech_reliability(state: State, agency: str, tech: str) -> float:
    refinements = state.agency[agency].known.get(tech, 0)
    step = constant(state, "reliability", "refine_step")
    return _refined(state.content.techs[tech], refinements, step)


def _refined(t: Tech, refinements: int, step: float) -> float:
    """A tech's reliability after this many refinements of `step` each."""
    return min(t.cap, t.reliability + refinements * step)


def can_refine(state: State, agency: str, tech: str) -> bool:
    return refinable(state.content.techs[tech], tech_reliability(state, agency, tech))


def refinable(t: Tech, reliability: float) -> bool:
    """Whether a tech at this reliability (`tech_reliability`) can be refined further."""
    return bool(t.system) and reliability < t.cap - 1e-9


def research_target(state: State, agency: str, tech: str) -> int:
    """$M needed to finish learning the tech, or its next refinement if it is known."""
    if tech in state.agency[agency].known:
        return refine_cost(state, agency, tech)
    return research_cost(state, agency, tech)


def research_limit(state: State, agency: str, tech: str) -> int:
    """The most the agency may put into this tech this turn."""
    return research_terms(state, agency, tech)[1]


def research_terms(state: State, agency: str, tech: str) -> tuple[int, int]:
    """`research_target` and `research_limit` together, the price worked out once."""
    target = research_target(state, agency, tech)
    return _terms(state.content.techs[tech], state.agency[agency], target)


def _terms(t: Tech, ag: Agency, target: int) -> tuple[int, int]:
    remaining = target - ag.research.get(t.id, 0)
    if t.id in ag.known:
        return target, max(0, remaining)
    per_turn = ceil(target / t.min_turns)
    return target, max(0, min(per_turn, remaining))


def shared_techs(state: State, agency: str) -> frozenset[str]:
    """The techs the agency's tech-sharing partners know (it learns them cheaper)."""
    partners = _sharing_partners(state, agency)
    return frozenset().union(*(p.known for p in partners)) if partners else frozenset()


def research_table(state: State, agency: str) -> dict[str, tuple[int, int]]:
    """`research_terms` of every tech, with the agency's traits and partners looked up once."""
    ag = state.agency[agency]
    shared = shared_techs(state, agency)
    # A function of the content, of what the agency knows and has paid into research and
    # of what its tech-sharing partners know alone, asked for by the view and the legal
    # commands of every agency every turn: remembered, keyed by exactly those.
    key = (state.content.hash, agency, tuple(ag.known), tuple(ag.research.items()), shared)
    table = _RESEARCH_TABLES.get(key)
    if table is None:
        table = _RESEARCH_TABLES.keep(key, _research_table(state, agency, shared))
    return dict(table)


_RESEARCH_TABLES: Memo[tuple[object, ...], dict[str, tuple[int, int]]] = Memo(4096)


def _research_table(
    state: State, agency: str, shared: frozenset[str]
) -> dict[str, tuple[int, int]]:
    """`research_table`, worked out; `shared`: the techs its tech-sharing partners know."""
    ag = state.agency[agency]
    factor = trait(state, agency, "research")
    share = constant(state, "reliability", "refine_share")
    return {tid: _row(t, ag, factor, share, shared) for tid, t in state.content.techs.items()}


def research_row(state: State, agency: str, tech: str, shared: frozenset[str]) -> tuple[int, int]:
    """`research_terms` of one tech, given the techs its partners share (`shared_techs`)."""
    factor = trait(state, agency, "research")
    share = constant(state, "reliability", "refine_share")
    return _row(state.content.techs[tech], state.agency[agency], factor, share, shared)


def _row(
    t: Tech, ag: Agency, factor: float, share: float, shared: frozenset[str]
) -> tuple[int, int]:
    if t.id in ag.known:
        target = _refining_price(t, share, factor)
    else:
        target = _learning_price(t, factor, t.id in shared)
    return _terms(t, ag, target)


def prerequisites_met(state: State, agency: str, tech: str) -> bool:
    """Whether the agency may start learning the tech: its own hardware (if national) with
    every prerequisite known."""
    t = state.content.techs[tech]
    if t.agencies and agency not in t.agencies:
        return False
    known = state.agency[agency].known
    return all(r in known for r in t.requires)


def system_reliability(state: State, agency: str, system: str) -> float:
    """The agency's reliability for a hardware family: best known tech plus flight experience.

    Zero when the agency knows no tech of that family.
    """
    return system_reliabilities(state, agency).get(system, 0.0)


def system_reliabilities(state: State, agency: str) -> dict[str, float]:
    """`system_reliability` for every hardware family the agency has a reliability for."""
    ag = state.agency[agency]
    # A function of the content and the agency's techs and flight experience alone, asked
    # for by every view and flight: remembered, keyed by exactly those.
    key = (state.content.hash, tuple(ag.known.items()), tuple(ag.experience.items()))
    known = _RELIABILITIES.get(key)
    if known is None:
        known = _RELIABILITIES.keep(key, _system_reliabilities(state, ag))
    return dict(known)


_RELIABILITIES: Memo[tuple[object, ...], dict[str, float]] = Memo(4096)


def _system_reliabilities(state: State, ag: Agency) -> dict[str, float]:
    techs = state.content.techs
    rules = state.content.rule("reliability")
    step = rules.refine_step
    best: dict[str, float] = {}
    for tid, refinements in ag.known.items():
        t = techs[tid]
        if t.system:
            best[t.system] = max(best.get(t.system, 0.0), _refined(t, refinements, step))
    ceiling = rules.ceiling
    return {
        system: min(ceiling, value + ag.experience.get(system, 0.0))
        for system, value in best.items()
        if value != 0.0
    }


def has_system(state: State, agency: str, system: str) -> bool:
    """Whether the agency knows a tech of this hardware family."""
    return system in known_systems(state, agency)


def known_systems(state: State, agency: str) -> frozenset[str]:
    """The hardware families the agency knows a tech of: `has_system` for all of them."""
    # A function of the content and the techs known alone, asked for by every check of a
    # program start or launch and every step flown: remembered, keyed by exactly those.
    key = (state.content.hash, tuple(state.agency[agency].known))
    systems = _SYSTEMS.get(key)
    if systems is None:
        techs = state.content.techs
        systems = _SYSTEMS.keep(key, frozenset(techs[t].system for t in state.agency[agency].known))
    return systems


_SYSTEMS: Memo[tuple[object, ...], frozenset[str]] = Memo(4096)


# --- missions ---------------------------------------------------------------------------------


def mission_cost(
    state: State,
    agency: str,
    mtype: MissionType,
    module: str,
    commercial: bool,
    effects: dict[str, float] | None = None,
) -> int:
    """The full price of a program for its lead, fees included. `effects`: the lead's
    `tech_effects`, when the caller has them already."""
    content = state.content
    if effects is None:
        effects = tech_effects(state, agency)
    cost = float(mtype.cost)
    if module:
        cost += content.modules[module].cost * (1 + effects.get("module_cost", 0.0))
    factor = 1 + effects.get("mission_cost", 0.0)
    if mtype.crewed:
        factor += effects.get("crewed_cost", 0.0)
    cost *= max(0.4, factor) * trait(state, agency, "cost")
    if commercial:
        com = content.rule("commercial")
        heavy = mtype.steps[0].system == "heavy_launcher"
        cost *= 1 + (com.heavy_fee if heavy else com.launch_fee)
    return max(1, ceil(cost))


def schedule(state: State, program: Program) -> int:
    """The money a program takes per turn to stay on schedule: its cost over its build
    turns (a scenario's program may set its own, slower than its type's)."""
    build = program.build_turns or state.content.missions[program.mission_type].build_turns
    return max(1, ceil(program.cost / build))


def repeat_factor(state: State, mission_type: str, site: str) -> float:
    """What is left to learn by flying a mission type to a place again: `repeat` to the
    power of the earlier successes of that type there (anyone's), never below
    `repeat_floor`. The flight being resolved is not yet in the record."""
    rules = state.content.rule("science")
    done = sum(
        1
        for f in state.flights
        if f["result"] == "success" and f["mission_type"] == mission_type and f["site"] == site
    )
    return max(rules.repeat_floor, rules.repeat**done) if done else 1.0


def service_price(state: State, service: str) -> int:
    """A commercial service's price this turn: its base price, raised by a share of it for
    every agency that bought it last turn (demand)."""
    com = state.content.rule("commercial")
    buyers = state.demand.get(service, 0)
    return max(1, ceil(com.leo_access_cost * (1 + com.leo_demand * buyers)))


def leo_novelty(state: State, agency: str) -> float:
    """What a visit to the commercial station in low Earth orbit still teaches the agency:
    1 for crews new to surface work, falling to 0 as their experience of it (trained there
    or flown) reaches the cap."""
    com = state.content.rule("commercial")
    cap = state.content.rule("reliability").experience_cap
    trained = state.agency[agency].experience.get(com.leo_training_system, 0.0)
    return max(0.0, 1.0 - trained / cap) if cap > 0 else 0.0


def fund_limit(state: State, program: Program, rushed: bool) -> int:
    """The most a program can take this turn (all contributors together)."""
    per_turn = schedule(state, program) * (2 if rushed else 1)
    return max(0, min(per_turn, program.cost - program.paid))


def rush_fee(state: State, program: Program) -> int:
    return max(1, ceil(schedule(state, program) * constant(state, "economy", "rush_fee")))


def test_fee(state: State, program: Program) -> int:
    return max(1, ceil(program.cost * constant(state, "economy", "test_fee")))


def commercial_steps(mtype: MissionType) -> int:
    """How many leading steps a commercial launch flies: the launch, and the cruise to the
    Moon when the next step is propulsion."""
    if len(mtype.steps) > 1 and mtype.steps[1].system == "propulsion":
        return 2
    return 1


def launch_system(mtype: MissionType) -> str:
    return mtype.steps[0].system


def commercial_available(state: State, mtype: MissionType) -> bool:
    if launch_system(mtype) == "heavy_launcher":
        return "commercial_heavy" in state.services
    return True


def station_at(state: State, site: str) -> Station | None:
    """The station at a surface site (one per site), if any."""
    for st in state.stations.values():
        if st.site == site and site != ORBIT:
            return st
    return None


def target_station(state: State, program: Program) -> Station | None:
    """The station a program goes to: named by id, or the one at its surface site."""
    if program.site in state.stations:
        return state.stations[program.site]
    return station_at(state, program.site)


def site_of(state: State, target: str) -> Site | None:
    """The lunar site of a target (a site id, or a surface station's id)."""
    if target in state.content.sites:
        return state.content.sites[target]
    st = state.stations.get(target)
    if st is not None and st.site in state.content.sites:
        return state.content.sites[st.site]
    return None


def has_relay(state: State, agency: str) -> bool:
    """Far-side coverage: a live relay of one's own or of an agreement partner."""
    for owner, until in state.relays.items():
        if until >= state.turn and (owner == agency or terms_between(state, agency, owner)):
            return True
    return False


def may_use_station(state: State, station: Station, agency: str) -> bool:
    if any(barred(state, agency, owner) for owner in station.contributions):
        return False
    if station.contributions.get(agency, 0) > 0 or station.access == "open":
        return True
    if station.access == "partners":
        owner = station.majority_owner()
        if "docking" in terms_between(state, agency, owner):
            return True
        # Spacecraft built to the same docking standard can dock without a treaty.
        return shares_docking_standard(state, agency, owner)
    return False


def shares_docking_standard(state: State, a: str, b: str) -> bool:
    """Whether both agencies know the international docking standard."""
    return (
        tech_effect(state, a, "docking_standard") > 0
        and tech_effect(state, b, "docking_standard") > 0
    )


def capacity(state: State, station: Station) -> int:
    modules = state.content.modules
    return sum(modules[m[0]].capacity for m in station.modules)


def crew_staying(state: State, station: Station) -> int:
    """Crew aboard who stay past this turn: berths of a crew going home now can be handed over."""
    return sum(c[1] for c in station.crew if c[2] > state.turn)


def storage(state: State, station: Station) -> int:
    modules = state.content.modules
    return sum(modules[m[0]].storage for m in station.modules)


def supply_need(state: State, station: Station) -> float:
    """Supplies the crew aboard eat in a turn: a supply per crew member, times the agency's
    frugality and its life-support savings, to the tenth."""
    digits = int(constant(state, "stations", "supply_precision"))
    return round(
        sum(
            c[1]
            * trait(state, c[0], "supply")
            * max(0.25, 1 + tech_effect(state, c[0], "supply_use"))
            for c in station.crew
        ),
        digits,
    )


def supply_production(state: State, station: Station) -> float:
    """Supplies the station's ISRU plants make in a turn (only at an ice site; more where
    the ice was confirmed on the ground)."""
    site = state.content.sites.get(station.site)
    if site is None or site.ice < 2:
        return 0.0
    made = float(sum(state.content.modules[m[0]].production for m in station.modules))
    if made and ice_confirmed(state, site.id):
        made *= 1 + state.content.rule("findings").confirmed_ice
    return made


def ice_confirmed(state: State, site: str) -> bool:
    """Whether a flight has confirmed water ice on the ground at the site."""
    return site in ice_confirmed_sites(state)


def ice_confirmed_sites(state: State) -> list[str]:
    """The ice sites where a flight passed the step after which its mission type reaches
    "water ice confirmed on the ground", in the order they were confirmed."""
    missions = state.content.missions
    sites = state.content.sites
    found: list[str] = []
    for flight in state.flights:
        site = sites.get(flight["site"])
        if site is None or not site.matches("ice") or site.id in found:
            continue
        mtype = missions[flight["mission_type"]]
        names = [step.name for step in mtype.steps if step.when == "always"]
        for milestone, after, _when in mtype.milestones:
            if (
                milestone == "ice_confirmed"
                and after in names
                and names.index(after) < flight["steps"]
            ):
                found.append(site.id)
                break
    return found


@dataclass(frozen=True, slots=True)
class PresenceClaim:
    """How a station stands toward the sustained-presence victory.

    `counts`: at a south-pole site with enough ice to live off. `coalition`: the owners who
    hold it (the largest owner and the owners allied with it, each holding at least the
    coalition share), and `held` when there are enough of them. `winners`: those of the
    coalition who stand at or above the match's median, who would win with it. `rivals`:
    crewed stations at the south pole whose largest owner is not allied with this one's;
    while there is one, the claim cannot complete. `wins`: the station wins this turn.
    """

    counts: bool
    coalition: tuple[str, ...]
    held: bool
    rivals: tuple[str, ...]
    turns_left: int
    last_call: bool
    wins: bool
    winners: tuple[str, ...] = ()


def presence_claim(state: State, station: Station) -> PresenceClaim:
    rules = state.content.rule("stations")
    site = state.content.sites.get(station.site)
    counts = site is not None and site.south_pole and site.ice >= rules.claim_ice
    coalition: tuple[str, ...] = ()
    rivals: tuple[str, ...] = ()
    if station.contributions:
        owner = station.majority_owner()
        coalition = tuple(
            a
            for a, share in station.shares().items()
            if allied(state, owner, a) and (a == owner or share >= rules.coalition_share)
        )
        rivals = tuple(
            other.id
            for other in state.stations.values()
            if other.id != station.id
            and other.crew
            and other.contributions
            and other.site in state.content.sites
            and state.content.sites[other.site].south_pole
            and not allied(state, owner, other.majority_owner())
        )
    held = counts and len(coalition) >= rules.coalition_owners
    turns_left = max(0, rules.presence_turns - station.crewed_turns)
    winners: tuple[str, ...] = ()
    if held:
        # The victory goes only to those who also stand well: at or above the median.
        standing = standings(state)
        middle = median(standing.values())
        winners = tuple(a for a in coalition if standing[a] >= middle)
    return PresenceClaim(
        counts=counts,
        coalition=coalition,
        held=held,
        rivals=rivals,
        turns_left=turns_left,
        last_call=held and station.crewed_turns >= rules.last_call,
        wins=held and turns_left == 0 and not rivals and bool(winners),
        winners=winners,
    )


def program_reliability_systems(
    state: State, program: Program, known: dict[str, dict[str, float]] | None = None
) -> dict[str, float]:
    """Per hardware family, the best reliability among the program's participants.

    `known` holds `system_reliabilities` already worked out, by agency, and is filled in
    with those this needs, for a caller that asks about many programs.
    """
    if known is None:
        known = {}
    participants = program.participants
    for a in participants:
        if a not in known:
            known[a] = system_reliabilities(state, a)
    theirs = [known[a] for a in participants]
    out: dict[str, float] = {}
    mtype = state.content.missions[program.mission_type]
    joint = joint_partners(state, program)
    bonus = constant(state, "diplomacy", "joint_reliability") if joint else 0.0
    ceiling = constant(state, "reliability", "ceiling")
    for step in mtype.steps:
        if step.system in out:
            continue
        best = max(r.get(step.system, 0.0) for r in theirs)
        out[step.system] = min(ceiling, best + bonus) if best > 0 else best
    return out


def missing_systems(state: State, program: Program) -> list[str]:
    """Hardware families no participant has (the launch may be bought instead)."""
    mtype = state.content.missions[program.mission_type]
    theirs = [known_systems(state, a) for a in program.participants]
    missing = []
    for n, step in enumerate(mtype.steps):
        if program.commercial and n < commercial_steps(mtype):
            continue
        if step.system not in missing and not any(step.system in s for s in theirs):
            missing.append(step.system)
    return missing


# --- standing and objectives ------------------------------------------------------------------


def final_scores(state: State) -> dict[str, dict[str, int]]:
    """Every agency's score as it would end now: its prestige by category, the reliability
    bonus, and the total."""
    bonus = state.content.rule("prestige").reliability_bonus
    scores = {}
    for a in state.agencies:
        ag = state.agency[a]
        card = dict(ag.prestige)
        if ag.flights:
            card["reliability"] += round(ag.successes * (ag.successes / ag.flights) * bonus)
        card["total"] = sum(card.values())
        scores[a] = card
    return scores


def means(content: Content, agency: str) -> float:
    """What an agency has to work with: its base budget over its mission-cost trait (what
    the money buys), to the power `budget_power`."""
    d = content.agencies[agency]
    return float((d.budget / d.trait("cost")) ** content.rule("standing").budget_power)


def standings_of(content: Content, totals: Mapping[str, int]) -> dict[str, int]:
    """Each agency's standing in thousandths: its share of the prestige the field has earned
    over its share of the field's means. 1000 = what its means' share would earn."""
    means_of = {a: means(content, a) for a in totals}
    earned = sum(max(0, v) for v in totals.values())
    if earned <= 0:
        return {a: 1000 for a in totals}
    field = sum(means_of.values())
    return {a: round(1000 * totals[a] * field / (earned * means_of[a])) for a in totals}


def standings(state: State) -> dict[str, int]:
    """Every agency's standing now, from the scores it would end with now."""
    return standings_of(state.content, {a: c["total"] for a, c in final_scores(state).items()})


def objective_deadline(state: State, objective: Objective) -> int:
    """The last turn in which an objective can be met (the second half of its year)."""
    return state.content.turn_of(objective.by, 2)


def objective_status(state: State, objective: Objective) -> str:
    """ "met", "missed" (its year is over) or "open"."""
    if objective.id in state.objectives:
        return "met"
    return "missed" if state.turn > objective_deadline(state, objective) else "open"


def objective_met_now(state: State, objective: Objective) -> bool:
    """Whether the state, at the end of this turn's resolution, meets an objective."""
    a = objective.agency
    if objective.kind == "flight":
        for f in reversed(state.flights):
            if f["turn"] != state.turn:
                break
            if (
                f["result"] == "success"
                and f["mission_type"] in objective.missions
                and (f["agency"] == a or a in f.get("partners", ()))
                and objective.at(state.content.sites.get(f["site"]))
            ):
                return True
        return False
    if objective.kind == "milestone":
        return any(
            r[0] == a and (r[2] == 1 or not objective.first)
            for r in state.milestones.get(objective.milestone, ())
        )
    if objective.kind == "technology":
        return objective.tech in state.agency[a].known
    for station in state.stations.values():
        if not objective.at(state.content.sites.get(station.site)):
            continue
        if objective.kind == "crew" and any(c[0] == a for c in station.crew):
            return True
        owner = not objective.anyone or station.contributions.get(a, 0) > 0
        if (
            objective.kind == "module"
            and owner
            and any(
                (m[0] == objective.module or not objective.module)
                and (m[2] == a or objective.anyone)
                for m in station.modules
            )
        ):
            return True
    return False
