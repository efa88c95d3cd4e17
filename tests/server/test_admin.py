"""Running a server: admin commands behind the admin token, bans that hold across restarts,
/metrics for Prometheus, and backups taken while the server writes."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from game.net.client import Client, Refused
from game.protocol.errors import CloseCode, ErrorCode
from server.app import GameServer
from server.backup import backup_file
from server.limits import Limits
from server.metrics import Timings
from server.store import FILE_NAME, Store
from tests.server.conftest import run, scaled

TOKEN = "admin-token-for-tests-0123456789"


def _with_server(
    tmp_path: Path, body: Callable[[GameServer, str], Awaitable[None]], token: str = TOKEN
) -> None:
    async def main() -> None:
        server = GameServer(Store(tmp_path), Limits(), workers=0, admin_token=token)
        url = f"ws://127.0.0.1:{await server.start('127.0.0.1', 0)}"
        try:
            await body(server, url)
        finally:
            await server.stop()

    run(main())


async def _admin(client: Client, command: str, token: str = TOKEN, **fields: Any) -> Any:
    reply = await client.request("admin", admin_token=token, command=command, **fields)
    assert reply["t"] == "admin" and reply["command"] == command
    return reply["result"]


def test_a_wrong_token_or_no_token_on_the_server_is_refused(tmp_path: Path) -> None:
    async def body(server: GameServer, url: str) -> None:
        client = await Client.connect(url, "Mallory")
        with pytest.raises(Refused) as caught:
            await _admin(client, "rooms", token="guess")
        assert caught.value.code is ErrorCode.UNAUTHORISED
        await client.close()

    _with_server(tmp_path / "a", body)

    async def none(server: GameServer, url: str) -> None:
        client = await Client.connect(url, "Mallory")
        with pytest.raises(Refused, match="no admin token"):
            await _admin(client, "rooms", token="anything")
        await client.close()

    _with_server(tmp_path / "b", none, token="")


def test_the_admin_lists_every_room_and_closes_one(tmp_path: Path) -> None:
    async def body(server: GameServer, url: str) -> None:
        host = await Client.connect(url, "Ada")
        hidden = await host.create_room("Hidden", visibility="private")
        seat = await host.join(hidden["room"], "esa", key=hidden["key"])
        admin = await Client.connect(url, "admin")
        listed = await _admin(admin, "rooms")
        assert [room["id"] for room in listed] == [hidden["room"]]
        assert await _admin(admin, "close", room=hidden["room"]) == {"room": hidden["room"]}
        kicked = await host.wait_for("kicked", timeout=scaled(5))
        assert (kicked["room"], kicked["seat"], kicked["reason"]) == (
            hidden["room"],
            seat.seat,
            "closed",
        )
        assert await _admin(admin, "rooms") == []
        assert server.store.db.execute("SELECT count(*) FROM rooms").fetchone() == (0,)
        for client in (host, admin):
            await client.close()

    _with_server(tmp_path, body)


def test_a_kick_closes_that_name_only(tmp_path: Path) -> None:
    async def body(server: GameServer, url: str) -> None:
        troll = await Client.connect(url, "Troll")
        bystander = await Client.connect(url, "Bystander")
        admin = await Client.connect(url, "admin")
        result = await _admin(admin, "kick", name="Troll")
        assert result["closed"] == 1
        closed = await troll.wait_for("closed", timeout=scaled(5))
        assert closed["code"] == CloseCode.ADMIN_CLOSED
        assert await bystander.rooms() == []  # still served
        again = await Client.connect(url, "Troll")  # a kick is not a ban
        for client in (bystander, admin, again):
            await client.close()

    _with_server(tmp_path, body)


def test_a_ban_by_name_and_by_address_holds_across_a_restart(tmp_path: Path) -> None:
    async def ban(server: GameServer, url: str) -> None:
        troll = await Client.connect(url, "Troll")
        admin = await Client.connect(url, "admin")
        assert (await _admin(admin, "ban", name="Troll", text="spam"))["closed"] == 1
        assert (await troll.wait_for("closed", timeout=scaled(5)))["code"] == 4003
        with pytest.raises(Refused) as caught:
            await Client.connect(url, "Troll")
        assert caught.value.code is ErrorCode.BANNED
        await _admin(admin, "ban", address="192.0.2.7")
        bans = await _admin(admin, "bans")
        assert [(b["kind"], b["value"]) for b in bans] == [
            ("name", "Troll"),
            ("address", "192.0.2.7"),
        ]
        await admin.close()

    _with_server(tmp_path, ban)

    async def after_restart(server: GameServer, url: str) -> None:
        with pytest.raises(Refused):
            await Client.connect(url, "Troll")
        admin = await Client.connect(url, "admin")
        with pytest.raises(Refused, match="shut the admin out"):
            await _admin(admin, "ban", address="127.0.0.1")
        await _admin(admin, "ban", address="127.0.0.2")
        with pytest.raises(InvalidStatus) as refused:
            await connect(url, local_addr=("127.0.0.2", 0))
        assert refused.value.response.status_code == 403
        await (await Client.connect(url, "Local")).close()  # 127.0.0.1 is not banned
        assert (await _admin(admin, "unban", address="127.0.0.2"))["removed"] is True
        assert (await _admin(admin, "unban", name="Troll"))["removed"] is True
        for client in (admin, await Client.connect(url, "Troll")):
            await client.close()

    _with_server(tmp_path, after_restart)


def test_a_broadcast_reaches_every_connection(tmp_path: Path) -> None:
    async def body(server: GameServer, url: str) -> None:
        players = [await Client.connect(url, f"P{n}") for n in range(3)]
        admin = await Client.connect(url, "admin")
        result = await _admin(admin, "broadcast", text="restart at 20:00 UTC")
        assert result == {"sent": 4}
        for player in players:
            notice = await player.wait_for("notice", timeout=scaled(5))
            assert notice["text"] == "restart at 20:00 UTC"
        for client in (*players, admin):
            await client.close()

    _with_server(tmp_path, body)


def test_an_admin_backup_is_a_store_that_opens(tmp_path: Path) -> None:
    async def body(server: GameServer, url: str) -> None:
        host = await Client.connect(url, "Ada")
        created = await host.create_room("Kept")
        admin = await Client.connect(url, "admin")
        result = await _admin(admin, "backup")
        copy = Path(result["file"])
        assert copy.parent == tmp_path / "backups" and copy.stat().st_size == result["bytes"]
        db = sqlite3.connect(copy)
        assert db.execute("SELECT id FROM rooms").fetchall() == [(created["room"],)]
        db.close()
        for client in (host, admin):
            await client.close()

    _with_server(tmp_path, body)


def test_metrics_count_connections_rooms_and_acknowledgements(tmp_path: Path) -> None:
    async def body(server: GameServer, url: str) -> None:
        host = await Client.connect(url, "Ada")
        created = await host.create_room("Metered", seats=["esa", "jaxa"], ai_seats=["jaxa"])
        seat = await host.join(created["room"], "esa")
        await host.ready(seat)
        await host.start(created["room"], created["host_token"])
        update = await host.wait_for("turn", timeout=scaled(10))
        await host.submit(seat, update["version"], [], final=False)
        with pytest.raises(Refused):
            await host.join("no-such-room")

        def scrape() -> str:
            page = f"http://{url.removeprefix('ws://')}/metrics"
            with urllib.request.urlopen(page, timeout=scaled(5)) as response:
                assert response.headers["Content-Type"].startswith("text/plain")
                return str(response.read().decode())

        text = await asyncio.to_thread(scrape)
        assert "lunar_race_connections 1.0" in text
        assert 'lunar_race_rooms{phase="playing"} 1.0' in text
        assert "lunar_race_ack_seconds_count 1.0" in text
        assert 'lunar_race_ack_seconds_bucket{le="+Inf"} 1.0' in text
        assert 'lunar_race_refusals_total{code="unknown_room"} 1.0' in text
        assert "lunar_race_worker_queue" in text and "lunar_race_turn_seconds_bucket" in text
        await host.close()

    _with_server(tmp_path, body)


def test_backup_and_admin_from_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    Store(data).close()
    env = {"PATH": "", "PYTHONPATH": ":".join(sys.path), "LUNAR_RACE_ADMIN_TOKEN": TOKEN}
    done = subprocess.run(
        [sys.executable, "-m", "game", "backup", "--data", str(data), str(tmp_path / "copy.db")],
        capture_output=True,
        text=True,
        timeout=scaled(60),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "copy.db").stat().st_size == backup_file(data / FILE_NAME, tmp_path / "b")

    async def body(server: GameServer, url: str) -> None:
        host = await Client.connect(url, "Ada")
        await host.create_room("Listed")
        command = [sys.executable, "-m", "game", "admin", "rooms", "--connect", url]
        done = await asyncio.to_thread(
            subprocess.run, command, capture_output=True, text=True, timeout=60, env=env
        )
        assert done.returncode == 0, done.stderr
        assert [room["name"] for room in json.loads(done.stdout)] == ["Listed"]
        wrong = {**env, "LUNAR_RACE_ADMIN_TOKEN": "nope"}
        refused = await asyncio.to_thread(
            subprocess.run, command, capture_output=True, text=True, timeout=60, env=wrong
        )
        assert refused.returncode == 1 and "refused" in refused.stderr
        port = url.rsplit(":", 1)[1]
        settings = tmp_path / "server.toml"
        settings.write_text(f'[server]\nport = {port}\nadmin_token = "{TOKEN}"\n')
        by_file = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "game", "admin", "bans", "--config", str(settings)],
            capture_output=True,
            text=True,
            timeout=60,
            env={k: v for k, v in env.items() if k != "LUNAR_RACE_ADMIN_TOKEN"},
        )
        assert by_file.returncode == 0, by_file.stderr
        assert json.loads(by_file.stdout) == []
        await host.close()

    _with_server(tmp_path / "served", body)


def test_a_time_on_a_bound_counts_under_that_bound() -> None:
    timings = Timings((0.01, 0.1))
    for seconds in (0.005, 0.01, 0.05, 0.1, 3.0):
        timings.observe(seconds)
    family = timings.family("t_seconds", "times")
    buckets = {s.labels["le"]: s.value for s in family.samples if s.name == "t_seconds_bucket"}
    assert buckets == {"0.01": 2, "0.1": 4, "+Inf": 5}
    assert timings.total == pytest.approx(3.165)
