"""The lobby: every room on the server, the seat-token index, room listing and lobby chat.

Sans-I/O like `server.room`. The lobby is where a request's secrets are checked, in the
protocol's order: the seat token first (through an index of token digests, so that a wrong
token learns nothing about which rooms exist), then the room, then whatever the room itself
checks.
"""

from __future__ import annotations

import functools
import secrets
from collections import Counter, deque
from typing import Any

from game import rules
from game.protocol.errors import AuthError, ErrorCode, LimitError, ProtocolError, RoomError
from game.protocol.messages import Control, Phase, ServerType, Visibility
from server.limits import Limits
from server.room import Room, RoomSettings, Seat, Submission, digest

ROOM_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: ids are read aloud
ROOM_ID_LENGTH = 8


def ai_levels() -> tuple[str, ...]:
    """AI specs a room may ask for: the levels and the built-in bots, never `module:Class`
    (a client must not make the server import code)."""
    from game.ai import BUILTIN, LEVELS

    return (*LEVELS, *BUILTIN)


@functools.lru_cache(maxsize=16)
def scenario_agencies(scenario: str) -> tuple[str, ...]:
    """The agencies a scenario seats, in seat order; ProtocolError for an unknown scenario."""
    if scenario not in rules.scenario_names():  # a name, never a path a client chose
        raise ProtocolError(f"unknown scenario {scenario!r}; known: {rules.scenario_names()}")
    try:
        state = rules.new_match(scenario, seed=0)
    except (OSError, KeyError, ValueError, rules.ContentError) as exc:
        raise ProtocolError(f"unknown scenario {scenario!r}: {exc}") from None
    return tuple(state.agencies)


