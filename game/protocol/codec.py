"""msgpack in binary frames: the one way messages turn into bytes and back, on both ends.

`decode` is the server's guard against hostile bytes: it accepts only a msgpack map with
string keys, nothing trailing, within the frame size, and raises `ProtocolError`
(`undecodable`) for anything else. `decode_trusted` is for clients reading the server,
whose views may be large. Both ends import this module: the server, the network client
and every bot author's client read and write the same bytes.
"""

from __future__ import annotations

import threading
from typing import Any

import msgpack

from game.protocol.errors import ErrorCode, ProtocolError

_local = threading.local()


def _packer() -> msgpack.Packer:
    """This thread's packer, made once: every new Packer sets up a 256 KiB buffer, which
    costs more than packing a whole message."""
    try:
        return _local.packer
    except AttributeError:
        packer = _local.packer = msgpack.Packer(use_bin_type=True)
        return packer


def encode(message: Any) -> bytes:
    """The bytes of one message (or of one value inside a message)."""
    return _packer().pack(message)


def encode_with(message: dict[str, Any], encoded: dict[str, bytes]) -> bytes:
    """The bytes of `message` with more fields whose values are encoded already (views kept
    as bytes from one send to the next); the same bytes `encode` gives for the whole map."""
    packer = _packer()
    parts = [packer.pack_map_header(len(message) + len(encoded))]
    for key, value in message.items():
        parts.append(packer.pack(key))
        parts.append(packer.pack(value))
    for key, data in encoded.items():
        parts.append(packer.pack(key))
        parts.append(data)
    return b"".join(parts)


def decode(data: bytes | str, *, max_size: int) -> dict[str, Any]:
    """Read one client message; raise ProtocolError(undecodable) unless it is a msgpack map."""
    if isinstance(data, str):
        raise ProtocolError(
            "messages are msgpack in binary frames, not text", code=ErrorCode.UNDECODABLE
        )
    if len(data) > max_size:
        raise ProtocolError(
            f"a message may be at most {max_size} bytes", code=ErrorCode.UNDECODABLE
        )
    try:
        message = msgpack.unpackb(
            data,
            raw=False,
            strict_map_key=True,
            use_list=True,
        )
    except Exception as exc:  # msgpack raises several unrelated types for bad input
        raise ProtocolError(
            f"not a msgpack message ({type(exc).__name__})", code=ErrorCode.UNDECODABLE
        ) from None
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a msgpack map", code=ErrorCode.UNDECODABLE)
    return message


def decode_trusted(data: bytes | str) -> dict[str, Any]:
    """Read one server message (no size guard beyond the connection's own limit)."""
    if isinstance(data, str):
        raise ProtocolError("expected a binary frame", code=ErrorCode.UNDECODABLE)
    message = msgpack.unpackb(data, raw=False, strict_map_key=False)
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a msgpack map", code=ErrorCode.UNDECODABLE)
    return message
