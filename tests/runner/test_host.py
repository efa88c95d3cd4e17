"""The subprocess bot host: every way a bot program can misbehave is a fault, never a hang."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from game.rules import Research
from game.runner.faults import FaultKind
from game.runner.host import BotProcess, TimeLimits

BOT = str(Path(__file__).with_name("misbehaving_bot.py"))
FAST = TimeLimits(turn=0.15, overage=0.1, startup=5.0, strikes=3, max_line=100_000)


def play(mode: str, turns: int = 4, limits: TimeLimits = FAST, env_slow: str | None = None):
    """Ask a misbehaving bot for `turns` turns; return the replies, the bot and the time."""
    bot = BotProcess([sys.executable, BOT, mode], "nasa", 7, limits, game_version="test")
    started = time.monotonic()
    replies = []
    try:
        for turn in range(turns):
            bot.begin(
                turn, {"turn": turn, "padding": "x" * 200_000}, [Research("probe_bus", 50)], []
            )
            replies.append(bot.collect())
    finally:
        bot.close(None)
    return replies, bot, time.monotonic() - started


def kinds(replies) -> list[str | None]:
    return [r.fault.kind.value if r.fault else None for r in replies]


def test_a_polite_bot_gets_its_orders_and_name():
    replies, bot, _ = play("polite")
    assert kinds(replies) == [None] * 4
    assert bot.name == "misbehaving-polite"
    assert bot.bank == pytest.approx(FAST.overage)


def test_a_hanging_bot_times_out_and_is_stopped_after_three_strikes():
    replies, bot, elapsed = play("hang", turns=5)
    assert kinds(replies) == ["timeout", "timeout", "timeout", None, None]
    assert "stopped after 3 timeouts in a row" in replies[2].fault.detail
    assert bot._proc.poll() is not None  # the process is gone
    # limit + bank on the first turn, then the bare limit: no turn waits longer
    assert elapsed < 3 * FAST.turn + FAST.overage + 1.5


def test_a_crashing_bot_is_a_crash_fault_naming_its_exit_code_and_last_words():
    replies, _, _ = play("crash")
    assert kinds(replies)[0] == "crash"
    assert "exited with code 3" in replies[0].fault.detail
    assert "something broke inside the bot" in replies[0].fault.detail
    assert all(r.orders == [] for r in replies)


def test_garbage_output_is_a_malformed_fault_every_turn():
    replies, _, _ = play("garbage")
    assert kinds(replies) == ["malformed"] * 4
    assert "not JSON" in replies[0].fault.detail


def test_orders_that_are_not_commands_are_malformed():
    replies, _, _ = play("badorder", turns=1)
    assert replies[0].fault.kind is FaultKind.MALFORMED
    assert "teleport" in replies[0].fault.detail


def test_a_bot_that_never_reads_its_input_cannot_block_the_runner():
    replies, _, elapsed = play("deaf", turns=3)
    assert kinds(replies) == ["timeout"] * 3
    assert elapsed < 3


def test_a_bot_that_never_says_ready_is_a_timeout():
    limits = TimeLimits(turn=0.1, overage=0.0, startup=0.3)
    replies, _, elapsed = play("mute", turns=2, limits=limits)
    assert kinds(replies) == ["timeout", None]
    assert "ready" in replies[0].fault.detail
    assert elapsed < 2


def test_an_endless_line_is_malformed_without_waiting_for_its_end():
    replies, _, _ = play("flood", turns=1)
    assert replies[0].fault.kind is FaultKind.MALFORMED
    assert "longer than" in replies[0].fault.detail


def test_time_over_the_limit_comes_out_of_the_overage_bank(monkeypatch):
    monkeypatch.setenv("SLOW", "0.2")
    limits = TimeLimits(turn=0.1, overage=0.5, startup=5.0)
    replies, bot, _ = play("slow", turns=2, limits=limits)
    assert kinds(replies) == [None, None]
    # two turns, each about 0.1 s over the limit
    assert 0.15 <= limits.overage - bot.bank <= 0.4


def test_a_program_that_cannot_start_is_a_crash():
    bot = BotProcess(["/nonexistent/lunar-bot"], "nasa", 1, FAST, game_version="test")
    bot.begin(0, {}, [], [])
    reply = bot.collect()
    bot.close(None)
    assert reply.fault.kind is FaultKind.CRASH
    assert "could not start" in reply.fault.detail
