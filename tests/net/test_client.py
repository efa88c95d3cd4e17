"""The client library on its own: seat keys keep their secret, refusals carry their code."""

from __future__ import annotations

import stat
from pathlib import Path

from game.net.client import Refused, SeatKey
from game.protocol.errors import ErrorCode


def test_a_seat_key_never_shows_its_token() -> None:
    key = SeatKey("k3fq9xma", "esa", "t" * 32)
    assert "t" * 32 not in repr(key)
    assert "t" * 32 not in str(key)


def test_a_saved_seat_key_is_private_to_its_owner(tmp_path: Path) -> None:
    key = SeatKey("k3fq9xma", "esa", "t" * 32)
    path = tmp_path / "seats" / "esa.json"
    key.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SeatKey.load(path) == key


def test_a_refusal_carries_the_servers_code_and_rule_errors() -> None:
    refused = Refused(
        {
            "t": "error",
            "code": "illegal",
            "reason": "1 order refused",
            "errors": [{"code": "over_budget", "message": "...", "index": 0}],
        }
    )
    assert refused.code is ErrorCode.ILLEGAL
    assert refused.errors[0]["code"] == "over_budget"
    assert "illegal" in str(refused)


def test_a_refusal_with_a_code_this_client_does_not_know_reads_as_internal() -> None:
    refused = Refused({"t": "error", "code": "from_the_future", "reason": "newer server"})
    assert refused.code is ErrorCode.INTERNAL
    assert "from_the_future" in str(refused)
