"""The asyncio adapter: WebSocket connections in, the lobby and rooms in the middle, SQLite out.

Each message goes through one pipe: rate bucket -> decode -> schema -> the handler for its
type, which asks the lobby and the room (sans-I/O) and sends what they answer. Refusals
reach the sender only. Sending never waits: every message is written straight to the
connection's buffer, and a client whose buffer grows past `Limits.send_buffer` is cut off
(close 4002) instead of slowing the others down.

Each running match has a turn-clock task: it lets the AI write orders for the seats it
plays, waits until every seat has final orders or the deadline passes, resolves the turn in
a worker process (`server.turns`, run by the pool in `server.work`: the rules and the bots
never run on the event loop), commits the turn and the new snapshot, then sends each
recipient its own view.

Plain HTTP on the same port answers `/healthz` and `/metrics` (`server.metrics`); admin
messages go to `server.admin`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import http
import itertools
import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from game import __version__
from game.protocol import codec
from game.protocol.errors import (
    BannedError,
    CloseCode,
    ErrorCode,
    LimitError,
    ProtocolError,
    RoomError,
    ServerError,
)
from game.protocol.messages import (
    SUPPORTED_VERSIONS,
    ClientType,
    Control,
    Phase,
    ServerType,
    Visibility,
    parse,
)
from game.protocol.messages import (
    Request as Message,
)
from server import log, snapshot, turns
from server.admin import Admin
from server.connection import Connection
from server.datalock import DataLock
from server.following import Followers
from server.limits import Limits, RateBucket, client_address
from server.lobby import Lobby
from server.metrics import CONTENT_TYPE as METRICS_TYPE
from server.metrics import Metrics
from server.names import clean_name, folded, unique_name
from server.quarantine import open_store
from server.replays import ReplayShelf
from server.room import Room, Submission
from server.runtime import on_stop_signal
from server.seats import SeatBots
from server.store import Store
from server.work import Share, Workers

_conn_ids = itertools.count(1)
STATUS_DELAY = 0.05  # seconds: who-submitted and who-is-connected changes are sent together
FOLLOW_DELAY = 0.2  # seconds: room changes within this reach followers as one update
FULL_COLLECTION_EVERY = 600.0  # seconds between full garbage collections (what turns froze)
LOOP_TICK = 0.02  # seconds between the marks of a free event loop (see `unread_since`)


@dataclass(eq=False)
class Peer:
    """One client connection and what it is part of."""

    id: int
    ws: ServerConnection
    bucket: RateBucket
    chat_bucket: RateBucket
    name: str | None = None
    seats: set[tuple[str, str]] = field(default_factory=set)  # (room, agency)
    watching: set[str] = field(default_factory=set)  # rooms spectated
    closing: bool = False
    heard: float = 0.0  # time.monotonic() of the last message
    address: str = "?"  # where the client connects from (see `limits.client_address`)
    queued: int = 0  # bytes last seen waiting in its send buffer

    @property
    def settled(self) -> bool:
        """Holding a seat: such a connection is never closed for idling. Watching is not
        enough - a watcher needs no seat, so watchers are closed like anyone idle."""
        return bool(self.seats)


class GameServer:
    """The whole server: lobby, rooms, their turn clocks, the store and the connections."""

    def __init__(
        self,
        store: Store,
        limits: Limits | None = None,
        *,
        workers: int = 0,
        owns_process: bool = False,
        admin_token: str = "",
        metrics: bool = True,
    ) -> None:
        """`workers` processes do the turn work; 0 (for a server embedded in another
        program, such as a local game) does it in one thread of this process.
        `owns_process`: the process is the server's alone, so it may steer the garbage
        collector (see `resolve` and `janitor`). `admin_token`: the secret admin commands
        need ("": none are taken). `metrics`: answer `GET /metrics`."""
        self.owns_process = owns_process
        self.store = store
        self.limits = limits or Limits()
        self.lobby = Lobby(self.limits)
        self.peers: dict[int, Peer] = {}
        self.clocks: dict[str, asyncio.Task[None]] = {}
        self.thinking: dict[str, asyncio.Future[dict[str, list[Any]]]] = {}  # the AI, by room
        self.wakeups: dict[str, asyncio.Event] = {}
        self.work = Workers(workers)
        self.bots = SeatBots(self.work, self.limits.ai_timeout)
        # orders to commit, with the time.perf_counter() they arrived at
        self.journal: list[tuple[Peer, int | None, Submission, float]] = []
        self.announcing: set[str] = set()  # rooms with a status update on its way
        self.followers = Followers()
        self.changed_rooms: dict[str, bool] = {}  # room id -> listed, for the followers
        self.server: Server | None = None
        self.stopping = False
        self.started = time.time()
        self.admin = Admin(self, admin_token)
        self.metrics = Metrics(self) if metrics else None
        self.by_address: dict[str, set[Peer]] = {}  # the connections of each client address
        self.chat_buckets: dict[str, RateBucket] = {}  # lobby chat lines, per client address
        self.answer_buckets: dict[str, RateBucket] = {}  # bytes of costly answers, per address
        deliveries = self.limits.lobby_chat_deliveries
        self.lobby_chat = RateBucket(deliveries, 2 * deliveries, 0)  # counted in deliveries
        self.names: dict[str, int] = {}  # folded name -> the connection using it
        self.replays = ReplayShelf(self.limits.replay_cache)
        self.queued = 0  # bytes held for slow readers, as last seen (see `send_bytes`)
        self.free_at = time.monotonic()  # the last moment the event loop was free
        self._handlers: dict[ClientType, Callable[[Peer, Message], Any]] = {
            ClientType.HELLO: self.on_hello,
            ClientType.ROOMS: self.on_rooms,
            ClientType.CREATE: self.on_create,
            ClientType.JOIN: self.on_join,
            ClientType.REJOIN: self.on_rejoin,
            ClientType.LEAVE: self.on_leave,
            ClientType.READY: self.on_ready,
            ClientType.START: self.on_start,
            ClientType.KICK: self.on_kick,
            ClientType.SPECTATE: self.on_spectate,
            ClientType.UNWATCH: self.on_unwatch,
            ClientType.ORDERS: self.on_orders,
            ClientType.CHAT: self.on_chat,
            ClientType.REPLAY: self.on_replay,
            ClientType.ADMIN: self.admin.handle,
            ClientType.FOLLOW: self.on_follow,
        }

    # --- life cycle -------------------------------------------------------------------
    async def start(self, host: str, port: int, rooms: list[Room] | None = None) -> int:
        """Restore the stored rooms (`rooms`, if they were read from the store already),
        start listening, and return the bound port."""
        self.restore(rooms)
        self.work.warm()
        lim = self.limits
        self.server = await serve(
            self.handle_connection,
            host,
            port,
            process_request=self.process_request,
            create_connection=Connection,  # messages go straight to on_message, unqueued
            max_size=lim.max_frame,
            ping_interval=lim.ping_interval,
            ping_timeout=lim.ping_timeout,
            open_timeout=lim.open_timeout,
            close_timeout=lim.close_timeout,
            compression=None,
            server_header=f"lunar-race/{__version__}",
        )
        bound = next(iter(self.server.sockets)).getsockname()[1]
        self._janitor = asyncio.create_task(self.janitor())
        self._ticker = asyncio.create_task(self.keep_time())
        log.event(
            "server_started",
            host=host,
            port=bound,
            rooms=len(self.lobby.rooms),
            version=__version__,
        )
        return int(bound)

    def restore(self, rooms: list[Room] | None = None) -> None:
        """Serve again every room the store holds; running matches resume where they were."""
        now = time.time()
        lim = self.limits
        if rooms is None:
            rooms = self.store.load_rooms(now, lim.finished_keep, lim.chat_history)
        for room in rooms:
            room.attended = now  # an empty room gets its full time again, and no creator
            self.lobby.add(room)
            if room.phase is Phase.PLAYING:
                for seat in room.seats.values():
                    if seat.control is Control.HUMAN and not seat.stand_in:
                        # Players get `resume_grace` to come back before the AI stands in.
                        seat.away_since = now - lim.grace + lim.resume_grace
                room.deadline = max(room.deadline or now, now + lim.resume_grace)
                self.start_clock(room)
            log.event("room_restored", room=room.id, phase=str(room.phase), turn=room.turn)
        self.lobby.chat.extend(self.store.chat_lines(None, lim.chat_history))

    async def stop(self, reason: str = "the server is shutting down") -> None:
        """Graceful stop: no new connections, turns in progress finish and are written,
        every client is told, then the store is closed."""
        if self.stopping:
            return
        self.stopping = True
        log.event("server_stopping", reason=reason)
        if self.server is not None:
            self.server.close(close_connections=False)
        for event in self.wakeups.values():
            event.set()
        if self.clocks:
            await asyncio.wait(list(self.clocks.values()), timeout=30)
        for peer in list(self.peers.values()):
            self.send(peer, {"t": ServerType.SHUTDOWN, "reason": reason, "reconnect": True})
        closing = [
            asyncio.create_task(p.ws.close(CloseCode.GOING_AWAY, "server shutting down"))
            for p in self.peers.values()
        ]
        if closing:
            await asyncio.wait(closing, timeout=self.limits.close_timeout + 1)
        if self.server is not None:
            await self.server.wait_closed()
        self._janitor.cancel()
        self._ticker.cancel()
        self.work.shutdown()
        self.store.close()
        log.event("server_stopped")

    async def janitor(self) -> None:
        """Forget finished rooms after `finished_keep`, and close lobby rooms nobody has been
        in for `lobby_room_timeout`; now and then, a full garbage collection."""
        collected = time.monotonic()
        every = max(0.05, min(60.0, self.limits.lobby_room_timeout / 4))
        while True:
            await asyncio.sleep(every)
            if self.owns_process and time.monotonic() - collected >= FULL_COLLECTION_EVERY:
                collected = time.monotonic()
                self.full_collection()
            self.sweep(time.time())

    def sweep(self, now: float) -> None:
        """Close rooms whose time is up, and forget the rate buckets of gone addresses."""
        for room in list(self.lobby.rooms.values()):
            finished = room.finished if room.phase is Phase.OVER else None
            if finished is not None and now - finished > self.limits.finished_keep:
                self.drop_room(room, delete=False)
            elif room.phase is Phase.LOBBY:
                if room.audience():
                    room.attended = now
                elif now - room.attended > self.limits.lobby_room_timeout:
                    self.drop_room(room, delete=True)
        for buckets in (self.chat_buckets, self.answer_buckets):
            for address in [a for a in buckets if a not in self.by_address]:
                del buckets[address]

    async def keep_time(self) -> None:
        """Mark, every LOOP_TICK, that the event loop is free to read."""
        while True:
            self.free_at = time.monotonic()
            await asyncio.sleep(LOOP_TICK)

    def unread_since(self, now: float) -> float | None:
        """When the event loop was last free, if it has been busy since: what arrives now may
        have waited unread that long (rate buckets charge it at its arrival, not now)."""
        return self.free_at if now - self.free_at > 2 * LOOP_TICK else None

    def full_collection(self) -> int:
        """Collect everything, what turns froze included, and freeze what is left; returns
        the number of unreachable objects found. One pause, every FULL_COLLECTION_EVERY."""
        started = time.perf_counter()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        took = round((time.perf_counter() - started) * 1000, 1)
        log.event("collected", logging.DEBUG, objects=found, ms=took)
        return found

    def drop_room(self, room: Room, *, delete: bool) -> None:
        self.room_changed(room)
        self.lobby.remove(room.id)
        self.bots.forget(room.id)
        self.replays.forget(room.id)
        self.wakeups.pop(room.id, None)
        if delete:
            self.store.delete_room(room.id)
        log.event("room_dropped", room=room.id, deleted=delete)

    # --- HTTP -------------------------------------------------------------------------
    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/healthz":
            return self.health_response()
        if path == "/metrics" and self.metrics is not None:
            return self.metrics_response()
        remote = connection.remote_address[0] if connection.remote_address else None
        forwarded = request.headers.get("X-Forwarded-For")
        address = client_address(remote, forwarded, self.limits.trusted_proxies)
        if isinstance(connection, Connection):
            connection.address = address
        if self.admin.bans.has("address", address):
            log.event("refused_connection", logging.INFO, reason="banned", remote=address)
            return connection.respond(http.HTTPStatus.FORBIDDEN, "banned\n")
        if len(self.peers) >= self.limits.max_connections:
            log.event("refused_connection", logging.WARNING, reason="max_connections")
            return connection.respond(http.HTTPStatus.SERVICE_UNAVAILABLE, "server full\n")
        if len(self.by_address.get(address, ())) >= self.limits.max_connections_per_address:
            log.event("refused_connection", logging.WARNING, reason="max_connections_per_address")
            return connection.respond(
                http.HTTPStatus.TOO_MANY_REQUESTS, "too many connections from your address\n"
            )
        if self.stopping:
            return connection.respond(http.HTTPStatus.SERVICE_UNAVAILABLE, "shutting down\n")
        return None

    def health(self) -> dict[str, Any]:
        phases = [r.phase for r in self.lobby.rooms.values()]
        return {
            "status": "stopping" if self.stopping else "ok",
            "version": __version__,
            "protocol": max(SUPPORTED_VERSIONS),
            "uptime": round(time.time() - self.started, 1),
            "connections": len(self.peers),
            "rooms": len(phases),
            "lobby_rooms": phases.count(Phase.LOBBY),
            "matches": phases.count(Phase.PLAYING),
            "finished": phases.count(Phase.OVER),
        }

    def health_response(self) -> Response:
        body = json.dumps(self.health()).encode()
        status = http.HTTPStatus.SERVICE_UNAVAILABLE if self.stopping else http.HTTPStatus.OK
        return _plain_response(status, "application/json", body)

    def metrics_response(self) -> Response:
        assert self.metrics is not None
        return _plain_response(http.HTTPStatus.OK, METRICS_TYPE, self.metrics.render())

    # --- connections ------------------------------------------------------------------
    async def handle_connection(self, ws: ServerConnection) -> None:
        assert isinstance(ws, Connection)
        now = time.monotonic()
        lim = self.limits
        address = ws.address
        peer = Peer(
            id=next(_conn_ids),
            ws=ws,
            bucket=RateBucket(lim.rate, lim.burst, now),
            chat_bucket=RateBucket(lim.chat_rate, lim.chat_burst, now),
            heard=now,
            address=address,
        )
        self.peers[peer.id] = peer
        self.by_address.setdefault(address, set()).add(peer)
        log.event("connected", logging.DEBUG, conn=peer.id, remote=address)
        closed = asyncio.ensure_future(ws.wait_closed())
        try:
            ws.deliver(functools.partial(self.on_message, peer))
            while not closed.done():
                if peer.name is None:
                    # A hello may make the idle timeout the one that applies: look again
                    # by then at the latest.
                    quiet = lim.hello_timeout
                    most = min(lim.hello_timeout, lim.idle_timeout)
                elif peer.settled:
                    # In a room: never idle, but look again in case it leaves.
                    await asyncio.wait((closed,), timeout=lim.idle_timeout)
                    continue
                else:
                    quiet = most = lim.idle_timeout
                left = peer.heard + quiet - time.monotonic()
                if left <= 0:
                    if not peer.closing:
                        await self.close(peer, CloseCode.IDLE, "idle")
                    break
                await asyncio.wait((closed,), timeout=min(left, most))
            await closed
        finally:
            closed.cancel()
            self.disconnect(peer)
            code = ws.close_code
            log.event("disconnected", logging.DEBUG, conn=peer.id, code=code)

    def on_message(self, peer: Peer, data: bytes | str) -> None:
        """A whole message from a peer, as it arrives; a peer being closed is not heard."""
        if peer.closing:
            return
        peer.heard = time.monotonic()
        ending = self.handle_message(peer, data)
        if ending is not None:
            asyncio.get_running_loop().create_task(self.close(peer, ending, ending.name.lower()))

    def handle_message(self, peer: Peer, data: bytes | str) -> CloseCode | None:
        """One message through the pipe; every refusal goes back to this peer only.
        Returns the close code when the connection must end."""
        ref: int | None = None
        kind = "?"
        message: Message | None = None
        try:
            now = time.monotonic()
            if not peer.bucket.take(now, self.unread_since(now)):
                raise LimitError(
                    f"more than {self.limits.rate:g} messages a second",
                    code=ErrorCode.RATE_LIMITED,
                    close=CloseCode.POLICY_VIOLATION,
                )
            raw = codec.decode(data, max_size=self.limits.max_frame)
            if isinstance(raw.get("id"), int):
                ref = raw["id"]
            message = parse(raw)
            kind = message.type.value
            if peer.name is None and message.type is not ClientType.HELLO:
                raise ProtocolError("say hello first", code=ErrorCode.HELLO_FIRST)
            if self.stopping:
                raise ServerError("the server is shutting down", code=ErrorCode.SHUTTING_DOWN)
            self._handlers[message.type](peer, message)
        except ServerError as exc:
            if self.metrics is not None:
                self.metrics.refusals[str(exc.code)] += 1
            level = logging.WARNING if exc.close else logging.INFO
            room, seat = self._where(message)
            log.event(
                "refused", level, conn=peer.id, type=kind, code=str(exc.code), room=room, seat=seat
            )
            self.send(peer, exc.to_wire(ref))
            if exc.close is not None:
                peer.closing = True
                return exc.close
        except Exception as exc:  # a fault of ours: log it, tell the client, keep going
            log.event(
                "internal_error",
                logging.ERROR,
                conn=peer.id,
                type=kind,
                error=f"{type(exc).__name__}: {exc}",
            )
            self.send(peer, ServerError("the server failed on this message").to_wire(ref))
        return None

    def _where(self, message: Message | None) -> tuple[str | None, str | None]:
        """The room and seat a refused message named, for the log - only if they exist, so
        that nothing a client typed into those fields (a token, say) is ever written down."""
        if message is None:
            return None, None
        room = self.lobby.rooms.get(message.fields.get("room") or "")
        if room is None:
            return None, None
        seat = message.fields.get("seat")
        return room.id, seat if seat in room.seats else None

    async def close(self, peer: Peer, code: CloseCode, reason: str) -> None:
        """Close with `code`; whatever the client sends from now on is not read."""
        peer.closing = True
        with contextlib.suppress(Exception):
            await peer.ws.close(int(code), reason)

    def disconnect(self, peer: Peer) -> None:
        self.peers.pop(peer.id, None)
        self.followers.forget(peer.id)
        same = self.by_address.get(peer.address)
        if same is not None:
            same.discard(peer)
            if not same:
                del self.by_address[peer.address]
        if peer.name is not None and self.names.get(folded(peer.name)) == peer.id:
            del self.names[folded(peer.name)]
        self.queued -= peer.queued
        peer.queued = 0
        now = time.time()
        rooms = {room_id for room_id, _ in peer.seats} | peer.watching
        for room_id in rooms:
            room = self.lobby.rooms.get(room_id)
            if room is None:
                continue
            gone = room.detach(peer.id, now)
            if gone:
                log.event("seat_disconnected", room=room_id, seat=",".join(gone), conn=peer.id)
                self.announce(room)
                self.wake(room)
            self.deserted(room)

    def send(self, peer: Peer, message: dict[str, Any]) -> None:
        self.send_bytes(peer, codec.encode(message))

    def send_bytes(self, peer: Peer, data: bytes) -> None:
        """Write without waiting; a peer that does not read is cut off, never waited for:
        when its own backlog passes `send_buffer`, or when what every slow reader holds
        together passes `send_buffer_total` and its backlog is among the largest."""
        ws = peer.ws
        if peer.closing:
            return
        transport = ws.transport
        backlog = transport.get_write_buffer_size() if transport is not None else 0
        if backlog > self.limits.send_buffer:
            # The close frame queues behind the backlog; if the client does not read that far
            # within the close timeout, the connection is dropped.
            log.event("too_slow", logging.WARNING, conn=peer.id)
            peer.closing = True
            asyncio.get_running_loop().create_task(ws.close(CloseCode.TOO_SLOW, "too slow"))
            return
        self.queued += backlog - peer.queued
        peer.queued = backlog
        if backlog and self.queued > self.limits.send_buffer_total:
            self.relieve()
            if peer.closing:
                return
        broadcast((ws,), data)

    def relieve(self) -> None:
        """Count exactly what slow readers hold; while it is over `send_buffer_total`, drop
        the connections with the largest backlogs (their memory is freed at once: a close
        frame would only queue behind the backlog)."""
        total = 0
        for peer in self.peers.values():
            transport = peer.ws.transport
            peer.queued = transport.get_write_buffer_size() if transport is not None else 0
            total += peer.queued
        self.queued = total
        if total <= self.limits.send_buffer_total:
            return
        target = self.limits.send_buffer_total * 3 // 4
        for peer in sorted(self.peers.values(), key=lambda p: p.queued, reverse=True):
            if total <= target or not peer.queued:
                break
            log.event("too_slow", logging.WARNING, conn=peer.id, held=peer.queued)
            peer.closing = True
            total -= peer.queued
            self.queued -= peer.queued
            peer.queued = 0
            if peer.ws.transport is not None:
                peer.ws.transport.abort()

    def announce(self, room: Room) -> None:
        """Send the room's `status` soon: changes within STATUS_DELAY go out as one message."""
        if room.id in self.announcing:
            return
        self.announcing.add(room.id)
        asyncio.get_running_loop().call_later(STATUS_DELAY, self._announce, room)

    def _announce(self, room: Room) -> None:
        self.announcing.discard(room.id)
        if self.lobby.rooms.get(room.id) is room:
            self.to_room(room, room.status_message())
            self.room_changed(room)

    def room_changed(self, room: Room) -> None:
        """Tell the room's followers, and the lobby's if it is listed, soon: changes within
        FOLLOW_DELAY go out as one update."""
        if not self.followers.lobby and not self.followers.of_room(room.id):
            return
        if not self.changed_rooms:
            asyncio.get_running_loop().call_later(FOLLOW_DELAY, self._tell_followers)
        listed = room.settings.visibility is Visibility.PUBLIC
        self.changed_rooms[room.id] = self.changed_rooms.get(room.id, False) or listed

    def _tell_followers(self) -> None:
        changed, self.changed_rooms = self.changed_rooms, {}
        for room_id in changed:
            room = self.lobby.rooms.get(room_id)
            if room is None:
                self.followers.drop_room(room_id)
                continue
            inside = {conn for conn, _agency in room.audience()}
            data = codec.encode(room.room_message())
            for conn in self.followers.of_room(room_id) - inside:
                peer = self.peers.get(conn)
                if peer is not None:
                    self.send_bytes(peer, data)
        if any(changed.values()) and self.followers.lobby:
            data = codec.encode({"t": ServerType.ROOMS, "rooms": self.lobby.listing()})
            for conn in list(self.followers.lobby):
                peer = self.peers.get(conn)
                if peer is not None:
                    self.send_bytes(peer, data)

    def to_room(self, room: Room, message: dict[str, Any]) -> None:
        """The same message to every connection in the room, encoded once."""
        if message["t"] == ServerType.ROOM:
            self.room_changed(room)
        data = codec.encode(message)
        for conn, _agency in room.audience():
            peer = self.peers.get(conn)
            if peer is not None:
                self.send_bytes(peer, data)

    def send_turn(self, room: Room, only: Peer | None = None) -> None:
        """Each recipient's own update: seats their view, spectators the public one."""
        now = time.time()
        public: bytes | None = None
        for conn, agency in room.audience():
            peer = self.peers.get(conn)
            if peer is None or (only is not None and peer is not only):
                continue
            if agency is None:
                if public is None:
                    public = room.turn_message(None, now)
                self.send_bytes(peer, public)
            else:
                self.send_bytes(peer, room.turn_message(agency, now))

    # --- messages ---------------------------------------------------------------------
    def reply(self, peer: Peer, message: Message, body: dict[str, Any]) -> None:
        if message.ref is not None:
            body["ref"] = message.ref
        self.send(peer, body)

    def on_hello(self, peer: Peer, m: Message) -> None:
        if peer.name is not None:
            raise ProtocolError("hello was said already", code=ErrorCode.MALFORMED)
        common = set(m["versions"]) & set(SUPPORTED_VERSIONS)
        if not common:
            raise ProtocolError(
                f"this server speaks protocol version(s) {list(SUPPORTED_VERSIONS)}",
                code=ErrorCode.UNSUPPORTED_VERSION,
                close=CloseCode.UNSUPPORTED_VERSION,
            )
        if self.admin.bans.has("name", m["name"]):
            raise BannedError("this name is banned from the server", close=CloseCode.ADMIN_CLOSED)
        name = unique_name(clean_name(m["name"]), self.names)
        peer.name = name
        self.names[folded(name)] = peer.id
        version = max(common)
        log.event("hello", conn=peer.id, version=version, client=m["client"])
        self.reply(
            peer,
            m,
            {
                "t": ServerType.WELCOME,
                "version": version,
                "server": f"lunar-race/{__version__}",
                "limits": self.limits.public(),
                "time": time.time(),
                "name": name,
            },
        )
        self.send(peer, self.lobby.history_message())

    def on_rooms(self, peer: Peer, m: Message) -> None:
        self.reply(peer, m, {"t": ServerType.ROOMS, "rooms": self.lobby.listing()})

    def on_follow(self, peer: Peer, m: Message) -> None:
        """Keep the lobby's list, or one room, current for this connection."""
        if m["room"] is None:
            self.followers.follow_lobby(peer.id)
            self.on_rooms(peer, m)
            return
        room = self.lobby.room(m["room"])
        room.check_key(m["key"])
        self.followers.follow_room(peer.id, room.id)
        self.reply(peer, m, room.room_message())

    def on_create(self, peer: Peer, m: Message) -> None:
        room, host_token, key = self.lobby.create(m.fields, peer.address, time.time())
        self.store.save_room(room)
        self.room_changed(room)
        log.event(
            "room_created",
            room=room.id,
            conn=peer.id,
            seats=len(room.seats),
            visibility=str(room.settings.visibility),
        )
        body: dict[str, Any] = {
            "t": ServerType.CREATED,
            "room": room.id,
            "info": room.summary(),
            "host_token": host_token,
        }
        if key is not None:
            body["key"] = key
        self.reply(peer, m, body)

    def on_join(self, peer: Peer, m: Message) -> None:
        assert peer.name is not None
        room, seat, token = self.lobby.join(m["room"], m["seat"], m["key"], peer.name, peer.id)
        self.store.save_room(room)
        peer.seats.add((room.id, seat.agency))
        log.event("seat_joined", room=room.id, seat=seat.agency, conn=peer.id)
        self.reply(
            peer,
            m,
            {
                "t": ServerType.JOINED,
                "room": room.id,
                "info": room.summary(),
                "seat": seat.agency,
                "token": token,
            },
        )
        self.send(peer, room.history_message())
        self.to_room(room, room.room_message())

    def on_rejoin(self, peer: Peer, m: Message) -> None:
        room, seat = self.lobby.seat(m["room"], m["seat"], m["token"])
        replaced = room.attach(seat.agency, peer.id)
        peer.seats.add((room.id, seat.agency))
        if replaced is not None and replaced in self.peers:
            old = self.peers[replaced]
            old.seats.discard((room.id, seat.agency))
            self.send(
                old,
                {
                    "t": ServerType.KICKED,
                    "room": room.id,
                    "seat": seat.agency,
                    "reason": "replaced",
                    "text": "the seat is held by a newer connection",
                },
            )
        self.store.save_room(room)
        log.event("seat_rejoined", room=room.id, seat=seat.agency, conn=peer.id)
        self.reply(
            peer,
            m,
            {"t": ServerType.JOINED, "room": room.id, "info": room.summary(), "seat": seat.agency},
        )
        self.send(peer, room.history_message())
        if room.phase is not Phase.LOBBY:
            self.send_turn(room, only=peer)
        if room.phase is Phase.OVER:
            self.send(peer, room.over_message())
        self.announce(room)
        self.wake(room)

    def on_leave(self, peer: Peer, m: Message) -> None:
        room, seat = self.lobby.seat(m["room"], m["seat"], m["token"], peer.id)
        self.lobby.release(room, seat.agency)
        peer.seats.discard((room.id, seat.agency))
        self.store.save_room(room)
        log.event("seat_left", room=room.id, seat=seat.agency, conn=peer.id)
        self.reply(peer, m, {"t": ServerType.OK})
        self.to_room(room, room.room_message())
        self.wake(room)
        self.deserted(room)

    def on_ready(self, peer: Peer, m: Message) -> None:
        room, seat = self.lobby.seat(m["room"], m["seat"], m["token"], peer.id)
        room.set_ready(seat.agency, m["ready"])
        self.store.save_room(room)
        self.reply(peer, m, {"t": ServerType.OK})
        self.to_room(room, room.room_message())

    def on_start(self, peer: Peer, m: Message) -> None:
        room = self.lobby.room(m["room"])
        room.check_host(m["host_token"])
        now = time.time()
        room.start(now)
        self.store.save_start(room, now)
        log.event("match_started", room=room.id, turn=room.turn, seats=len(room.seats))
        self.reply(peer, m, {"t": ServerType.OK})
        self.to_room(room, room.room_message())
        self.send_turn(room)
        self.start_clock(room)

    def on_kick(self, peer: Peer, m: Message) -> None:
        room = self.lobby.room(m["room"])
        room.check_host(m["host_token"])
        seat = room.seat_for(m["seat"])
        if seat.control is not Control.HUMAN:
            raise RoomError(f"nobody holds seat {seat.agency}", code=ErrorCode.UNKNOWN_SEAT)
        held_by = self.peers.get(seat.conn) if seat.conn is not None else None
        self.lobby.release(room, seat.agency)
        self.store.save_room(room)
        if held_by is not None:
            held_by.seats.discard((room.id, seat.agency))
            self.send(
                held_by,
                {
                    "t": ServerType.KICKED,
                    "room": room.id,
                    "seat": seat.agency,
                    "reason": "kicked",
                    "text": "the host gave your seat up",
                },
            )
        log.event("seat_kicked", room=room.id, seat=seat.agency)
        self.reply(peer, m, {"t": ServerType.OK})
        self.to_room(room, room.room_message())
        self.wake(room)

    def on_spectate(self, peer: Peer, m: Message) -> None:
        room = self.lobby.room(m["room"])
        room.check_key(m["key"])
        if not room.settings.spectators:
            raise RoomError("this room does not allow spectators", code=ErrorCode.NO_SPECTATORS)
        if len(room.spectators) >= self.limits.max_spectators and peer.id not in room.spectators:
            raise RoomError("the room has as many spectators as it may", code=ErrorCode.CAPACITY)
        watching = sum(len(p.watching) for p in self.by_address.get(peer.address, ()))
        if room.id not in peer.watching and watching >= self.limits.max_watching_per_address:
            raise LimitError(
                f"one address may watch at most {self.limits.max_watching_per_address} rooms",
                code=ErrorCode.CAPACITY,
            )
        # The room's chat history and its public view are a costly answer: charged by size.
        history = room.history_bytes()
        update = room.turn_message(None, time.time()) if room.phase is not Phase.LOBBY else b""
        self.charge_answer(peer, len(history) + len(update))
        room.spectators.add(peer.id)
        peer.watching.add(room.id)
        self.wake(room)  # a match nobody was in resumes
        log.event("spectating", room=room.id, conn=peer.id)
        self.reply(
            peer, m, {"t": ServerType.JOINED, "room": room.id, "info": room.summary(), "seat": None}
        )
        self.send_bytes(peer, history)
        if update:
            self.send_bytes(peer, update)
        if room.phase is Phase.OVER:
            self.send(peer, room.over_message())

    def on_unwatch(self, peer: Peer, m: Message) -> None:
        room = self.lobby.room(m["room"])
        if peer.id not in room.spectators:
            raise RoomError("you are not watching this room", code=ErrorCode.NOT_IN_ROOM)
        room.spectators.discard(peer.id)
        peer.watching.discard(room.id)
        self.deserted(room)
        self.reply(peer, m, {"t": ServerType.OK})

    def on_orders(self, peer: Peer, m: Message) -> None:
        """Check the orders now; commit and acknowledge them with the others of this moment
        (one transaction for every submission that arrived in the same loop iteration)."""
        sub = self.lobby.check_orders(
            m["room"], m["seat"], m["token"], m["version"], m["orders"], m["final"], peer.id
        )
        self.journal.append((peer, m.ref, sub, time.perf_counter()))
        if len(self.journal) == 1:
            asyncio.get_running_loop().call_soon(self.commit_orders)

    def commit_orders(self) -> None:
        batch, self.journal = self.journal, []
        fresh: list[tuple[Peer, int | None, Submission, float]] = []
        for peer, ref, sub, arrived in batch:
            room = sub.room
            # The turn may have moved on between the check and this commit.
            if room.resolving or room.phase is not Phase.PLAYING or room.version != sub.version:
                error = ServerError(
                    "the turn moved on before the orders were stored", code=ErrorCode.STALE
                )
                self.send(peer, error.to_wire(ref))
                continue
            fresh.append((peer, ref, sub, arrived))
        if not fresh:
            return
        try:
            self.store.append_orders([sub for _p, _r, sub, _a in fresh], time.time())
        except Exception as exc:
            log.event("store_failed", logging.ERROR, error=f"{type(exc).__name__}: {exc}")
            failure = ServerError("the orders could not be stored; send them again")
            for peer, ref, _sub, _arrived in fresh:
                self.send(peer, failure.to_wire(ref))
            return
        changed: dict[str, Room] = {}
        acked = time.perf_counter()
        for peer, ref, sub, arrived in fresh:
            room = sub.room
            if (sub.agency in room.final) != sub.final:
                changed[room.id] = room
            room.record(sub.agency, sub.orders, sub.final)
            log.event(
                "orders",
                logging.DEBUG,
                room=room.id,
                seat=sub.agency,
                turn=sub.turn,
                count=len(sub.orders),
                final=sub.final,
            )
            ack = {
                "t": ServerType.ACK,
                "room": room.id,
                "seat": sub.agency,
                "turn": sub.turn,
                "version": sub.version,
                "count": len(sub.orders),
                "final": sub.final,
            }
            if ref is not None:
                ack["ref"] = ref
            self.send(peer, ack)
            if self.metrics is not None:
                self.metrics.ack_seconds.observe(acked - arrived)
        for room in changed.values():
            self.announce(room)
            self.wake(room)

    def on_chat(self, peer: Peer, m: Message) -> None:
        text = m["text"]
        if len(text) > self.limits.chat_length:
            raise LimitError(
                f"a chat line has at most {self.limits.chat_length} characters",
                code=ErrorCode.TOO_LONG,
            )
        if m["room"] is None:
            # Lobby lines go to everyone: one address has one allowance, however many
            # connections it opens.
            self._chat_rate(peer, self.chat_bucket(peer.address))
            # A lobby line goes to every connection: the lobby as a whole may deliver at most
            # `lobby_chat_deliveries` lines a second, however many send them.
            listeners = [other for other in self.peers.values() if other.name is not None]
            if not self.lobby_chat.take(time.monotonic(), cost=float(len(listeners))):
                raise LimitError(
                    "the lobby chat is busy: it delivers at most "
                    f"{self.limits.lobby_chat_deliveries} lines a second to everyone together; "
                    "try again in a moment",
                    code=ErrorCode.RATE_LIMITED,
                )
            assert peer.name is not None
            line = self.lobby.add_chat(peer.name, text, time.time())
            self.store.append_chat(None, line)
            data = codec.encode(line)
            for other in listeners:
                self.send_bytes(other, data)
            self.reply(peer, m, {"t": ServerType.OK})
            return
        if m["seat"] is None or m["token"] is None:
            raise ProtocolError("room chat needs the seat and its token")
        room, seat = self.lobby.seat(m["room"], m["seat"], m["token"], peer.id)
        self._chat_rate(peer, peer.chat_bucket)
        line = room.add_chat(seat.player or seat.agency, seat.agency, text, time.time())
        self.store.append_chat(room.id, {k: line[k] for k in ("from", "seat", "text", "time")})
        self.to_room(room, line)
        self.reply(peer, m, {"t": ServerType.OK})

    def chat_bucket(self, address: str) -> RateBucket:
        """The lobby chat allowance of a client address."""
        bucket = self.chat_buckets.get(address)
        if bucket is None:
            lim = self.limits
            bucket = RateBucket(lim.chat_rate, lim.chat_burst, time.monotonic())
            self.chat_buckets[address] = bucket
        return bucket

    def _chat_rate(self, peer: Peer, bucket: RateBucket) -> None:
        now = time.monotonic()
        if not bucket.take(now, self.unread_since(now)):
            raise LimitError(
                f"at most {self.limits.chat_rate:g} chat lines a second",
                code=ErrorCode.RATE_LIMITED,
            )

    def on_replay(self, peer: Peer, m: Message) -> None:
        """Send a finished match's replay, charged by its size to the sender's address. A
        replay is built once, in a worker; requests meanwhile wait for the same build."""
        room = self.lobby.room(m["room"])
        room.check_key(m["key"])
        if room.phase is not Phase.OVER:
            raise RoomError(
                "the match is not over; replays come at the end", code=ErrorCode.NOT_FINISHED
            )
        self.charge_answer(peer, self.replays.cost(room))
        data = self.replays.get(room)
        if data is not None:
            self._send_replay(peer, m, room, data)
            return
        build = self.replays.build(room, self.store, self.work.run)
        build.add_done_callback(functools.partial(self._replay_built, peer, m, room))

    def _replay_built(self, peer: Peer, m: Message, room: Room, build: asyncio.Task[bytes]) -> None:
        if build.cancelled() or build.exception() is not None:
            problem = "cancelled" if build.cancelled() else repr(build.exception())
            log.event("replay_failed", logging.ERROR, room=room.id, error=problem)
            self.send(peer, ServerError("the replay could not be built").to_wire(m.ref))
            return
        self._send_replay(peer, m, room, build.result())

    def _send_replay(self, peer: Peer, m: Message, room: Room, data: bytes) -> None:
        log.event("replay_sent", room=room.id, conn=peer.id, size=len(data))
        self.reply(
            peer,
            m,
            {"t": ServerType.REPLAY, "room": room.id, "format": "lunar-race-replay", "data": data},
        )

    # --- what the admin may do ---------------------------------------------------------
    def close_room(self, room: Room, reason: str) -> None:
        """End a room for good: its clock stops, everyone in it is told, the store forgets it."""
        clock = self.clocks.get(room.id)
        if clock is not None:
            clock.cancel()
        for conn, agency in room.audience():
            peer = self.peers.get(conn)
            if peer is None:
                continue
            peer.watching.discard(room.id)
            peer.seats = {(r, a) for r, a in peer.seats if r != room.id}
            closed = {"t": ServerType.KICKED, "room": room.id, "seat": agency}
            self.send(peer, {**closed, "reason": "closed", "text": reason})
        self.drop_room(room, delete=True)

    def broadcast_notice(self, text: str) -> int:
        """A notice to every connection that said hello; returns how many it went to."""
        data = codec.encode({"t": ServerType.NOTICE, "text": text, "time": time.time()})
        heard = [peer for peer in self.peers.values() if peer.name is not None]
        for peer in heard:
            self.send_bytes(peer, data)
        return len(heard)

    def charge_answer(self, peer: Peer, size: int) -> None:
        """Charge `size` bytes of a costly answer (a replay, a room's history and view for a
        watcher) to the peer's address; LimitError (the connection stays) once the address
        has asked for more than `answer_rate` bytes a second."""
        lim = self.limits
        now = time.monotonic()
        bucket = self.answer_buckets.get(peer.address)
        if bucket is None:
            bucket = self.answer_buckets[peer.address] = RateBucket(
                lim.answer_rate, lim.answer_burst, now
            )
        if not bucket.take(now, cost=float(size)):
            raise LimitError(
                f"one address may fetch at most {lim.answer_rate // 1024} KiB of replays and "
                "rooms to watch a second; try again in a moment",
                code=ErrorCode.RATE_LIMITED,
            )

    # --- the turn clock ---------------------------------------------------------------
    def wake(self, room: Room) -> None:
        event = self.wakeups.get(room.id)
        if event is not None:
            event.set()

    def start_clock(self, room: Room) -> None:
        self.wakeups[room.id] = asyncio.Event()
        task = asyncio.get_running_loop().create_task(self.run_clock(room))
        self.clocks[room.id] = task
        task.add_done_callback(functools.partial(self._clock_done, room.id))

    def _clock_done(self, room_id: str, _task: asyncio.Task[None]) -> None:
        self.clocks.pop(room_id, None)

    async def run_clock(self, room: Room) -> None:
        """Drive one match from its current turn to its outcome."""
        event = self.wakeups[room.id]
        grace = self.limits.grace
        try:
            while room.phase is Phase.PLAYING and not self.stopping:
                event.clear()
                if not room.audience():
                    await self.pause(room, event)
                    continue
                now = time.time()
                stand_ins = room.stand_ins_due(now, grace)
                if stand_ins:
                    self.store.save_room(room)
                    log.event("ai_stands_in", room=room.id, seat=",".join(stand_ins))
                    self.announce(room)
                needed = room.needs_ai()
                if needed:
                    await self.play_ai(room, needed, final=True)
                    continue
                if room.is_due(time.time()):
                    await self.resolve(room)
                    continue
                wake = room.next_wake(grace)
                timeout = None if wake is None else max(0.0, wake - time.time())
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        await event.wait()
        except Exception as exc:
            log.event(
                "clock_failed",
                logging.ERROR,
                room=room.id,
                turn=room.turn,
                error=f"{type(exc).__name__}: {exc}",
            )
            raise

    async def pause(self, room: Room, event: asyncio.Event) -> None:
        """Hold a match nobody is in - no player connected, nobody watching - until someone
        is: it costs no turn work meanwhile, and its clocks stop while it waits."""
        paused = time.time()
        log.event("match_paused", room=room.id, turn=room.turn)
        while not room.audience() and not self.stopping:
            event.clear()
            await event.wait()
        held = time.time() - paused
        if room.deadline is not None:
            room.deadline += held
        for seat in room.seats.values():
            if seat.away_since is not None:
                seat.away_since += held
        log.event("match_resumed", room=room.id, turn=room.turn, paused=round(held, 1))

    def share_of(self, room: Room) -> Share:
        """How the room's turn work queues for the workers: behind the matches someone plays
        in person if only bots play it, and among its creator's other rooms."""
        in_person = any(seat.conn is not None for seat in room.seats.values())
        return Share(owner=room.creator or room.id, bots_only=not in_person)

    async def play_ai(self, room: Room, agencies: list[str], *, final: bool) -> bool:
        """The AI writes orders for `agencies`, thinking in the workers. False if the room
        was deserted meanwhile (see `deserted`): the thinking stopped, nothing was written."""
        turn = room.turn
        thinking = asyncio.ensure_future(self.bots.decide_all(room, agencies, self.share_of(room)))
        self.thinking[room.id] = thinking
        try:
            results = await thinking
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if thinking.cancelled() and task is not None and not task.cancelling():
                return False
            raise
        finally:
            self.thinking.pop(room.id, None)
        if room.turn != turn or room.resolving or room.phase is not Phase.PLAYING:
            return True
        changed = False
        for agency, orders in results.items():
            seat = room.seats[agency]
            if final and not seat.ai_plays:
                continue  # the player came back while the AI was thinking
            if agency in room.final:
                continue
            room.record(agency, orders, final, by_ai=True)
            changed = True
        if changed and final:
            self.announce(room)
        return True

    def deserted(self, room: Room) -> None:
        """Someone left the room: if nobody is left in a running match, the AI stops
        thinking for it (jobs still waiting for a worker never start) and its clock pauses."""
        if room.phase is Phase.PLAYING and not room.audience():
            thinking = self.thinking.get(room.id)
            if thinking is not None:
                thinking.cancel()
            self.wake(room)

    async def resolve(self, room: Room) -> None:
        """Resolve the turn: AI for seats with nothing on file, rules and rendering in a
        worker, commit, then each recipient's update."""
        missing = room.missing_at_deadline()
        if missing and not await self.play_ai(room, missing, final=False):
            return
        plan = room.plan()
        started = time.perf_counter()
        # Updates are rendered for the seats with a connection to send them to (the AI
        # builds its own when it thinks).
        render = [seat.agency for seat in room.seats.values() if seat.conn is not None]
        try:
            resolved = await self.work.run(
                turns.resolve, plan.snapshot, plan.orders, render, share=self.share_of(room)
            )
            state = snapshot.decode_state(resolved.snapshot)
        except Exception as exc:
            room.resolving = False
            room.deadline = time.time() + room.settings.deadline
            log.event(
                "resolve_failed",
                logging.ERROR,
                room=room.id,
                turn=plan.turn,
                error=f"{type(exc).__name__}: {exc}",
            )
            return
        now = time.time()
        room.conclude(state, resolved, now)
        if self.owns_process:
            # The new state lives for a turn: out of the collector's scans with it (and
            # with everything else alive now), so that young-generation collections stay
            # short. Nearly all garbage here is freed by reference counting; the full
            # collection in `janitor` picks up any cycles left among what was frozen.
            gc.freeze()
        self.store.save_turn(room, plan.turn, plan.orders, resolved.state_hash, now)
        took = time.perf_counter() - started
        if self.metrics is not None:
            self.metrics.turn_seconds.observe(took)
        log.event("turn_resolved", room=room.id, turn=plan.turn, ms=round(took * 1000, 1))
        self.send_turn(room)
        self.announce(room)
        if room.phase is Phase.OVER:
            log.event(
                "match_over",
                room=room.id,
                turn=room.turn,
                termination=(room.outcome or {}).get("termination"),
            )
            self.to_room(room, room.over_message())
            self.bots.forget(room.id)


