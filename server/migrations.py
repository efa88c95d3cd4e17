"""The store's schema versions, and the ordered steps that bring an older data folder up to date.

The schema version is kept in the `meta` table under `schema`. Version 1 is the store every
server wrote until migrations existed (commit efd6cfe among them); each later version has one
step in `STEPS`, run in order inside one transaction, so that a folder from any earlier
version opens and a failed step leaves it as it was. Before the first step runs, a copy of
the file is kept beside it (`lunar-race.sqlite.schema-N.bak`). A store written by a newer
server than this one is refused: its steps are not known here.

What the rules keep inside a snapshot is not the schema's business: a match whose snapshots
were written by older rules is replayed under these rules when it is loaded
(`server.refound`).

Versions:

1. rooms, seats, orders, snapshots, turns, chat and meta.
2. `bans`: names and addresses an admin has banned from the whole server, kept across
   restarts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from server.backup import copy_store

BASE_SCHEMA = """
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


def _bans(db: sqlite3.Connection) -> None:
    db.execute(
        "CREATE TABLE bans (kind TEXT NOT NULL, value TEXT NOT NULL, reason TEXT NOT NULL,"
        " at REAL NOT NULL, PRIMARY KEY (kind, value))"
    )


# STEPS[n - 1] takes a store from version n to version n + 1.
STEPS: tuple[Callable[[sqlite3.Connection], None], ...] = (_bans,)
SCHEMA_VERSION = 1 + len(STEPS)


class SchemaError(RuntimeError):
    """The store's schema cannot be brought to this server's version."""


def stored_version(db: sqlite3.Connection) -> int | None:
    """The schema version the store says it has; None for a store without one yet."""
    row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    if row is None:
        return None
    try:
        return int(row[0])
    except ValueError:
        raise SchemaError(f"the schema version {row[0]!r} is not a number") from None


def migrate(db: sqlite3.Connection, path: Path) -> list[int]:
    """Bring the store open on `db` (autocommit mode) to SCHEMA_VERSION; returns the versions
    it passed through (empty if it was current). A new, empty store is created current."""
    db.executescript(BASE_SCHEMA)
    version = stored_version(db)
    if version is None:
        if db.execute("SELECT count(*) FROM rooms").fetchone()[0]:
            raise SchemaError("it holds rooms but no schema version")
        for step in STEPS:  # a new store: every step, on nothing
            step(db)
        db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        return []
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"it has schema version {version}, written by a newer server; this one reads up "
            f"to version {SCHEMA_VERSION}: upgrade the server, or restore a backup"
        )
    if version < 1:
        raise SchemaError(f"it has schema version {version}, which no server ever wrote")
    if version == SCHEMA_VERSION:
        return []
    copy_store(db, path.with_name(f"{path.name}.schema-{version}.bak"))
    passed = []
    db.execute("BEGIN IMMEDIATE")
    try:
        for number in range(version, SCHEMA_VERSION):
            STEPS[number - 1](db)
            passed.append(number + 1)
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION),))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return passed
