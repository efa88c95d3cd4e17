"""The server's limits in one place, and the per-connection message-rate bucket.

Every number a host may want to tune lives in `Limits`; docs/hosting.md explains each.
Time limits are in seconds. `RateBucket` is sans-I/O: the caller passes the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class Limits:
    """What the server allows, per connection and in total."""

    max_frame: int = 64 * 1024  # bytes in one client message; bigger frames close the connection
    rate: float = 20.0  # messages per second a connection may send, sustained
    burst: int = 60  # messages a connection may send at once before the rate applies
    max_connections: int = 2000
    max_rooms: int = 500
    max_rooms_per_connection: int = 4  # rooms one connection may create
    max_spectators: int = 100  # per room
    chat_length: int = 500  # characters in one chat line
    chat_history: int = 50  # lines kept per room and for the lobby
    chat_rate: float = 1.0  # chat lines per second, sustained (burst 5)
    ping_interval: float = 20.0  # keepalive pings
    ping_timeout: float = 20.0  # a client that does not answer a ping in time is dropped
    hello_timeout: float = 10.0  # the first message must arrive within this time
    idle_timeout: float = 900.0  # a connection without seat or watched room is closed after this
    send_buffer: int = 8 * 1024 * 1024  # bytes queued to one client before it counts as too slow
    grace: float = 30.0  # a disconnected player's seat goes to the AI after this
    resume_grace: float = 60.0  # after a restart, the least time players get to come back
    ai_timeout: float = 20.0  # a bot that thinks longer than this plays an empty turn
    finished_keep: float = 24 * 3600.0  # a finished room stays for its replay this long
    open_timeout: float = 10.0  # the WebSocket opening handshake
    close_timeout: float = 5.0  # a client that does not finish the closing handshake is dropped

    def scaled(self, factor: float) -> Limits:
        """These limits with every time constant multiplied by `factor` (tests shorten them)."""
        timed = (
            "ping_interval",
            "ping_timeout",
            "hello_timeout",
            "idle_timeout",
            "grace",
            "resume_grace",
            "ai_timeout",
            "open_timeout",
            "close_timeout",
        )
        return replace(self, **{name: getattr(self, name) * factor for name in timed})

    def public(self) -> dict[str, float | int]:
        """The limits a client should know, sent in `welcome`."""
        shown = ("max_frame", "rate", "burst", "chat_length", "grace")
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in shown}


class RateBucket:
    """A token bucket: `take(now)` is False once a sender exceeds its rate and burst."""

    __slots__ = ("_last", "_level", "burst", "rate")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self._level = float(burst)
        self._last = now

    def take(self, now: float) -> bool:
        elapsed = max(0.0, now - self._last)
        self._last = now
        self._level = min(float(self.burst), self._level + elapsed * self.rate)
        if self._level < 1.0:
            return False
        self._level -= 1.0
        return True
