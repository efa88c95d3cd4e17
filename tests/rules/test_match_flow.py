"""A match runs from the scenario's opening to its outcome, the same way every time."""

from __future__ import annotations

import os
import subprocess
import sys

from game.rules import (
    Outcome,
    Rng,
    Termination,
    new_match,
    random_orders,
    resolve_turn,
    standing,
    state_hash,
    validate,
)


def play(seed: int, turns: int | None = None) -> tuple[str, object]:
    state = new_match(seed=seed, turns=turns)
    rng = Rng(seed)
    while state.outcome is None:
        orders = {a: random_orders(state, a, rng) for a in state.agencies}
        state, _ = resolve_turn(state, orders)
    return state_hash(state), state


def test_random_orders_are_always_valid():
    state = new_match(seed=11)
    rng = Rng(11)
    for _ in range(10):
        orders = {a: random_orders(state, a, rng) for a in state.agencies}
        for agency, own in orders.items():
            assert validate(state, agency, own) == []
        state, _ = resolve_turn(state, orders)


def test_full_match_ends_at_the_scenario_end_with_scores():
    _, state = play(5)
    assert state.outcome is not None
    assert state.outcome.termination in (Termination.SCENARIO_END, Termination.SUSTAINED_PRESENCE)
    assert set(state.outcome.scores) == set(state.agencies)
    for card in state.outcome.scores.values():
        assert card["total"] == sum(v for k, v in card.items() if k != "total")


def test_turn_limit_stops_early():
    _, state = play(2, turns=4)
    assert state.outcome.termination == Termination.TURN_LIMIT
    assert state.outcome.turn == 3


def hash_in_new_process(seed: int, turns: int, hash_seed: str) -> str:
    """The final hash of `play(seed, turns)` computed by a fresh Python process."""
    code = f"from tests.rules.test_match_flow import play; print(play({seed}, turns={turns})[0])"
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    )
    return out.stdout.strip()


def test_same_seed_same_hash_in_another_process_with_another_hash_seed():
    here, _ = play(3, turns=12)
    assert hash_in_new_process(3, 12, "12345") == here


def test_same_seed_same_hash_in_two_processes_with_different_hash_seeds():
    first = hash_in_new_process(4, 12, "1")
    second = hash_in_new_process(4, 12, "2")
    assert first == second
    assert len(first) == 64


def test_a_different_seed_gives_a_different_hash():
    assert play(3, turns=12)[0] != play(4, turns=12)[0]
    assert state_hash(new_match(seed=3)) != state_hash(new_match(seed=4))


def test_the_same_seed_and_orders_give_the_same_hash_every_time():
    assert play(6, turns=10)[0] == play(6, turns=10)[0]


def test_resolve_turn_does_not_change_its_input():
    state = new_match(seed=9)
    before = state_hash(state)
    rng = Rng(9)
    orders = {a: random_orders(state, a, rng) for a in state.agencies}
    resolve_turn(state, orders)
    assert state_hash(state) == before


def test_neighbouring_seeds_draw_unrelated_dice():
    from game.rules.rng import seed_state

    first = Rng(seed_state(1))
    second = Rng(seed_state(2))
    draws_1 = [first.next_u64() for _ in range(8)]
    draws_2 = [second.next_u64() for _ in range(8)]
    assert not set(draws_1) & set(draws_2)


def test_the_race_is_judged_against_each_agencys_expectations():
    state = new_match(seed=5, turns=1)
    for ag in state.agency.values():
        ag.prestige = dict.fromkeys(ag.prestige, 0)
    state.agency["nasa"].prestige["science"] = 1980  # 1,980 of 1,800 expected: 110%
    state.agency["esa"].prestige["science"] = 655  # 655 of 560 expected: 117%
    state, events = resolve_turn(state, {a: [] for a in state.agencies})
    outcome = state.outcome
    assert outcome.termination == Termination.TURN_LIMIT
    assert outcome.scores["nasa"]["total"] > outcome.scores["esa"]["total"]
    assert outcome.winners == ("esa",)
    assert 1100 <= outcome.standings["nasa"] < 1110
    assert 1165 <= outcome.standings["esa"] < 1175
    assert outcome.standings == {
        a: standing(outcome.scores[a]["total"], state.content.agencies[a].expectation)
        for a in state.agencies
    }
    (over,) = [e for e in events if e.kind == "match_over"]
    assert over.text.startswith("ESA wins by the best showing against expectations")
    assert Outcome.from_wire(outcome.to_wire()) == outcome
