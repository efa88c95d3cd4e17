"""A seat played over the network keeps going when the turn moves on under it."""

from __future__ import annotations

import asyncio
from typing import Any

from game.net.client import Refused, SeatKey
from game.net.play import play_seat
from game.rules import Command, Research

SEAT = SeatKey("r1", "esa", "t")


class ScriptedClient:
    """Hands out the messages it is given and answers each submission from a script."""

    def __init__(self, messages: list[dict[str, Any]], answers: list[str | None]) -> None:
        self.messages = list(messages)
        self.answers = list(answers)  # an error code to refuse with, or None to accept
        self.submitted: list[tuple[int, list[Command]]] = []
        self.closed = None

    async def recv(self) -> dict[str, Any]:
        return self.messages.pop(0)

    async def submit(self, seat: SeatKey, version: int, orders: list[Command]) -> None:
        self.submitted.append((version, orders))
        code = self.answers.pop(0)
        if code is not None:
            raise Refused({"t": "error", "code": code, "reason": code})


class OneOrder:
    def decide(self, view: Any, legal: list[Command]) -> list[Command]:
        return [Research("medium_launcher", 10)]


def turn(version: int) -> dict[str, Any]:
    return {
        "t": "turn",
        "room": "r1",
        "seat": "esa",
        "version": version,
        "turn": version,
        "phase": "playing",
        "final": False,
        "view": {},
        "legal": [],
    }


OVER = {"t": "over", "room": "r1", "outcome": {"winners": ["esa"]}}


def play(client: ScriptedClient) -> dict[str, Any]:
    return asyncio.run(play_seat(client, SEAT, OneOrder(), think_in_thread=False))


def test_refused_orders_pass_the_turn():
    client = ScriptedClient([turn(1), OVER], ["illegal", None])
    assert play(client) == {"winners": ["esa"]}
    assert client.submitted == [(1, [Research("medium_launcher", 10)]), (1, [])]


def test_a_pass_that_comes_too_late_waits_for_the_next_turn():
    # The orders are refused, and by the time the seat passes, the turn has moved on.
    client = ScriptedClient([turn(1), turn(2), OVER], ["illegal", "stale", None])
    assert play(client) == {"winners": ["esa"]}
    assert [version for version, _ in client.submitted] == [1, 1, 2]


def test_orders_overtaken_by_the_turn_are_not_resent():
    client = ScriptedClient([turn(1), turn(2), OVER], ["stale", None])
    assert play(client) == {"winners": ["esa"]}
    assert [version for version, _ in client.submitted] == [1, 2]
