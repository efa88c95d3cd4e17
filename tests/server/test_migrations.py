"""A data folder from an earlier version opens in this one: the schema is migrated in order,
a copy is kept first, and a match older rules played resumes under these rules."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from game import rules
from game.ai import create_bot
from game.net.client import Client, SeatKey
from game.protocol.messages import Phase
from server.migrations import SCHEMA_VERSION, STEPS, SchemaError
from server.process import serve_command
from server.refound import refound
from server.room import RoomSettings
from server.snapshot import decode_state, encode_state
from server.store import FILE_NAME, Store
from server.turns import resolve
from tests.server.conftest import run, scaled, start_server

OLD = Path(__file__).parent / "data" / "efd6cfe"  # written by make_old_store.py


def _old_folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(OLD / FILE_NAME, data / FILE_NAME)
    return data


def _settings() -> RoomSettings:
    return RoomSettings.from_wire(
        {
            "name": "Again",
            "scenario": "2021",
            "seats": ["nasa", "cnsa", "esa"],
            "ai_seats": ["cnsa", "esa"],
            "turns": None,
            "deadline": 60.0,
            "first_deadline": 60.0,
            "ai_level": "random",
            "visibility": "public",
            "spectators": True,
            "seed": 77,
        }
    )


def _schema(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0])
    finally:
        db.close()


def test_a_new_store_is_made_at_the_current_schema(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.migrated == []
    store.close()
    assert _schema(tmp_path / FILE_NAME) == SCHEMA_VERSION == 1 + len(STEPS)


def test_the_efd6cfe_store_is_migrated_with_a_copy_kept(tmp_path: Path) -> None:
    data = _old_folder(tmp_path)
    assert _schema(data / FILE_NAME) == 1
    store = Store(data)
    assert store.migrated == list(range(2, SCHEMA_VERSION + 1))
    store.close()
    assert _schema(data / FILE_NAME) == SCHEMA_VERSION
    kept = data / f"{FILE_NAME}.schema-1.bak"
    assert _schema(kept) == 1
    again = Store(data)  # a second start has nothing to do
    assert again.migrated == []
    again.close()


def test_a_store_from_a_newer_server_is_refused(tmp_path: Path) -> None:
    Store(tmp_path).close()
    db = sqlite3.connect(tmp_path / FILE_NAME)
    db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION + 1),))
    db.commit()
    db.close()
    with pytest.raises(SchemaError, match="newer server"):
        Store(tmp_path)
    done = subprocess.run(
        serve_command(tmp_path, tmp_path / "port", "--workers", "0"),
        capture_output=True,
        text=True,
        timeout=scaled(60),
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "newer server" in done.stderr and '"event":"store_refused"' in done.stderr


def test_the_efd6cfe_rooms_load_and_its_match_is_played_again_under_these_rules(
    tmp_path: Path,
) -> None:
    store = Store(_old_folder(tmp_path))
    rooms = {room.id: room for room in store.load_rooms(1e12, 1e13, 50)}
    # The finished match needs its own rules for its replay: kept in the store, not served.
    assert set(rooms) == {"moonbase", "waiting"}
    match = rooms["moonbase"]
    assert match.phase is Phase.PLAYING
    assert match.turn == 3
    assert match.seats["nasa"].player == "Ada"
    assert "nasa" in match.final  # the acknowledged orders for turn 3 are still on file
    assert [t.turn for t in store.played_turns("moonbase")] == [0, 1, 2]
    assert rooms["waiting"].seats["nasa"].player == "Grace"
    store.close()
    reopened = Store(tmp_path / "data")  # stored under these rules: nothing to do again
    again = {room.id: room for room in reopened.load_rooms(1e12, 1e13, 50)}
    assert again["moonbase"].state.to_wire() == match.state.to_wire()
    reopened.close()


def test_a_player_of_an_efd6cfe_match_rejoins_and_plays_on(tmp_path: Path) -> None:
    tokens = json.loads((OLD / "tokens.json").read_text())
    _old_folder(tmp_path)
    server = start_server(tmp_path)
    try:

        async def body() -> None:
            ada = await Client.connect(server.url, "Ada")
            seat = SeatKey("moonbase", "nasa", tokens["tokens"]["moonbase/nasa"])
            joined = await ada.rejoin(seat)
            assert joined["info"]["phase"] == "playing"
            update = await ada.wait_for("turn", timeout=scaled(10), room="moonbase")
            assert update["turn"] == 3
            ack = await ada.submit(seat, update["version"], [], final=True)
            assert ack["turn"] == 3
            grace = await Client.connect(server.url, "Grace")
            waiting = SeatKey("waiting", "nasa", tokens["tokens"]["waiting/nasa"])
            assert (await grace.rejoin(waiting))["info"]["phase"] == "lobby"
            for client in (ada, grace):
                await client.close()

        run(body())
    finally:
        server.terminate()
    assert '"event":"match_refounded"' in server.logs()
    assert '"event":"store_migrated"' in server.logs()


def test_a_match_replayed_with_orders_these_rules_accept_comes_out_the_same() -> None:
    settings = _settings()
    secret = 12345
    state = rules.new_match(
        "2021", seed=settings.seed, agencies=list(settings.seats), intel_secret=secret
    )
    bots = {a: create_bot("random", a, n) for n, a in enumerate(settings.seats)}
    played = []
    snapshot = encode_state(state)
    for _ in range(3):
        current = decode_state(snapshot)
        orders = {
            a: bot.decide(rules.view(current, a), rules.legal_commands(current, a))
            for a, bot in bots.items()
        }
        played.append((current.turn, {a: rules.orders_to_wire(o) for a, o in orders.items()}))
        resolved = resolve(snapshot, orders, [])
        snapshot = resolved.snapshot
    again = refound(settings, played, {}, secret)
    assert again.dropped == 0 and again.kept == sum(len(o) for _t, p in played for o in p.values())
    assert [turn for turn, _s, _e in again.snapshots] == [0, 1, 2, 3]
    assert again.turns[-1][2] == resolved.state_hash
    assert again.snapshots[-1][1] == snapshot
