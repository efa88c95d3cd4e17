"""A match state's snapshot: the bytes the store keeps and the worker processes receive.

Only the server keeps snapshots; what crosses the wire to players is views, encoded by
`game.protocol.codec`.
"""

from __future__ import annotations

import msgpack

from game.protocol.codec import encode
from game.rules import State


def encode_state(state: State) -> bytes:
    """A state's snapshot: its wire form in msgpack, as the store keeps it."""
    return encode(state.to_wire())


def decode_state(data: bytes) -> State:
    """The state a snapshot holds."""
    return State.from_wire(msgpack.unpackb(data, raw=False, strict_map_key=False))
