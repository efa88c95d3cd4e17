"""Starting a match: the scenario's opening position for the seated agencies."""

from __future__ import annotations

import hashlib

from game.rules import queries as q
from game.rules.content import load_content
from game.rules.rng import seed_state
from game.rules.state import PRESTIGE_CATEGORIES, Agency, Agreement, Program, State


def yearly_budget(base: int, support: int, economy: object, appropriation: float = 0.0) -> int:
    """The yearly budget at a level of political support, moved by the year's appropriation
    (a share above or below what support alone would give)."""
    floor = economy.budget_floor  # type: ignore[attr-defined]
    span = economy.budget_span  # type: ignore[attr-defined]
    return max(1, round(base * (floor + span * support / 100) * (1 + appropriation)))


def appropriation(state: State, agency: str, year: int) -> float:
    """How far the year's appropriation strays from what support alone would give: private
    to the agency, and keyed by the match's secret, so a rival cannot work its budget out
    from its public support (nor from the seed)."""
    spread = float(state.content.rule("economy").appropriation_spread)
    return spread * state.secret_draw(f"appropriation:{year}:{agency}")


INTEL_SECRET_BITS = 128


def seed_intel_secret(seed: int) -> int:
    """The intel secret of a match created without one: anyone with the seed can work it out,
    so it hides nothing from a player who knows the seed."""
    digest = hashlib.blake2b(f"intel:{seed}".encode(), digest_size=INTEL_SECRET_BITS // 8)
    return int.from_bytes(digest.digest(), "big")


def new_match(
    scenario: str = "2021",
    *,
    seed: int,
    agencies: list[str] | None = None,
    turns: int | None = None,
    intel_secret: int | None = None,
) -> State:
    """A new match of a scenario. `agencies` picks and orders the seats (default: all);
    `turns` stops the match early. Raises ValueError for unknown or repeated agencies.

    `intel_secret` (128 bits) keys the noise on rivals' private numbers. A host whose
    players may know the seed draws it from `secrets` and records it with the match; without
    one it follows from the seed, and so does every estimate a view shows.
    """
    content = load_content(scenario)
    seats = list(agencies) if agencies is not None else list(content.agencies)
    unknown = [a for a in seats if a not in content.agencies]
    if unknown:
        raise ValueError(
            f"unknown agencies {unknown}; this scenario has {', '.join(content.agencies)}"
        )
    if len(set(seats)) != len(seats) or len(seats) < 2:
        raise ValueError("a match needs at least two different agencies")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError("the seed must be an integer")
    if intel_secret is None:
        intel_secret = seed_intel_secret(seed)
    if isinstance(intel_secret, bool) or not isinstance(intel_secret, int):
        raise ValueError("the intel secret must be an integer")
    if not 0 <= intel_secret < 2**INTEL_SECRET_BITS:
        raise ValueError(f"the intel secret must fit in {INTEL_SECRET_BITS} bits")
    total = int(content.rule("time").turns)
    if turns is not None and not 1 <= turns <= total:
        raise ValueError(f"turns must be between 1 and {total}")
    economy = content.rule("economy")
    state = State(
        content=content,
        seed=seed,
        rng=seed_state(seed),
        turn=0,
        last_turn=(turns or total) - 1,
        agencies=seats,
        agency={},
        relations={a: {b: content.baseline(a, b) for b in seats if b != a} for a in seats},
        intel_secret=intel_secret,
    )
    for aid in seats:
        d = content.agencies[aid]
        budget = yearly_budget(d.budget, d.support, economy, appropriation(state, aid, state.year))
        state.agency[aid] = Agency(
            id=aid,
            treasury=budget // 2,
            budget=budget,
            support=d.support,
            prestige={c: 0 for c in PRESTIGE_CATEGORIES},
            known={t: 0 for t in d.known},
            research={t: int(share * content.techs[t].cost) for t, share in d.research.items()},
            experience={},
        )
    for bloc in content.blocs.values():
        members = [a for a in bloc.members if a in seats]
        if len(members) < 2:
            continue
        lead = bloc.lead if bloc.lead in members else members[0]
        state.agreements[bloc.id] = Agreement(
            bloc.id, "bloc", bloc.name, members, lead, list(bloc.terms), 0, bloc.open
        )
    for pdef in content.programs:
        if pdef.agency not in seats:
            continue
        mtype = content.missions[pdef.mission_type]
        cost = q.mission_cost(state, pdef.agency, mtype, pdef.module, pdef.commercial)
        paid = min(cost, round(cost * pdef.progress))
        partners = [a for a in pdef.partners if a in seats]
        contributions = {a: round(paid * pdef.partners[a]) for a in partners}
        contributions[pdef.agency] = paid - sum(contributions.values())
        pid = state.new_id("m")
        state.programs[pid] = Program(
            id=pid,
            name=pdef.name,
            agency=pdef.agency,
            mission_type=pdef.mission_type,
            site=pdef.site,
            module=pdef.module,
            commercial=pdef.commercial,
            cost=cost,
            started=-1,
            paid=paid,
            contributions=dict(sorted(contributions.items())),
            partners=partners,
            phase="ready" if paid >= cost else "building",
            station_name=pdef.station_name,
            build_turns=pdef.build_turns,
        )
    state.relays = {a: t for a, t in content.relays.items() if a in seats}
    for mid, milestone in content.milestones.items():
        if milestone.claimed:
            state.milestones[mid] = [[a, -1, n + 1] for n, a in enumerate(milestone.claimed)]
    state.news.append(
        {
            "turn": 0,
            "kind": "match_started",
            "text": f"{content.title}: {content.date(0)}. {len(seats)} agencies race for the Moon.",
        }
    )
    return state
