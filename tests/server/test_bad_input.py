"""The bad-input suite: every kind of bad message gets its own error code (or close code),
and none of it touches a second room playing a match alongside."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import msgpack
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from game.ai import create_bot
from game.net.client import Client, Refused, SeatKey
from game.net.play import play_seat
from game.rules import Command
from tests.server.conftest import ServerProcess, run, scaled
from tests.server.tables import table


class Thoughtful:
    """A random bot that takes its time, so the match lasts while the attacks happen."""

    def __init__(self, agency: str, think: float) -> None:
        self.bot = create_bot("random", agency, 1)
        self.think = think

    def decide(self, view: dict[str, Any], legal: list[Command]) -> list[Command]:
        time.sleep(self.think)
        return self.bot.decide(view, legal)


async def raw(url: str) -> ClientConnection:
    ws = await connect(url, compression=None, max_size=None)
    await ws.send(msgpack.packb({"t": "hello", "versions": [1], "name": "mallory"}))
    await ws.recv()  # welcome
    await ws.recv()  # lobby history
    return ws


async def reply_to(ws: ClientConnection, data: bytes | str) -> str:
    """Send a frame; the error code it earns, or the close code if the connection ends."""
    try:
        await ws.send(data)
        while True:
            message = msgpack.unpackb(await ws.recv(), raw=False)
            if message["t"] == "error":
                return str(message["code"])
    except ConnectionClosed as exc:
        return f"close {exc.rcvd.code if exc.rcvd else None}"


async def refusal(request: Awaitable[Any]) -> str:
    try:
        await request
    except Refused as exc:
        return exc.code
    return "accepted"


async def flood(url: str) -> str:
    ws = await raw(url)
    codes = []
    try:
        for _ in range(400):
            await ws.send(msgpack.packb({"t": "rooms"}))
        while True:
            message = msgpack.unpackb(await ws.recv(), raw=False)
            if message["t"] == "error":
                codes.append(message["code"])
    except ConnectionClosed as exc:
        return f"{','.join(codes)} close {exc.rcvd.code if exc.rcvd else None}"


def test_bad_input_is_refused_and_leaves_another_room_alone(server: ServerProcess) -> None:
    async def body() -> None:
        url = server.url
        # A room of bystanders, to be played while the attacks happen.
        b_host, b_created, bystanders = await table(
            url, ["nasa", "cnsa"], turns=8, deadline=scaled(20), ai_level="random", seed=77
        )
        # The attacker's own room (held at its first turn by a long deadline), and a room
        # it played to the end.
        a_host, a_created, attackers = await table(
            url, ["esa"], turns=3, deadline=scaled(60), ai_level="random", seed=78
        )
        f_host, f_created, finished = await table(
            url, ["esa"], turns=1, deadline=scaled(60), ai_level="random", seed=79
        )
        room, done_room = a_created["room"], f_created["room"]
        me, done = attackers["esa"], finished["esa"]
        assert me.seat and done.seat
        await a_host.start(room, a_created["host_token"])
        await f_host.start(done_room, f_created["host_token"])
        version = (await me.client.wait_for("turn", room=room))["version"]
        await done.client.wait_for("turn", room=done_room)
        await done.client.submit(done.seat, 0, [])
        await done.client.wait_for("over", room=done_room)

        b_room = b_created["room"]
        await b_host.start(b_room, b_created["host_token"])
        bystanding = asyncio.gather(
            *(
                play_seat(p.client, p.seat, Thoughtful(a, scaled(0.15)))  # type: ignore[arg-type]
                for a, p in bystanders.items()
            )
        )

        c = me.client
        seat = me.seat
        other_seat = SeatKey(room, "nasa", seat.token)
        wrong = SeatKey(room, "esa", "A" * 32)
        rng = random.Random(4)
        ws = await raw(url)
        cases: list[tuple[str, Callable[[], Awaitable[str]], str]] = [
            ("random bytes", lambda: reply_to(ws, rng.randbytes(200)), "undecodable"),
            ("invalid msgpack", lambda: reply_to(ws, b"\x82\xa1t\xa5rooms\xc1"), "undecodable"),
            ("a text frame", lambda: reply_to(ws, "{'t': 'rooms'}"), "undecodable"),
            (
                "a map with wrong types",
                lambda: reply_to(ws, msgpack.packb({"t": "join", "room": 5, "seat": ["esa"]})),
                "malformed",
            ),
            (
                "an unknown message type",
                lambda: reply_to(ws, msgpack.packb({"t": "launch_nukes"})),
                "unknown_type",
            ),
            (
                "a missing seat token",
                lambda: refusal(
                    c.request("orders", room=room, seat="esa", version=version, orders=[])
                ),
                "malformed",
            ),
            ("a wrong seat token", lambda: refusal(c.submit(wrong, version, [])), "unauthorised"),
            (
                "orders for another seat",
                lambda: refusal(c.submit(other_seat, version, [])),
                "unauthorised",
            ),
            (
                "orders for a room that does not exist",
                lambda: refusal(c.submit(SeatKey("zzzzzzzz", "esa", seat.token), version, [])),
                "unauthorised",
            ),
            (
                "a command that is not a command",
                lambda: refusal(c.submit(seat, version, [{"kind": "teleport"}])),
                "malformed",
            ),
            (
                "orders the rules refuse",
                lambda: refusal(
                    c.submit(
                        seat,
                        version,
                        [{"kind": "research", "tech": "heavy_launcher", "amount": 10**12}],
                    )
                ),
                "illegal",
            ),
            ("a stale state version", lambda: refusal(c.submit(seat, version + 7, [])), "stale"),
            (
                "orders after the match ended",
                lambda: refusal(done.client.submit(done.seat, 0, [])),
                "match_over",
            ),
            (
                "a start by someone who is not the host",
                lambda: refusal(c.start(room, "B" * 32)),
                "unauthorised",
            ),
            ("a chat line that is too long", lambda: refusal(c.chat("x" * 501, seat)), "too_long"),
            (
                "still open after all that",
                lambda: reply_to(ws, msgpack.packb({"t": "teleport"})),
                "unknown_type",
            ),
            ("an oversized frame", lambda: _oversized(url), "close 1009"),
            ("a message flood", lambda: flood(url), "rate_limited close 1008"),
        ]
        got = {}
        for name, attack, _expected in cases:
            got[name] = await attack()
        wrong_codes = {n: (got[n], e) for n, _a, e in cases if got[n] != e}
        assert not wrong_codes, wrong_codes
        assert not bystanding.done(), "the second room finished before the attacks did"

        outcomes = await bystanding
        assert outcomes[0] == outcomes[1] and outcomes[0]["termination"]
        for player in bystanders.values():
            errors = [m for m in player.inbox if m.get("t") == "error"]
            assert errors == []
            versions = [m["version"] for m in player.inbox if m.get("t") == "turn"]
            assert versions == sorted(set(versions)) and len(versions) == 9
        # The attacker's own room is untouched too: still at its first turn, nothing on file.
        status = await me.client.request("rejoin", **seat.fields())
        assert status["info"]["turn"] == 0
        assert not any(s["submitted"] for s in status["info"]["seats"] if s["agency"] == "esa")
        for client in (
            b_host,
            a_host,
            f_host,
            c,
            done.client,
            *(p.client for p in bystanders.values()),
        ):
            await client.close()
        await ws.close()

    run(body(), timeout=40)


async def _oversized(url: str) -> str:
    ws = await raw(url)
    return await reply_to(ws, msgpack.packb({"t": "chat", "text": "x" * (80 * 1024)}))


def test_a_client_cannot_crash_the_server_with_fuzz(server: ServerProcess) -> None:
    async def body() -> None:
        rng = random.Random(11)
        ws = await raw(server.url)
        kinds = [
            "hello",
            "rooms",
            "create",
            "join",
            "rejoin",
            "orders",
            "chat",
            "kick",
            "start",
            "spectate",
            "replay",
            "leave",
            "ready",
            "unwatch",
        ]
        values: list[Any] = [
            None,
            True,
            -1,
            0,
            2**40,
            1.5,
            "",
            "esa",
            "x" * 70,
            [],
            {},
            [1, "a"],
            {"kind": "launch"},
            b"\x00",
        ]
        fields = [
            "room",
            "seat",
            "token",
            "version",
            "orders",
            "final",
            "text",
            "name",
            "versions",
            "seats",
            "deadline",
            "key",
            "host_token",
            "ready",
            "turns",
        ]
        for n in range(100):
            message = {"t": rng.choice(kinds)}
            for name in rng.sample(fields, rng.randrange(0, 5)):
                message[name] = rng.choice(values)
            await ws.send(msgpack.packb(message, use_bin_type=True))
            answer = msgpack.unpackb(await ws.recv(), raw=False)
            while answer["t"] in ("history", "room", "turn", "status", "chat"):  # side effects
                answer = msgpack.unpackb(await ws.recv(), raw=False)
            assert answer.get("code") != "internal", (message, answer)
            if n > 50:
                await asyncio.sleep(1 / 18)  # stay under the message rate
        client = await Client.connect(server.url, "still here")
        assert isinstance(await client.rooms(), list)
        await client.close()
        await ws.close()

    run(body(), timeout=30)
