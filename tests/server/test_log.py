"""Structured logs: one JSON object a line, and no field may carry a secret."""

from __future__ import annotations

import io
import json

import pytest

from server import log


def test_an_event_is_one_json_line_with_room_and_seat() -> None:
    out = io.StringIO()
    log.setup("debug", out)
    log.event("seat_joined", room="abc", seat="esa", conn=3)
    record = json.loads(out.getvalue())
    assert record["event"] == "seat_joined"
    assert (record["room"], record["seat"], record["conn"]) == ("abc", "esa", 3)
    assert out.getvalue().count("\n") == 1


@pytest.mark.parametrize("name", ["token", "host_token", "key"])
def test_secret_fields_are_refused(name: str) -> None:
    log.setup("debug", io.StringIO())
    with pytest.raises(ValueError):
        log.event("oops", **{name: "s" * 32})
