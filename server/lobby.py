"""The lobby: every room on the server, the seat-token index, room listing and lobby chat.

Sans-I/O like `server.room`. The lobby is where a request's secrets are checked, in the
protocol's order: the seat token first (through an index of token digests, so that a wrong
token learns nothing about which rooms exist), then the room, then whatever the room itself
checks.
"""

from __future__ import annotations

import functools
import secrets
from collections import deque
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
        # The seed is no secret (a host who chose it may share it): the match's secret that
        # keys intel noise and appropriations is drawn by the room when the match starts.
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
            seed_chosen=seed is not None,
        )

    def create(
        self, fields: dict[str, Any], address: str, now: float
    ) -> tuple[Room, str, str | None]:
        """Open a room for a `create` request from `address`; returns it with the host token
        and room key. Rooms count against the address that created them until they are over
        or closed, however often it reconnects."""
        live = sum(1 for r in self.rooms.values() if r.phase is not Phase.OVER)
        if live >= self.limits.max_rooms:
            raise RoomError("the server holds as many rooms as it may", code=ErrorCode.CAPACITY)
        mine = sum(
            1 for r in self.rooms.values() if r.creator == address and r.phase is not Phase.OVER
        )
        if mine >= self.limits.max_rooms_per_address:
            raise LimitError(
                f"one address may have at most {self.limits.max_rooms_per_address} rooms "
                "open at a time",
                code=ErrorCode.CAPACITY,
            )
        settings = self.settings_from(fields)
        room, host_token, key = Room.open(
            self._new_room_id(), settings, now, self.limits.chat_history
        )
        room.creator = address
        self.rooms[room.id] = room
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

    def seat(
        self, room_id: str, agency: str, token: str, conn: int | None = None
    ) -> tuple[Room, Seat]:
        """Check a seat token, then that its room still exists; with `conn`, also that this
        connection is the one speaking for the seat (a connection replaced by a `rejoin`
        keeps the token but not the seat)."""
        held = self.tokens.get(digest(token))
        if held is None or held != (room_id, agency):
            raise AuthError(f"the seat token is not valid for seat {agency} of room {room_id}")
        room = self.room(room_id)
        seat = room.seat_for(agency)
        if seat.token_hash is None or seat.control is not Control.HUMAN:
            raise AuthError("the seat token was revoked")
        if conn is not None and seat.conn != conn:
            raise AuthError(
                f"this connection does not hold seat {agency}; send `rejoin` to take it back"
            )
        return room, seat

    def release(self, room: Room, agency: str) -> None:
        """The seat's holder leaves or is kicked; the token stops working."""
        revoked = room.release(agency)
        if revoked is not None:
            self.tokens.pop(revoked, None)

    def check_orders(
        self,
        room_id: str,
        agency: str,
        token: str,
        version: int,
        orders: list[Any],
        final: bool,
        conn: int | None = None,
    ) -> Submission:
        """Every check an `orders` message passes after its schema, in protocol order."""
        room, _seat = self.seat(room_id, agency, token, conn)
        return room.check_orders(agency, version, orders, final)

    def add_chat(self, sender: str, text: str, now: float) -> dict[str, Any]:
        line = {"from": sender, "seat": None, "text": text, "time": now}
        self.chat.append(line)
        return {"t": ServerType.CHAT, "room": None, **line}

    def history_message(self) -> dict[str, Any]:
        return {"t": ServerType.HISTORY, "room": None, "messages": list(self.chat)}
