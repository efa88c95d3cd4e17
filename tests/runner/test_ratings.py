"""Ratings, win-rate intervals, placements, the results file and the export formats."""

from __future__ import annotations

import csv
import io
import json

import pytest

from game.runner.progress import Progress, format_duration
from game.runner.ratings import (
    agency_table,
    contests,
    export,
    render_standings,
    standings,
    wilson,
)
from game.runner.results import GameRecord, ResultsMismatch, ResultsStore, SeatResult

AGENCIES = ["nasa", "roscosmos", "cnsa", "esa", "jaxa", "csa"]


def fixed_games(count: int) -> list[GameRecord]:
    """Games in which 'strong' always wins and 'weak' always scores least."""
    records = []
    for game in range(count):
        seats = []
        for i, agency in enumerate(AGENCIES):
            bot = ("strong", "middle", "weak")[(i + game) % 3]
            score = {"strong": 90, "middle": 50, "weak": 10}[bot] + i
            seats.append(SeatResult(agency, bot, score, won=False))
        best = max(seats, key=lambda s: s.score)
        best.won = True
        # Blocks of three games share a seed: each bot plays each agency once per block.
        records.append(GameRecord(game, game // 3, "scenario_end", 40, [best.agency], 0.1, seats))
    return records


def test_wilson_interval_holds_the_proportion_and_narrows_with_trials():
    low, high = wilson(10, 40)
    assert low < 0.25 < high
    low2, high2 = wilson(100, 400)
    assert high2 - low2 < high - low
    assert wilson(0, 0) == (0.0, 1.0)


def test_results_rank_winners_first_then_by_score_with_ties_shared():
    seats = [
        SeatResult("nasa", "a", 10, won=True),
        SeatResult("esa", "b", 50, won=True),
        SeatResult("cnsa", "c", 70, won=False),
        SeatResult("jaxa", "d", 20, won=False),
        SeatResult("csa", "e", 20, won=False),
    ]
    record = GameRecord(0, 1, "scenario_end", 40, ["nasa", "esa"], 0.1, seats)
    assert contests([record], "score") == [[("a", 1), ("b", 1), ("c", 3), ("d", 4), ("e", 4)]]


def test_a_board_ranks_the_bots_that_played_one_seat_on_one_seed():
    games = fixed_games(3)
    boards = contests(games, "board")
    assert len(boards) == 6  # one block, six agencies
    for board in boards:
        assert sorted(board, key=lambda entry: entry[1]) == [
            ("strong", 1),
            ("middle", 2),
            ("weak", 3),
        ]


def test_par_ranks_seats_by_score_against_the_agency_mean():
    first, *_ = contests(fixed_games(3), "par")
    places = dict(first)
    assert places["strong"] < places["middle"] < places["weak"]


def test_a_consistently_better_bot_rates_higher_with_separate_intervals():
    table = standings(fixed_games(60), ["weak", "middle", "strong"])
    assert [row.bot for row in table] == ["strong", "middle", "weak"]
    assert table[0].rating_low > table[1].rating_high
    assert table[1].rating_low > table[2].rating_high
    assert table[0].seats == 120 and table[0].games == 60
    assert "strong" in render_standings(table)


def test_ratings_do_not_depend_on_the_order_results_arrived_in_the_file(tmp_path):
    games = fixed_games(12)
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.adopt_plan({"bots": ["a"]}, 12)
        for record in reversed(games):
            store.add(record)
        stored = store.records()
    assert [r.game for r in stored] == list(range(12))
    assert standings(stored, ["strong", "middle", "weak"]) == standings(
        games, ["strong", "middle", "weak"]
    )


def test_a_results_file_refuses_a_tournament_with_other_settings(tmp_path):
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.adopt_plan({"bots": ["random"], "seed": 1}, 10)
    with ResultsStore(tmp_path / "r.sqlite") as store:
        store.adopt_plan({"bots": ["random"], "seed": 1}, 20)  # more games is fine
        assert store.plan()["games"] == 20
        with pytest.raises(ResultsMismatch, match="seed: file has 1, asked for 2"):
            store.adopt_plan({"bots": ["random"], "seed": 2}, 20)


def test_agency_table_counts_every_seat_once_per_game():
    rows = agency_table(fixed_games(30))
    assert [r.agency for r in rows] == AGENCIES
    assert all(r.games == 30 for r in rows)
    assert sum(r.wins for r in rows) == 30


def test_export_writes_json_and_csv(tmp_path):
    games = fixed_games(9)
    bots = standings(games, ["strong", "middle", "weak"])
    agencies = agency_table(games)
    export(tmp_path / "t.json", bots, agencies, {"seed": 1})
    document = json.loads((tmp_path / "t.json").read_text())
    assert document["bots"][0]["bot"] == "strong"
    assert len(document["agencies"]) == 6
    export(tmp_path / "t.csv", bots, agencies, {"seed": 1})
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text())))
    assert rows[0][:3] == ["table", "bot", "games"]
    assert sum(1 for r in rows if r[0] == "agencies") == 6
    assert sum(1 for r in rows if r[0] == "bots") == 3


def test_progress_shows_rate_and_eta_from_this_run_only():
    now = [100.0]
    out = io.StringIO()
    progress = Progress(10, done=4, stream=out, clock=lambda: now[0])
    assert progress.eta is None
    now[0] += 10
    progress.advance()
    progress.advance()
    assert progress.rate == pytest.approx(0.2)
    assert progress.eta == pytest.approx(20)
    assert "6/10 games" in progress.render() and "ETA 0:20" in progress.render()
    assert format_duration(3725) == "1:02:05"
