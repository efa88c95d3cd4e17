"""Headless matches: every kind of bot plays to the end, seeds reproduce, faults never stall."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from game.ai.base import Bot, BotSpecError
from game.replay import dumps, verify_replay
from game.rules import Command, Research
from game.runner.host import TimeLimits
from game.runner.match import run_match

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = f"cmd:{sys.executable} {ROOT / 'examples' / 'json_lines_bot.py'}"
MISBEHAVING = f"{sys.executable} {Path(__file__).with_name('misbehaving_bot.py')}"
SHORT = 6


class DoubleOrderBot(Bot):
    """Orders the same research twice: each order is legal, the two together are not."""

    def decide(self, view: dict[str, Any], legal: list[Command]) -> list[Command]:
        research = next(c for c in legal if isinstance(c, Research))
        return [research, Research(research.tech, 1)]


class CrashingBot(Bot):
    def decide(self, view: dict[str, Any], legal: list[Command]) -> list[Command]:
        raise RuntimeError("out of fuel")


class SloppyBot(Bot):
    def decide(self, view: dict[str, Any], legal: list[Command]) -> list[Command]:
        return "launch everything"  # type: ignore[return-value]


def faults_of(result, agency: str) -> list[str]:
    return [str(f.kind) for f in result.seats[agency].faults]


@pytest.mark.parametrize("bot", ["random", "greedy", "easy", "planner/samples=1/horizon=2"])
def test_each_builtin_bot_plays_a_match_to_the_end_without_faults(bot):
    result = run_match({"cnsa": bot, "esa": bot}, bot="greedy", seed=11, turns=SHORT)
    assert result.turns == SHORT
    assert result.termination == "turn_limit"
    assert result.winners
    assert all(not s.faults for s in result.seats.values())
    assert len(result.seats["cnsa"].think) == SHORT


def test_a_full_length_match_ends_at_the_scenario_end():
    result = run_match(bot="greedy", seed=5)
    assert result.termination in ("scenario_end", "sustained_presence")
    verify_replay(result.replay)


def test_identical_seeds_give_identical_results_and_replay_files():
    seats = {"nasa": "random", "jaxa": "planner/samples=1/horizon=1"}
    first = run_match(seats, bot="greedy", seed=2024, turns=8)
    second = run_match(seats, bot="greedy", seed=2024, turns=8)
    assert first.outcome == second.outcome
    assert dumps(first.replay) == dumps(second.replay)


def test_another_seed_gives_another_match():
    first = run_match(bot="random", seed=1, turns=4)
    other = run_match(bot="random", seed=1_000_003, turns=4)
    assert first.replay.final_hash != other.replay.final_hash


def test_the_example_program_bot_plays_a_match_to_the_end():
    result = run_match({"esa": EXAMPLE, "nasa": EXAMPLE}, bot="greedy", seed=3, turns=SHORT)
    assert result.turns == SHORT
    assert faults_of(result, "esa") == [] and faults_of(result, "nasa") == []
    assert result.seats["esa"].name == "example-json-lines-bot"
    assert any(result.replay.turns[t].orders["esa"] for t in range(SHORT))
    verify_replay(result.replay)


@pytest.mark.skipif(shutil.which("node") is None, reason="node (Node.js) is not installed")
def test_the_javascript_starter_kit_plays_a_match_to_the_end():
    bot = f"cmd:node {ROOT / 'examples' / 'js' / 'bot.js'}"
    result = run_match({"cnsa": bot}, bot="random", seed=3, turns=SHORT)
    assert faults_of(result, "cnsa") == []
    assert result.seats["cnsa"].name == "example-js-bot"
    kinds = {c["kind"] for t in result.replay.turns for c in t.orders["cnsa"]}
    assert {"research", "fund"} <= kinds
    verify_replay(result.replay)


def test_hanging_crashing_and_garbage_bots_are_faults_and_the_match_goes_on():
    seats = {
        "nasa": f"cmd:{MISBEHAVING} hang",
        "roscosmos": f"cmd:{MISBEHAVING} crash",
        "cnsa": f"cmd:{MISBEHAVING} garbage",
    }
    limits = TimeLimits(turn=0.2, overage=0.2, startup=10.0, strikes=3)
    started = time.monotonic()
    result = run_match(seats, bot="greedy", seed=8, turns=5, limits=limits)
    assert time.monotonic() - started < 15
    assert result.turns == 5
    assert faults_of(result, "nasa") == ["timeout"] * 3  # then stopped for good
    assert faults_of(result, "roscosmos") == ["crash"]
    assert faults_of(result, "cnsa") == ["malformed"] * 5
    assert faults_of(result, "esa") == []
    recorded = {(f["agency"], f["kind"]) for t in result.replay.turns for f in t.faults}
    assert recorded == {("nasa", "timeout"), ("roscosmos", "crash"), ("cnsa", "malformed")}
    assert all(t.orders["nasa"] == [] for t in result.replay.turns)
    verify_replay(result.replay)


def test_a_refused_order_is_dropped_the_rest_stand_and_an_illegal_fault_names_the_reason():
    result = run_match({"jaxa": f"{__name__}:DoubleOrderBot"}, bot="random", seed=4, turns=2)
    faults = result.seats["jaxa"].faults
    assert [str(f.kind) for f in faults] == ["illegal", "illegal"]
    assert "order 1: duplicate" in faults[0].detail
    # The first research order stood; only the duplicate was dropped.
    for turn in result.replay.turns:
        assert len(turn.orders["jaxa"]) == 1 and turn.orders["jaxa"][0]["kind"] == "research"
    verify_replay(result.replay)


def test_an_exception_in_an_in_process_bot_is_a_crash_fault():
    result = run_match({"csa": f"{__name__}:CrashingBot"}, bot="random", seed=4, turns=2)
    faults = result.seats["csa"].faults
    assert [str(f.kind) for f in faults] == ["crash", "crash"]
    assert "out of fuel" in faults[0].detail


def test_a_return_value_that_is_not_orders_is_malformed():
    result = run_match({"csa": f"{__name__}:SloppyBot"}, bot="random", seed=4, turns=1)
    assert faults_of(result, "csa") == ["malformed"]


def test_a_seat_for_an_agency_not_in_the_match_is_refused():
    with pytest.raises(ValueError, match="no seat for isro"):
        run_match({"isro": "random"}, seed=1, turns=1)


def test_a_spec_naming_no_bot_is_refused_before_play():
    with pytest.raises(BotSpecError, match="unknown bot 'grredy'"):
        run_match({"nasa": "grredy"}, seed=1, turns=1)


def test_a_match_can_seat_only_some_agencies():
    result = run_match(bot="greedy", seed=9, turns=3, agencies=["esa", "csa"])
    assert list(result.seats) == ["esa", "csa"]
    assert result.replay.agencies == ["esa", "csa"]
    verify_replay(result.replay)
