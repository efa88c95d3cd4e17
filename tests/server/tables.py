"""Helpers for end-to-end tests: seat players at a table, record what each one receives, and
check every recorded message against the rules re-played from the match's replay."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import msgpack

from game import rules
from game.net.client import Client, SeatKey
from game.protocol.codec import encode
from game.replay import first_state, loads, verify_replay
from game.rules.setup import seed_intel_secret
from tests.timing import scaled


@dataclass
class Player:
    """A client, the seat it holds (None: spectator), and every message it received."""

    client: Client
    seat: SeatKey | None
    inbox: list[dict[str, Any]] = field(default_factory=list)

    @property
    def agency(self) -> str | None:
        return self.seat.seat if self.seat else None


async def connect(url: str, name: str, log: list[dict[str, Any]] | None = None) -> Client:
    tap = log.append if log is not None else None
    return await Client.connect(url, name, tap=tap, timeout=scaled(20))


async def table(
    url: str, humans: list[str], *, spectator: bool = False, **settings: Any
) -> tuple[Client, dict[str, Any], dict[str, Player]]:
    """Create a room, seat a player in each of `humans` (ready), add a spectator; not started.
    Returns the host client, the `created` reply and the players by agency ("" = spectator)."""
    host = await connect(url, "Host")
    created = await host.create_room("table", **settings)
    room = created["room"]
    players: dict[str, Player] = {}
    for agency in humans:
        log: list[dict[str, Any]] = []
        client = await connect(url, agency.upper(), log)
        seat = await client.join(room, agency)
        await client.ready(seat)
        players[agency] = Player(client, seat, log)
    if spectator:
        log = []
        client = await connect(url, "Watcher", log)
        await client.spectate(room)
        players[""] = Player(client, None, log)
    return host, created, players


async def watch_until_over(client: Client, room: str) -> dict[str, Any]:
    return (await client.wait_for("over", room=room))["outcome"]  # type: ignore[no-any-return]


def plain(value: Any) -> Any:
    """`value` as it looks after a trip through msgpack (tuples become lists...)."""
    return msgpack.unpackb(encode({"v": value}), raw=False, strict_map_key=False)["v"]


@dataclass
class Replayed:
    """The match re-simulated from its replay: the state at each version, and the events
    that led to it."""

    states: dict[int, Any]
    events: dict[int, list[Any]]
    agencies: list[str]


def replay_states(data: bytes) -> Replayed:
    replay = loads(data)
    verify_replay(replay)
    # The server keys intelligence with a secret of its own, not one the seed gives away.
    assert replay.intel_secret not in (None, seed_intel_secret(replay.seed))
    state = first_state(replay)  # with the match's own intel secret, drawn by the server
    states = {rules.view(state, None)["version"]: state}
    events: dict[int, list[Any]] = {rules.view(state, None)["version"]: []}
    for record in replay.turns:
        orders = {a: rules.orders_from_wire(w) for a, w in record.orders.items()}
        state, happened = rules.resolve_turn(state, orders)
        version = rules.view(state, None)["version"]
        states[version] = state
        events[version] = happened
    return Replayed(states, events, list(replay.agencies))


def contains(haystack: Any, needle: Any) -> bool:
    """Whether `needle` appears as a whole value anywhere inside `haystack`."""
    if haystack == needle:
        return True
    if isinstance(haystack, dict):
        return any(contains(v, needle) for v in haystack.values())
    if isinstance(haystack, list):
        return any(contains(v, needle) for v in haystack)
    return False


def has_key(value: Any, key: str) -> bool:
    if isinstance(value, dict):
        return key in value or any(has_key(v, key) for v in value.values())
    if isinstance(value, list):
        return any(has_key(v, key) for v in value)
    return False


def check_privacy(player: Player, match: Replayed, secrets: dict[str, str]) -> int:
    """Every message `player` received shows only what its seat may see: each view and event
    list is exactly the rules' filtered one for that recipient, no other agency's private
    part appears anywhere, and no secret but its own. Returns the number of updates checked."""
    me = player.agency
    own_token = player.seat.token if player.seat else None
    checked = 0
    for message in player.inbox:
        packed = encode(message)
        for name, secret in secrets.items():
            if secret != own_token:
                assert secret.encode() not in packed, f"{name} leaked to {me or 'spectator'}"
        if message.get("t") != "turn":
            assert not has_key(message, "view") and not has_key(message, "me"), message
            continue
        state = match.states[message["version"]]
        assert message["seat"] == me
        assert message["view"] == plain(rules.view(state, me)), f"view for {me}"
        expected_events = rules.events_for(match.events[message["version"]], me)
        assert message["events"] == plain(expected_events), f"events for {me}"
        for other in match.agencies:
            if other != me:
                private = plain(rules.view(state, other)["me"])
                assert not contains(message, private), f"{other}'s private part reached {me}"
        checked += 1
    return checked


async def gather_all(*coros: Any) -> list[Any]:
    return list(await asyncio.gather(*coros))
