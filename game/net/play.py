"""Play a seat in a remote room with a bot: the loop behind `lunar-race bot` and the load test.

`play_seat` answers every turn update for its seat with the bot's orders, and returns the
outcome when the match ends. `run_remote_bot` adds what a long-running bot process needs:
joining (or rejoining with a saved seat key), getting ready, and reconnecting with the seat
token after the connection drops or the server restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from game.net.client import Client, Disconnected, Refused, Retry, SeatKey
from game.protocol.errors import ErrorCode
from game.rules import Command, View, orders_from_wire

logger = logging.getLogger("lunar_race.net")


class Decider(Protocol):
    def decide(self, view: View, legal: list[Command]) -> list[Command]: ...


class SeatLost(Exception):
    """The seat was given up: kicked by the host, or held by a newer connection."""


@dataclass
class TurnTiming:
    """How long one turn took, as the seat saw it (seconds)."""

    turn: int
    think: float
    ack: float


async def play_seat(
    client: Client,
    seat: SeatKey,
    bot: Decider,
    *,
    think_in_thread: bool = True,
    on_turn: Callable[[dict[str, Any], TurnTiming], None] | None = None,
) -> dict[str, Any]:
    """Answer each turn of `seat` with `bot`'s orders until the match ends; return the
    outcome. Raises Disconnected if the connection ends, SeatLost if the seat is taken."""
    loop = asyncio.get_running_loop()
    answered: int | None = None
    while True:
        message = await client.recv()
        kind = message.get("t")
        if kind == "closed":
            raise client.closed or Disconnected(None, "connection lost")
        if message.get("room") != seat.room:
            continue
        if kind == "over":
            return dict(message.get("outcome") or {})
        if kind == "kicked" and message.get("seat") == seat.seat:
            raise SeatLost(str(message.get("text", "seat lost")))
        if kind != "turn" or message.get("seat") != seat.seat:
            continue
        version = int(message["version"])
        if message.get("phase") != "playing" or message.get("final") or answered == version:
            continue
        legal = orders_from_wire(message.get("legal") or [], limit=1_000_000)
        started = loop.time()
        if think_in_thread:
            orders = await asyncio.to_thread(bot.decide, message["view"], legal)
        else:
            orders = bot.decide(message["view"], legal)
        thought = loop.time()
        if not await _submit(client, seat, version, orders):
            continue  # the turn moved on while thinking; the next update is coming
        answered = version
        if on_turn is not None:
            on_turn(
                message, TurnTiming(int(message["turn"]), thought - started, loop.time() - thought)
            )


async def _submit(client: Client, seat: SeatKey, version: int, orders: list[Command]) -> bool:
    """Send a turn's orders. If the rules refuse some, drop those and send the rest (the
    rule of docs/rules.md, section 1); if they refuse the turn as a whole, pass it. False when
    the turn moved on first (stale, or the match ended): there is nothing left to answer."""
    try:
        await client.submit(seat, version, orders)
        return True
    except Refused as refused:
        if refused.code in (ErrorCode.STALE, ErrorCode.MATCH_OVER):
            return False
        if refused.code is not ErrorCode.ILLEGAL or not orders:
            raise
        dropped = {e.get("index", -1) for e in refused.errors}
        kept = [] if -1 in dropped else [c for i, c in enumerate(orders) if i not in dropped]
        if len(kept) >= len(orders):
            kept = []  # the refusals name no order of ours: pass rather than loop
        logger.warning(
            "%d of %d orders refused (%s); sending the rest",
            len(orders) - len(kept),
            len(orders),
            refused.reason,
        )
    return await _submit(client, seat, version, kept)


async def run_remote_bot(
    url: str,
    room: str,
    make_bot: Callable[[str], Decider],
    *,
    name: str,
    seat: str | None = None,
    key: str | None = None,
    seat_file: Path | None = None,
    attempts: int = 30,
    backoff: float = 1.0,
) -> dict[str, Any]:
    """Take a seat in `room` (or get a saved one back), build its bot with
    `make_bot(agency)`, and play to the end, reconnecting with the seat token when the
    connection drops. Gives up after `attempts` failures in a row (waiting `backoff`
    seconds after the first, doubling up to 30 s), when the seat is lost, or when the
    server refuses the seat for good (e.g. `unauthorised`). Returns the outcome."""
    held: SeatKey | None = None
    bot: Decider | None = None
    if seat_file is not None and seat_file.exists():
        saved = SeatKey.load(seat_file)
        if saved.room == room:
            held = saved
    retry = Retry.doubling(attempts, backoff)
    clients = Client.connections(url, name, retry=retry, client="lunar-race-bot")
    async with contextlib.aclosing(clients):
        async for client in clients:
            try:
                held = await _take_seat(client, room, held, seat, key, seat_file)
            except Disconnected as exc:
                await retry.again(exc)
                continue
            except Refused as refused:
                if not refused.transient:
                    raise  # e.g. unauthorised: the seat token will not work next time either
                await retry.again(refused)
                continue
            retry.succeeded()
            if bot is None:
                bot = make_bot(held.seat)
            try:
                return await play_seat(client, held, bot)
            except Disconnected as exc:
                logger.warning("disconnected (%s); rejoining with the seat token", exc)
                await retry.again(exc)
    raise AssertionError("websockets' connect() iterates until it raises")


async def _take_seat(
    client: Client,
    room: str,
    held: SeatKey | None,
    seat: str | None,
    key: str | None,
    seat_file: Path | None,
) -> SeatKey:
    """Join (a first connection) or rejoin with the seat token, and be ready in the lobby."""
    if held is None:
        held = await client.join(room, seat, key=key)
        if seat_file is not None:
            held.save(seat_file)
        await client.ready(held)
    else:
        reply = await client.rejoin(held)
        if reply["info"]["phase"] == "lobby":
            await client.ready(held)
    return held
