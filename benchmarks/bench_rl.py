"""The PettingZoo environment's throughput: agent decisions a second with random masked
actions, every seat a learner, on one core."""

from __future__ import annotations

import statistics
import time

from benchmarks.harness import Result

GOAL = 1500  # agent decisions a second
SECONDS = 3.0  # of play per run


def decisions_per_second(seed: int) -> float:
    """Random masked actions for every agent, matches played back to back."""
    import numpy as np

    from game.rl import LunarRaceEnv

    env = LunarRaceEnv()
    rng = np.random.default_rng(seed)
    observations, _ = env.reset(seed=seed)
    decisions = 0
    started = time.perf_counter()
    while time.perf_counter() - started < SECONDS:
        if not env.agents:
            observations, _ = env.reset(seed=int(rng.integers(2**31)))
        actions = {
            a: int(rng.choice(np.flatnonzero(observations[a]["action_mask"]))) for a in env.agents
        }
        decisions += len(actions)
        observations, *_ = env.step(actions)
    return decisions / (time.perf_counter() - started)


def run(runs: int) -> list[Result]:
    rate = statistics.median(decisions_per_second(seed) for seed in range(max(1, runs // 2)))
    return [
        Result(
            "env decisions (random masked, 6 agents)",
            rate,
            "1/s",
            f">= {GOAL}",
            rate >= GOAL,
            f"{SECONDS:g} s a run, one process",
        )
    ]
