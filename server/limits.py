"""The server's limits in one place, and the per-connection message-rate bucket.

Every number a host may want to tune lives in `Limits`; docs/hosting.md explains each.
Time limits are in seconds. `RateBucket` is sans-I/O: the caller passes the clock.

Fairness is by client address, not by connection: a client that reconnects is the same
client. The address is the peer's own, or - only when the peer is one of `trusted_proxies` -
the one that proxy names in X-Forwarded-For (`client_address`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class Limits:
    """What the server allows, per connection and in total."""

    max_frame: int = 64 * 1024  # bytes in one client message; bigger frames close the connection
    rate: float = 20.0  # messages per second a connection may send, sustained
    burst: int = 60  # messages a connection may send at once before the rate applies
    max_connections: int = 2000
    max_rooms: int = 500
    max_rooms_per_address: int = 8  # rooms not yet over that one address may have created
    max_connections_per_address: int = 64  # open connections from one address
    max_watching_per_address: int = 16  # rooms the connections of one address may watch
    lobby_room_timeout: float = 600.0  # a room in its lobby with nobody in it is closed after this
    trusted_proxies: tuple[str, ...] = ()  # addresses or networks whose X-Forwarded-For is believed
    max_spectators: int = 100  # per room
    chat_length: int = 500  # characters in one chat line
    chat_history: int = 50  # lines kept per room and for the lobby
    chat_rate: float = 1.0  # chat lines per second from one address, sustained
    chat_burst: int = 5  # chat lines one address may send at once
    lobby_chat_deliveries: int = 5000  # lobby chat lines delivered a second, to everyone together
    ping_interval: float = 20.0  # keepalive pings
    ping_timeout: float = 20.0  # a client that does not answer a ping in time is dropped
    hello_timeout: float = 10.0  # the first message must arrive within this time
    idle_timeout: float = 900.0  # a connection without seat or watched room is closed after this
    send_buffer: int = 8 * 1024 * 1024  # bytes queued to one client before it counts as too slow
    send_buffer_total: int = 256 * 1024 * 1024  # bytes queued to all slow clients together
    replay_cache: int = 64 * 1024 * 1024  # bytes of built replays kept to answer again
    answer_rate: int = 1024 * 1024  # bytes of costly answers (replays, watching) an address
    answer_burst: int = 8 * 1024 * 1024  # may ask for a second, sustained, and at once
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
            "lobby_room_timeout",
            "ai_timeout",
            "open_timeout",
            "close_timeout",
        )
        return replace(self, **{name: getattr(self, name) * factor for name in timed})

    def with_settings(self, settings: Iterable[str]) -> Limits:
        """These limits with `NAME=VALUE` settings applied, each value read as its field's
        type (a tuple from commas); ValueError names an unknown limit or a bad value."""
        known = {f.name: f for f in fields(self)}
        changed: dict[str, object] = {}
        for setting in settings:
            name, _, text = setting.partition("=")
            name = name.strip()
            if name not in known or not _:
                raise ValueError(f"{setting!r}: expected NAME=VALUE with a NAME of {sorted(known)}")
            current = getattr(self, name)
            try:
                if isinstance(current, tuple):
                    changed[name] = tuple(t.strip() for t in text.split(",") if t.strip())
                else:
                    changed[name] = type(current)(text)
            except ValueError:
                kind = type(current).__name__
                raise ValueError(f"{setting!r}: {name} takes a {kind}") from None
        return replace(self, **changed)  # type: ignore[arg-type]

    def public(self) -> dict[str, float | int]:
        """The limits a client should know, sent in `welcome`."""
        shown = ("max_frame", "rate", "burst", "chat_length", "grace")
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in shown}


class RateBucket:
    """A token bucket: `take(now)` is False once a sender exceeds its rate and burst.

    Charged at arrival: while the server was too busy to read (`unread_since`, the last
    moment it was free), what a sender sent meanwhile reaches it all at once. Those messages
    came at the sender's own pace, so the time the server spent busy refills the bucket past
    its burst, for them only; once the server reads promptly again the burst applies again.
    """

    __slots__ = ("_ceiling", "_last", "_level", "burst", "rate")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self._level = float(burst)
        self._last = now
        self._ceiling = float(burst)

    def take(self, now: float, unread_since: float | None = None, cost: float = 1.0) -> bool:
        """Charge `cost` messages at `now`; False (and nothing charged) when they exceed it."""
        if unread_since is None or unread_since >= now:
            self._ceiling = float(self.burst)
        else:
            backlog = now - max(unread_since, min(self._last, now))
            self._ceiling = max(self._ceiling, self.burst + backlog * self.rate)
        elapsed = max(0.0, now - self._last)
        self._last = max(self._last, now)
        self._level = min(self._ceiling, self._level + elapsed * self.rate)
        if self._level < min(cost, float(self.burst)):
            return False
        self._level -= cost
        return True


def client_address(peer: str | None, forwarded: str | None, trusted: Iterable[str] = ()) -> str:
    """The address a connection comes from: the peer's, unless the peer is a trusted proxy,
    in which case the nearest address in its X-Forwarded-For that is not a trusted proxy too
    (entries further left were written by the client and prove nothing)."""
    networks = [ipaddress.ip_network(t, strict=False) for t in trusted]
    if peer is None:
        return "?"

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in networks)

    if not forwarded or not is_trusted(peer):
        return peer
    address = peer
    for entry in reversed(forwarded.split(",")):
        entry = entry.strip()
        try:
            ipaddress.ip_address(entry)
        except ValueError:
            break  # garbled: believe no further than the last proxy
        address = entry
        if not is_trusted(entry):
            break
    return address
