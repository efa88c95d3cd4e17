"""The bridge between the frame loop and the network: `game.net.Client` on a background loop.

pygame runs a plain loop on the main thread; the protocol client is asyncio. `NetLink` runs
an event loop in a daemon thread with one `Client` on it. The frame loop calls `call()` to
start a request (its callback runs later, on the main thread, inside `poll()`), `run()` to
wait for one (used while starting a game), and `poll()` once a frame to get what the server
sent unasked. When the connection drops, the link reconnects by itself (websockets' own
reconnecting `connect()`, through `Client.connections`) with back-off, and reports
`{"t": "link", "state": ...}` messages - lost, online again, or closed once it gave up - so
the scene can show a banner and take its seat back with the seat token.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, TypeVar

from game.net.client import Client, Disconnected, Refused, Retry
from game.protocol.errors import ErrorCode

T = TypeVar("T")

CONNECTING, ONLINE, LOST, CLOSED = "connecting", "online", "lost", "closed"
BACKOFF = (0.3, 0.6, 1.2, 2.5, 5.0)  # seconds between reconnection attempts
RECONNECT_ATTEMPTS = 120  # failures in a row before the link gives up: ten minutes or so


class LinkFault(StrEnum):
    """Why a request failed when the server never answered it (no `ErrorCode` to give)."""

    DISCONNECTED = "disconnected"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"


class LinkError(RuntimeError):
    """A request through the link failed: refused by the server (`code` is its `ErrorCode`),
    timed out or disconnected (`code` is a `LinkFault`)."""

    def __init__(
        self,
        message: str,
        code: ErrorCode | LinkFault = ErrorCode.INTERNAL,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.errors = errors or []


def _as_link_error(exc: BaseException) -> LinkError:
    if isinstance(exc, Refused):
        return LinkError(exc.reason or exc.code, exc.code, exc.errors)
    if isinstance(exc, Disconnected):
        return LinkError(f"disconnected: {exc.reason or exc.code}", LinkFault.DISCONNECTED)
    if isinstance(exc, TimeoutError):
        return LinkError("the server did not answer in time", LinkFault.TIMEOUT)
    if isinstance(exc, OSError):
        return LinkError(f"cannot reach the server: {exc.strerror or exc}", LinkFault.UNREACHABLE)
    return LinkError(f"{type(exc).__name__}: {exc}", ErrorCode.INTERNAL)


class NetLink:
    """One server connection, usable from the frame loop."""

    def __init__(
        self,
        url: str,
        name: str,
        *,
        timeout: float = 15.0,
        reconnect: bool = True,
        attempts: int = RECONNECT_ATTEMPTS,
        backoff: tuple[float, ...] = BACKOFF,
    ):
        self.url = url
        self.name = name
        self.timeout = timeout
        self.reconnect = reconnect
        self.attempts = attempts
        self.backoff = backoff
        self.state = CONNECTING
        self.client: Client | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="lunar-race-net", daemon=True
        )
        self._incoming: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._closing = False
        self._pump: asyncio.Future[None] | None = None

    # -- life -------------------------------------------------------------------------------
    def open(self) -> None:
        """Connect (waiting up to the timeout); raises LinkError when the server is not there."""
        self._thread.start()
        try:
            self.run(self._connect_first())
        except LinkError:
            self.close()
            raise

    async def _connect_first(self) -> None:
        first: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pump = asyncio.ensure_future(self._stay_connected(first))
        await first

    async def _stay_connected(self, first: asyncio.Future[None]) -> None:
        """Connect, pass on what arrives, and connect again after each drop until the link
        closes or gives up. The first connection gets one attempt: `open()` tells the player
        at once when the server is not there."""
        retry = Retry(1, self.backoff)
        clients = Client.connections(self.url, self.name, retry=retry, timeout=self.timeout)
        reason = ""
        try:
            async with contextlib.aclosing(clients):
                async for client in clients:
                    self.client = client
                    self.state = ONLINE
                    if first.done():
                        self._incoming.put(
                            {"t": "link", "state": ONLINE, "attempts": retry.failures}
                        )
                    else:
                        first.set_result(None)
                    retry.succeeded()
                    retry.attempts = self.attempts
                    closed = await self._pass_on(client)
                    if self._closing or not self.reconnect:
                        break
                    self.state = LOST
                    self._incoming.put({"t": "link", "state": LOST})
                    await retry.again(closed)
        except Exception as exc:  # the first attempt failed, or the last one allowed did
            if not first.done():
                first.set_exception(exc)
                return
            reason = str(exc) or type(exc).__name__
        finally:
            if not first.done():  # cancelled (the link closed) before the first connection
                first.cancel()
        self.state = CLOSED
        self._incoming.put({"t": "link", "state": CLOSED, "reason": reason})

    async def _pass_on(self, client: Client) -> Disconnected:
        """Hand on what the server sends until the connection ends; returns how it ended."""
        while True:
            try:
                message = await client.recv()
            except Disconnected as closed:
                return closed
            if message.get("t") == "closed":
                return client.closed or Disconnected(None, "connection lost")
            self._incoming.put(message)

    def close(self) -> None:
        """Close the connection and stop the thread."""
        if self._closing:
            return
        self._closing = True
        if self._thread.is_alive():
            future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
            # Closing: a failure here leaves nothing to tell anyone.
            with contextlib.suppress(Exception):
                future.result(5.0)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5.0)
        self.state = CLOSED

    async def _shutdown(self) -> None:
        if self._pump is not None:
            self._pump.cancel()  # closes the connection on its way out
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._pump
        if self.client is not None:
            await self.client.close()

    def drop(self) -> None:
        """Cut the connection as a network fault would (the link then reconnects)."""
        client = self.client
        if client is not None and client.ws.transport is not None:
            self._loop.call_soon_threadsafe(client.ws.transport.abort)

    # -- requests ---------------------------------------------------------------------------
    def run(self, coro: Awaitable[T], timeout: float | None = None) -> T:
        """Run a coroutine on the link's loop and wait for it (raises LinkError)."""
        future = asyncio.run_coroutine_threadsafe(_wrap(coro), self._loop)
        try:
            return future.result(timeout or self.timeout + 1.0)
        except LinkError:
            raise
        except BaseException as exc:
            raise _as_link_error(exc) from exc

    def request(self, make: Callable[[Client], Awaitable[T]], timeout: float | None = None) -> T:
        """Like `run`, with the current client passed in: `link.request(lambda c: c.rooms())`."""

        async def go() -> T:
            if self.client is None or self.state != ONLINE:
                raise LinkError("not connected to the server", LinkFault.DISCONNECTED)
            return await make(self.client)

        return self.run(go(), timeout)

    def call(
        self,
        make: Callable[[Client], Awaitable[T]],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[LinkError], None] | None = None,
    ) -> None:
        """Start a request now; its callback runs on the main thread in a later `poll()`."""

        async def go() -> None:
            try:
                if self.client is None or self.state != ONLINE:
                    raise LinkError("not connected to the server", LinkFault.DISCONNECTED)
                result = await make(self.client)
            except BaseException as exc:
                error = exc if isinstance(exc, LinkError) else _as_link_error(exc)
                if on_error is not None:
                    self._done.put(lambda: on_error(error))
                return
            if on_done is not None:
                self._done.put(lambda: on_done(result))

        if self._closing:
            return
        asyncio.run_coroutine_threadsafe(go(), self._loop)

    def poll(self) -> list[dict[str, Any]]:
        """Run finished requests' callbacks and return the messages that arrived unasked."""
        while True:
            try:
                callback = self._done.get_nowait()
            except queue.Empty:
                break
            callback()
        out = []
        while True:
            try:
                out.append(self._incoming.get_nowait())
            except queue.Empty:
                return out


async def _wrap(coro: Awaitable[T]) -> T:
    return await coro
