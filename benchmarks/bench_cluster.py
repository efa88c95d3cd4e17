"""Tournament games a second on the local backend and on a Ray instance on this machine,
both with two CPUs, for the same plan (the Ray instance's start-up is timed apart)."""

from __future__ import annotations

import statistics
import tempfile
import time
from concurrent.futures import Executor
from pathlib import Path

from benchmarks.harness import Result

GAMES = 8
CPUS = 2


def games_per_second(executor: Executor | None) -> float:
    from game.runner.tournament import TournamentPlan, run_tournament

    plan = TournamentPlan(bots=("greedy", "random"), games=GAMES, seed=11, turns=20)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        run_tournament(plan, Path(tmp) / "bench.sqlite", workers=CPUS, executor=executor)
        return GAMES / (time.perf_counter() - started)


def run(runs: int) -> list[Result]:
    from game.runner.cluster import RayExecutor

    repeats = max(1, runs // 3)
    local = statistics.median(games_per_second(None) for _ in range(repeats))
    started = time.perf_counter()
    ray = RayExecutor(num_cpus=CPUS)
    startup = time.perf_counter() - started
    try:
        on_ray = statistics.median(games_per_second(ray) for _ in range(repeats))
    finally:
        ray.shutdown()
    note = f"{GAMES} games of 20 turns, greedy and random, {CPUS} CPUs"
    return [
        Result("tournament, local processes", local, "games/s", note=note),
        Result("tournament, Ray on this machine", on_ray, "games/s", note=note),
        Result("Ray start-up", startup, "s", note="ray.init of a local instance"),
    ]
