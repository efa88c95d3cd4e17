"""Questions about a state that the legality checks, the resolution and the views all ask.

Costs, reliabilities, who is partnered with whom, who may dock where: each answered in one
place so that what the rules allow and what they then do can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from game.rules.content import ORBIT, MissionType, Site, Tech
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


def terms_between(state: State, a: str, b: str) -> set[str]:
    """Every term of every agreement that both agencies are members of."""
    terms: set[str] = set()
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
    return [a for a in state.agencies if a in found]


def allied(state: State, a: str, b: str) -> bool:
    return a == b or "alliance" in terms_between(state, a, b)


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
    """The seated agencies that share technology with this one."""
    out: list[Agency] = []
    for g in state.agreements.values():
        if "tech_sharing" in g.terms and agency in g.members:
            out.extend(state.agency[m] for m in g.members if m != agency and m in state.agency)
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


def research_table(state: State, agency: str) -> dict[str, tuple[int, int]]:
    """`research_terms` of every tech, with the agency's traits and partners looked up once."""
    ag = state.agency[agency]
    partners = _sharing_partners(state, agency)
    shared = frozenset().union(*(p.known for p in partners)) if partners else frozenset()
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
    table: dict[str, tuple[int, int]] = {}
    for tid, t in state.content.techs.items():
        if tid in ag.known:
            target = _refining_price(t, share, factor)
        else:
            target = _learning_price(t, factor, tid in shared)
        table[tid] = _terms(t, ag, target)
    return table


def prerequisites_met(state: State, agency: str, tech: str) -> bool:
    known = state.agency[agency].known
    return all(r in known for r in state.content.techs[tech].requires)


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
    techs = state.content.techs
    return any(techs[t].system == system for t in state.agency[agency].known)


def known_systems(state: State, agency: str) -> set[str]:
    """The hardware families the agency knows a tech of: `has_system` for all of them."""
    techs = state.content.techs
    return {techs[t].system for t in state.agency[agency].known}


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
    if station.contributions.get(agency, 0) > 0 or station.access == "open":
        return True
    if station.access == "partners":
        owner = station.majority_owner()
        return "docking" in terms_between(state, agency, owner)
    return False


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
    """Supplies the station's ISRU plants make in a turn (only at an ice site)."""
    site = state.content.sites.get(station.site)
    if site is None or site.ice < 2:
        return 0.0
    return float(sum(state.content.modules[m[0]].production for m in station.modules))


@dataclass(frozen=True, slots=True)
class PresenceClaim:
    """How a station stands toward the sustained-presence victory.

    `counts`: at a south-pole site with enough ice to live off. `coalition`: the owners who
    would win with it (the largest owner and the owners allied with it, each holding at
    least the coalition share), and `held` when there are enough of them. `rivals`: crewed
    stations at the south pole whose largest owner is not allied with this one's; while
    there is one, the claim cannot complete. `wins`: the station wins this turn.
    """

    counts: bool
    coalition: tuple[str, ...]
    held: bool
    rivals: tuple[str, ...]
    turns_left: int
    last_call: bool
    wins: bool


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
    return PresenceClaim(
        counts=counts,
        coalition=coalition,
        held=held,
        rivals=rivals,
        turns_left=turns_left,
        last_call=held and station.crewed_turns >= rules.last_call,
        wins=held and turns_left == 0 and not rivals,
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
    for step in mtype.steps:
        if step.system in out:
            continue
        out[step.system] = max(r.get(step.system, 0.0) for r in theirs)
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
