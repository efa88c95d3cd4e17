"""What the fairness tests share: a server with small limits in its own process, clients that
come from an address of their own (through the server's trusted proxy, loopback), and a
bystander who keeps playing and timing the server's answers while an attacker does its worst.

Run as `python -m tests.server.fairness DATA PORT_FILE LIMITS_JSON [WORKERS]` it is that
server: `lunar-race serve` with every limit the test chose.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from game.net.client import Client, Refused, SeatKey, _options
from server.app import GameServer
from server.limits import Limits
from server.process import stop, wait_for_port
from server.store import Store
from tests.timing import scaled

ANSWER_GOAL = 0.1  # seconds: a bystander's p99 answer time, in the suite's time
BYSTANDER = "203.0.113.10"
ATTACKER = "198.51.100.66"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class LimitedServer:
    """`lunar-race serve`'s server with chosen limits, in a child process on 127.0.0.1, that
    believes X-Forwarded-For from loopback (so each test client can be its own address)."""

    folder: Path
    limits: dict[str, Any]
    workers: int = 0
    proc: subprocess.Popen[bytes] | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> LimitedServer:
        port_file = self.folder / "port"
        port_file.unlink(missing_ok=True)
        chosen = {"trusted_proxies": ["127.0.0.1"], **self.limits}
        with (self.folder / "server.log").open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.server.fairness",
                    str(self.folder / "data"),
                    str(port_file),
                    json.dumps(chosen),
                    str(self.workers),
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        self.port = wait_for_port(port_file, self.proc, scaled(20))
        return self

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, scaled(20))

    def logs(self) -> str:
        return (self.folder / "server.log").read_text(encoding="utf-8", errors="replace")

    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid


@contextlib.asynccontextmanager
async def server_here(folder: Path, **limits: Any) -> AsyncIterator[tuple[GameServer, str]]:
    """The same server in this process (so a test can look inside it), and its URL."""
    chosen = Limits(**{"trusted_proxies": ("127.0.0.1",), **limits})
    server = GameServer(Store(folder), chosen, workers=0)
    port = await server.start("127.0.0.1", 0)
    try:
        yield server, f"ws://127.0.0.1:{port}"
    finally:
        await server.stop()


@contextlib.contextmanager
def limited_server(folder: Path, workers: int = 0, **limits: Any) -> Iterator[LimitedServer]:
    server = LimitedServer(folder, limits, workers).start()
    try:
        yield server
    finally:
        server.stop()


async def client_from(url: str, address: str, name: str, **socket: Any) -> Client:
    """A client whose connection the proxy says comes from `address`."""
    ws = await connect(
        url,
        additional_headers={"X-Forwarded-For": address},
        **{**_options(scaled(10), None), **socket},
    )
    return await Client._greet(ws, name, "fairness-test", scaled(10), None)


async def refusal(request: Any) -> str | None:
    """The code a request was refused with, or None if it was answered."""
    try:
        await request
    except Refused as refused:
        return refused.code
    return None


@dataclass
class Bystander:
    """A player in a match of its own (its rivals are AI) who, every `every` seconds, asks
    the server a question and sends a draft of its orders, timing both answers."""

    url: str
    every: float = 0.12  # two messages each time: within the default 20 a second
    answers: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    client: Client | None = None
    seat: SeatKey | None = None
    version: int = 0

    async def sit(self, **settings: Any) -> None:
        """Create a room with one human seat, take it, start the match."""
        self.client = await client_from(self.url, BYSTANDER, "Bystander")
        made = await self.client.create_room(
            "bystander",
            seats=["nasa", "cnsa"],
            ai_seats=["cnsa"],
            ai_level="random",
            deadline=600,
            **settings,
        )
        self.seat = await self.client.join(made["room"], "nasa")
        await self.client.ready(self.seat)
        await self.client.start(made["room"], made["host_token"])
        update = await self.client.wait_for("turn", timeout=scaled(20))
        self.version = int(update["version"])

    async def play(self, seconds: float) -> None:
        """Ask and send drafts for `seconds`."""
        assert self.client is not None and self.seat is not None
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            started = time.perf_counter()
            code = await refusal(self.client.request("unwatch", room="nowhere0"))
            assert code == "unknown_room", code
            self.answers.append(time.perf_counter() - started)
            started = time.perf_counter()
            try:
                await self.client.submit(self.seat, self.version, [], final=False)
            except Refused as refused:
                self.refused.append(refused.code)
            else:
                self.acks.append(time.perf_counter() - started)
            await asyncio.sleep(self.every)

    def check(self) -> None:
        """Unaffected: nothing refused, every draft acknowledged, p99 answer under the goal."""
        assert not self.refused, self.refused
        assert self.answers and self.acks
        p99 = percentile(self.answers + self.acks, 0.99)
        shown = [round(t * 1000) for t in self.answers], [round(t * 1000) for t in self.acks]
        assert p99 < scaled(ANSWER_GOAL), f"bystander p99 {p99 * 1000:.0f} ms; ms: {shown}"

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()


@contextlib.asynccontextmanager
async def bystander(url: str, **settings: Any) -> AsyncIterator[Bystander]:
    """A seated bystander, closed at the end."""
    player = Bystander(url)
    await player.sit(**settings)
    try:
        yield player
    finally:
        await player.close()


async def during(attack: Any, player: Bystander, seconds: float) -> Any:
    """Run the attack while the bystander plays for `seconds`; the attack's result."""
    attacking = asyncio.ensure_future(attack)
    try:
        await player.play(seconds)
        return await attacking
    finally:
        attacking.cancel()
        with contextlib.suppress(BaseException):
            await attacking


def main(argv: list[str]) -> int:
    from server import log
    from server.app import run_server
    from server.runtime import run_event_loop

    data, port_file, chosen = Path(argv[0]), Path(argv[1]), json.loads(argv[2])
    workers = int(argv[3]) if len(argv) > 3 else 0
    known = {f.name for f in fields(Limits)}
    unknown = set(chosen) - known
    if unknown:
        raise SystemExit(f"unknown limits {sorted(unknown)}")
    if "trusted_proxies" in chosen:
        chosen["trusted_proxies"] = tuple(chosen["trusted_proxies"])
    log.setup("debug")

    def ready(port: int) -> None:
        written = port_file.with_name(port_file.name + ".tmp")
        written.write_text(f"{port}\n")
        written.replace(port_file)

    run_event_loop(
        run_server("127.0.0.1", 0, data, limits=Limits(**chosen), workers=workers, ready=ready)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
