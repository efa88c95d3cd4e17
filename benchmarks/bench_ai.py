"""Headless play: a full greedy match, the planner's thinking time, tournament throughput."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.harness import Result, median_time

MATCH_GOAL = 0.5  # seconds for a full default-length six-agency greedy match
SCALING_GOAL = 1.7  # two workers against one
TOURNAMENT_GAMES = 8


def _greedy_match(seed: int) -> None:
    from game.runner.match import run_match

    run_match(bot="greedy", seed=seed)


def _planner_think(runs: int) -> tuple[float, int]:
    """Median seconds per planner decision over a match, and the number of decisions."""
    from game.runner.match import run_match

    times: list[float] = []
    for seed in range(max(1, runs // 3)):
        result = run_match({"nasa": "planner", "cnsa": "planner"}, bot="greedy", seed=seed)
        times += result.seats["nasa"].think + result.seats["cnsa"].think
    return statistics.median(times), len(times)


def _throughput(workers: int) -> float:
    """Games per second of a small greedy tournament with this many worker processes."""
    from game.runner.tournament import TournamentPlan, run_tournament

    plan = TournamentPlan(bots=("greedy", "random"), games=TOURNAMENT_GAMES, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        run_tournament(plan, Path(tmp) / "bench.sqlite", workers=workers)
        return TOURNAMENT_GAMES / (time.perf_counter() - started)


def run(runs: int) -> list[Result]:
    seeds = iter(range(10_000))
    match = median_time(lambda: _greedy_match(next(seeds)), runs)
    think, decisions = _planner_think(runs)
    one = statistics.median(_throughput(1) for _ in range(max(1, runs // 3)))
    two = statistics.median(_throughput(2) for _ in range(max(1, runs // 3)))
    return [
        Result(
            "greedy match, 6 agencies, full length",
            match,
            "s",
            goal=f"<= {MATCH_GOAL}",
            met=match <= MATCH_GOAL,
            note="run_match with replay recording",
        ),
        Result(
            "planner think per decision, default budget",
            think * 1000,
            "ms",
            note=f"median of {decisions} decisions",
        ),
        Result("tournament, 1 worker", one, "games/s", note=f"{TOURNAMENT_GAMES} games"),
        Result(
            "tournament, 2 workers",
            two,
            "games/s",
            goal=f">= {SCALING_GOAL}x 1 worker",
            met=two >= SCALING_GOAL * one,
            note=f"{two / one:.2f}x 1 worker",
        ),
    ]
