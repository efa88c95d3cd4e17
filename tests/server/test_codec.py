"""The codec: only a msgpack map in a binary frame gets through; everything else is undecodable."""

from __future__ import annotations

import random

import msgpack
import pytest

from game.protocol.codec import decode, decode_trusted, encode, encode_with
from game.protocol.errors import ErrorCode, ProtocolError

LIMIT = 64 * 1024


def test_a_map_round_trips() -> None:
    message = {"t": "orders", "id": 7, "orders": [{"kind": "launch", "program": "p1"}]}
    assert decode(encode(message), max_size=LIMIT) == message


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xc1",  # a byte msgpack never uses
        b"\x81\xa1t",  # a map cut short
        msgpack.packb({"t": "rooms"}) + b"\x00",  # trailing bytes
        msgpack.packb([1, 2, 3]),  # not a map
        msgpack.packb("hello"),
        msgpack.packb({1: "integer key"}),
        b"\x91" * 5000 + b"\x00",  # nested too deep
        msgpack.packb({"t": b"\xff\xfe"}, use_bin_type=False)[:-1],
    ],
)
def test_anything_but_a_map_is_undecodable(data: bytes) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode(data, max_size=LIMIT)
    assert caught.value.code is ErrorCode.UNDECODABLE


def test_text_frames_are_undecodable() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode('{"t": "hello"}', max_size=LIMIT)
    assert caught.value.code is ErrorCode.UNDECODABLE


def test_oversized_input_is_refused_before_decoding() -> None:
    with pytest.raises(ProtocolError):
        decode(encode({"t": "chat", "text": "x" * 200}), max_size=100)


def test_random_bytes_never_raise_anything_but_protocol_error() -> None:
    rng = random.Random(2021)
    for _ in range(3000):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        try:
            decode(data, max_size=LIMIT)
        except ProtocolError as exc:
            assert exc.code is ErrorCode.UNDECODABLE


def test_a_map_with_encoded_parts_is_the_same_bytes_as_the_whole() -> None:
    message = {"t": "turn", "turn": 3, "orders": []}
    parts = {"view": {"me": {"treasury": 12}}, "legal": [{"kind": "launch", "program": "p1"}]}
    whole = encode({**message, **parts})
    assert encode_with(message, {k: encode(v) for k, v in parts.items()}) == whole


def test_clients_read_integer_keys_in_server_messages() -> None:
    assert decode_trusted(encode({"t": "turn", "view": {1: 2}})) == {"t": "turn", "view": {1: 2}}
