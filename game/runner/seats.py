"""Seats: who answers for each agency in a headless match, behind one small interface.

A seat is asked for a turn with `begin(turn, view, legal, feedback)` and answers with
`collect() -> SeatReply`. Subprocess seats think while the runner asks the others, so a
turn costs the slowest bot's time rather than the sum. A bot spec starting with `cmd:` is a
program speaking the JSON-lines protocol (`game.runner.host`); anything else is built by
`game.ai.create_bot` and runs in this process.
"""

from __future__ import annotations

import shlex
import time
import traceback
from collections.abc import Mapping
from typing import Any, Protocol

from game import __version__
from game.ai.base import Bot, BotSpecError, create_bot
from game.rules import Command, View
from game.runner.faults import Fault, FaultKind
from game.runner.host import BotProcess, SeatReply, TimeLimits

COMMAND_PREFIX = "cmd:"


class Seat(Protocol):
    agency: str
    name: str

    def begin(self, turn: int, view: View, legal: list[Command], feedback: list[Fault]) -> None: ...

    def collect(self) -> SeatReply: ...

    def close(self, outcome: Mapping[str, Any] | None) -> None: ...


class BotSeat:
    """A seat played by a bot object in this process; its exceptions are crash faults."""

    def __init__(self, bot: Bot, agency: str, name: str) -> None:
        self.bot = bot
        self.agency = agency
        self.name = name
        self._reply = SeatReply([], None, 0.0)

    def begin(self, turn: int, view: View, legal: list[Command], feedback: list[Fault]) -> None:
        start = time.perf_counter()
        try:
            orders = self.bot.decide(view, legal)
        except Exception as exc:
            where = traceback.extract_tb(exc.__traceback__)[-1]
            detail = f"{type(exc).__name__}: {exc} ({where.filename}:{where.lineno})"
            self._reply = SeatReply([], Fault(turn, FaultKind.CRASH, detail), _since(start))
            return
        think = _since(start)
        if not isinstance(orders, list) or not all(isinstance(c, Command) for c in orders):
            detail = f"decide() must return a list of commands, not {type(orders).__name__}"
            self._reply = SeatReply([], Fault(turn, FaultKind.MALFORMED, detail), think)
            return
        self._reply = SeatReply(list(orders), None, think)

    def collect(self) -> SeatReply:
        return self._reply

    def close(self, outcome: Mapping[str, Any] | None) -> None:
        return None


def _since(start: float) -> float:
    return time.perf_counter() - start


def open_seat(spec: str, agency: str, seed: int, limits: TimeLimits) -> Seat:
    """The seat a bot spec describes. Raises `BotSpecError` for a spec naming no bot."""
    if spec.startswith(COMMAND_PREFIX):
        command = shlex.split(spec[len(COMMAND_PREFIX) :])
        if not command:
            raise BotSpecError(f"{spec!r}: no command after {COMMAND_PREFIX!r}")
        return BotProcess(command, agency, seed, limits, game_version=__version__)
    return BotSeat(create_bot(spec, agency, seed), agency, spec)


class SeatBot:
    """Any seat as a bot that is asked `decide(view, legal)`: how a program bot (`cmd:`)
    plays a seat on a server through `lunar-race bot`. Its faults are told to the program
    with the next turn, as in a headless match; `close` ends the program."""

    def __init__(self, seat: Seat) -> None:
        self.seat = seat
        self.name = seat.name
        self._feedback: list[Fault] = []

    def decide(self, view: View, legal: list[Command]) -> list[Command]:
        self.seat.begin(int(view["turn"]), view, legal, self._feedback)
        reply = self.seat.collect()
        self._feedback = [reply.fault] if reply.fault else []
        return reply.orders

    def close(self, outcome: Mapping[str, Any] | None) -> None:
        self.seat.close(outcome)