class Lobby:
    """All rooms, and the index from seat-token digests to seats."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rooms: dict[str, Room] = {}
        self.tokens: dict[str, tuple[str, str]] = {}  # token digest -> (room id, agency)
        self.chat: deque[dict[str, Any]] = deque(maxlen=limits.chat_history)
        self.created_by: Counter[int] = Counter()  # live rooms each connection created

    # --- rooms ------------------------------------------------------------------------
    def _new_room_id(self) -> str:
        while True:
            room_id = "".join(secrets.choice(ROOM_ID_ALPHABET) for _ in range(ROOM_ID_LENGTH))
            if room_id not in self.rooms:
                return room_id

    def settings_from(self, fields: dict[str, Any]) -> RoomSettings:
        """Check a `create` request's choices against the scenario and the AI levels."""
        scenario = fields["scenario"]
        available = scenario_agencies(scenario)
        seats = tuple(fields["seats"] or available)
        unknown = [a for a in seats if a not in available]
        if unknown or len(set(seats)) != len(seats) or len(seats) < 2:
            raise ProtocolError(
                f"seats must be two or more distinct agencies of {list(available)}",
            )
        ai_seats = tuple(fields["ai_seats"])
        if any(a not in seats for a in ai_seats):
            raise ProtocolError("ai_seats must be seats of the room")
        levels = ai_levels()
        if fields["ai_level"] not in levels:
            raise ProtocolError(f"ai_level must be one of {list(levels)}")
        per_seat = dict(fields["ai_levels"] or {})
        if any(a not in seats for a in per_seat):
            raise ProtocolError("ai_levels must name seats of the room")
        if any(level not in levels for level in per_seat.values()):
            raise ProtocolError(f"ai_levels must give levels of {list(levels)}")
        deadline = float(fields["deadline"])
        first = fields["first_deadline"]
        seed = fields["seed"]
        return RoomSettings(
            name=fields["name"],
            scenario=scenario,
            seats=seats,
            ai_seats=ai_seats,
            turns=fields["turns"],
            deadline=deadline,
            first_deadline=float(first) if first is not None else 2 * deadline,
            ai_level=fields["ai_level"],
            visibility=Visibility(fields["visibility"]),
            spectators=fields["spectators"],
            seed=seed if seed is not None else secrets.randbits(62),
            ai_levels=per_seat,
        )

    def create(self, fields: dict[str, Any], conn: int, now: float) -> tuple[Room, str, str | None]:
        """Open a room for a `create` request; returns it with the host token and room key."""
        live = sum(1 for r in self.rooms.values() if r.phase is not Phase.OVER)
        if live >= self.limits.max_rooms:
            raise RoomError("the server holds as many rooms as it may", code=ErrorCode.CAPACITY)
        if self.created_by[conn] >= self.limits.max_rooms_per_connection:
            raise LimitError(
                f"one connection may create at most {self.limits.max_rooms_per_connection} "
                "rooms at a time",
                code=ErrorCode.CAPACITY,
            )
        settings = self.settings_from(fields)
        room, host_token, key = Room.open(
            self._new_room_id(), settings, now, self.limits.chat_history
        )
        self.rooms[room.id] = room
        self.created_by[conn] += 1
        return room, host_token, key

    def add(self, room: Room) -> None:
        """Take in a room restored from the store."""
        self.rooms[room.id] = room
        for seat in room.seats.values():
            if seat.token_hash is not None:
                self.tokens[seat.token_hash] = (room.id, seat.agency)

    def remove(self, room_id: str) -> None:
        room = self.rooms.pop(room_id, None)
        if room is None:
            return
        for seat in room.seats.values():
            if seat.token_hash is not None:
                self.tokens.pop(seat.token_hash, None)

    def forget_creator(self, conn: int) -> None:
        self.created_by.pop(conn, None)

    def room(self, room_id: str) -> Room:
        room = self.rooms.get(room_id)
        if room is None:
            raise RoomError(f"no room {room_id!r}", code=ErrorCode.UNKNOWN_ROOM)
        return room

    def listing(self) -> list[dict[str, Any]]:
        """Public rooms that are not over, newest first."""
        shown = [
            r
            for r in self.rooms.values()
            if r.settings.visibility is Visibility.PUBLIC and r.phase is not Phase.OVER
        ]
        shown.sort(key=lambda r: r.created, reverse=True)
        return [r.summary() for r in shown[:200]]

    # --- seats and secrets ------------------------------------------------------------
    def join(
        self, room_id: str, agency: str | None, key: str | None, player: str, conn: int
    ) -> tuple[Room, Seat, str]:
        room = self.room(room_id)
        room.check_key(key)
        seat, token = room.claim(agency, player, conn)
        assert seat.token_hash is not None
        self.tokens[seat.token_hash] = (room.id, seat.agency)
        return room, seat, token

    def seat(self, room_id: str, agency: str, token: str) -> tuple[Room, Seat]:
        """Check a seat token, then that its room still exists."""
        held = self.tokens.get(digest(token))
        if held is None or held != (room_id, agency):
            raise AuthError(f"the seat token is not valid for seat {agency} of room {room_id}")
        room = self.room(room_id)
        seat = room.seat_for(agency)
        if seat.token_hash is None or seat.control is not Control.HUMAN:
            raise AuthError("the seat token was revoked")
        return room, seat

    def release(self, room: Room, agency: str) -> None:
        """The seat's holder leaves or is kicked; the token stops working."""
        revoked = room.release(agency)
        if revoked is not None:
            self.tokens.pop(revoked, None)

    def check_orders(
        self, room_id: str, agency: str, token: str, version: int, orders: list[Any], final: bool
    ) -> Submission:
        """Every check an `orders` message passes after its schema, in protocol order."""
        room, _seat = self.seat(room_id, agency, token)
        return room.check_orders(agency, version, orders, final)

    def add_chat(self, sender: str, text: str, now: float) -> dict[str, Any]:
        line = {"from": sender, "seat": None, "text": text, "time": now}
        self.chat.append(line)
        return {"t": ServerType.CHAT, "room": None, **line}

    def history_message(self) -> dict[str, Any]:
        return {"t": ServerType.HISTORY, "room": None, "messages": list(self.chat)}
