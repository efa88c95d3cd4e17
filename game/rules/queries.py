"""Questions about a state that the legality checks, the resolution and the views all ask.

Costs, reliabilities, who is partnered with whom, who may dock where: each answered in one
place so that what the rules allow and what they then do can never disagree.
"""

from __future__ import annotations

from math import ceil

from game.rules.content import ORBIT, MissionType, Site
from game.rules.state import Program, State, Station


def trait(state: State, agency: str, name: str) -> float:
    return state.content.agencies[agency].trait(name)


def tech_effect(state: State, agency: str, key: str) -> float:
    """The sum of a numeric effect over the techs the agency knows."""
    techs = state.content.techs
    total = 0.0
    for tid in state.agency[agency].known:
        value = techs[tid].effects.get(key)
        if isinstance(value, int | float):
            total += value
    return total


def unlocked_modules(state: State, agency: str) -> set[str]:
    techs = state.content.techs
    return {
        str(techs[t].effects["unlock_module"])
        for t in state.agency[agency].known
        if "unlock_module" in techs[t].effects
    }


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
    base = state.content.techs[tech].cost * trait(state, agency, "research")
    for partner in partners_with(state, agency, "tech_sharing"):
        if tech in state.agency[partner].known:
            base *= 0.6
            break
    return max(1, ceil(base))


def refine_cost(state: State, agency: str, tech: str) -> int:
    share = state.content.rule("reliability").refine_share
    return max(1, ceil(state.content.techs[tech].cost * share * trait(state, agency, "research")))


def tech_reliability(state: State, agency: str, tech: str) -> float:
    t = state.content.techs[tech]
    refinements = state.agency[agency].known.get(tech, 0)
    step = state.content.rule("reliability").refine_step
    return min(t.cap, t.reliability + refinements * step)


def can_refine(state: State, agency: str, tech: str) -> bool:
    t = state.content.techs[tech]
    return bool(t.system) and tech_reliability(state, agency, tech) < t.cap - 1e-9


def research_target(state: State, agency: str, tech: str) -> int:
    """$M needed to finish learning the tech, or its next refinement if it is known."""
    if tech in state.agency[agency].known:
        return refine_cost(state, agency, tech)
    return research_cost(state, agency, tech)


def research_limit(state: State, agency: str, tech: str) -> int:
    """The most the agency may put into this tech this turn."""
    ag = state.agency[agency]
    remaining = research_target(state, agency, tech) - ag.research.get(tech, 0)
    if tech in ag.known:
        return max(0, remaining)
    per_turn = ceil(research_cost(state, agency, tech) / state.content.techs[tech].min_turns)
    return max(0, min(per_turn, remaining))


def prerequisites_met(state: State, agency: str, tech: str) -> bool:
    known = state.agency[agency].known
    return all(r in known for r in state.content.techs[tech].requires)


def system_reliability(state: State, agency: str, system: str) -> float:
    """The agency's reliability for a hardware family: best known tech plus flight experience.

    Zero when the agency knows no tech of that family.
    """
    best = 0.0
    ag = state.agency[agency]
    techs = state.content.techs
    for tid in ag.known:
        if techs[tid].system == system:
            best = max(best, tech_reliability(state, agency, tid))
    if best == 0.0:
        return 0.0
    ceiling = state.content.rule("reliability").ceiling
    return min(ceiling, best + ag.experience.get(system, 0.0))


def has_system(state: State, agency: str, system: str) -> bool:
    techs = state.content.techs
    return any(techs[t].system == system for t in state.agency[agency].known)


# --- missions ---------------------------------------------------------------------------------


def mission_cost(
    state: State, agency: str, mtype: MissionType, module: str, commercial: bool
) -> int:
    """The full price of a program for its lead, fees included."""
    content = state.content
    cost = float(mtype.cost)
    if module:
        cost += content.modules[module].cost * (1 + tech_effect(state, agency, "module_cost"))
    factor = 1 + tech_effect(state, agency, "mission_cost")
    if mtype.crewed:
        factor += tech_effect(state, agency, "crewed_cost")
    cost *= max(0.4, factor) * trait(state, agency, "cost")
    if commercial:
        com = content.rule("commercial")
        heavy = mtype.steps[0].system == "heavy_launcher"
        cost *= 1 + (com.heavy_fee if heavy else com.launch_fee)
    return max(1, ceil(cost))


def schedule(state: State, program: Program) -> int:
    """The money a program takes per turn to stay on schedule."""
    build = state.content.missions[program.mission_type].build_turns
    return max(1, ceil(program.cost / build))


def fund_limit(state: State, program: Program, rushed: bool) -> int:
    """The most a program can take this turn (all contributors together)."""
    per_turn = schedule(state, program) * (2 if rushed else 1)
    return max(0, min(per_turn, program.cost - program.paid))


def rush_fee(state: State, program: Program) -> int:
    return max(1, ceil(schedule(state, program) * state.content.rule("economy").rush_fee))


def test_fee(state: State, program: Program) -> int:
    return max(1, ceil(program.cost * state.content.rule("economy").test_fee))


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


def program_reliability_systems(state: State, program: Program) -> dict[str, float]:
    """Per hardware family, the best reliability among the program's participants."""
    out: dict[str, float] = {}
    mtype = state.content.missions[program.mission_type]
    for step in mtype.steps:
        if step.system in out:
            continue
        out[step.system] = max(
            system_reliability(state, a, step.system) for a in program.participants
        )
    return out


def missing_systems(state: State, program: Program) -> list[str]:
    """Hardware families no participant has (the launch may be bought instead)."""
    mtype = state.content.missions[program.mission_type]
    missing = []
    for n, step in enumerate(mtype.steps):
        if program.commercial and n < commercial_steps(mtype):
            continue
        if step.system not in missing and not any(
            has_system(state, a, step.system) for a in program.participants
        ):
            missing.append(step.system)
    return missing
