"""Tournaments: seats rotate fairly, results are stored game by game, and a stop resumes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from game.cli import main
from game.runner.results import ResultsStore
from game.runner.tournament import TournamentPlan, game_seats, game_seed, run_tournament
from tests.timing import scaled

ROOT = Path(__file__).resolve().parents[2]
AGENCIES = ["nasa", "roscosmos", "cnsa", "esa", "jaxa", "csa"]
PLAN = TournamentPlan(bots=("greedy", "random"), games=6, seed=5, turns=4)


def summary(records):
    return [
        (r.game, r.seed, r.winners, [(s.agency, s.bot, s.score) for s in r.seats]) for r in records
    ]


def test_every_bot_plays_every_agency_once_in_each_block_of_games():
    bots = ["random", "greedy", "planner"]
    for block in range(3):
        seen = Counter()
        for game in range(block * 3, block * 3 + 3):
            seats = game_seats(bots, AGENCIES, 9, game)
            assert Counter(seats.values()) == {"random": 2, "greedy": 2, "planner": 2}
            seen.update(seats.items())
        assert all(seen[(agency, bot)] == 1 for agency in AGENCIES for bot in bots)


def test_seat_orders_differ_between_blocks():
    orders = {tuple(game_seats(["a", "b"], AGENCIES, 9, g * 2).items()) for g in range(6)}
    assert len(orders) > 1


def test_block_seeds_are_distinct_and_fixed_by_the_tournament_seed():
    seeds = [game_seed(5, block) for block in range(200)]
    assert len(set(seeds)) == 200
    assert seeds == [game_seed(5, block) for block in range(200)]
    assert seeds != [game_seed(6, block) for block in range(200)]


def test_the_games_of_a_block_share_their_seed(tmp_path):
    run = run_tournament(PLAN, tmp_path / "t.sqlite", workers=1)
    seeds = [r.seed for r in run.records]
    assert seeds[0] == seeds[1] and seeds[2] == seeds[3] and seeds[0] != seeds[2]


def test_an_interrupted_two_worker_tournament_resumes_to_the_same_results(tmp_path):
    whole = run_tournament(PLAN, tmp_path / "whole.sqlite", workers=2)
    assert len(whole.records) == 6

    def stop_after_two(record, done, total):
        if done >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_tournament(PLAN, tmp_path / "split.sqlite", workers=2, on_game=stop_after_two)
    with ResultsStore(tmp_path / "split.sqlite") as store:
        kept = len(store.finished())
    assert 2 <= kept < 6
    resumed = run_tournament(PLAN, tmp_path / "split.sqlite", workers=2)
    assert resumed.played_now == 6 - kept
    assert len(resumed.records) == 6
    assert summary(resumed.records) == summary(whole.records)


def games_in(path: Path) -> int:
    try:
        with sqlite3.connect(path) as db:
            return int(db.execute("SELECT COUNT(*) FROM games").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_ctrl_c_stops_a_two_worker_tournament_and_the_same_command_finishes_it(tmp_path):
    out = tmp_path / "t.sqlite"
    args = ["tournament", "greedy", "random", "--games", "8", "--turns", "20", "--seed", "5"]
    args += ["--workers", "2", "--out", str(out), "--quiet"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "game", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + scaled(60)
        while games_in(out) < 1 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=scaled(30))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "interrupted" in err and "run the same command again" in err
    kept = games_in(out)
    assert 1 <= kept < 8
    assert main(args) == 0
    assert games_in(out) == 8


def test_the_command_resumes_a_file_and_prints_ratings_and_exports(tmp_path, capsys):
    out = tmp_path / "t.sqlite"
    run_tournament(
        TournamentPlan(bots=("greedy", "random"), games=2, seed=5, turns=4), out, workers=1
    )
    args = ["tournament", "greedy", "random", "--games", "4", "--seed", "5", "--turns", "4"]
    args += ["--workers", "1", "--out", str(out), "--quiet"]
    args += ["--export", str(tmp_path / "t.json"), "--export", str(tmp_path / "t.csv")]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "resuming" in captured.err and "2 of 4 games already played" in captured.err
    assert "4 games (2 played now" in captured.out
    assert "OpenSkill" in captured.out and "Agencies" in captured.out
    document = json.loads((tmp_path / "t.json").read_text())
    assert {b["bot"] for b in document["bots"]} == {"greedy", "random"}
    assert sum(b["seats"] for b in document["bots"]) == 4 * 6
    assert (tmp_path / "t.csv").read_text().startswith("table,bot,")


def test_the_command_refuses_to_mix_two_tournaments_in_one_file(tmp_path, capsys):
    out = tmp_path / "t.sqlite"
    run_tournament(PLAN, out, workers=1)
    args = ["tournament", "greedy", "random", "--seed", "6", "--turns", "4"]
    assert main([*args, "--out", str(out), "--quiet"]) == 2
    assert "seed: file has 5, asked for 6" in capsys.readouterr().err


def test_a_greedy_bot_outrates_the_random_bot(tmp_path):
    plan = TournamentPlan(bots=("greedy", "random"), games=4, seed=3, turns=10)
    run = run_tournament(plan, tmp_path / "t.sqlite", workers=2)
    from game.runner.ratings import standings

    table = standings(run.records, ["greedy", "random"])
    assert [row.bot for row in table] == ["greedy", "random"]
    assert table[0].mean_score > table[1].mean_score
