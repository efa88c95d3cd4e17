"""A real server process on loopback for end-to-end tests, and helpers to talk to it.

Every time in these tests is multiplied by SCALE (`tests.timing`); the server runs with its
own limits scaled to match.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from server.process import serve_command, stop, wait_for_port
from tests.timing import SCALE, scaled

SERVER_TIME_SCALE = 0.05 * SCALE  # grace 1.5 s, hello timeout 0.5 s, resume grace 3 s...
GRACE = 1.0 * SCALE  # seconds before the AI stands in for a disconnected player
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
    """Run one async test body with an overall time limit."""

    async def bounded() -> T:
        async with asyncio.timeout(scaled(timeout)):
            return await coro

    return asyncio.run(bounded())


@dataclass
class ServerProcess:
    """`lunar-race serve` in a child process, bound to a free loopback port."""

    data: Path
    log_path: Path
    extra: tuple[str, ...] = ()
    proc: subprocess.Popen[bytes] | None = None
    port: int = 0
    history: list[int] = field(default_factory=list)  # pids of earlier runs

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, port: int = 0) -> ServerProcess:
        """Start (again), on a free port or on `port` (a restart keeping its address)."""
        port_file = self.data / "port"
        port_file.unlink(missing_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            serve_command(
                self.data,
                port_file,
                "--log-level",
                "debug",
                "--time-scale",
                str(SERVER_TIME_SCALE),
                "--grace",
                str(GRACE),
                *self.extra,
                port=port,
            ),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        log.close()
        try:
            self.port = wait_for_port(port_file, self.proc, scaled(20))
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}:\n{self.logs()[-3000:]}") from None
        return self

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=scaled(10))
        self.history.append(self.proc.pid)

    def terminate(self) -> int:
        """SIGTERM; returns the exit code."""
        assert self.proc is not None
        code = stop(self.proc, scaled(20))
        self.history.append(self.proc.pid)
        return code

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def start_server(tmp: Path, *extra: str) -> ServerProcess:
    data = tmp / "data"
    data.mkdir(parents=True, exist_ok=True)
    return ServerProcess(data, tmp / "server.log", tuple(extra)).start()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = start_server(tmp_path)
    try:
        yield proc
    finally:
        proc.terminate()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = start_server(tmp_path_factory.mktemp("shared"))
    try:
        yield proc
    finally:
        proc.terminate()
