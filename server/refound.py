"""Matches stored by older rules, played again under these rules so that they can go on.

A snapshot holds a state in the rules' wire format, made with the content of its day. When
a new version changes either, the stored state can no longer be read (`StateFormatError`),
but the match's settings, its seed and every order each seat played are still in the store.
`refound` starts the match again from its settings under the current rules and plays the
stored turns once more, order by order: what these rules still accept is played, what they
refuse is dropped and counted. The result is the same match at the same turn, with the same
seats and tokens, ready to resume; its world follows from the current rules, so it may differ
from the one the players last saw.

Pure: plain values in, plain values out. The store reads the rows and writes the result.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgpack

from game import rules
from game.rules import Command, EventWire, orders_to_wire
from server.snapshot import decode_state, encode_state
from server.turns import resolve


def made_by_older_rules(snapshot: bytes) -> bool:
    """Whether a snapshot is a state this version's rules would read, but for its format or
    its content: a whole state from another version, not damage."""
    try:
        wire = msgpack.unpackb(snapshot, raw=False, strict_map_key=False)
    except Exception:  # msgpack raises several unrelated types for bad bytes
        return False
    if not isinstance(wire, dict) or not {"format", "content_hash", "scenario"} <= wire.keys():
        return False
    try:
        current = rules.new_match(str(wire["scenario"]), seed=0)
    except (ValueError, rules.ContentError):
        return False
    return wire["format"] != current.to_wire()["format"] or (
        wire["content_hash"] != current.content.hash
    )


def stored_intel_secret(snapshot: bytes) -> int | None:
    """The intelligence secret an older snapshot kept, if its format had one."""
    wire = msgpack.unpackb(snapshot, raw=False, strict_map_key=False)
    secret = wire.get("intel_secret")
    if isinstance(secret, str):
        try:
            return int(secret, 16)
        except ValueError:
            return None
    return None


@dataclass(slots=True)
class Replayed:
    """A match played again: each turn's snapshot and the orders played, as the store keeps
    them, and the orders on file for the turn it is at."""

    snapshots: list[tuple[int, bytes, dict[str, list[EventWire]]]] = field(default_factory=list)
    turns: list[tuple[int, dict[str, list[dict[str, Any]]], str]] = field(default_factory=list)
    pending: dict[str, tuple[list[dict[str, Any]], bool]] = field(default_factory=dict)
    version: int = 0  # the state version of the turn it is at
    outcome: dict[str, Any] | None = None  # set if the match ended under these rules
    kept: int = 0  # orders these rules played
    dropped: int = 0  # orders these rules refused


def _playable(state: Any, agency: str, wire: Sequence[Any]) -> tuple[list[Command], int]:
    """The orders of `wire` these rules accept for `agency` now, and how many they refuse."""
    if agency not in state.agency:
        return [], len(wire)
    commands = []
    for item in wire:
        try:
            commands.append(Command.from_wire(item))
        except rules.CommandFormatError:
            continue
    problems = rules.validate(state, agency, commands)
    if any(p.index < 0 for p in problems):
        return [], len(wire)
    refused = {p.index for p in problems}
    kept = [c for n, c in enumerate(commands) if n not in refused]
    if rules.validate(state, agency, kept):
        kept = []
    return kept, len(wire) - len(kept)


def refound(
    settings: Any,
    played: Sequence[tuple[int, Mapping[str, Sequence[Any]]]],
    pending: Mapping[str, tuple[Sequence[Any], bool]],
    intel_secret: int | None,
) -> Replayed:
    """Play the match with `settings` (a `RoomSettings`) again: `played` holds each resolved
    turn's orders per seat in wire form, `pending` the orders on file for the turn it was at."""
    state = rules.new_match(
        settings.scenario,
        seed=settings.seed,
        agencies=list(settings.seats),
        turns=settings.turns,
        intel_secret=(
            intel_secret if intel_secret is not None else secrets.randbits(rules.INTEL_SECRET_BITS)
        ),
    )
    out = Replayed()
    snapshot = encode_state(state)
    out.snapshots.append((state.turn, snapshot, {}))
    out.version = int(rules.view(state, None)["version"])
    for _turn, orders in played:
        if rules.is_over(state):
            break
        plan: dict[str, list[Command]] = {}
        for agency in settings.seats:
            kept, refused = _playable(state, agency, orders.get(agency, []))
            plan[agency] = kept
            out.kept += len(kept)
            out.dropped += refused
        turn = state.turn
        resolved = resolve(snapshot, plan, [])
        out.turns.append(
            (turn, {a: orders_to_wire(o) for a, o in plan.items()}, resolved.state_hash)
        )
        snapshot = resolved.snapshot
        state = decode_state(snapshot)
        out.snapshots.append((state.turn, snapshot, resolved.events))
        out.version = resolved.version
    if state.outcome is not None:
        out.outcome = dict(state.outcome.to_wire())
        return out
    for agency, (wire, final) in pending.items():
        kept, refused = _playable(state, agency, wire)
        out.kept += len(kept)
        out.dropped += refused
        out.pending[agency] = (orders_to_wire(kept), final)
    return out
