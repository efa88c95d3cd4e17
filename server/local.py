"""A game server for one machine: the real `GameServer` on 127.0.0.1 (port 0) in a thread.

A game against the AI on one machine is played exactly like an online one: `LocalServer`
starts the same `server.app.GameServer` that `lunar-race serve` runs, on the loopback address
and a free port, on its own event loop in a daemon thread, with its store in a folder (a
temporary one unless given). The client connects to it over a WebSocket. A kept game's
folder may be served again later (Continue): its match resumes where it was, and since the
game has one player, who has just come back, neither the turn's deadline nor the AI standing
in for them comes sooner than `RESUME_WAIT` after that. The composition root
(`game.cli.play`) hands `LocalServer` to the client, which knows it only as something with
`start() -> url` and `stop()`; stopping lets turns in progress finish and closes the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import threading
from pathlib import Path

from server.app import GameServer
from server.limits import Limits
from server.store import Store

RESUME_WAIT = 7 * 86400.0  # seconds a resumed local game waits for its player at least


class LocalServerError(RuntimeError):
    """The local server could not start (the reason is in the message)."""


class LocalServer:
    """Runs a `GameServer` on its own event loop in a daemon thread."""

    def __init__(self, folder: Path | None = None) -> None:
        self._own_folder = folder is None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="lunar-race-local-"))
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self.game: GameServer | None = None  # the server while it runs

    @property
    def url(self) -> str:
        if self.port is None:
            raise LocalServerError("the local server is not running")
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> str:
        """Start the server and wait until it listens; returns its ws:// address."""
        self._thread = threading.Thread(
            target=self._run, name="lunar-race-local-server", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(timeout):
            raise LocalServerError(f"the local server did not start within {timeout:g} s")
        if self._error is not None:
            raise LocalServerError(f"the local server failed to start: {self._error}")
        return self.url

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to the thread that waits in start()
            self._error = exc
        finally:
            self._ready.set()
            loop.close()

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        limits = Limits(resume_grace=RESUME_WAIT)
        server = self.game = GameServer(Store(self.folder), limits)
        try:
            self.port = await server.start("127.0.0.1", 0)
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            raise
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await server.stop("the local game was closed")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and wait for its thread; safe to call twice."""
        loop, stop, thread = self._loop, self._stop, self._thread
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed in the meantime
                loop.call_soon_threadsafe(stop.set)
        if thread is not None:
            thread.join(timeout)
        self._thread = None
        self.port = None
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)
