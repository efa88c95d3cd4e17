"""Re-checking replays: a good one passes turn by turn, a doctored one fails precisely."""

from __future__ import annotations

import copy
import json

import pytest

from game import __version__
from game.cli import main
from game.replay import Replay, ReplayError, _link, dumps, loads, verify_replay, write_replay
from game.rules.content import load_content
from game.runner.match import run_match


@pytest.fixture(scope="module")
def replay() -> Replay:
    return run_match({"nasa": "random"}, bot="greedy", seed=31, turns=8).replay


def doctored(replay: Replay, change) -> Replay:
    """A copy with a change, its checksums recomputed as a careful forger would."""
    copied = copy.deepcopy(replay)
    change(copied)
    return loads(dumps(copied))


def failure(replay: Replay, **options) -> ReplayError:
    with pytest.raises(ReplayError) as caught:
        verify_replay(replay, **options)
    return caught.value


def test_a_good_replay_verifies_every_turn(replay):
    seen = []
    report = verify_replay(replay, on_turn=lambda step: seen.append(step.record.turn))
    assert report.turns == 8
    assert seen == list(range(8))


def test_changed_orders_with_fresh_checksums_fail_at_that_turn(replay):
    def change(r: Replay) -> None:
        r.turns[5].orders["nasa"] = []
        r.turns[5].orders["cnsa"] = []

    assert any(replay.turns[5].orders[a] for a in ("nasa", "cnsa"))
    error = failure(doctored(replay, change))
    assert error.problem == "mismatch"
    assert str(error).startswith("mismatch: turn 5: the state hash after resolution is")


def test_a_changed_seed_fails_at_the_start(replay):
    error = failure(doctored(replay, lambda r: setattr(r, "seed", r.seed + 1)))
    assert error.problem == "mismatch"
    assert "starting state" in str(error)


def test_a_replay_cut_short_with_fresh_checksums_says_the_match_goes_on(replay):
    error = failure(doctored(replay, lambda r: r.turns.pop()))
    assert error.problem == "mismatch"
    assert "ends after 7 turns but the match goes on" in str(error)


def test_other_content_is_named(replay):
    error = failure(doctored(replay, lambda r: setattr(r, "content_hash", "0" * 64)))
    assert error.problem == "content_changed"


def test_a_replay_records_the_content_version_it_ran_on(replay):
    header = json.loads(dumps(replay).splitlines()[0])
    assert header["content_version"] == load_content().version == replay.content_version


def test_a_replay_on_other_content_names_both_versions(replay):
    here = load_content().version

    def older(r: Replay) -> None:
        r.content_hash = "0" * 64
        r.content_version = here - 1

    error = failure(doctored(replay, older))
    assert error.problem == "content_changed"
    assert str(error) == (
        f"content_changed: recorded with content {here - 1}; this game has content {here}: "
        "it cannot be re-simulated"
    )


def test_an_old_replay_without_a_content_version_reads_and_fails_clearly(replay):
    lines = dumps(replay).splitlines()
    header = json.loads(lines[0])
    del header["content_version"]
    header["content_hash"] = "0" * 64
    records = [header] + [json.loads(line) for line in lines[1:]]
    old = loads(dumps_records(records))
    assert old.content_version is None
    error = failure(old)
    assert error.problem == "content_changed"
    assert f"this game has content {load_content().version}" in str(error)
    assert "cannot be re-simulated" in str(error)


def test_changed_assets_under_the_same_content_version_are_named(replay):
    error = failure(doctored(replay, lambda r: setattr(r, "content_hash", "0" * 64)))
    assert "without a new content version" in str(error)


def dumps_records(records: list[dict]) -> bytes:
    """Re-chain records as written by a replay writer of another version."""
    chain = ""
    out = []
    for record in records:
        body = {k: v for k, v in record.items() if k != "chain"}
        chain = _link(chain, body)
        out.append(json.dumps({**body, "chain": chain}, sort_keys=True, separators=(",", ":")))
    return ("\n".join(out) + "\n").encode()


def test_another_game_version_is_named_and_can_be_checked_anyway(replay):
    other = doctored(replay, lambda r: setattr(r, "game_version", "0.0.1"))
    error = failure(other)
    assert error.problem == "wrong_version"
    assert f"game version 0.0.1, this is {__version__}" in str(error)
    assert verify_replay(other, any_version=True).turns == 8


def test_verify_command_passes_a_good_file(replay, tmp_path, capsys):
    path = tmp_path / "good.jsonl"
    write_replay(path, replay)
    assert main(["replay", "verify", str(path)]) == 0
    assert "OK - 8 turns re-simulated" in capsys.readouterr().out


def test_verify_command_fails_an_edited_file_naming_the_line(replay, tmp_path, capsys):
    path = tmp_path / "edited.jsonl"
    write_replay(path, replay)
    lines = path.read_text().splitlines()
    record = json.loads(lines[4])
    record["orders"]["nasa"] = []
    lines[4] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n")
    assert main(["replay", "verify", str(path)]) == 1
    err = capsys.readouterr().err
    assert "FAILED: tampered: line 5 (turn 3) does not match its checksum" in err


def test_verify_command_reports_a_missing_file(tmp_path, capsys):
    assert main(["replay", "verify", str(tmp_path / "nope.jsonl")]) == 2
    assert "No such file" in capsys.readouterr().err


def test_show_command_prints_the_match_turn_by_turn(replay, tmp_path, capsys):
    path = tmp_path / "m.jsonl.gz"
    write_replay(path, replay)
    assert main(["replay", "show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "== turn 0 ==" in out and "== turn 7 ==" in out
    assert "news" in out
    assert "ended by turn_limit" in out
