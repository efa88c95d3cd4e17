"""The wire protocol: message types, their schemas, and the check every client message passes.

A message is a msgpack map in a binary WebSocket frame. Its type is the string under "t";
a client may add an integer "id", which the server echoes as "ref" in its reply. The
schemas below are the single source of truth for what a client may send: `parse()` checks a
decoded map against them and returns the fields with defaults filled in, or raises
`ProtocolError` (`unknown_type` or `malformed`). Unknown fields are refused so that typos
surface at once; new optional fields come with a new protocol version.

docs/protocol.md describes every message; a test checks that it names every type and code
defined here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from game.protocol.errors import ErrorCode, ProtocolError

PROTOCOL_VERSION = 1
SUPPORTED_VERSIONS: tuple[int, ...] = (1,)

MAX_NAME = 32
MAX_ID = 64  # room ids, seat names, tokens, keys, scenario names
MAX_ORDERS = 64
MAX_REQUEST_ID = 2**31 - 1
MAX_SECRET = 256  # the admin token, which the host chooses
MAX_NOTICE = 1000  # characters in an admin's notice


class ClientType(StrEnum):
    """Messages a client sends."""

    HELLO = "hello"
    ROOMS = "rooms"
    CREATE = "create"
    JOIN = "join"
    REJOIN = "rejoin"
    LEAVE = "leave"
    READY = "ready"
    START = "start"
    KICK = "kick"
    SPECTATE = "spectate"
    UNWATCH = "unwatch"
    ORDERS = "orders"
    CHAT = "chat"
    REPLAY = "replay"
    ADMIN = "admin"
    FOLLOW = "follow"


class ServerType(StrEnum):
    """Messages the server sends."""

    WELCOME = "welcome"
    ERROR = "error"
    OK = "ok"
    ROOMS = "rooms"
    CREATED = "created"
    JOINED = "joined"
    ROOM = "room"
    TURN = "turn"
    ACK = "ack"
    STATUS = "status"
    CHAT = "chat"
    HISTORY = "history"
    OVER = "over"
    KICKED = "kicked"
    REPLAY = "replay"
    SHUTDOWN = "shutdown"
    ADMIN = "admin"  # the answer to an admin command
    NOTICE = "notice"  # a word from the server's admin to every connection


class AdminCommand(StrEnum):
    """What the holder of the server's admin token may ask of it (docs/protocol.md)."""

    ROOMS = "rooms"  # every room, private ones included
    CLOSE = "close"  # end a room and forget it: `room`
    KICK = "kick"  # close the connections of `name` or `address`
    BAN = "ban"  # kick, and refuse `name` or `address` from now on, across restarts
    UNBAN = "unban"
    BANS = "bans"
    BROADCAST = "broadcast"  # `text` to every connection, as a `notice`
    BACKUP = "backup"  # a copy of the store in the data folder's backups/


class Visibility(StrEnum):
    """Who can find and enter a room."""

    PUBLIC = "public"  # listed in the lobby
    UNLISTED = "unlisted"  # joinable by anyone who knows its id
    PRIVATE = "private"  # unlisted, and joining or watching needs the room key


class Phase(StrEnum):
    """Where a room is in its life."""

    LOBBY = "lobby"
    PLAYING = "playing"
    OVER = "over"


