"""The replay file format: round trips, and a precise error for every kind of damage."""

from __future__ import annotations

import gzip
import json

import pytest

from game.replay import (
    FORMAT_VERSION,
    Replay,
    ReplayError,
    TurnRecord,
    dumps,
    loads,
    read_replay,
    write_replay,
)


def sample() -> Replay:
    replay = Replay(
        game_version="0.1.0",
        content_hash="c0ffee",
        scenario="2021",
        seed=42,
        turn_limit=3,
        agencies=["nasa", "cnsa"],
        seats={"nasa": "greedy", "cnsa": "random"},
        bots={"nasa": "greedy", "cnsa": "random"},
        initial_hash="h0",
    )
    for turn in range(3):
        replay.turns.append(
            TurnRecord(
                turn=turn,
                orders={
                    "nasa": [{"kind": "research", "tech": "probe_bus", "amount": 50}],
                    "cnsa": [],
                },
                faults=[]
                if turn
                else [{"agency": "cnsa", "turn": 0, "kind": "timeout", "detail": "slow"}],
                hash=f"h{turn + 1}",
            )
        )
    replay.outcome = {"winners": ["nasa"], "termination": "turn_limit", "scores": {}}
    replay.final_hash = "h3"
    return replay


def problem(data: bytes) -> ReplayError:
    with pytest.raises(ReplayError) as caught:
        loads(data)
    return caught.value


def test_a_replay_reads_back_as_it_was_written():
    assert loads(dumps(sample())) == sample()


def test_the_same_replay_gives_the_same_bytes(tmp_path):
    write_replay(tmp_path / "a.jsonl.gz", sample())
    write_replay(tmp_path / "b.jsonl.gz", sample())
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    assert read_replay(tmp_path / "a.jsonl.gz") == sample()


def test_an_edited_order_is_tampering_on_its_line():
    lines = dumps(sample()).decode().splitlines()
    record = json.loads(lines[2])
    record["orders"]["nasa"][0]["amount"] = 5000
    lines[2] = json.dumps(record)
    error = problem(("\n".join(lines) + "\n").encode())
    assert error.problem == "tampered"
    assert error.line == 3
    assert "line 3 (turn 1)" in str(error)


def test_a_removed_turn_is_tampering():
    lines = dumps(sample()).decode().splitlines()
    del lines[2]
    error = problem(("\n".join(lines) + "\n").encode())
    assert error.problem == "tampered"
    assert error.line == 3


def test_a_file_cut_in_the_middle_of_a_line_is_truncated():
    data = dumps(sample())
    error = problem(data[: len(data) // 2])
    assert error.problem == "truncated"
    assert "cut off" in str(error)


def test_a_file_missing_its_end_record_is_truncated_after_its_last_turn():
    lines = dumps(sample()).decode().splitlines()[:-1]
    error = problem(("\n".join(lines) + "\n").encode())
    assert error.problem == "truncated"
    assert "after turn 2" in str(error)


def test_a_cut_compressed_file_is_truncated():
    data = gzip.compress(dumps(sample()))
    assert problem(data[:-12]).problem == "truncated"


def test_another_format_version_is_named():
    lines = dumps(sample()).decode().splitlines()
    header = json.loads(lines[0])
    header["format_version"] = FORMAT_VERSION + 1
    lines[0] = json.dumps(header)
    error = problem(("\n".join(lines) + "\n").encode())
    assert error.problem == "wrong_version"
    assert f"version {FORMAT_VERSION + 1}" in str(error)


def test_a_line_that_is_not_json_is_corrupt():
    lines = dumps(sample()).decode().splitlines()
    lines[1] = "{not json"
    error = problem(("\n".join(lines) + "\n").encode())
    assert error.problem == "corrupt"
    assert "line 2 is not valid JSON" in str(error)


def test_a_file_of_something_else_is_not_a_replay():
    error = problem(b'{"hello": "world"}\n')
    assert error.problem == "corrupt"
    assert "not a Lunar Race replay" in str(error)


def test_an_empty_file_is_named():
    assert "empty" in str(problem(b""))
