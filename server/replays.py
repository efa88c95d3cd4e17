"""Replays of finished matches, in the headless runner's format (game.replay), and the shelf
that keeps them once built.

A replay is rebuilt from the store: the first snapshot gives the starting hash and content,
the turns table the orders every seat played, the room its outcome. Human seats are
recorded as `human`, AI seats by their level, so `lunar-race replay` can verify a match
played on a server exactly like one played headless.

A finished match never changes, so its replay is built once - in a worker process, off the
event loop - and kept on the `ReplayShelf` under the room's id and final state version;
asking again costs a lookup. The shelf holds at most a set number of bytes and lets the
replays asked for least recently go first.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from typing import Any

from game import __version__, rules
from game.protocol.messages import Control
from game.replay import Replay, TurnRecord, content_hash, content_version, dumps
from server.room import Room
from server.snapshot import decode_state
from server.store import PlayedTurn, Store

# The bytes a replay takes a turn, before it is built (charged for a request up front).
BYTES_A_TURN = 4096


def replay_of(
    first_snapshot: bytes,
    played: list[PlayedTurn],
    scenario: str,
    seed: int,
    turn_limit: int | None,
    seats: dict[str, str],
    outcome: dict[str, Any] | None,
) -> bytes:
    """The finished match as replay-file bytes (JSON lines with checksums). Pure, so that a
    worker process can build it."""
    first = decode_state(first_snapshot)
    replay = Replay(
        game_version=__version__,
        content_hash=content_hash(first),
        content_version=content_version(first),
        intel_secret=first.intel_secret,
        scenario=scenario,
        seed=seed,
        turn_limit=turn_limit,
        agencies=list(first.agencies),
        seats=seats,
        bots=dict(seats),
        initial_hash=rules.state_hash(first),
        turns=[TurnRecord(t.turn, t.orders, [], t.state_hash) for t in played],
        outcome=outcome,
        final_hash=played[-1].state_hash if played else rules.state_hash(first),
    )
    return dumps(replay)


def replay_job(store: Store, room: Room) -> tuple[Any, ...]:
    """What `replay_of` needs for a room, read from the store (a few rows)."""
    seats = {
        agency: "human" if seat.control is Control.HUMAN else room.settings.ai_level
        for agency, seat in room.seats.items()
    }
    return (
        store.first_snapshot(room.id),
        store.played_turns(room.id),
        room.settings.scenario,
        room.settings.seed,
        room.settings.turns,
        seats,
        room.outcome,
    )


def replay_bytes(store: Store, room: Room) -> bytes:
    """The finished match as replay-file bytes, built here and now."""
    return replay_of(*replay_job(store, room))


Runner = Callable[..., Coroutine[Any, Any, bytes]]


class ReplayShelf:
    """Built replays by (room id, state version), up to `capacity` bytes in all."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.size = 0
        self.kept: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self.building: dict[tuple[str, int], asyncio.Task[bytes]] = {}

    def get(self, room: Room) -> bytes | None:
        key = (room.id, room.version)
        data = self.kept.get(key)
        if data is not None:
            self.kept.move_to_end(key)
        return data

    def cost(self, room: Room) -> int:
        """The bytes a request for the room's replay is charged: its size, once known."""
        data = self.kept.get((room.id, room.version))
        return len(data) if data is not None else BYTES_A_TURN * (room.turn + 1)

    def build(self, room: Room, store: Store, run: Runner) -> asyncio.Task[bytes]:
        """The task building the room's replay with `run` (a worker pool's), started once
        however many ask for it meanwhile; the replay goes on the shelf when built."""
        key = (room.id, room.version)
        task = self.building.get(key)
        if task is None:
            job = replay_job(store, room)
            task = asyncio.get_running_loop().create_task(run(replay_of, *job))
            self.building[key] = task
            task.add_done_callback(lambda done: self._built(key, done))
        return task

    def _built(self, key: tuple[str, int], task: asyncio.Task[bytes]) -> None:
        self.building.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return
        data = task.result()
        if len(data) > self.capacity:
            return
        self.kept[key] = data
        self.size += len(data)
        while self.size > self.capacity:
            _key, dropped = self.kept.popitem(last=False)
            self.size -= len(dropped)

    def forget(self, room_id: str) -> None:
        for key in [k for k in self.kept if k[0] == room_id]:
            self.size -= len(self.kept.pop(key))