class Control(StrEnum):
    """Who plays a seat."""

    OPEN = "open"  # nobody yet; the AI plays it once the match starts
    HUMAN = "human"  # a player holds the seat token
    AI = "ai"  # the AI at the room's level, for good


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a client message: its type, whether it must be there, and its bounds."""

    kind: type | tuple[type, ...]
    required: bool = True
    default: Any = None
    low: float | None = None  # numbers: smallest value; strings and lists: shortest length
    high: float | None = None  # numbers: largest value; strings and lists: longest length
    choices: tuple[str, ...] = ()
    items: type | None = None  # element type of a list (keys and values of a map)
    item_high: int | None = None  # longest string element of a list or map


def _id(required: bool = True) -> Field:
    return Field(str, required, None, 1, MAX_ID)


_SEAT = {"room": _id(), "seat": _id(), "token": _id()}

SCHEMAS: dict[ClientType, dict[str, Field]] = {
    ClientType.HELLO: {
        "versions": Field(list, items=int, low=1, high=8),
        "name": Field(str, low=1, high=MAX_NAME),
        "client": Field(str, False, "", 0, MAX_ID),
    },
    ClientType.ROOMS: {},
    ClientType.CREATE: {
        "name": Field(str, low=1, high=MAX_NAME),
        "scenario": Field(str, False, "2021", 1, MAX_ID),
        "seats": Field(list, False, None, 1, 16, items=str, item_high=MAX_ID),
        "ai_seats": Field(list, False, [], 0, 16, items=str, item_high=MAX_ID),
        "turns": Field(int, False, None, 1, 200),
        "deadline": Field((int, float), False, 120.0, 0.2, 7 * 86400),
        "first_deadline": Field((int, float), False, None, 0.2, 7 * 86400),
        "ai_level": Field(str, False, "normal", 1, MAX_ID),
        "ai_levels": Field(dict, False, None, 0, 16, items=str, item_high=MAX_ID),
        "visibility": Field(str, False, Visibility.PUBLIC.value, choices=tuple(Visibility)),
        "spectators": Field(bool, False, True),
        "seed": Field(int, False, None, 0, 2**63 - 1),
    },
    ClientType.JOIN: {
        "room": _id(),
        "seat": _id(required=False),
        "key": _id(required=False),
    },
    ClientType.REJOIN: dict(_SEAT),
    ClientType.LEAVE: dict(_SEAT),
    ClientType.READY: {**_SEAT, "ready": Field(bool, False, True)},
    ClientType.START: {"room": _id(), "host_token": _id()},
    ClientType.KICK: {"room": _id(), "host_token": _id(), "seat": _id()},
    ClientType.SPECTATE: {"room": _id(), "key": _id(required=False)},
    ClientType.UNWATCH: {"room": _id()},
    ClientType.ORDERS: {
        **_SEAT,
        "version": Field(int, low=0, high=2**62),
        "orders": Field(list, low=0, high=MAX_ORDERS, items=dict),
        "final": Field(bool, False, True),
    },
    ClientType.CHAT: {
        "text": Field(str, low=1, high=None),  # length checked against the limit: too_long
        "room": _id(required=False),
        "seat": _id(required=False),
        "token": _id(required=False),
    },
    ClientType.REPLAY: {"room": _id(), "key": _id(required=False)},
    ClientType.ADMIN: {
        "admin_token": Field(str, low=1, high=MAX_SECRET),
        "command": Field(str, choices=tuple(AdminCommand)),
        "room": _id(required=False),
        "name": Field(str, False, None, 1, MAX_NAME),
        "address": Field(str, False, None, 1, MAX_ID),
        "text": Field(str, False, None, 1, MAX_NOTICE),
    },
    ClientType.FOLLOW: {"room": _id(required=False), "key": _id(required=False)},
}

# Every key a message of each type may have.
_ALLOWED: dict[ClientType, frozenset[str]] = {
    kind: frozenset({"t", "id", *schema}) for kind, schema in SCHEMAS.items()
}

# Fields holding secrets: never logged, never echoed.
SECRET_FIELDS = frozenset({"token", "host_token", "key", "admin_token"})


@dataclass(frozen=True, slots=True)
class Request:
    """A client message that passed its schema: its type, request id and checked fields."""

    type: ClientType
    ref: int | None
    fields: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        int: "an integer",
        float: "a number",
        str: "a string",
        bool: "a boolean",
        list: "a list",
        dict: "a map",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    # Exact types: msgpack decodes to the built-in types only, and a bool is no integer on
    # the wire even though Python makes it one.
    if type(kind) is tuple:
        return type(value) in kind
    return type(value) is kind


def _fail(kind: str, name: str, why: str) -> ProtocolError:
    where = f"{kind}.{name}"
    return ProtocolError(f"field {where!r} {why}", code=ErrorCode.MALFORMED)


def _check(kind: str, name: str, spec: Field, value: Any) -> Any:
    """`value` if it fits `spec`; the error names the field as `kind.name`. Every message
    passes here, so the common case takes few steps and builds no text."""
    if not _is(value, spec.kind):
        raise _fail(kind, name, f"must be {_type_name(spec.kind)}")
    value_type = type(value)
    if value_type is str or value_type is list or value_type is dict:
        size = len(value)
        if spec.low is not None and size < spec.low:
            raise _fail(kind, name, f"must have at least {int(spec.low)} element(s)")
        if spec.high is not None and size > spec.high:
            raise _fail(kind, name, f"must have at most {int(spec.high)} element(s)")
    elif value_type is int or value_type is float:
        if value_type is float and not math.isfinite(value):
            raise _fail(kind, name, "must be a finite number")
        if spec.low is not None and value < spec.low:
            raise _fail(kind, name, f"must be at least {spec.low}")
        if spec.high is not None and value > spec.high:
            raise _fail(kind, name, f"must be at most {spec.high}")
    if spec.choices and value not in spec.choices:
        raise _fail(kind, name, f"must be one of {list(spec.choices)}")
    if spec.items is not None and (value_type is list or value_type is dict):
        # A map's keys and values are both held to `items` and `item_high`.
        items = [*value, *value.values()] if value_type is dict else value
        item_type = spec.items
        if not all(type(item) is item_type for item in items):
            raise _fail(kind, name, f"must hold only {_type_name(item_type)} elements")
        longest = spec.item_high
        if longest is not None and any(len(item) > longest for item in items):
            raise _fail(kind, name, f"elements must have at most {longest} characters")
    return value


def parse(message: Any) -> Request:
    """Check a decoded message against its schema; raise ProtocolError if it does not fit."""
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a map", code=ErrorCode.UNDECODABLE)
    kind = message.get("t")
    if not isinstance(kind, str):
        raise ProtocolError("a message needs a string type under 't'", code=ErrorCode.MALFORMED)
    ref = message.get("id")
    if ref is not None and (not _is(ref, int) or not 0 <= ref <= MAX_REQUEST_ID):
        raise ProtocolError(
            f"'id' must be an integer from 0 to {MAX_REQUEST_ID}", code=ErrorCode.MALFORMED
        )
    try:
        msg_type = ClientType(kind)
    except ValueError:
        raise ProtocolError(
            f"unknown message type {kind[:MAX_ID]!r}", code=ErrorCode.UNKNOWN_TYPE
        ) from None
    schema = SCHEMAS[msg_type]
    extra = message.keys() - _ALLOWED[msg_type]
    if extra:
        shown = sorted(str(k)[:MAX_ID] for k in extra)[:5]
        raise ProtocolError(f"{kind}: unknown field(s) {shown}", code=ErrorCode.MALFORMED)
    fields: dict[str, Any] = {}
    for name, spec in schema.items():
        if name not in message or message[name] is None:
            if spec.required:
                raise ProtocolError(f"{kind}: missing field {name!r}", code=ErrorCode.MALFORMED)
            default = spec.default
            fields[name] = list(default) if isinstance(default, list) else default
            continue
        fields[name] = _check(kind, name, spec, message[name])
    return Request(msg_type, ref, fields)
