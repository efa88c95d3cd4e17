"""Why the server refuses a message: stable error codes, close codes and one exception tree.

Every refusal reaches the sender only, as an `error` message with a `code` from `ErrorCode`
and a `reason` in words. Codes are part of the protocol (docs/protocol.md): clients branch
on them, so a code never changes meaning. Most refusals leave the connection open; abuse
(oversized frames, floods) and a failed version negotiation close it with a `CloseCode`.

The exception tree, all raised by the sans-I/O core and turned into `error` messages by the
connection handler:

* `ServerError` - the root; carries `code`, `reason`, optional rule `errors` and an optional
  `close` code when the connection must end.

  * `ProtocolError` - the bytes or the message are not the protocol: `undecodable`,
    `malformed`, `unknown_type`, `hello_first`, `unsupported_version`.
  * `AuthError` - a secret does not match: `unauthorised`.
  * `RoomError` - the lobby refuses: `unknown_room`, `room_full`, `seat_taken`,
    `unknown_seat`, `not_ready`, `already_started`, `no_spectators`,
    `not_in_room`, `not_finished`, `capacity`.
  * `MatchError` - the match refuses orders: `match_over`, `not_active`, `illegal`
    (with the rules' own `RuleError` list), `stale`.
  * `LimitError` - a limit was hit: `rate_limited` (closes), `too_long`.
  * `BannedError` - the server's admin banned the name: `banned` (closes).

`internal` is sent when a handler fails unexpectedly; the failure is logged and the
connection stays open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import IntEnum, StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Stable reasons the server refuses a message."""

    UNDECODABLE = "undecodable"  # not a msgpack map in a binary frame
    MALFORMED = "malformed"  # a field is missing, unknown, of the wrong type or out of range
    UNKNOWN_TYPE = "unknown_type"  # no such message type
    HELLO_FIRST = "hello_first"  # the first message must be `hello`
    UNSUPPORTED_VERSION = "unsupported_version"  # no protocol version in common (closes)
    UNAUTHORISED = "unauthorised"  # wrong seat token, host token or room key
    UNKNOWN_ROOM = "unknown_room"
    ROOM_FULL = "room_full"  # no open seat left
    SEAT_TAKEN = "seat_taken"
    UNKNOWN_SEAT = "unknown_seat"  # the room has no such seat
    NOT_READY = "not_ready"  # a seated player is not ready yet
    ALREADY_STARTED = "already_started"  # lobby-only action on a running match
    NO_SPECTATORS = "no_spectators"  # the room does not allow spectators
    NOT_IN_ROOM = "not_in_room"  # e.g. unwatch without watching
    NOT_FINISHED = "not_finished"  # a replay of a match still running
    CAPACITY = "capacity"  # the server holds as many rooms as it may
    MATCH_OVER = "match_over"
    NOT_ACTIVE = "not_active"  # the match has not started, or the seat was given up
    ILLEGAL = "illegal"  # the rules refuse the orders; `errors` lists why
    STALE = "stale"  # the orders were written for another state version
    RATE_LIMITED = "rate_limited"  # too many messages (closes)
    TOO_LONG = "too_long"  # a chat line over the limit
    SHUTTING_DOWN = "shutting_down"
    BANNED = "banned"  # the server's admin banned this name (closes)
    INTERNAL = "internal"  # a server fault; logged, connection kept


class CloseCode(IntEnum):
    """WebSocket close codes the server uses (RFC 6455 plus the 4000 private range)."""

    NORMAL = 1000
    GOING_AWAY = 1001  # the server shuts down; reconnect later with your seat token
    POLICY_VIOLATION = 1008  # a flood of messages
    MESSAGE_TOO_BIG = 1009  # a frame over the size limit
    INTERNAL_ERROR = 1011
    UNSUPPORTED_VERSION = 4000  # no protocol version in common
    IDLE = 4001  # no hello in time, or idle without a seat or a match to watch
    TOO_SLOW = 4002  # the client does not read its messages; reconnect to catch up
    ADMIN_CLOSED = 4003  # the server's admin closed the connection (kick or ban)


class ServerError(Exception):
    """The root of every refusal: a stable code, a reason, and what to do with the connection."""

    default_code = ErrorCode.INTERNAL

    def __init__(
        self,
        reason: str,
        *,
        code: ErrorCode | None = None,
        errors: Sequence[Mapping[str, Any]] | None = None,
        close: CloseCode | None = None,
    ) -> None:
        super().__init__(reason)
        self.code = code if code is not None else self.default_code
        self.reason = reason
        self.errors = errors
        self.close = close

    def to_wire(self, ref: int | None) -> dict[str, Any]:
        """The `error` message telling the sender why."""
        out: dict[str, Any] = {"t": "error", "code": str(self.code), "reason": self.reason}
        if ref is not None:
            out["ref"] = ref
        if self.errors is not None:
            out["errors"] = self.errors
        if self.close is not None:
            out["close"] = int(self.close)
        return out


class ProtocolError(ServerError):
    """The bytes or the message are not the protocol."""

    default_code = ErrorCode.MALFORMED


class AuthError(ServerError):
    """A seat token, host token or room key does not match."""

    default_code = ErrorCode.UNAUTHORISED


class RoomError(ServerError):
    """The lobby refuses: no such room or seat, not the host, already started..."""

    default_code = ErrorCode.UNKNOWN_ROOM


class MatchError(ServerError):
    """The match refuses the orders: over, seat not active, illegal or stale."""

    default_code = ErrorCode.ILLEGAL


class LimitError(ServerError):
    """A limit was hit."""

    default_code = ErrorCode.RATE_LIMITED


class BannedError(ServerError):
    """The server's admin banned this name or address."""

    default_code = ErrorCode.BANNED
