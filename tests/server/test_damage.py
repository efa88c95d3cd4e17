"""A damaged store: a clear, logged refusal naming the file and the damage, and a way to start
anyway with what can be read, the damaged part set aside in quarantine, never deleted."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from server.limits import Limits
from server.process import serve_command
from server.quarantine import FOLDER, open_store
from server.room import Room, RoomSettings
from server.store import FILE_NAME, Store, StoreDamaged
from tests.server.conftest import scaled, start_server

NOW = 1_800_000_000.0


def _room(room_id: str) -> Room:
    settings = RoomSettings.from_wire(
        {
            "name": room_id,
            "scenario": "2021",
            "seats": ["nasa", "cnsa"],
            "ai_seats": ["cnsa"],
            "turns": 5,
            "deadline": 60.0,
            "first_deadline": 60.0,
            "ai_level": "random",
            "visibility": "public",
            "spectators": True,
            "seed": 5,
        }
    )
    room, _host, _key = Room.open(room_id, settings, NOW)
    return room


def _store_with(data: Path, *ids: str, started: str | None = None) -> None:
    store = Store(data)
    for room_id in ids:
        room = _room(room_id)
        if room_id == started:
            room.start(NOW)
            store.save_start(room, NOW)
        else:
            store.save_room(room)
    store.close()


def _garble(data: Path, sql: str, *args: object) -> None:
    db = sqlite3.connect(data / FILE_NAME)
    db.execute(sql, args)
    db.commit()
    db.close()


def _serve(data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`serve` on a store it should refuse: it must exit, not listen."""
    return subprocess.run(
        serve_command(data, data / "port", "--workers", "0", *extra),
        capture_output=True,
        text=True,
        timeout=scaled(60),
    )


def _logged(stderr: str, name: str) -> dict:
    for line in stderr.splitlines():
        if line.startswith("{") and json.loads(line).get("event") == name:
            return json.loads(line)
    raise AssertionError(f"no {name} event in:\n{stderr}")


def test_an_empty_store_file_is_an_error_not_a_fresh_start(tmp_path: Path) -> None:
    _store_with(tmp_path, "alpha")
    (tmp_path / FILE_NAME).write_bytes(b"")
    done = _serve(tmp_path)
    assert done.returncode == 1
    assert str(tmp_path / FILE_NAME) in done.stderr
    assert "empty (0 bytes)" in done.stderr
    assert "--quarantine-damaged" in done.stderr
    assert "Traceback" not in done.stderr
    assert _logged(done.stderr, "store_damaged")["file"] == str(tmp_path / FILE_NAME)
    assert (tmp_path / FILE_NAME).stat().st_size == 0  # left as it was found


def test_a_file_that_is_not_a_database_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StoreDamaged) as caught:
        Store(tmp_path)
    assert caught.value.path == tmp_path / FILE_NAME
    assert "not a database" in str(caught.value)


def test_one_garbled_row_is_refused_naming_its_room(tmp_path: Path) -> None:
    _store_with(tmp_path, "alpha", "beta", "gamma", started="beta")
    _garble(tmp_path, "UPDATE snapshots SET state=? WHERE room='beta'", b"\xc1garbage")
    done = _serve(tmp_path)
    assert done.returncode == 1
    assert "room 'beta'" in done.stderr and str(tmp_path / FILE_NAME) in done.stderr
    assert "Traceback" not in done.stderr
    assert _logged(done.stderr, "store_damaged")["rooms"] == ["beta"]


def test_quarantine_sets_the_damaged_room_aside_and_serves_the_others(tmp_path: Path) -> None:
    _store_with(tmp_path, "alpha", "beta", "gamma", started="beta")
    _garble(tmp_path, "UPDATE rooms SET settings='{not json' WHERE id='gamma'")
    store, rooms = open_store(tmp_path, Limits(), quarantine=True)
    store.close()
    assert sorted(room.id for room in rooms) == ["alpha", "beta"]
    kept = list((tmp_path / FOLDER).glob(f"*/{FILE_NAME}"))
    assert len(kept) == 1
    db = sqlite3.connect(kept[0])
    assert db.execute("SELECT settings FROM rooms WHERE id='gamma'").fetchone() == ("{not json",)
    db.close()
    store, rooms = open_store(tmp_path, Limits())  # a clean start from now on
    store.close()
    assert sorted(room.id for room in rooms) == ["alpha", "beta"]


def test_quarantine_of_a_damaged_file_keeps_it_and_starts_from_what_reads(
    tmp_path: Path,
) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"")
    store, rooms = open_store(tmp_path, Limits(), quarantine=True)
    store.close()
    assert rooms == []
    kept = list((tmp_path / FOLDER).glob(f"*/{FILE_NAME}"))
    assert [path.stat().st_size for path in kept] == [0]


def test_a_damaged_page_is_refused_then_the_readable_rooms_are_salvaged(tmp_path: Path) -> None:
    _store_with(tmp_path, "alpha", "beta", started="alpha")
    store = Store(tmp_path)
    store.add_ban("name", "Troll", "spam", NOW)
    store.close()
    path = tmp_path / FILE_NAME
    size = path.stat().st_size
    page = 4096
    with path.open("r+b") as fh:  # wreck the last page: the index or rows stored there
        fh.seek(size - page)
        fh.write(b"\xff" * page)
    with pytest.raises(StoreDamaged):
        open_store(tmp_path, Limits())
    started = time.monotonic()
    store, rooms = open_store(tmp_path, Limits(), quarantine=True)
    bans = store.bans()
    store.close()
    assert time.monotonic() - started < scaled(10)
    assert {room.id for room in rooms} == {"alpha", "beta"}  # the page was an index's
    assert list((tmp_path / FOLDER).glob(f"*/{FILE_NAME}"))
    assert [ban[:2] for ban in bans] == [("name", "Troll")]


def test_a_store_that_cannot_be_opened_is_no_damage(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).mkdir()  # a folder where the file should be
    with pytest.raises(OSError, match="unable to open"):
        Store(tmp_path)


def test_a_second_server_on_the_same_data_folder_is_refused(tmp_path: Path) -> None:
    first = start_server(tmp_path)
    try:
        assert first.proc is not None
        done = _serve(first.data)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert f"in use by another server (process {first.proc.pid})" in done.stderr
    finally:
        assert first.terminate() == 0
    again = start_server(tmp_path)  # the lock went with the first server
    again.terminate()
