"""`lunar-race bot` seats a bot in a room on a real server and plays it to the end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from game.net.client import Client
from tests.server.conftest import run, scaled, start_server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "json_lines_bot.py"


@pytest.mark.parametrize(
    "spec",
    ["random", f"cmd:{sys.executable} {EXAMPLE}"],
    ids=["built-in", "program"],
)
def test_a_remote_bot_joins_gets_ready_and_plays_to_the_outcome(tmp_path: Path, spec) -> None:
    server = start_server(tmp_path)
    try:

        async def create() -> tuple[Client, dict]:
            host = await Client.connect(server.url, "Host")
            created = await host.create_room(
                "bots", turns=2, deadline=scaled(10), ai_level="random", seed=2
            )
            return host, created

        async def body() -> dict:
            host, created = await create()
            room = created["room"]
            bot = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "game",
                    "bot",
                    "--connect",
                    server.url,
                    "--room",
                    room,
                    "--bot",
                    spec,
                    "--seat",
                    "csa",
                    "--seat-file",
                    str(tmp_path / "seat.json"),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            try:
                update = await host.spectate(room)
                while not any(s["agency"] == "csa" and s["ready"] for s in update["info"]["seats"]):
                    update = await host.wait_for("room", room=room)
                await host.start(room, created["host_token"])
                over = await host.wait_for("over", room=room)
                out, err = bot.communicate(timeout=scaled(20))
            finally:
                if bot.poll() is None:
                    bot.kill()
            assert bot.returncode == 0, err.decode()
            assert json.loads(out) == over["outcome"]
            await host.close()
            return over

        over = run(body())
        assert over["outcome"]["scores"]["csa"]
        assert (tmp_path / "seat.json").exists()
    finally:
        server.terminate()


def test_a_remote_bot_comes_back_after_the_server_is_killed(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    bot: subprocess.Popen[bytes] | None = None
    try:
        kept: dict = {}

        async def before() -> None:
            host = await Client.connect(server.url, "Host")
            created = await host.create_room(
                "crash", turns=3, deadline=scaled(60), ai_level="random", seed=8
            )
            room = created["room"]
            me = await host.join(room, "esa")
            await host.ready(me)
            nonlocal bot
            bot = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "game",
                    "bot",
                    "--connect",
                    server.url,
                    "--room",
                    room,
                    "--bot",
                    "random",
                    "--seat",
                    "csa",
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            update = await host.wait_for("room", room=room)
            while not any(s["agency"] == "csa" and s["ready"] for s in update["info"]["seats"]):
                update = await host.wait_for("room", room=room)
            await host.start(room, created["host_token"])
            status = await host.wait_for("status", room=room)
            while not any(s["agency"] == "csa" and s["submitted"] for s in status["seats"]):
                status = await host.wait_for("status", room=room)  # the bot has played
            kept.update(room=room, me=me)
            await host.close()

        run(before())
        server.kill9()
        server.start(server.port)  # same address: the bot reconnects there

        async def after() -> dict:
            client = await Client.connect(server.url, "Host")
            await client.rejoin(kept["me"])
            from game.ai import create_bot
            from game.net.play import play_seat

            update = await client.wait_for("turn", room=kept["room"])
            await client.submit(kept["me"], update["version"], [])
            outcome = await play_seat(client, kept["me"], create_bot("random", "esa", 3))
            await client.close()
            return outcome

        outcome = run(after())
        assert bot is not None
        out, err = bot.communicate(timeout=scaled(30))
        assert bot.returncode == 0, err.decode()[-2000:]
        assert json.loads(out) == outcome
        assert "rejoining" in err.decode()
    finally:
        if bot is not None and bot.poll() is None:
            bot.kill()
        server.terminate()
