"""The JSON Schema of everything a bot or a client reads and writes, built from the code.

One document (JSON Schema 2020-12) with a definition for each thing under `$defs`: the
`view` and its records, a `command` and `orders`, an `event`, the `outcome`, the messages
of the JSON-lines bot protocol (docs/bots.md) and of the network protocol
(docs/protocol.md). It is derived from the definitions the game itself runs on - the
view's `TypedDict`s in `game.rules` (their docstrings and field comments become
descriptions), the command classes, the client message schemas in
`game.protocol.messages` - and from the server messages written down below, so a bot
author in any language validates against what the code does.

`python -m game.protocol.schema` prints it; docs/schema.json is that output, and the tests
check that the file is current and that every message of real matches fits it.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import sys
import types
import typing
from typing import Any, Literal, Union

from game.protocol.errors import ErrorCode
from game.protocol.messages import (
    MAX_ID,
    MAX_ORDERS,
    MAX_REQUEST_ID,
    SCHEMAS,
    Control,
    Field,
    Phase,
    ServerType,
    Visibility,
)
from game.rules import COMMAND_KINDS, Command, EventWire, OutcomeWire, Termination, View

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = "https://lunar-race.invalid/schema/v1"
JsonSchema = dict[str, Any]


def ref(name: str) -> JsonSchema:
    return {"$ref": f"#/$defs/{name}"}


def _tagged(tag: str, choices: dict[str, JsonSchema], description: str = "") -> JsonSchema:
    """One of several kinds of object told apart by the value under `tag`: each value
    selects its own definition (faster to check, and clearer in errors, than `oneOf`)."""
    out: JsonSchema = {"description": description} if description else {}
    out |= {
        "type": "object",
        "required": [tag],
        "properties": {tag: {"enum": list(choices)}},
        "allOf": [
            {"if": {"properties": {tag: {"const": value}}}, "then": schema}
            for value, schema in choices.items()
        ],
    }
    return out


def _nullable(schema: JsonSchema) -> JsonSchema:
    return {"anyOf": [schema, {"type": "null"}]}


def _record(
    properties: dict[str, JsonSchema], required: list[str] | None = None, description: str = ""
) -> JsonSchema:
    """A JSON object with exactly these fields (all required unless `required` says)."""
    out: JsonSchema = {"type": "object"}
    if description:
        out["description"] = description
    out["properties"] = properties
    out["required"] = list(properties) if required is None else required
    out["additionalProperties"] = False
    return out


# --- the view and its records, from the TypedDicts -------------------------------------------


class _TypedDicts:
    """Turns `TypedDict`s into `$defs`, one definition per class, reached by `$ref`."""

    def __init__(self) -> None:
        self.defs: dict[str, JsonSchema] = {}

    def of(self, kind: Any) -> JsonSchema:
        if kind is Any:
            return {}
        if typing.is_typeddict(kind):
            name = kind.__name__
            if name not in self.defs:
                self.defs[name] = {}  # a placeholder while its fields are worked out
                self.defs[name] = self._typed_dict(kind)
            return ref(name)
        origin, args = typing.get_origin(kind), typing.get_args(kind)
        if origin in (Union, types.UnionType):
            return {"anyOf": [self.of(a) for a in args]}
        if origin is Literal:
            return {"enum": list(args)} if len(args) > 1 else {"const": args[0]}
        if origin is list:
            return {"type": "array", "items": self.of(args[0])}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.of(args[1])}
        simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
        if kind is type(None):
            return {"type": "null"}
        if kind in simple:
            return {"type": simple[kind]}
        raise TypeError(f"no JSON Schema for {kind!r}")

    def _typed_dict(self, kind: Any) -> JsonSchema:
        hints = typing.get_type_hints(kind)
        notes = _field_comments(kind)
        properties: dict[str, JsonSchema] = {}
        for name, hint in hints.items():
            schema = self.of(hint)
            if name in notes:
                schema = {**schema, "description": notes[name]}
            properties[name] = schema
        required = [n for n in hints if n in kind.__required_keys__]
        return _record(properties, required, inspect.getdoc(kind) or "")


_COMMENT = re.compile(r"^\s+(\w+): .*?  # (.+)$")


def _field_comments(kind: type) -> dict[str, str]:
    """The comment after each field of a class (and its bases), which says what it holds."""
    notes: dict[str, str] = {}
    for cls in reversed(kind.__mro__):
        if cls is dict or cls is object:
            continue
        try:
            source = inspect.getsource(cls)
        except (OSError, TypeError):
            continue
        for line in source.splitlines():
            found = _COMMENT.match(line)
            if found:
                notes[found.group(1)] = found.group(2).strip()
    return notes


# --- commands ------------------------------------------------------------------------------


def _command_classes() -> list[type[Command]]:
    by_kind = {cls.KIND: cls for cls in Command.__subclasses__()}
    return [by_kind[kind] for kind in COMMAND_KINDS]


def _command(cls: type[Command]) -> JsonSchema:
    wire: dict[str, JsonSchema] = {
        "str": {"type": "string", "maxLength": 64},
        "int": {"type": "integer"},
        "bool": {"type": "boolean"},
    }
    properties: dict[str, JsonSchema] = {"kind": {"const": cls.KIND}}
    required = ["kind"]
    for f in dataclasses.fields(cls):
        type_name = f.type if isinstance(f.type, str) else f.type.__name__
        properties[f.name] = dict(wire[type_name])
        if f.default is dataclasses.MISSING:
            required.append(f.name)
        else:
            properties[f.name]["default"] = f.default
    return _record(properties, required, inspect.getdoc(cls) or "")


# --- messages ------------------------------------------------------------------------------

_STR: JsonSchema = {"type": "string"}
_INT: JsonSchema = {"type": "integer"}
_NUMBER: JsonSchema = {"type": "number"}
_BOOL: JsonSchema = {"type": "boolean"}
_TIME: JsonSchema = {"type": "number", "description": "seconds since the Unix epoch"}
_REF: JsonSchema = {"type": "integer", "minimum": 0, "maximum": MAX_REQUEST_ID}


def _message(kind: str, tag: str, fields: dict[str, JsonSchema], optional: tuple[str, ...] = ()):
    """A message whose type is `kind` under the key `tag` ("t" on the wire, "type" in the
    JSON-lines protocol)."""
    properties = {tag: {"const": kind}, **fields}
    required = [n for n in properties if n not in optional]
    return _record(properties, required)


def _client_field(spec: Field) -> JsonSchema:
    kinds = spec.kind if isinstance(spec.kind, tuple) else (spec.kind,)
    if kinds == (int, float):
        out: JsonSchema = dict(_NUMBER)
    else:
        (kind,) = kinds
        out = {
            str: _STR,
            int: _INT,
            bool: _BOOL,
            list: {"type": "array"},
            dict: {"type": "object"},
        }[kind].copy()
    bounds = {
        "string": ("minLength", "maxLength"),
        "array": ("minItems", "maxItems"),
        "object": ("minProperties", "maxProperties"),
    }.get(out["type"], ("minimum", "maximum"))
    for key, value in zip(bounds, (spec.low, spec.high), strict=True):
        if value is not None:
            out[key] = int(value) if key != "minimum" and key != "maximum" else value
    if spec.choices:
        out["enum"] = list(spec.choices)
    if spec.items is not None:
        item: JsonSchema = {dict: ref("command"), str: _STR, int: _INT}[spec.items].copy()
        if spec.item_high is not None:
            item["maxLength"] = spec.item_high
        key = "items" if out["type"] == "array" else "additionalProperties"
        out[key] = item
    if not spec.required:
        out = _nullable(out)
        if spec.default is not None:
            out["default"] = spec.default
    return out


def _client_messages() -> dict[str, JsonSchema]:
    out = {}
    for kind, schema in SCHEMAS.items():
        fields = {"id": _REF, **{n: _client_field(s) for n, s in schema.items()}}
        optional = ("id", *(n for n, s in schema.items() if not s.required))
        out[str(kind)] = _message(str(kind), "t", fields, optional)
    return out


def _server_messages() -> dict[str, JsonSchema]:
    room = {"type": "string", "maxLength": MAX_ID}
    seat = _nullable({"type": "string"})
    summary = ref("room_summary")
    seats = {"type": "array", "items": ref("seat_summary")}
    deadline = _nullable(_TIME)
    chat_line = {"from": _STR, "seat": seat, "text": _STR, "time": _TIME}
    limits = _record(
        {
            "max_frame": _INT,
            "rate": _NUMBER,
            "burst": _INT,
            "chat_length": _INT,
            "grace": _NUMBER,
        }
    )
    rule_error = _record({"code": _STR, "message": _STR, "index": _INT})
    messages: dict[ServerType, tuple[dict[str, JsonSchema], tuple[str, ...]]] = {
        ServerType.WELCOME: (
            {
                "ref": _REF,
                "version": _INT,
                "server": _STR,
                "limits": limits,
                "time": _TIME,
                "name": _STR,
            },
            ("ref",),
        ),
        ServerType.ERROR: (
            {
                "ref": _REF,
                "code": ref("error_code"),
                "reason": _STR,
                "errors": {"type": "array", "items": rule_error},
                "close": _INT,
            },
            ("ref", "errors", "close"),
        ),
        ServerType.OK: ({"ref": _REF}, ("ref",)),
        ServerType.ROOMS: ({"ref": _REF, "rooms": {"type": "array", "items": summary}}, ("ref",)),
        ServerType.CREATED: (
            {"ref": _REF, "room": room, "info": summary, "host_token": _STR, "key": _STR},
            ("ref", "key"),
        ),
        ServerType.JOINED: (
            {"ref": _REF, "room": room, "info": summary, "seat": seat, "token": _STR},
            ("ref", "token"),
        ),
        ServerType.ROOM: ({"room": room, "info": summary}, ()),
        ServerType.TURN: (
            {
                "room": room,
                "seat": seat,
                "phase": {"enum": [str(p) for p in Phase]},
                "turn": _INT,
                "version": _INT,
                "view": ref("view"),
                "events": {"type": "array", "items": ref("event")},
                "deadline": deadline,
                "time": _TIME,
                "legal": {"type": "array", "items": ref("command")},
                "orders": ref("orders"),
                "final": _BOOL,
            },
            ("legal", "orders", "final"),
        ),
        ServerType.ACK: (
            {
                "ref": _REF,
                "room": room,
                "seat": _STR,
                "turn": _INT,
                "version": _INT,
                "count": _INT,
                "final": _BOOL,
            },
            ("ref",),
        ),
        ServerType.STATUS: (
            {"room": room, "turn": _INT, "version": _INT, "deadline": deadline, "seats": seats},
            (),
        ),
        ServerType.CHAT: ({"room": _nullable(room), **chat_line}, ()),
        ServerType.HISTORY: (
            {
                "room": _nullable(room),
                "messages": {"type": "array", "items": _record(chat_line)},
            },
            (),
        ),
        ServerType.OVER: ({"room": room, "version": _INT, "outcome": ref("outcome")}, ()),
        ServerType.KICKED: (
            {"room": room, "seat": _STR, "reason": {"enum": ["kicked", "replaced"]}, "text": _STR},
            (),
        ),
        ServerType.REPLAY: (
            {
                "ref": _REF,
                "room": room,
                "format": {"const": "lunar-race-replay"},
                "data": {"description": "binary: the replay file's bytes (msgpack bin)"},
            },
            ("ref",),
        ),
        ServerType.SHUTDOWN: ({"reason": _STR, "reconnect": _BOOL}, ()),
    }
    return {str(k): _message(str(k), "t", f, opt) for k, (f, opt) in messages.items()}


def _room_records() -> dict[str, JsonSchema]:
    return {
        "seat_summary": _record(
            {
                "agency": _STR,
                "control": {"enum": [str(c) for c in Control]},
                "player": _nullable(_STR),
                "ready": _BOOL,
                "connected": _BOOL,
                "submitted": _BOOL,
                "stand_in": _BOOL,
                "ai_level": _STR,
            },
            description="One seat of a room: who plays it and whether they have submitted.",
        ),
        "room_summary": _record(
            {
                "id": _STR,
                "name": _STR,
                "scenario": _STR,
                "phase": {"enum": [str(p) for p in Phase]},
                "visibility": {"enum": [str(v) for v in Visibility]},
                "spectators": _BOOL,
                "watching": _INT,
                "ai_level": _STR,
                "turns": _nullable(_INT),
                "deadline": _NUMBER,
                "first_deadline": _NUMBER,
                "seats": {"type": "array", "items": ref("seat_summary")},
                "turn": _INT,
                "version": _INT,
                "seed_chosen": _BOOL,
            },
            description="A room's public description: settings, seats, phase.",
        ),
    }


def _bot_messages() -> dict[str, JsonSchema]:
    fault = _record(
        {
            "turn": _INT,
            "kind": {"enum": ["timeout", "crash", "malformed", "illegal"]},
            "detail": _STR,
        },
        description="What went wrong with a seat's turn (docs/bots.md, Time and faults).",
    )
    host = {
        "hello": {
            "protocol": _INT,
            "game_version": _STR,
            "agency": _STR,
            "seed": _INT,
            "time_limit_ms": _INT,
            "overage_ms": _INT,
        },
        "turn": {
            "turn": _INT,
            "view": ref("view"),
            "legal": {"type": "array", "items": ref("command")},
            "time_limit_ms": _INT,
            "bank_ms": _INT,
            "faults": {"type": "array", "items": fault},
        },
        "end": {"outcome": _nullable(ref("outcome"))},
    }
    bot = {
        "ready": {"name": _STR},
        "orders": {"turn": _INT, "orders": ref("orders")},
    }
    return {
        "bot_host_message": _tagged(
            "type",
            {k: _message(k, "type", f) for k, f in host.items()},
            "What the host writes to a program bot, one JSON object a line.",
        ),
        "bot_message": _tagged(
            "type",
            {k: _message(k, "type", f) for k, f in bot.items()},
            "What a program bot writes back, one JSON object a line.",
        ),
    }


def build() -> JsonSchema:
    """The whole schema document."""
    shapes = _TypedDicts()
    shapes.of(View)
    shapes.of(EventWire)
    shapes.of(OutcomeWire)
    defs: dict[str, JsonSchema] = dict(sorted(shapes.defs.items()))
    defs["view"] = ref("View")
    defs["event"] = ref("EventWire")
    defs["outcome"] = ref("OutcomeWire")
    defs["termination"] = {"enum": [str(t) for t in Termination]}
    commands = _command_classes()
    for cls in commands:
        defs[f"command_{cls.KIND}"] = _command(cls)
    defs["command"] = _tagged(
        "kind",
        {cls.KIND: ref(f"command_{cls.KIND}") for cls in commands},
        "One order, in its wire form; `legal` lists them the same way.",
    )
    defs["orders"] = {"type": "array", "items": ref("command"), "maxItems": MAX_ORDERS}
    defs.update(_bot_messages())
    defs.update(_room_records())
    defs["error_code"] = {"enum": [str(c) for c in ErrorCode]}
    client = _client_messages()
    server = _server_messages()
    for name, schema in client.items():
        defs[f"client_{name}"] = schema
    for name, schema in server.items():
        defs[f"server_{name}"] = schema
    defs["client_message"] = _tagged("t", {n: ref(f"client_{n}") for n in client})
    defs["server_message"] = _tagged("t", {n: ref(f"server_{n}") for n in server})
    return {
        "$schema": DIALECT,
        "$id": SCHEMA_ID,
        "title": "Lunar Race: views, commands, events and messages",
        "description": "Validate a thing against its definition, e.g. "
        '{"$ref": "<this document>#/$defs/view"}. docs/protocol.md and docs/bots.md '
        "describe each in words.",
        "$defs": defs,
    }


def dumps() -> str:
    """The schema as docs/schema.json holds it."""
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(dumps())
