"""Building match situations for the rules tests: programs, stations, and chosen dice.

Tests start from the 2021 opening and edit a copy of the state where playing up to a
situation would take too long (a station with a crew aboard, a program ready on the pad).
Where the dice matter, `resolve_until` tries fixed generator states in order until the
turn turns out the way the test needs, so every test is still repeatable.
"""

from __future__ import annotations

from collections.abc import Callable

from game.rules import Command, Event, State, new_match, resolve_turn
from game.rules import queries as q
from game.rules.rng import seed_state
from game.rules.state import Program, Station


def opening(seed: int = 1, **kwargs: object) -> State:
    """The 2021 scenario's first turn."""
    return new_match(seed=seed, **kwargs)  # type: ignore[arg-type]


def leo_open() -> State:
    """The opening position moved to 2029, the ISS retired and commercial LEO access on sale."""
    state = opening()
    state.turn = state.content.turn_of(2029)
    state.agreements.pop("iss")
    state.services.append("leo_station_access")
    return state


def income_of(state: State, agency: str) -> int:
    """What a turn's income adds to an agency's treasury: half its yearly budget less dues."""
    return state.agency[agency].budget // 2 - q.dues(state, agency)


def learn(state: State, agency: str, *techs: str, refinements: int = 0) -> None:
    """Give an agency technologies, as if it had researched them."""
    for tech in techs:
        assert tech in state.content.techs, tech
        state.agency[agency].known[tech] = refinements
        state.agency[agency].research.pop(tech, None)


def add_program(
    state: State,
    agency: str,
    mission_type: str,
    site: str,
    *,
    module: str = "",
    commercial: bool = False,
    ready: bool = True,
    partners: dict[str, int] | None = None,
) -> Program:
    """Put a program straight into the state: fully paid and ready, or not yet funded.

    `partners` maps partner agencies to what they paid in (taken out of the lead's share).
    """
    mtype = state.content.missions[mission_type]
    cost = q.mission_cost(state, agency, mtype, module, commercial)
    paid = cost if ready else 0
    contributions = dict(partners or {})
    contributions[agency] = paid - sum(contributions.values())
    pid = state.new_id("m")
    program = Program(
        id=pid,
        name=f"Test {mtype.name} {pid}",
        agency=agency,
        mission_type=mission_type,
        site=site,
        module=module,
        commercial=commercial,
        cost=cost,
        started=state.turn,
        paid=paid,
        contributions=dict(sorted(contributions.items())),
        partners=list(partners or {}),
        phase="ready" if ready else "building",
    )
    state.programs[pid] = program
    return program


def add_station(
    state: State,
    site: str,
    modules: list[str],
    owners: dict[str, int],
    *,
    crew: list[tuple[str, int]] = (),  # type: ignore[assignment]
    supplies: int = 0,
    access: str = "partners",
    crewed_turns: int = 0,
) -> Station:
    """Put a built station into the state; crews stay three turns from now."""
    sid = state.new_id("s")
    lead = max(sorted(owners), key=lambda a: owners[a])
    station = Station(
        id=sid,
        name=f"Test station {sid}",
        site=site,
        founded=state.turn,
        modules=[[m, state.turn, lead] for m in modules],
        contributions=dict(sorted(owners.items())),
        crew=[[a, n, state.turn + 3] for a, n in crew],
        supplies=supplies,
        access=access,
        crewed_turns=crewed_turns,
    )
    state.stations[sid] = station
    return station


def resolve(
    state: State, orders: dict[str, list[Command]] | None = None
) -> tuple[State, list[Event]]:
    """Resolve a turn; agencies not named order nothing."""
    full = {a: list((orders or {}).get(a, [])) for a in state.agencies}
    return resolve_turn(state, full)


def resolve_until(
    state: State,
    orders: dict[str, list[Command]] | None,
    wanted: Callable[[State, list[Event]], bool],
    *,
    tries: int = 400,
) -> tuple[State, list[Event]]:
    """Resolve the turn with the first of a fixed series of dice that gives `wanted`."""
    for k in range(tries):
        trial = state.clone()
        trial.rng = seed_state(1000 + k)
        after, events = resolve(trial, orders)
        if wanted(after, events):
            return after, events
    raise AssertionError(f"none of {tries} fixed dice gave the wanted turn")


def no_random_event(_: State, events: list[Event]) -> bool:
    return not any(e.kind == "random_event" for e in events)


def resolve_quiet(
    state: State, orders: dict[str, list[Command]] | None = None
) -> tuple[State, list[Event]]:
    """Resolve a turn in which no random event happens, so the numbers are the rules' alone."""
    return resolve_until(state, orders, no_random_event)


def of_kind(events: list[Event], kind: str) -> list[Event]:
    return [e for e in events if e.kind == kind]


def flight(events: list[Event], program: str) -> Event:
    """The `mission_flown` event of a program."""
    found = [e for e in events if e.kind == "mission_flown" and e.data["program"] == program]
    assert len(found) == 1, [e.to_wire() for e in events]
    return found[0]


def succeeded(program: str) -> Callable[[State, list[Event]], bool]:
    def check(_: State, events: list[Event]) -> bool:
        return any(
            e.kind == "mission_flown"
            and e.data["program"] == program
            and e.data["result"] == "success"
            for e in events
        ) and not any(e.kind == "random_event" for e in events)

    return check
