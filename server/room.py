"""A room: seats and their tokens, readiness, the match, its turn clock, and its chat.

Sans-I/O: a `Room` never touches a socket, a thread or the clock. The caller passes `now`
(seconds since the epoch) and connection ids (plain integers), and asks the room for the
messages to send; the asyncio adapter in `server.app` does the sending, the thinking of AI
seats and the writing to disk. Every rule question goes to `game.rules`; the room only keeps
the turn's orders, decides when the turn is due and builds each recipient's filtered update.

A seat is played by a human who holds its token, or by the AI: for good (an AI seat, a seat
nobody took, a player who left or was kicked), for a while (a player disconnected longer
than the grace period, until they rejoin), or for one turn (a player with nothing on file at
the deadline).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from game import rules
from game.protocol.codec import encode, encode_with
from game.protocol.errors import AuthError, ErrorCode, MatchError, RoomError
from game.protocol.messages import Control, Phase, ServerType, Visibility
from game.rules import Command, orders_to_wire
from server.names import folded, unique_name
from server.snapshot import encode_state
from server.turns import Resolved, legal_key, render_legal, render_view, view_key

TOKEN_BYTES = 24  # secrets.token_urlsafe(24) gives 32 characters
CHECKS_KEPT = 1024  # single-command checks a room keeps in a turn: under a megabyte


def new_secret() -> str:
    """A fresh secret: a seat token, a host token or a room key."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(secret: str) -> str:
    """What the server keeps of a secret: its SHA-256, so a leaked store leaks no tokens."""
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, kept: str | None) -> bool:
    return kept is not None and hmac.compare_digest(digest(secret), kept)


