"""The embedded store: rooms, seats, every accepted order, per-turn snapshots and chat in SQLite.

One file, `lunar-race.sqlite` in the data folder, in WAL mode. Orders are append-only: a
replacement is a new row, the latest row of a seat for a turn is what it plays. Each resolved
turn writes, in one transaction, the orders every seat played (for replays) and a snapshot of
the new state, so that after a crash - `kill -9` included - a match resumes at the last
resolved turn with every order acknowledged since. The server acknowledges an order only
after `append_orders` has committed it; orders arriving together share one commit.

Commits are small and, with `synchronous=NORMAL`, need no fsync: they are made on the event
loop. What does need an fsync - checkpointing the write-ahead log into the database file -
happens in a thread of its own on a connection of its own, once a second, so that no commit
an acknowledgement waits for ever includes one.

With `synchronous=NORMAL` (the default) a commit survives the process being killed; with
`durable=True` (`synchronous=FULL`) it also survives the machine losing power, at the cost of
an fsync per order. Seat tokens are kept as SHA-256 digests only.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack

from game import rules
from game.protocol.codec import encode
from game.protocol.messages import Control, Phase
from game.rules import Command, orders_to_wire
from server.room import Room, RoomSettings, Seat, Submission
from server.snapshot import decode_state

SCHEMA_VERSION = 1
CHECKPOINT_EVERY = 1.0  # seconds between checkpoints of the write-ahead log
FILE_NAME = "lunar-race.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rooms (
    id TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    host_hash TEXT NOT NULL,
    key_hash TEXT,
    created REAL NOT NULL,
    phase TEXT NOT NULL,
    outcome BLOB,
    finished REAL
);
CREATE TABLE IF NOT EXISTS seats (
    room TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    agency TEXT NOT NULL,
    position INTEGER NOT NULL,
    control TEXT NOT NULL,
    player TEXT,
    token_hash TEXT,
    ready INTEGER NOT NULL,
    stand_in INTEGER NOT NULL,
    PRIMARY KEY (room, agency)
);
CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    room TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    version INTEGER NOT NULL,
    agency TEXT NOT NULL,
    orders BLOB NOT NULL,
    final INTEGER NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_turn ON orders (room, turn);
CREATE TABLE IF NOT EXISTS snapshots (
    room TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    state BLOB NOT NULL,
    events BLOB NOT NULL,
    deadline REAL,
    at REAL NOT NULL,
    PRIMARY KEY (room, turn)
);
CREATE TABLE IF NOT EXISTS turns (
    room TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    orders BLOB NOT NULL,
    state_hash TEXT NOT NULL,
    PRIMARY KEY (room, turn)
);
CREATE TABLE IF NOT EXISTS chat (
    id INTEGER PRIMARY KEY,
    room TEXT NOT NULL,
    sender TEXT NOT NULL,
    seat TEXT,
    text TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS chat_by_room ON chat (room, id);
"""


def _pack(value: Any) -> bytes:
    return encode(value)


def _unpack(data: bytes) -> Any:
    return msgpack.unpackb(data, raw=False, strict_map_key=False)


@dataclass(frozen=True, slots=True)
class PlayedTurn:
    """One resolved turn as a replay needs it: the orders every seat played."""

    turn: int
    orders: dict[str, list[dict[str, Any]]]
    state_hash: str


