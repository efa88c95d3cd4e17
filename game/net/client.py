"""The async client for the Lunar Race server protocol (docs/protocol.md).

One `Client` is one WebSocket connection. Requests (`rooms`, `create`, `join`, `orders`...)
are coroutines that return the server's reply, or raise `Refused` carrying the server's
stable error code. Everything the server sends unasked - turn updates, room and status
changes, chat, the outcome, notices - lands in an inbox read with `recv()`.

    client = await Client.connect("ws://127.0.0.1:8765", "Ada")
    created = await client.create_room("Friday night", deadline=120)
    seat = await client.join(created["room"], "esa")   # keep seat: it holds the token
    await client.ready(seat)
    update = await client.wait_for("turn")
    await client.submit(seat, update["version"], orders)

To stay connected, iterate over `Client.connections(url, name, retry=Retry(...))`: it is
websockets' own reconnecting `connect()`, saying hello on every new connection. A failed
attempt waits before the next and counts against `Retry.attempts`. websockets tries again at
once after a connection that worked, so the loop body counts and waits for those drops
itself (`Retry.again`), and does what a connection needs after hello (taking a seat back
with `rejoin`):

    retry = Retry(attempts=10)
    async with contextlib.aclosing(Client.connections(url, "Ada", retry=retry)) as clients:
        async for client in clients:
            try:
                await client.rejoin(seat)
            except Disconnected as exc:
                await retry.again(exc)   # counted; raises when that was the last attempt
                continue
            retry.succeeded()
            ...                          # when it drops: `await retry.again(exc)`

The pygame client, remote bots (`lunar-race bot`) and the load benchmark all use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
from collections.abc import AsyncGenerator, Callable, Generator, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

from websockets.asyncio.client import ClientConnection, connect
from websockets.client import process_exception as websockets_process_exception
from websockets.exceptions import ConnectionClosed

from game import __version__
from game.protocol.codec import decode_trusted, encode
from game.protocol.errors import ErrorCode
from game.protocol.messages import SUPPORTED_VERSIONS, ServerType
from game.rules import Command

MAX_INCOMING = 64 * 1024 * 1024  # a replay or a late-game view may be large
DEFAULT_TIMEOUT = 30.0

logger = logging.getLogger("lunar_race.net")


class Refused(Exception):
    """The server refused a request; `code` says why, as an `ErrorCode`.

    A code this client does not know (a newer server's) reads as `ErrorCode.INTERNAL`; the
    server's own word for it stays in the exception's text.
    """

    def __init__(self, message: dict[str, Any]) -> None:
        wire_code = str(message.get("code", ErrorCode.INTERNAL))
        self.code = _error_code(wire_code)
        self.reason: str = str(message.get("reason", ""))
        self.errors: list[dict[str, Any]] = list(message.get("errors") or [])
        self.close: int | None = message.get("close")
        super().__init__(f"{wire_code}: {self.reason}")

    @property
    def transient(self) -> bool:
        """The next connection may get another answer (the server was shutting down)."""
        return self.code is ErrorCode.SHUTTING_DOWN


def _error_code(text: str) -> ErrorCode:
    try:
        return ErrorCode(text)
    except ValueError:
        return ErrorCode.INTERNAL


class Disconnected(Exception):
    """The connection ended; `code` and `reason` are the close frame's."""

    def __init__(self, code: int | None, reason: str) -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"connection closed ({code}) {reason}".strip())


