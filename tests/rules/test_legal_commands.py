"""`legal_commands` gives exactly `check`'s answers, however it gets them.

`legal_commands` checks new programs a mission type, a module and a target at a time rather
than command by command. On many states from random matches, and on states edited to reach
the rarer refusals, these tests hold it to the plain definition: the candidates that `check`
accepts, in candidate order; and, for program starts, every start that `check` accepts for
any mission type, target, module and launch is offered, and no other.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from game.rules import (
    ORBIT,
    Command,
    Fund,
    Rng,
    Rush,
    StartMission,
    State,
    check,
    legal_commands,
    new_match,
    random_orders,
    resolve_turn,
    validate,
)
from game.rules.legal import candidates
from tests.rules.builders import add_program, add_station, learn

SEEDS = (26, 49, 95)  # random matches in which stations get built
EVERY = 4  # turns between sampled states


def checked_one_by_one(state: State, agency: str) -> list[Command]:
    """The definition: every candidate, kept when `check` allows it."""
    if state.outcome is not None or agency not in state.agency:
        return []
    return [c for c in candidates(state, agency) if check(state, agency, c) is None]


def every_start(state: State) -> Iterator[StartMission]:
    """Every start command naming a real mission type, target and module, both launches.

    Missions to a station name it by its id: `check` also takes the site of a surface
    station for it, but only the id is offered.
    """
    content = state.content
    places = [ORBIT, *content.sites, *state.stations]
    for mtype in content.missions.values():
        modules = [m.id for m in content.modules.values()] if mtype.builds_module else [""]
        targets = list(state.stations) if mtype.target == "station" else places
        for site in targets:
            for module in modules:
                for commercial in (False, True):
                    yield StartMission(mtype.id, site, module, commercial)


def sampled_states() -> Iterator[State]:
    """States every few turns of matches of random legal orders."""
    for seed in SEEDS:
        state = new_match(seed=seed)
        rng = Rng(seed)
        while state.outcome is None:
            if state.turn % EVERY == seed % EVERY:
                yield state
            orders = {a: random_orders(state, a, rng) for a in state.agencies}
            state, _ = resolve_turn(state, orders)
        yield state  # the match is over: nothing is legal


def assert_agrees(state: State, agency: str) -> None:
    listed = legal_commands(state, agency)
    assert listed == checked_one_by_one(state, agency), (state.turn, agency)
    starts = [c for c in listed if isinstance(c, StartMission)]
    allowed = [c for c in every_start(state) if check(state, agency, c) is None]
    assert sorted(starts, key=repr) == sorted(allowed, key=repr), (state.turn, agency)


STATES = list(sampled_states())


@pytest.mark.parametrize("index", range(0, len(STATES), 3))
def test_legal_commands_are_the_candidates_check_allows(index: int):
    for state in STATES[index : index + 3]:
        for agency in state.agencies:
            assert_agrees(state, agency)


def test_a_state_from_every_part_of_the_match_is_sampled():
    turns = {s.turn for s in STATES}
    assert min(turns) <= EVERY and max(turns) >= STATES[-1].last_turn
    assert any(s.stations for s in STATES) and any(s.programs for s in STATES)
    assert any(
        isinstance(c, StartMission) and c.commercial
        for s in STATES[:20]
        for c in legal_commands(s, s.agencies[0])
    )


def late_state() -> State:
    """A state halfway through a random match, to edit."""
    state = new_match(seed=5)
    rng = Rng(5)
    while state.turn < state.last_turn // 2:
        state, _ = resolve_turn(state, {a: random_orders(state, a, rng) for a in state.agencies})
    return state


def test_no_program_may_start_with_every_slot_taken():
    state = late_state()
    agency = state.agencies[0]
    limit = state.content.rule("economy").max_programs
    while sum(1 for p in state.programs.values() if p.agency == agency) < limit:
        add_program(state, agency, "relay", ORBIT, ready=False)
    assert not any(isinstance(c, StartMission) for c in legal_commands(state, agency))
    assert_agrees(state, agency)


def test_an_agency_in_debt_may_order_nothing_that_costs_or_starts():
    state = late_state()
    agency = state.agencies[1]
    state.agency[agency].treasury = -1
    assert_agrees(state, agency)
    assert all(check(state, agency, c) is None for c in legal_commands(state, agency))


def test_stations_closed_open_and_shared_are_told_apart():
    state = late_state()
    owner, guest = state.agencies[2], state.agencies[3]
    learn(state, guest, *state.content.techs)
    sites = list(state.content.sites)
    add_station(state, ORBIT, ["power_propulsion"], {owner: 100}, access="owners")
    add_station(state, sites[0], ["surface_power"], {owner: 100}, access="open")
    add_station(state, sites[1], ["surface_power"], {owner: 60, guest: 40}, access="owners")
    add_station(state, sites[2], ["surface_power"], {owner: 100}, access="partners")
    for agency in (owner, guest):
        assert_agrees(state, agency)
        for cmd in legal_commands(state, agency):
            assert validate(state, agency, [cmd]) == [], cmd


def test_a_finished_match_and_an_unseated_agency_get_nothing():
    state = STATES[-1]
    assert state.outcome is not None
    assert legal_commands(state, state.agencies[0]) == []
    assert legal_commands(STATES[0], "nobody") == []


def test_validate_remembering_single_checks_gives_the_same_answers():
    """A server keeps `validate`'s single-command answers for a turn; many order sets drawn
    from every candidate, legal or not, repeated and rushed, get the same answers with that
    memory as without it."""
    rng = Rng(17)
    refused = 0
    for state in STATES[::2]:
        remembered: dict = {}
        for agency in state.agencies:
            pool = list(candidates(state, agency))
            if not pool:
                continue
            # Funding beyond a turn's schedule is allowed only alongside a rush of the
            # program: the same Fund must be answered both ways.
            for cmd in list(pool):
                if isinstance(cmd, Fund):
                    pool += [Fund(cmd.program, cmd.amount * 2), Rush(cmd.program)] * 3
            for _ in range(12):
                orders = [pool[rng.below(len(pool))] for _ in range(1 + rng.below(10))]
                fresh = validate(state, agency, orders)
                assert validate(state, agency, orders, remembered=remembered) == fresh
                refused += bool(fresh)
        assert remembered or state.outcome is not None
    assert refused > 50  # the draws reach refusals, not only accepted sets
