"""A turn's work, as the worker processes do it: resolve a turn from its snapshot, render each
recipient's update, let the bot of a seat think.

Pure: no I/O, no clock, no process. Each function takes plain values (a snapshot, commands,
a bot) and returns plain values, so that `server.work` can run it in another process and
`server.room` can read what comes back without importing the pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game import rules
from game.ai import Bot
from game.protocol.codec import encode
from game.rules import Command, EventWire, orders_to_wire
from server.snapshot import decode_state, encode_state


def view_key(agency: str | None) -> str:
    """Where an agency's encoded view (None: the public view) is kept among a turn's bytes."""
    return f"view:{agency or ''}"


def legal_key(agency: str) -> str:
    """Where an agency's encoded legal command list is kept among a turn's bytes."""
    return f"legal:{agency}"


def render_view(state: Any, agency: str | None) -> bytes:
    return encode(rules.view(state, agency))


def render_legal(state: Any, agency: str) -> bytes:
    return encode(orders_to_wire(rules.legal_commands(state, agency)))


@dataclass(frozen=True, slots=True)
class Resolved:
    """A resolved turn, ready for the event loop to install, store and send."""

    snapshot: bytes  # the new state, as the store keeps it
    state_hash: str
    version: int  # the new state's version
    events: dict[str, list[EventWire]]  # what each seat ("" for spectators) may see
    rendered: dict[str, bytes]  # encoded views and legal lists, under view_key/legal_key


def resolve(snapshot: bytes, orders: dict[str, list[Command]], render: list[str]) -> Resolved:
    """Resolve one turn from its snapshot, and render the public view and, for each agency in
    `render` (seats with a connection to send to), its view and legal command list."""
    state = decode_state(snapshot)
    new_state, events = rules.resolve_turn(state, orders)
    public = rules.view(new_state, None)
    rendered = {view_key(None): encode(public)}
    playing = not rules.is_over(new_state)
    for agency in render:
        rendered[view_key(agency)] = render_view(new_state, agency)
        if playing:
            rendered[legal_key(agency)] = render_legal(new_state, agency)
    seen = {agency: rules.events_for(events, agency) for agency in orders}
    seen[""] = rules.events_for(events, None)
    return Resolved(
        encode_state(new_state), rules.state_hash(new_state), int(public["version"]), seen, rendered
    )


def think(bot: Bot, snapshot: bytes, agency: str) -> tuple[list[Command], str | None, Bot]:
    """The bot's orders for the agency, from exactly what a player of that agency sees; the
    bot comes back too, with whatever it remembered. A failing bot plays an empty turn."""
    try:
        state = decode_state(snapshot)
        orders = bot.decide(rules.view(state, agency), rules.legal_commands(state, agency))
    except Exception as exc:
        return [], f"{type(exc).__name__}: {exc}", bot
    if not isinstance(orders, list) or not all(isinstance(c, Command) for c in orders):
        return [], f"decide() returned {type(orders).__name__}, not a list of commands", bot
    return orders, None, bot
