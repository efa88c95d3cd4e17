"""Starting anyway on a damaged store: what cannot be read is set aside, never deleted.

`serve` refuses a damaged store (`StoreDamaged`) and says how to go on:
`--quarantine-damaged`. Then the store as it was is kept in
`quarantine/<UTC time>/` beside it, and the server starts with what can be read:

* damaged rooms in a sound file: the file is copied there whole, and the damaged rooms
  (every row of theirs) are removed from the live store;
* a damaged file (not a database, failing SQLite's check, or empty): the file and its log
  are moved there, and every row that can still be read is copied into a new store, room by
  room; a room whose rows cannot all be read stays behind.

Either way the copy in `quarantine/` holds everything the store held, for a later look.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from pathlib import Path

from server import log
from server.backup import copy_store
from server.limits import Limits
from server.migrations import SchemaError
from server.room import Room
from server.store import FILE_NAME, Store, StoreDamaged

FOLDER = "quarantine"
ROOM_TABLES = ("seats", "orders", "snapshots", "turns", "chat")  # rows keyed by `room`


def open_store(
    data: Path, limits: Limits, *, durable: bool = False, quarantine: bool = False
) -> tuple[Store, list[Room]]:
    """The store in `data` and the rooms to serve from it. A damaged store is logged and
    refused (StoreDamaged), or with `quarantine` set aside as the module says."""
    try:
        store = Store(data, durable=durable)
    except SchemaError as exc:
        log.event("store_refused", logging.ERROR, file=str(data / FILE_NAME), reason=str(exc))
        raise
    except StoreDamaged as damage:
        _log_damage(damage, quarantine)
        if not quarantine:
            raise
        folder, left = set_file_aside(data, durable=durable)
        log.event("store_quarantined", logging.WARNING, folder=str(folder), rooms=left)
        store = Store(data, durable=durable)
    if store.migrated:
        log.event("store_migrated", file=str(store.path), schema=store.migrated[-1])
    try:
        rooms = store.load_rooms(time.time(), limits.finished_keep, limits.chat_history)
    except StoreDamaged as damage:
        _log_damage(damage, quarantine)
        if not quarantine:
            store.close()
            raise
        folder = set_rooms_aside(store, damage.rooms)
        log.event("store_quarantined", logging.WARNING, folder=str(folder), rooms=damage.rooms)
        rooms = store.load_rooms(time.time(), limits.finished_keep, limits.chat_history)
    return store, rooms


def _log_damage(damage: StoreDamaged, quarantine: bool) -> None:
    log.event(
        "store_damaged",
        logging.ERROR,
        file=str(damage.path),
        damage=damage.problems,
        rooms=damage.rooms,
        quarantine=quarantine,
    )


def quarantine_folder(data: Path, now: float | None = None) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    folder = data / FOLDER / stamp
    n = 1
    while folder.exists():
        n += 1
        folder = data / FOLDER / f"{stamp}-{n}"
    folder.mkdir(parents=True)
    return folder


def set_rooms_aside(store: Store, rooms: list[str]) -> Path:
    """Keep a copy of the whole store in quarantine, then remove `rooms` from it."""
    folder = quarantine_folder(store.path.parent)
    copy_store(store.db, folder / FILE_NAME)
    with store._transaction():
        for room in rooms:
            store.db.execute("DELETE FROM chat WHERE room=?", (room,))
            store.db.execute("DELETE FROM rooms WHERE id=?", (room,))  # the rest cascades
    return folder


def set_file_aside(data: Path, *, durable: bool = False) -> tuple[Path, list[str]]:
    """Move the damaged store file (and its log) into quarantine and make a new store of
    every room whose rows can all be read. Returns the folder and the rooms left behind."""
    folder = quarantine_folder(data)
    for suffix in ("", "-wal", "-shm"):
        source = data / (FILE_NAME + suffix)
        if source.exists():
            os.replace(source, folder / source.name)
    store = Store(data, durable=durable)
    left: list[str] = []
    try:
        old = sqlite3.connect(f"{(folder / FILE_NAME).as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        store.close()
        return folder, left
    try:
        try:
            ids = [row[0] for row in old.execute("SELECT id FROM rooms")]
        except sqlite3.Error:
            ids = []
        for room in ids:
            try:
                rows = _room_rows(old, room)
            except sqlite3.Error:
                left.append(room)
                continue
            with store._transaction():
                for table, (columns, values) in rows.items():
                    _insert(store.db, table, columns, values)
        for table, query in (("chat", "SELECT * FROM chat WHERE room=''"), ("bans", None)):
            with contextlib.suppress(sqlite3.Error):  # the lobby's chat, the admin's bans
                columns, values = _rows(old, query or f"SELECT * FROM {table}", ())
                with store._transaction():
                    _insert(store.db, table, columns, values)
    finally:
        old.close()
        store.close()
    return folder, left


Rows = tuple[list[str], list[tuple[object, ...]]]


def _rows(db: sqlite3.Connection, query: str, args: tuple[object, ...]) -> Rows:
    cursor = db.execute(query, args)
    values = cursor.fetchall()
    return [d[0] for d in cursor.description], values


def _room_rows(db: sqlite3.Connection, room: str) -> dict[str, Rows]:
    rows = {"rooms": _rows(db, "SELECT * FROM rooms WHERE id=?", (room,))}
    for table in ROOM_TABLES:
        rows[table] = _rows(db, f"SELECT * FROM {table} WHERE room=?", (room,))
    return rows


def _insert(db: sqlite3.Connection, table: str, columns: list[str], values: list[tuple]) -> None:
    if not values:
        return
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    db.executemany(f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})", values)


def refusal(damage: StoreDamaged) -> str:
    """What `serve` says when it will not start on a damaged store."""
    lines = [f"the store {damage.path} is damaged:"]
    lines += [f"  - {problem}" for problem in damage.problems]
    lines.append(
        "To start without what is damaged, run again with "
        "--quarantine-damaged: the store as it is now is kept in "
        f"{damage.path.parent / FOLDER}/ and the server serves what can be read."
    )
    return "\n".join(lines)
