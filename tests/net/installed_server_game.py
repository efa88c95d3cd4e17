"""A short game on a real server, run by an installed copy of the game (not the checkout):
`lunar-race serve` on a free loopback port, a room with AI seats, and `lunar-race bot`
seated in it, played to the end. Used by tests/test_packaging.py.

    python installed_server_game.py PATH/TO/lunar-race
"""

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from game.net.client import Client


async def game(url: str, command: str) -> dict:
    host = await Client.connect(url, "Host")
    created = await host.create_room("install", turns=2, deadline=10, ai_level="random", seed=2)
    room = created["room"]
    bot = subprocess.Popen(
        [command, "bot", "--connect", url, "--room", room, "--bot", "random", "--seat", "csa"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        update = await host.spectate(room)
        while not any(s["agency"] == "csa" and s["ready"] for s in update["info"]["seats"]):
            update = await host.wait_for("room", room=room, timeout=30)
        await host.start(room, created["host_token"])
        over = await host.wait_for("over", room=room, timeout=60)
        out, err = bot.communicate(timeout=30)
    finally:
        if bot.poll() is None:
            bot.kill()
    await host.close()
    assert bot.returncode == 0, err.decode()
    assert json.loads(out) == over["outcome"]
    return over["outcome"]


def main(command: str) -> int:
    with tempfile.TemporaryDirectory() as data:
        port_file = Path(data) / "port"
        server = subprocess.Popen(
            [command, "serve", "--port", "0", "--port-file", str(port_file), "--data", data],
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 30
            while not port_file.exists() or not port_file.read_text().strip():
                if server.poll() is not None or time.monotonic() > deadline:
                    print(server.stderr.read().decode() if server.stderr else "", file=sys.stderr)
                    return 1
                time.sleep(0.05)
            url = f"ws://127.0.0.1:{int(port_file.read_text())}"
            outcome = asyncio.run(asyncio.wait_for(game(url, command), 120))
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("outcome", json.dumps(outcome["winners"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
