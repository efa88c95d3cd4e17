"""Tournaments across machines: any executor, a Ray cluster, and shards merged afterwards
all give the games and results of the same plan played locally."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from game.cli import main
from game.runner.results import ResultsMismatch, ResultsStore
from game.runner.tournament import TournamentPlan, run_tournament

PLAN = TournamentPlan(bots=("greedy", "random"), games=4, seed=5, turns=3)


def results(records):
    """What a game's result is, leaving out how long it took."""
    return [
        (
            r.game,
            r.seed,
            r.termination,
            r.turns,
            r.winners,
            [(s.agency, s.bot, s.score, s.won, s.faults, s.breakdown) for s in r.seats],
        )
        for r in records
    ]


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> list:
    out = tmp_path_factory.mktemp("local") / "t.sqlite"
    return results(run_tournament(PLAN, out, workers=1).records)


def test_any_executor_plays_the_same_games_with_the_same_results(tmp_path: Path, local):
    with ThreadPoolExecutor(2) as pool:
        run = run_tournament(PLAN, tmp_path / "t.sqlite", executor=pool)
    assert results(run.records) == local


def test_shards_play_disjoint_games_and_merged_equal_the_whole(tmp_path: Path, local):
    shards = []
    for k in (1, 2, 3):
        path = tmp_path / f"shard{k}.sqlite"
        plan = TournamentPlan(**{**PLAN.__dict__, "shard": (k, 3)})
        played = run_tournament(plan, path, workers=1).records
        assert [r.game for r in played] == [g for g in range(PLAN.games) if g % 3 == k - 1]
        shards.append(str(path))
    merged = tmp_path / "all.sqlite"
    assert main(["tournament", "--out", str(merged), "--merge", *shards, "--quiet"]) == 0
    with ResultsStore(merged) as store:
        assert results(store.records()) == local
        assert "shard" not in store.plan()


def test_a_shard_of_another_tournament_is_not_merged(tmp_path: Path):
    ours, theirs = tmp_path / "ours.sqlite", tmp_path / "theirs.sqlite"
    run_tournament(TournamentPlan(**{**PLAN.__dict__, "games": 1}), ours, workers=1)
    other = TournamentPlan(**{**PLAN.__dict__, "games": 1, "seed": 6})
    run_tournament(other, theirs, workers=1)
    with ResultsStore(ours) as store, ResultsStore(theirs) as shard, pytest.raises(ResultsMismatch):
        store.merge(shard)


@pytest.mark.timeout(300)
def test_a_tournament_on_a_local_ray_instance_equals_the_local_run(tmp_path: Path, local):
    pytest.importorskip("ray", reason="the cluster extra is not installed")
    out = tmp_path / "t.sqlite"
    # --workers sets the CPUs of the Ray instance started on this machine.
    command = ["tournament", *PLAN.bots, "--games", str(PLAN.games), "--seed", str(PLAN.seed)]
    command += ["--turns", str(PLAN.turns), "--backend", "ray", "--workers", "2"]
    assert main([*command, "--out", str(out), "--quiet"]) == 0
    with ResultsStore(out) as store:
        assert results(store.records()) == local
