"""A match runs from the scenario's opening to its outcome, the same way every time."""

from __future__ import annotations

import os
import subprocess
import sys

from game.rules import Termination, new_match, resolve_turn, state_hash, validate
from game.rules.legal import random_orders
from game.rules.rng import Rng


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


def test_same_seed_same_hash_in_another_process_with_another_hash_seed():
    here, _ = play(3, turns=12)
    code = "from tests.rules.test_match_flow import play; print(play(3, turns=12)[0])"
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    )
    assert out.stdout.strip() == here


def test_resolve_turn_does_not_change_its_input():
    state = new_match(seed=9)
    before = state_hash(state)
    rng = Rng(9)
    orders = {a: random_orders(state, a, rng) for a in state.agencies}
    resolve_turn(state, orders)
    assert state_hash(state) == before
