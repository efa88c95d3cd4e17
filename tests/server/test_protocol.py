"""Message schemas: defaults filled in, every kind of bad field refused as malformed, and the
protocol document naming every message type and code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.protocol.errors import CloseCode, ErrorCode, ProtocolError
from game.protocol.messages import SCHEMAS, ClientType, ServerType, parse

DOC = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"


def test_a_valid_message_gets_its_defaults() -> None:
    request = parse({"t": "create", "id": 4, "name": "Friday"})
    assert request.type is ClientType.CREATE
    assert request.ref == 4
    assert request["scenario"] == "2021"
    assert request["visibility"] == "public"
    assert request["ai_seats"] == []
    assert request["seed"] is None


def test_defaults_are_not_shared_between_messages() -> None:
    first = parse({"t": "create", "name": "a"})
    first["ai_seats"].append("nasa")
    assert parse({"t": "create", "name": "b"})["ai_seats"] == []


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"t": "launch_everything"}, ErrorCode.UNKNOWN_TYPE),
        ({"type": "hello"}, ErrorCode.MALFORMED),
        ({"t": 5}, ErrorCode.MALFORMED),
        ({"t": "rooms", "id": "seven"}, ErrorCode.MALFORMED),
        ({"t": "rooms", "id": -1}, ErrorCode.MALFORMED),
        ({"t": "rooms", "id": True}, ErrorCode.MALFORMED),
        ({"t": "rooms", "extra": 1}, ErrorCode.MALFORMED),
        ({"t": "hello", "versions": [1]}, ErrorCode.MALFORMED),
        ({"t": "hello", "versions": 1, "name": "Ada"}, ErrorCode.MALFORMED),
        ({"t": "hello", "versions": ["1"], "name": "Ada"}, ErrorCode.MALFORMED),
        ({"t": "hello", "versions": [], "name": "Ada"}, ErrorCode.MALFORMED),
        ({"t": "hello", "versions": [1], "name": ""}, ErrorCode.MALFORMED),
        ({"t": "hello", "versions": [1], "name": "x" * 33}, ErrorCode.MALFORMED),
        ({"t": "create", "name": "r", "deadline": float("nan")}, ErrorCode.MALFORMED),
        ({"t": "create", "name": "r", "deadline": 0.0}, ErrorCode.MALFORMED),
        ({"t": "create", "name": "r", "turns": True}, ErrorCode.MALFORMED),
        ({"t": "create", "name": "r", "visibility": "secret"}, ErrorCode.MALFORMED),
        ({"t": "create", "name": "r", "seats": ["x" * 65]}, ErrorCode.MALFORMED),
        (
            {"t": "orders", "room": "r", "seat": "esa", "version": 0, "orders": []},
            ErrorCode.MALFORMED,
        ),
        (
            {"t": "orders", "room": "r", "seat": "esa", "token": "t", "version": "0", "orders": []},
            ErrorCode.MALFORMED,
        ),
        (
            {
                "t": "orders",
                "room": "r",
                "seat": "esa",
                "token": "t",
                "version": 0,
                "orders": [1, 2],
            },
            ErrorCode.MALFORMED,
        ),
        (
            {
                "t": "orders",
                "room": "r",
                "seat": "esa",
                "token": "t",
                "version": 0,
                "orders": [{}] * 65,
            },
            ErrorCode.MALFORMED,
        ),
    ],
)
def test_bad_messages_are_refused_with_their_code(message: dict, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse(message)
    assert caught.value.code is code


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_the_protocol_document_names_every_message_and_field() -> None:
    doc = _doc()
    for kind in ClientType:
        assert f"### `{kind.value}`" in doc, kind
        for name in SCHEMAS[kind]:
            assert f"`{name}`" in doc, (kind, name)
    for kind in ServerType:
        assert f"### `{kind.value}`" in doc, kind


def test_the_protocol_document_names_every_error_and_close_code() -> None:
    doc = _doc()
    table = set(re.findall(r"^\| `([a-z_]+)` \|", doc, flags=re.MULTILINE))
    assert {c.value for c in ErrorCode} <= table
    for code in CloseCode:
        assert f"| {code.value} |" in doc, code