@dataclass(frozen=True, slots=True)
class RoomSettings:
    """What the host chose when creating the room."""

    name: str
    scenario: str
    seats: tuple[str, ...]  # agencies in the match, in seat order
    ai_seats: tuple[str, ...]  # seats the AI plays from the start
    turns: int | None
    deadline: float  # seconds to plan a turn
    first_deadline: float  # seconds to plan the first turn
    ai_level: str
    visibility: Visibility
    spectators: bool
    seed: int
    ai_levels: dict[str, str] = field(default_factory=dict)  # seats the AI plays otherwise
    seed_chosen: bool = False  # the host picked the seed (so anyone may know it)

    def level_for(self, agency: str) -> str:
        """The level the AI plays this seat at, whenever it plays it."""
        return self.ai_levels.get(agency, self.ai_level)

    def to_wire(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scenario": self.scenario,
            "seats": list(self.seats),
            "ai_seats": list(self.ai_seats),
            "turns": self.turns,
            "deadline": self.deadline,
            "first_deadline": self.first_deadline,
            "ai_level": self.ai_level,
            "visibility": str(self.visibility),
            "spectators": self.spectators,
            "seed": self.seed,
            "ai_levels": dict(self.ai_levels),
            "seed_chosen": self.seed_chosen,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> RoomSettings:
        return cls(
            name=data["name"],
            scenario=data["scenario"],
            seats=tuple(data["seats"]),
            ai_seats=tuple(data["ai_seats"]),
            turns=data["turns"],
            deadline=float(data["deadline"]),
            first_deadline=float(data["first_deadline"]),
            ai_level=data["ai_level"],
            visibility=Visibility(data["visibility"]),
            spectators=bool(data["spectators"]),
            seed=int(data["seed"]),
            ai_levels=dict(data.get("ai_levels") or {}),  # rooms stored before it existed
            seed_chosen=bool(data.get("seed_chosen", False)),
        )


@dataclass(slots=True)
class Seat:
    """One agency's chair at the table."""

    agency: str
    control: Control
    player: str | None = None  # the holder's name
    token_hash: str | None = None
    ready: bool = False
    conn: int | None = None  # the connection currently speaking for the seat
    away_since: float | None = None  # when the holder's connection went, during a match
    stand_in: bool = False  # the AI plays for an absent holder until they rejoin

    @property
    def connected(self) -> bool:
        return self.conn is not None

    @property
    def ai_plays(self) -> bool:
        return self.control is not Control.HUMAN or self.stand_in


@dataclass(frozen=True, slots=True)
class Submission:
    """Orders that passed every check, waiting to be committed and recorded."""

    room: Room
    agency: str
    turn: int
    version: int
    orders: list[Command]
    final: bool
    wire: list[dict[str, Any]]  # the orders as the client sent them (stored as they came)


@dataclass(frozen=True, slots=True)
class TurnPlan:
    """What a turn resolves with: the state, and every seat's orders."""

    turn: int
    state: Any
    snapshot: bytes
    orders: dict[str, list[Command]]


@dataclass(slots=True)
class Room:
    """One room, from lobby to outcome."""

    id: str
    settings: RoomSettings
    host_hash: str
    key_hash: str | None
    created: float
    seats: dict[str, Seat] = field(default_factory=dict)
    phase: Phase = Phase.LOBBY
    state: Any = None
    snapshot: bytes = b""  # the state's snapshot, as stored and as the workers receive it
    orders: dict[str, list[Command]] = field(default_factory=dict)
    final: set[str] = field(default_factory=set)
    ai_filled: set[str] = field(default_factory=set)  # final orders the AI wrote this turn
    deadline: float | None = None
    resolving: bool = False
    # the last turn's events as each seat ("" for spectators) may see them
    events: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    outcome: dict[str, Any] | None = None
    finished: float | None = None
    spectators: set[int] = field(default_factory=set)
    chat: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=50))
    _cache: dict[str, bytes] = field(default_factory=dict)  # encoded views and legal lists
    # This turn's checks of single commands: players re-send a whole draft on every change.
    _checked: dict[tuple[str, Command, bool], rules.CommandCheck] = field(default_factory=dict)
    _version: int = 0  # per-turn views and legal lists
    creator: str | None = None  # the address that created it (not kept across restarts)
    attended: float = 0.0  # the last time someone was in the room, for closing empty ones
    _history: bytes | None = None  # the chat history, encoded

    # --- seats ------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        room_id: str,
        settings: RoomSettings,
        now: float,
        chat_history: int = 50,
    ) -> tuple[Room, str, str | None]:
        """A new room in the lobby phase; returns it with its host token and room key."""
        host_token = new_secret()
        key = new_secret() if settings.visibility is Visibility.PRIVATE else None
        room = cls(
            id=room_id,
            settings=settings,
            host_hash=digest(host_token),
            key_hash=digest(key) if key else None,
            created=now,
            chat=deque(maxlen=chat_history),
            attended=now,
        )
        for agency in settings.seats:
            control = Control.AI if agency in settings.ai_seats else Control.OPEN
            room.seats[agency] = Seat(agency, control)
        return room, host_token, key

    def check_key(self, key: str | None) -> None:
        if self.key_hash is not None and (key is None or not matches(key, self.key_hash)):
            raise AuthError("this room is private: the room key is missing or wrong")

    def check_host(self, host_token: str) -> None:
        if not matches(host_token, self.host_hash):
            raise AuthError("the host token is wrong")

    def seat_for(self, agency: str) -> Seat:
        seat = self.seats.get(agency)
        if seat is None:
            raise RoomError(
                f"room {self.id} has no seat {agency!r}; seats: {list(self.seats)}",
                code=ErrorCode.UNKNOWN_SEAT,
            )
        return seat

    def claim(self, agency: str | None, player: str, conn: int | None) -> tuple[Seat, str]:
        """Seat a player before the match starts; returns the seat and its new token."""
        if self.phase is not Phase.LOBBY:
            raise RoomError(
                "the match has started; only rejoining is possible", code=ErrorCode.ALREADY_STARTED
            )
        if agency is None:
            free = [s for s in self.seats.values() if s.control is Control.OPEN]
            if not free:
                raise RoomError(f"room {self.id} has no open seat", code=ErrorCode.ROOM_FULL)
            seat = free[0]
        else:
            seat = self.seat_for(agency)
            if seat.control is not Control.OPEN:
                raise RoomError(f"seat {agency} is taken", code=ErrorCode.SEAT_TAKEN)
        token = new_secret()
        seat.control = Control.HUMAN
        others = {folded(s.player) for s in self.seats.values() if s.player}
        seat.player = unique_name(player, others)
        seat.token_hash = digest(token)
        seat.ready = False
        seat.conn = conn
        return seat, token

    def release(self, agency: str) -> str | None:
        """The holder leaves or is kicked: in the lobby the seat opens again, in a match the
        AI plays it for good. Returns the revoked token hash."""
        seat = self.seat_for(agency)
        revoked = seat.token_hash
        seat.token_hash = None
        seat.player = None
        seat.ready = False
        seat.conn = None
        seat.away_since = None
        seat.stand_in = False
        seat.control = Control.OPEN if self.phase is Phase.LOBBY else Control.AI
        return revoked

    def attach(self, agency: str, conn: int) -> int | None:
        """A connection speaks for the seat from now on (join or rejoin). The AI hands the
        seat back; AI orders already written for this turn stay as a draft the player may
        replace. Returns the connection it replaces, if any."""
        seat = self.seat_for(agency)
        previous = seat.conn if seat.conn != conn else None
        seat.conn = conn
        seat.away_since = None
        if seat.stand_in:
            seat.stand_in = False
        if agency in self.ai_filled:
            self.ai_filled.discard(agency)
            self.final.discard(agency)
        return previous

    def detach(self, conn: int, now: float) -> list[str]:
        """A connection went away; returns the seats it spoke for."""
        self.spectators.discard(conn)
        gone = []
        for seat in self.seats.values():
            if seat.conn == conn:
                seat.conn = None
                if self.phase is Phase.PLAYING:
                    seat.away_since = now
                gone.append(seat.agency)
        return gone

    def set_ready(self, agency: str, ready: bool) -> None:
        if self.phase is not Phase.LOBBY:
            raise RoomError("the match has started", code=ErrorCode.ALREADY_STARTED)
        self.seat_for(agency).ready = ready

    # --- the match --------------------------------------------------------------------
    def start(self, now: float) -> None:
        """Begin the match: empty seats go to the AI, the first-turn clock starts."""
        if self.phase is not Phase.LOBBY:
            raise RoomError("the match has started already", code=ErrorCode.ALREADY_STARTED)
        waiting = [
            s.agency for s in self.seats.values() if s.control is Control.HUMAN and not s.ready
        ]
        if waiting:
            raise RoomError(f"not ready yet: {', '.join(waiting)}", code=ErrorCode.NOT_READY)
        state = rules.new_match(
            self.settings.scenario,
            seed=self.settings.seed,
            agencies=list(self.settings.seats),
            turns=self.settings.turns,
            # Not from the seed, which the host may have chosen and shared.
            intel_secret=secrets.randbits(rules.INTEL_SECRET_BITS),
        )
        for seat in self.seats.values():
            if seat.control is Control.OPEN:
                seat.control = Control.AI
            if seat.control is Control.HUMAN and seat.conn is None:
                seat.away_since = now
        self.begin_turn(state, {}, now, self.settings.first_deadline)
        self.phase = Phase.PLAYING

    def begin_turn(
        self,
        state: Any,
        events: Mapping[str, Sequence[Mapping[str, Any]]],
        now: float,
        plan_time: float,
        *,
        snapshot: bytes | None = None,
        resolved: Resolved | None = None,
    ) -> None:
        """Make `state` current: clear the orders, restart the clock. `snapshot` is the
        state's snapshot and `resolved` the turn's rendered updates, when a worker has made
        them already."""
        self.state = state
        self.snapshot = snapshot if snapshot is not None else encode_state(state)
        self.events = events
        self.orders = {}
        self.final = set()
        self.ai_filled = set()
        self._checked = {}
        self.resolving = False
        self.deadline = now + plan_time
        if resolved is not None:
            self._version = resolved.version
            self._cache = dict(resolved.rendered)
        else:
            public = rules.view(state, None)
            self._version = int(public["version"])
            self._cache = {view_key(None): encode(public)}

    @property
    def turn(self) -> int:
        return int(self.state.turn) if self.state is not None else 0

    @property
    def version(self) -> int:
        return self._version if self.state is not None else 0

    # What each recipient is sent is kept encoded, once a turn: bytes cost the garbage
    # collector nothing, where hundreds of rooms' views and legal lists as objects would.
    def view_bytes(self, agency: str | None) -> bytes:
        """The agency's view of the current state (None: the public view), encoded."""
        key = view_key(agency)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = render_view(self.state, agency)
        return cached

    def legal_bytes(self, agency: str) -> bytes:
        """The agency's legal commands in wire form, encoded."""
        key = legal_key(agency)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = render_legal(self.state, agency)
        return cached

    def check_orders(
        self, agency: str, version: int, orders_wire: list[Any], final: bool
    ) -> Submission:
        """The match-level checks, in protocol order: not over, seat active, orders legal,
        version current. The token and the room were checked by the lobby."""
        if self.phase is Phase.OVER:
            raise MatchError("the match is over", code=ErrorCode.MATCH_OVER)
        if self.phase is not Phase.PLAYING:
            raise MatchError("the match has not started", code=ErrorCode.NOT_ACTIVE)
        seat = self.seat_for(agency)
        if seat.control is not Control.HUMAN:
            raise MatchError(f"seat {agency} is played by the AI", code=ErrorCode.NOT_ACTIVE)
        try:
            orders = rules.orders_from_wire(orders_wire)
        except rules.CommandFormatError as exc:
            raise MatchError(str(exc), code=ErrorCode.MALFORMED) from None
        if len(self._checked) >= CHECKS_KEPT:
            self._checked.clear()
        problems = rules.validate(self.state, agency, orders, remembered=self._checked)
        if problems:
            raise MatchError(
                f"{len(problems)} order(s) refused by the rules",
                code=ErrorCode.ILLEGAL,
                errors=[p.to_wire() for p in problems],
            )
        current = self.version
        if self.resolving:
            raise MatchError(
                f"turn {self.turn} is being resolved; send orders for the next turn",
                code=ErrorCode.STALE,
            )
        if version != current:
            raise MatchError(
                f"orders for version {version}, the state is at version {current}",
                code=ErrorCode.STALE,
            )
        return Submission(self, agency, self.turn, current, orders, final, orders_wire)

    def record(
        self, agency: str, orders: list[Command], final: bool, *, by_ai: bool = False
    ) -> None:
        """Put orders on file for this turn (replacing earlier ones)."""
        self.orders[agency] = list(orders)
        if final:
            self.final.add(agency)
        else:
            self.final.discard(agency)
        if by_ai:
            self.ai_filled.add(agency)
        else:
            self.ai_filled.discard(agency)

    def stand_ins_due(self, now: float, grace: float) -> list[str]:
        """Mark seats whose holder has been away past the grace period as AI-played."""
        due = []
        for seat in self.seats.values():
            away = seat.away_since
            human = seat.control is Control.HUMAN and not seat.stand_in
            if human and away is not None and now - away >= grace:
                seat.stand_in = True
                due.append(seat.agency)
        return due

    def needs_ai(self) -> list[str]:
        """Seats the AI should write final orders for this turn and has not yet."""
        if self.phase is not Phase.PLAYING or self.resolving:
            return []
        return [s.agency for s in self.seats.values() if s.ai_plays and s.agency not in self.final]

    def is_due(self, now: float) -> bool:
        """The turn resolves when every seat has final orders or the deadline has passed."""
        if self.phase is not Phase.PLAYING or self.resolving:
            return False
        if all(agency in self.final for agency in self.seats):
            return True
        return self.deadline is not None and now >= self.deadline

    def missing_at_deadline(self) -> list[str]:
        """Seats with nothing on file: the AI plays them this one turn."""
        return [a for a in self.seats if a not in self.orders]

    def next_wake(self, grace: float) -> float | None:
        """The next moment the clock alone changes something: a deadline or a grace expiry."""
        if self.phase is not Phase.PLAYING:
            return None
        times = [self.deadline] if self.deadline is not None else []
        for seat in self.seats.values():
            if seat.control is Control.HUMAN and not seat.stand_in and seat.away_since:
                times.append(seat.away_since + grace)
        return min(times) if times else None

    def plan(self) -> TurnPlan:
        """Freeze the turn for resolution; orders arriving now are stale."""
        self.resolving = True
        orders = {agency: list(self.orders.get(agency, [])) for agency in self.seats}
        return TurnPlan(self.turn, self.state, self.snapshot, orders)

    def conclude(self, state: Any, resolved: Resolved, now: float) -> None:
        """Install the resolved state: the next turn begins, or the match ends."""
        self.begin_turn(
            state,
            resolved.events,
            now,
            self.settings.deadline,
            snapshot=resolved.snapshot,
            resolved=resolved,
        )
        if rules.is_over(state):
            self.phase = Phase.OVER
            self.deadline = None
            self.finished = now
            self.outcome = state.outcome.to_wire()

    # --- messages ---------------------------------------------------------------------
    def seat_summary(self, seat: Seat) -> dict[str, Any]:
        return {
            "agency": seat.agency,
            "control": str(seat.control),
            "player": seat.player,
            "ready": seat.ready,
            "connected": seat.connected,
            "submitted": seat.agency in self.final,
            "stand_in": seat.stand_in,
            "ai_level": self.settings.level_for(seat.agency),
        }

    def summary(self) -> dict[str, Any]:
        """The public description of the room: settings, seats, phase."""
        s = self.settings
        return {
            "id": self.id,
            "name": s.name,
            "scenario": s.scenario,
            "phase": str(self.phase),
            "visibility": str(s.visibility),
            "spectators": s.spectators,
            "watching": len(self.spectators),
            "ai_level": s.ai_level,
            "turns": s.turns,
            "seed_chosen": s.seed_chosen,
            "deadline": s.deadline,
            "first_deadline": s.first_deadline,
            "seats": [self.seat_summary(seat) for seat in self.seats.values()],
            "turn": self.turn,
            "version": self.version,
        }

    def room_message(self) -> dict[str, Any]:
        return {"t": ServerType.ROOM, "room": self.id, "info": self.summary()}

    def status_message(self) -> dict[str, Any]:
        """Who has submitted and who is connected, sent whenever either changes."""
        return {
            "t": ServerType.STATUS,
            "room": self.id,
            "turn": self.turn,
            "version": self.version,
            "deadline": self.deadline,
            "seats": [self.seat_summary(seat) for seat in self.seats.values()],
        }

    def turn_message(self, agency: str | None, now: float) -> bytes:
        """The encoded update for one recipient: its own view, its legal commands, the events
        it may see, its orders on file. `agency=None` is a spectator: the public view only."""
        out: dict[str, Any] = {
            "t": ServerType.TURN,
            "room": self.id,
            "seat": agency,
            "phase": str(self.phase),
            "turn": self.turn,
            "version": self.version,
            "events": self.events_for(agency),
            "deadline": self.deadline,
            "time": now,
        }
        encoded = {"view": self.view_bytes(agency)}
        if agency is not None:
            playing = self.phase is Phase.PLAYING
            encoded["legal"] = self.legal_bytes(agency) if playing else encode([])
            out["orders"] = orders_to_wire(self.orders.get(agency, []))
            out["final"] = agency in self.final
        return encode_with(out, encoded)

    def events_for(self, agency: str | None) -> Sequence[Mapping[str, Any]]:
        return self.events.get(agency or "", [])

    def over_message(self) -> dict[str, Any]:
        return {
            "t": ServerType.OVER,
            "room": self.id,
            "version": self.version,
            "outcome": self.outcome,
        }

    def add_chat(self, sender: str, seat: str | None, text: str, now: float) -> dict[str, Any]:
        line = {"from": sender, "seat": seat, "text": text, "time": now}
        self.chat.append(line)
        self._history = None
        return {"t": ServerType.CHAT, "room": self.id, **line}

    def history_message(self) -> dict[str, Any]:
        return {"t": ServerType.HISTORY, "room": self.id, "messages": list(self.chat)}

    def history_bytes(self) -> bytes:
        """The history message, encoded once until the next chat line."""
        if self._history is None:
            self._history = encode(self.history_message())
        return self._history

    def audience(self) -> list[tuple[int, str | None]]:
        """Every connection in the room with the agency it speaks for (None: spectator)."""
        out: list[tuple[int, str | None]] = [
            (seat.conn, seat.agency) for seat in self.seats.values() if seat.conn is not None
        ]
        out.extend((conn, None) for conn in self.spectators)
        return out