@dataclass(frozen=True)
class SeatKey:
    """What a player keeps to act for a seat and to get it back after a disconnect."""

    room: str
    seat: str
    token: str

    def fields(self) -> dict[str, str]:
        return {"room": self.room, "seat": self.seat, "token": self.token}

    def save(self, path: Path) -> None:
        """Write the key to a file only its owner can read."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.touch(mode=0o600)
        tmp.write_text(json.dumps(asdict(self)))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> SeatKey:
        data = json.loads(path.read_text())
        return cls(str(data["room"]), str(data["seat"]), str(data["token"]))

    def __repr__(self) -> str:  # the token never shows up in a traceback or a log
        return f"SeatKey(room={self.room!r}, seat={self.seat!r}, token=<secret>)"


class Retry:
    """How one reconnecting loop retries: at most `attempts` failed attempts in a row, waiting
    `delays[n]` seconds after the n-th (the last delay repeats). `succeeded()` starts the count
    over once a connection is of use again (said hello, took its seat back)."""

    def __init__(self, attempts: int = 30, delays: Sequence[float] = (1.0,)) -> None:
        if attempts < 1 or not delays:
            raise ValueError("a retry needs at least one attempt and one delay")
        self.attempts = attempts
        self.steps = tuple(delays)
        self.failures = 0

    @classmethod
    def doubling(cls, attempts: int, first: float, cap: float = 30.0) -> Retry:
        """Delays that start at `first` and double up to `cap`."""
        steps = [first]
        while 0 < steps[-1] < cap:
            steps.append(min(steps[-1] * 2, cap))
        return cls(attempts, steps)

    def delay(self) -> float:
        """How long to wait after the failures counted so far."""
        return self.steps[min(max(self.failures - 1, 0), len(self.steps) - 1)]

    def delays(self) -> Generator[float]:
        """The waits between failed attempts, for websockets' `reconnect_delays`. It asks for
        the next one after `process_exception` has counted the failure."""
        while True:
            yield self.delay()

    def failed(self, exc: BaseException) -> bool:
        """Count one failed attempt; True when it was the last one allowed."""
        self.failures += 1
        return self.failures >= self.attempts

    def process_exception(self, exc: Exception) -> Exception | None:
        """For websockets' `connect()`: an error websockets deems fatal (an HTTP 404, a bad
        handshake) ends the loop at once; a transient one (refused, timed out, 503) is counted
        and ends the loop only when it was the last attempt allowed."""
        fatal = websockets_process_exception(exc)
        if fatal is not None:
            return fatal
        if self.failed(exc):
            return exc
        self._log("cannot connect", exc)
        return None

    async def again(self, exc: BaseException) -> None:
        """Count a connection that opened, then dropped (before it was of use, or later);
        raise `exc` when that was the last failure allowed, else wait the backoff delay.
        websockets waits only after failed handshakes and would try again at once, so a
        server that keeps dropping the connection would be hammered without this wait."""
        if self.failed(exc):
            raise exc
        self._log("connection lost", exc)
        await asyncio.sleep(self.delay())

    def _log(self, what: str, exc: BaseException) -> None:
        logger.warning(
            "%s (%s); failure %d of %d in a row, trying again in %.1f s",
            what,
            exc or type(exc).__name__,
            self.failures,
            self.attempts,
            self.delay(),
        )

    def succeeded(self) -> None:
        self.failures = 0


def _wire(orders: Iterable[Command | dict[str, Any]]) -> list[dict[str, Any]]:
    return [o.to_wire() if isinstance(o, Command) else o for o in orders]


def _options(timeout: float, ping_interval: float | None) -> dict[str, Any]:
    """The websockets `connect()` settings every client connection uses."""
    return {
        "max_size": MAX_INCOMING,
        "compression": None,
        "open_timeout": timeout,
        "ping_interval": ping_interval,
        "ping_timeout": ping_interval,
        "close_timeout": 5,
    }


class Client:
    """One connection to a Lunar Race server."""

    def __init__(self, ws: ClientConnection, timeout: float) -> None:
        self.ws = ws
        self.timeout = timeout
        self.welcome: dict[str, Any] = {}
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.closed: Disconnected | None = None
        # Called with every message received, replies included (recording, debugging).
        self.tap: Callable[[dict[str, Any]], None] | None = None

    # --- connecting -------------------------------------------------------------------
    @classmethod
    async def connect(
        cls,
        url: str,
        name: str,
        *,
        client: str = f"lunar-race/{__version__}",
        timeout: float = DEFAULT_TIMEOUT,
        ping_interval: float | None = 20.0,
        tap: Callable[[dict[str, Any]], None] | None = None,
    ) -> Client:
        """Open a connection and say hello; raises Refused or OSError if that fails."""
        ws = await connect(url, **_options(timeout, ping_interval))
        return await cls._greet(ws, name, client, timeout, tap)

    @classmethod
    async def connections(
        cls,
        url: str,
        name: str,
        *,
        retry: Retry,
        client: str = f"lunar-race/{__version__}",
        timeout: float = DEFAULT_TIMEOUT,
        ping_interval: float | None = 20.0,
        tap: Callable[[dict[str, Any]], None] | None = None,
    ) -> AsyncGenerator[Client, None]:
        """Connect, then connect again each time the loop asks for the next client (the one
        before is closed first), with websockets' reconnecting `connect()`; each client has
        said hello. A failed attempt, or a connection lost before hello was answered, waits
        and counts against `retry`; the last failure allowed is raised, and so are fatal
        errors (a handshake websockets refuses, `Refused` on hello)."""
        sockets = connect(
            url,
            process_exception=retry.process_exception,
            reconnect_delays=retry.delays,
            **_options(timeout, ping_interval),
        )
        # The iterator is an async generator; closing it closes its open connection.
        attempts = cast(AsyncGenerator[ClientConnection, None], aiter(sockets))
        async with contextlib.aclosing(attempts):
            async for ws in attempts:
                try:
                    self = await cls._greet(ws, name, client, timeout, tap)
                except (Disconnected, TimeoutError) as exc:
                    await retry.again(exc)
                    continue
                except Refused as refused:
                    if not refused.transient:
                        raise
                    await retry.again(refused)
                    continue
                try:
                    yield self
                finally:
                    await self.close()

    @classmethod
    async def _greet(
        cls,
        ws: ClientConnection,
        name: str,
        client: str,
        timeout: float,
        tap: Callable[[dict[str, Any]], None] | None,
    ) -> Client:
        self = cls(ws, timeout)
        self.tap = tap
        self._reader = asyncio.get_running_loop().create_task(self._read())
        try:
            self.welcome = await self.request(
                "hello", versions=list(SUPPORTED_VERSIONS), name=name, client=client
            )
        except BaseException:
            await self.close()
            raise
        return self

    async def close(self) -> None:
        await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def _read(self) -> None:
        try:
            async for data in self.ws:
                message = decode_trusted(data)
                if self.tap is not None:
                    self.tap(message)
                ref = message.get("ref")
                waiter = self._pending.pop(ref, None) if isinstance(ref, int) else None
                if waiter is not None:
                    if not waiter.done():
                        waiter.set_result(message)
                else:
                    self.inbox.put_nowait(message)
        except ConnectionClosed:
            pass
        finally:
            frame = self.ws.protocol.close_rcvd or self.ws.protocol.close_sent
            self.closed = Disconnected(
                frame.code if frame else None, frame.reason if frame else "connection lost"
            )
            for waiter in self._pending.values():
                if not waiter.done():
                    waiter.set_exception(self.closed)
            self._pending.clear()
            self.inbox.put_nowait(
                {"t": "closed", "code": self.closed.code, "reason": self.closed.reason}
            )

    # --- requests ---------------------------------------------------------------------
    async def send(self, message: dict[str, Any]) -> None:
        """Send a message as it is, without waiting for a reply."""
        if self.closed is not None:
            raise self.closed
        await self.ws.send(encode(message))

    async def request(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Send one request and return its reply; raise Refused if the server says no."""
        if self.closed is not None:
            raise self.closed
        ref = next(self._ids)
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ref] = waiter
        message = {"t": kind, "id": ref}
        message.update({k: v for k, v in fields.items() if v is not None})
        try:
            await self.ws.send(encode(message))
            async with asyncio.timeout(self.timeout):
                reply = await waiter
        except ConnectionClosed:
            raise self.closed or Disconnected(None, "connection lost") from None
        finally:
            self._pending.pop(ref, None)
        if reply.get("t") == ServerType.ERROR:
            raise Refused(reply)
        return reply

    async def recv(self, timeout: float | None = None) -> dict[str, Any]:
        """The next message the server sent unasked. After the connection ends, a message
        `{"t": "closed", "code", "reason"}` arrives, then Disconnected is raised."""
        if self.closed is not None and self.inbox.empty():
            raise self.closed
        async with asyncio.timeout(timeout):
            return await self.inbox.get()

    async def wait_for(
        self, *kinds: str, timeout: float | None = None, room: str | None = None
    ) -> dict[str, Any]:
        """Skip unasked messages until one of `kinds` (for `room`, if given) arrives."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            message = await self.recv(left)
            if message.get("t") == "closed" and "closed" not in kinds:
                raise self.closed or Disconnected(None, "connection lost")
            if message.get("t") in kinds and (room is None or message.get("room") == room):
                return message

    # --- the protocol, one coroutine a request ----------------------------------------
    async def rooms(self) -> list[dict[str, Any]]:
        return list((await self.request("rooms"))["rooms"])

    async def follow(self, room: str | None = None, *, key: str | None = None) -> dict[str, Any]:
        """Keep the public room list (no `room`) or one room current: the reply is the list
        (`rooms`) or the room (`room`), and the same messages arrive unasked as they change."""
        return await self.request("follow", room=room, key=key)

    async def create_room(self, name: str, **settings: Any) -> dict[str, Any]:
        """Create a room; the reply holds `room` (its id), `info` (its summary),
        `host_token` and, for a private room, `key`."""
        return await self.request("create", name=name, **settings)

    async def join(self, room: str, seat: str | None = None, *, key: str | None = None) -> SeatKey:
        reply = await self.request("join", room=room, seat=seat, key=key)
        return SeatKey(room, reply["seat"], reply["token"])

    async def rejoin(self, seat: SeatKey) -> dict[str, Any]:
        return await self.request("rejoin", **seat.fields())

    async def leave(self, seat: SeatKey) -> None:
        await self.request("leave", **seat.fields())

    async def ready(self, seat: SeatKey, ready: bool = True) -> None:
        await self.request("ready", **seat.fields(), ready=ready)

    async def start(self, room: str, host_token: str) -> None:
        await self.request("start", room=room, host_token=host_token)

    async def kick(self, room: str, host_token: str, seat: str) -> None:
        await self.request("kick", room=room, host_token=host_token, seat=seat)

    async def spectate(self, room: str, *, key: str | None = None) -> dict[str, Any]:
        return await self.request("spectate", room=room, key=key)

    async def unwatch(self, room: str) -> None:
        await self.request("unwatch", room=room)

    async def submit(
        self,
        seat: SeatKey,
        version: int,
        orders: Iterable[Command | dict[str, Any]],
        *,
        final: bool = True,
    ) -> dict[str, Any]:
        """Put orders on file for this turn; `final=False` keeps them as a draft that does
        not end the turn. Returns the `ack`, sent only once the orders are stored."""
        return await self.request(
            "orders", **seat.fields(), version=version, orders=_wire(orders), final=final
        )

    async def chat(self, text: str, seat: SeatKey | None = None) -> None:
        """Say something in the lobby, or in the seat's room."""
        if seat is None:
            await self.request("chat", text=text)
        else:
            await self.request("chat", text=text, **seat.fields())

    async def replay(self, room: str, *, key: str | None = None) -> bytes:
        """A finished match's replay, in the format `lunar-race replay` reads."""
        reply = await self.request("replay", room=room, key=key)
        return bytes(reply["data"])
