"""Copies of the store, made with SQLite's online backup: consistent while the server writes.

`lunar-race backup` and the admin `backup` command write one; so does a schema migration,
before its first step. No `sqlite3` program is needed.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

PAGES_PER_STEP = 1024  # pages copied between the writer's turns (4 MiB at 4 KiB a page)


def copy_store(db: sqlite3.Connection, target: Path) -> int:
    """Copy the store open on `db` to `target` (replaced if there), by way of a partial file
    that is renamed only once complete; returns the copy's size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    try:
        db.backup(copy, pages=PAGES_PER_STEP)
    finally:
        copy.close()
    partial.replace(target)
    return target.stat().st_size


def backup_file(source: Path, target: Path) -> int:
    """Copy the store file at `source` to `target`, whether or not a server has it open."""
    if not source.is_file():
        raise FileNotFoundError(f"{source}: no store here")
    db = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    try:
        return copy_store(db, target)
    finally:
        db.close()


def default_name(now: float | None = None) -> str:
    """A backup's file name stamped with the time in UTC: lunar-race-20260301T120000Z.sqlite."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    return f"lunar-race-{stamp}.sqlite"
