"""Validation against docs/schema.json, one definition at a time."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "schema.json"


@cache
def document() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator for `$defs/name` of the documented schema."""
    return Draft202012Validator({**document(), "$ref": f"#/$defs/{name}"})


def problems(name: str, value: Any) -> list[str]:
    """Every way `value` does not fit the definition `name` (empty: it fits)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
        for e in validator(name).iter_errors(value)
    ]