class Store:
    """The SQLite file behind one server. Used from the event loop's thread only (but for
    the checkpoints, which have a thread and a connection of their own)."""

    def __init__(self, folder: Path, *, durable: bool = False) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE_NAME
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.execute("PRAGMA wal_autocheckpoint=0")  # the checkpoint thread does them
        self.db.executescript(_SCHEMA)
        row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) != SCHEMA_VERSION:
            raise RuntimeError(
                f"{self.path} has store schema {row[0]}, this server reads {SCHEMA_VERSION}"
            )

        self._stop_checkpoints = threading.Event()
        self._checkpointer = threading.Thread(
            target=self._checkpoints, name="lunar-race-checkpoint", daemon=True
        )
        self._checkpointer.start()

    def _checkpoints(self) -> None:
        """Copy the write-ahead log into the database every CHECKPOINT_EVERY seconds; the
        event loop's connection goes on appending to the log meanwhile."""
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=5000")
            while not self._stop_checkpoints.wait(CHECKPOINT_EVERY):
                with contextlib.suppress(sqlite3.Error):  # busy: the next round will do
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            db.close()

    def close(self) -> None:
        self._stop_checkpoints.set()
        self._checkpointer.join()
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()

    # --- writing ----------------------------------------------------------------------
    def _write_room(self, room: Room) -> None:
        self.db.execute(
            "INSERT INTO rooms (id, settings, host_hash, key_hash, created, phase, outcome,"
            " finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " phase=excluded.phase, outcome=excluded.outcome, finished=excluded.finished",
            (
                room.id,
                json.dumps(room.settings.to_wire()),
                room.host_hash,
                room.key_hash,
                room.created,
                str(room.phase),
                _pack(room.outcome) if room.outcome is not None else None,
                room.finished,
            ),
        )
        self.db.executemany(
            "INSERT INTO seats (room, agency, position, control, player, token_hash, ready,"
            " stand_in) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(room, agency) DO UPDATE SET"
            " control=excluded.control, player=excluded.player,"
            " token_hash=excluded.token_hash, ready=excluded.ready, stand_in=excluded.stand_in",
            [
                (
                    room.id,
                    s.agency,
                    n,
                    str(s.control),
                    s.player,
                    s.token_hash,
                    int(s.ready),
                    int(s.stand_in),
                )
                for n, s in enumerate(room.seats.values())
            ],
        )

    def _write_snapshot(self, room: Room, at: float) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO snapshots (room, turn, state, events, deadline, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                room.id,
                room.turn,
                room.snapshot,
                _pack(room.events),
                room.deadline,
                at,
            ),
        )

    def save_room(self, room: Room) -> None:
        """The room and its seats as they are now (lobby changes, kicks, stand-ins)."""
        with self._transaction():
            self._write_room(room)

    def save_start(self, room: Room, at: float) -> None:
        """A match began: the room, its seats and the first snapshot, together."""
        with self._transaction():
            self._write_room(room)
            self._write_snapshot(room, at)

    def append_orders(self, batch: list[Submission], at: float) -> None:
        """Commit accepted submissions, together in one transaction (a group commit); only
        then may they be acknowledged."""
        rows = [
            (
                s.room.id,
                s.turn,
                s.version,
                s.agency,
                _pack(s.wire),
                int(s.final),
                at,
            )
            for s in batch
        ]
        with self._transaction():
            self.db.executemany(
                "INSERT INTO orders (room, turn, version, agency, orders, final, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def save_turn(
        self, room: Room, turn: int, played: dict[str, list[Command]], state_hash: str, at: float
    ) -> None:
        """A turn resolved: what each seat played, and the new state, in one transaction."""
        wire = {agency: orders_to_wire(orders) for agency, orders in played.items()}
        with self._transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO turns (room, turn, orders, state_hash) VALUES (?, ?, ?, ?)",
                (room.id, turn, _pack(wire), state_hash),
            )
            self._write_room(room)
            self._write_snapshot(room, at)

    def append_chat(self, room_id: str | None, line: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO chat (room, sender, seat, text, at) VALUES (?, ?, ?, ?, ?)",
            (room_id or "", line["from"], line["seat"], line["text"], line["time"]),
        )

    def delete_room(self, room_id: str) -> None:
        with self._transaction():
            self.db.execute("DELETE FROM rooms WHERE id=?", (room_id,))
            self.db.execute("DELETE FROM chat WHERE room=?", (room_id,))

    class _Tx:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, kind: object, *_: object) -> None:
            self.db.execute("COMMIT" if kind is None else "ROLLBACK")

    def _transaction(self) -> Store._Tx:
        return Store._Tx(self.db)

    # --- reading ----------------------------------------------------------------------
    def played_turns(self, room_id: str) -> list[PlayedTurn]:
        rows = self.db.execute(
            "SELECT turn, orders, state_hash FROM turns WHERE room=? ORDER BY turn", (room_id,)
        ).fetchall()
        return [PlayedTurn(turn, _unpack(orders), h) for turn, orders, h in rows]

    def first_state(self, room_id: str) -> Any:
        """The state the match started from (its turn-0 snapshot)."""
        return decode_state(self.first_snapshot(room_id))

    def first_snapshot(self, room_id: str) -> bytes:
        """The snapshot the match started from, as stored."""
        row = self.db.execute(
            "SELECT state FROM snapshots WHERE room=? ORDER BY turn LIMIT 1", (room_id,)
        ).fetchone()
        if row is None:
            raise LookupError(f"room {room_id} has no snapshot")
        return bytes(row[0])

    def chat_lines(self, room_id: str | None, limit: int) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT sender, seat, text, at FROM chat WHERE room=? ORDER BY id DESC LIMIT ?",
            (room_id or "", limit),
        ).fetchall()
        return [
            {"from": s, "seat": seat, "text": t, "time": at} for s, seat, t, at in reversed(rows)
        ]

    def load_rooms(self, now: float, keep_finished: float, chat_history: int) -> list[Room]:
        """Every room to serve again: unfinished ones, and finished ones still kept."""
        rooms = []
        rows = self.db.execute(
            "SELECT id, settings, host_hash, key_hash, created, phase, outcome, finished"
            " FROM rooms WHERE phase != ? OR finished >= ? ORDER BY created",
            (str(Phase.OVER), now - keep_finished),
        ).fetchall()
        for room_id, settings, host_hash, key_hash, created, phase, outcome, finished in rows:
            room = Room(
                id=room_id,
                settings=RoomSettings.from_wire(json.loads(settings)),
                host_hash=host_hash,
                key_hash=key_hash,
                created=created,
                phase=Phase(phase),
                outcome=_unpack(outcome) if outcome is not None else None,
                finished=finished,
            )
            room.chat = deque(self.chat_lines(room_id, chat_history), maxlen=chat_history)
            for agency, control, player, token_hash, ready, stand_in in self.db.execute(
                "SELECT agency, control, player, token_hash, ready, stand_in FROM seats"
                " WHERE room=? ORDER BY position",
                (room_id,),
            ):
                room.seats[agency] = Seat(
                    agency,
                    Control(control),
                    player,
                    token_hash,
                    bool(ready),
                    stand_in=bool(stand_in),
                )
            if room.phase is not Phase.LOBBY:
                self._restore_match(room)
            rooms.append(room)
        return rooms

    def _restore_match(self, room: Room) -> None:
        row = self.db.execute(
            "SELECT turn, state, events, deadline FROM snapshots WHERE room=?"
            " ORDER BY turn DESC LIMIT 1",
            (room.id,),
        ).fetchone()
        if row is None:
            raise RuntimeError(f"room {room.id} is {room.phase} but has no snapshot")
        turn, state, events, deadline = row
        room.begin_turn(decode_state(state), _unpack(events), 0.0, 0.0, snapshot=state)
        room.deadline = deadline
        version = room.version
        latest: dict[str, tuple[list[Command], bool]] = {}
        for agency, orders, final in self.db.execute(
            "SELECT agency, orders, final FROM orders WHERE room=? AND turn=? AND version=?"
            " ORDER BY id",
            (room.id, turn, version),
        ):
            latest[agency] = (rules.orders_from_wire(_unpack(orders)), bool(final))
        for agency, (orders, final) in latest.items():
            if agency in room.seats:
                room.record(agency, orders, final)
