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
import logging
import sqlite3
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack

from game import rules
from game.protocol.codec import encode
from game.protocol.messages import Control, Phase
from game.rules import Command, orders_to_wire
from server import log, refound
from server.migrations import SchemaError, migrate
from server.room import Room, RoomSettings, Seat, Submission
from server.snapshot import decode_state

CHECKPOINT_EVERY = 1.0  # seconds between checkpoints of the write-ahead log
FILE_NAME = "lunar-race.sqlite"


class StoreDamaged(RuntimeError):
    """The store cannot be served as it is: the file, and what is wrong with it. `rooms`
    names the rooms whose rows are damaged when the file itself is sound."""

    def __init__(self, path: Path, problems: list[str], rooms: list[str] | None = None) -> None:
        self.path = path
        self.problems = problems
        self.rooms = rooms or []
        super().__init__(f"{path}: " + "; ".join(problems))


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
        """Open the store in `folder`, made there if there is none, brought to the current
        schema if it is older (`self.migrated`: the versions it passed through). Raises
        StoreDamaged if the file is not a sound store, SchemaError if it is newer."""
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE_NAME
        self._check_file()
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.OperationalError as exc:
            raise OSError(f"{self.path}: {exc}") from None
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=5000")
            self.db.execute("PRAGMA wal_autocheckpoint=0")  # the checkpoint thread does them
            problems = [row[0] for row in self.db.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                raise StoreDamaged(self.path, problems)
            self.migrated = migrate(self.db, self.path)
        except sqlite3.OperationalError as exc:
            # Not damage: the file cannot be opened or written (a folder in its place, no
            # permission, a full disk, another server holding it). No case for quarantine.
            self.db.close()
            raise OSError(f"{self.path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreDamaged(self.path, [str(exc)]) from None
        except (StoreDamaged, SchemaError):
            self.db.close()
            raise

        self._stop_checkpoints = threading.Event()
        self._checkpointer = threading.Thread(
            target=self._checkpoints, name="lunar-race-checkpoint", daemon=True
        )
        self._checkpointer.start()

    def _check_file(self) -> None:
        """A store that ought to be here and is not: an empty file (SQLite writes the schema
        at once, so a 0-byte file was truncated), or a write-ahead log without its database."""
        wal = self.path.with_name(self.path.name + "-wal")
        if self.path.exists() and self.path.stat().st_size == 0:
            raise StoreDamaged(
                self.path,
                ["the file is empty (0 bytes): it was truncated, or a copy of it failed"],
            )
        if not self.path.exists() and wal.exists() and wal.stat().st_size > 0:
            raise StoreDamaged(self.path, [f"the file is missing but its log {wal.name} is here"])

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

    def bans(self) -> list[tuple[str, str, str, float]]:
        """Every ban the admin made: (kind, value, reason, when)."""
        return self.db.execute("SELECT kind, value, reason, at FROM bans ORDER BY at").fetchall()

    def add_ban(self, kind: str, value: str, reason: str, at: float) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO bans (kind, value, reason, at) VALUES (?, ?, ?, ?)",
            (kind, value, reason, at),
        )

    def remove_ban(self, kind: str, value: str) -> None:
        self.db.execute("DELETE FROM bans WHERE kind=? AND value=?", (kind, value))

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
        """Every room to serve again: unfinished ones, and finished ones still kept. A match
        whose snapshots older rules wrote is played again under these (`server.refound`).
        Raises StoreDamaged naming every room that cannot be read, after reading them all."""
        rooms = []
        damaged: list[str] = []
        problems: list[str] = []
        ids = self.db.execute(
            "SELECT id FROM rooms WHERE phase != ? OR finished >= ? ORDER BY created",
            (str(Phase.OVER), now - keep_finished),
        ).fetchall()
        for (room_id,) in ids:
            try:
                room = self.load_room(room_id, chat_history)
            except Exception as exc:  # any fault in any row of the room: it is damaged
                damaged.append(room_id)
                problems.append(f"room {room_id!r}: {type(exc).__name__}: {exc}")
                continue
            if room is not None:
                rooms.append(room)
        if damaged:
            raise StoreDamaged(self.path, problems, damaged)
        return rooms

    def load_room(self, room_id: str, chat_history: int) -> Room | None:
        """One room as it was stored; None for a finished match older rules played, which
        is left in the store but not served again (its replay needs those rules)."""
        row = self.db.execute(
            "SELECT settings, host_hash, key_hash, created, phase, outcome, finished"
            " FROM rooms WHERE id=?",
            (room_id,),
        ).fetchone()
        if row is None:
            raise LookupError(f"no room {room_id}")
        settings, host_hash, key_hash, created, phase, outcome, finished = row
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
        if room.phase is Phase.LOBBY:
            return room
        if self._older_rules(room):
            if room.phase is Phase.OVER:
                return None
            self._refound(room)
        self._restore_match(room)
        return room

    def _older_rules(self, room: Room) -> bool:
        row = self.db.execute(
            "SELECT state FROM snapshots WHERE room=? ORDER BY turn DESC LIMIT 1", (room.id,)
        ).fetchone()
        return row is not None and refound.made_by_older_rules(row[0])

    def _refound(self, room: Room) -> None:
        """Play the match again under these rules from its stored orders, and store it so."""
        first, last = self.db.execute(
            "SELECT (SELECT state FROM snapshots WHERE room=?1 ORDER BY turn LIMIT 1),"
            " (SELECT turn FROM snapshots WHERE room=?1 ORDER BY turn DESC LIMIT 1)",
            (room.id,),
        ).fetchone()
        played = [(t.turn, t.orders) for t in self.played_turns(room.id)]
        pending: dict[str, tuple[list[Any], bool]] = {}
        for agency, orders, final in self.db.execute(
            "SELECT agency, orders, final FROM orders WHERE room=? AND turn=? ORDER BY id",
            (room.id, last),
        ):
            pending[agency] = (_unpack(orders), bool(final))
        again = refound.refound(room.settings, played, pending, refound.stored_intel_secret(first))
        now = time.time()
        with self._transaction():
            for table in ("snapshots", "turns"):
                self.db.execute(f"DELETE FROM {table} WHERE room=?", (room.id,))
            self.db.execute("DELETE FROM orders WHERE room=? AND turn>=?", (room.id, last))
            self.db.executemany(
                "INSERT INTO snapshots (room, turn, state, events, deadline, at)"
                " VALUES (?, ?, ?, ?, NULL, ?)",
                [(room.id, turn, state, _pack(seen), now) for turn, state, seen in again.snapshots],
            )
            self.db.executemany(
                "INSERT INTO turns (room, turn, orders, state_hash) VALUES (?, ?, ?, ?)",
                [(room.id, turn, _pack(wire), h) for turn, wire, h in again.turns],
            )
            turn = again.snapshots[-1][0]
            self.db.executemany(
                "INSERT INTO orders (room, turn, version, agency, orders, final, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (room.id, turn, again.version, agency, _pack(wire), int(final), now)
                    for agency, (wire, final) in again.pending.items()
                ],
            )
            if again.outcome is not None:
                room.phase = Phase.OVER
                room.outcome = again.outcome
                room.finished = now
                self.db.execute(
                    "UPDATE rooms SET phase=?, outcome=?, finished=? WHERE id=?",
                    (str(room.phase), _pack(room.outcome), now, room.id),
                )
        log.event(
            "match_refounded",
            logging.WARNING,
            room=room.id,
            turn=turn,
            kept_orders=again.kept,
            dropped_orders=again.dropped,
            over=again.outcome is not None,
        )

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
