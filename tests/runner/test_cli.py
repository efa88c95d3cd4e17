"""`lunar-race match`: seats, a JSON document for scripts, a table for people."""

from __future__ import annotations

import json

from game.cli import main
from game.cli.headless import parse_seats
from game.replay import read_replay


def test_seats_are_agency_equals_bot():
    assert parse_seats(["nasa=planner", "ESA=cmd:python3 bot.py --fast"]) == {
        "nasa": "planner",
        "esa": "cmd:python3 bot.py --fast",
    }


def test_json_prints_only_the_result_document(capsys, tmp_path):
    replay = tmp_path / "m.jsonl"
    code = main(
        ["match", "cnsa=random", "--seed", "7", "--turns", "3", "--json", "--replay", str(replay)]
    )
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["seed"] == 7 and document["turns"] == 3
    assert document["termination"] == "turn_limit"
    assert set(document["scores"]["nasa"]) == {"total", "standing", "breakdown"}
    best = max(entry["standing"] for entry in document["scores"].values())
    assert sorted(a for a, e in document["scores"].items() if e["standing"] == best) == sorted(
        document["winners"]
    ), "a match stopped early goes to the best standing"
    assert "firsts" in document["scores"]["nasa"]["breakdown"]
    assert document["seats"]["cnsa"]["bot"] == "random"
    assert document["seats"]["nasa"]["bot"] == "greedy"
    assert document["seats"]["nasa"]["faults"] == []
    assert document["seats"]["nasa"]["think_time"]["decisions"] == 3
    assert document["winner"] in document["winners"] or document["winner"] is None
    assert document["replay"] == str(replay)
    assert read_replay(replay).seed == 7


def test_the_summary_is_a_table_with_the_seed(capsys):
    assert main(["match", "--bot", "random", "--seed", "12", "--turns", "2"]) == 0
    out = capsys.readouterr().out
    assert "seed 12" in out and "ended by turn_limit" in out
    assert "agency" in out and "score" in out and "think ms" in out


def test_a_bad_seat_is_refused_with_a_message(capsys):
    assert main(["match", "nasa", "--turns", "1"]) == 2
    assert "is not AGENCY=BOT" in capsys.readouterr().err
    assert main(["match", "nasa=warpdrive", "--turns", "1"]) == 2
    assert "unknown bot 'warpdrive'" in capsys.readouterr().err