def _plain_response(status: http.HTTPStatus, kind: str, body: bytes) -> Response:
    """A plain HTTP answer on the WebSocket port (health, metrics)."""
    headers = Headers(
        [("Content-Type", kind), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")]
    )
    return Response(status.value, status.phrase, headers, body)


async def run_server(
    host: str,
    port: int,
    data: Path,
    *,
    limits: Limits | None = None,
    durable: bool = False,
    workers: int = 1,
    ready: Callable[[int], None] | None = None,
    admin_token: str = "",
    metrics: bool = True,
    quarantine: bool = False,
) -> None:
    """Serve until a stop signal (SIGINT, SIGTERM; Ctrl-Break on Windows), then stop
    gracefully. A damaged store raises StoreDamaged, unless `quarantine` sets it aside."""
    if workers == 0:
        # Turns resolve in a thread of this process: a short switch interval (0.2 ms, not
        # 5 ms) hands the interpreter lock back to the event loop sooner.
        sys.setswitchinterval(0.0002)
    limits = limits or Limits()
    with DataLock(data):
        store, rooms = open_store(data, limits, durable=durable, quarantine=quarantine)
        server = GameServer(
            store,
            limits,
            workers=workers,
            owns_process=True,
            admin_token=admin_token,
            metrics=metrics,
        )
        bound = await server.start(host, port, rooms)
        # What exists now (code, content, restored rooms) lives as long as the process: take
        # it out of the collector's scans, and collect the young generation less often, so
        # that garbage collection does not pause the loop for long at a time.
        gc.collect()
        gc.freeze()
        gc.set_threshold(10_000, 10, 10)
        if ready is not None:
            ready(bound)
        stop = asyncio.Event()
        undo = on_stop_signal(asyncio.get_running_loop(), stop.set)
        try:
            await stop.wait()
        finally:
            undo()
            await server.stop()
