"""Reconnecting: backoff between failed attempts, and giving up - after the configured number
of failures in a row, or at once when the server refuses the seat token."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path

import pytest

from game.ai import create_bot
from game.net.client import Client, Refused, Retry, SeatKey
from game.net.play import run_remote_bot
from game.protocol.errors import ErrorCode
from tests.server.conftest import run, scaled, start_server


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_doubling_delays_stop_at_the_cap() -> None:
    assert Retry.doubling(5, 1.0).steps == (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
    assert Retry.doubling(5, 0.25, cap=1.0).steps == (0.25, 0.5, 1.0)
    with pytest.raises(ValueError):
        Retry(0)


def test_a_bot_gives_up_after_its_attempts_against_a_closed_port(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"ws://127.0.0.1:{_closed_port()}"
    backoff = scaled(0.05)
    caplog.set_level(logging.WARNING, logger="lunar_race.net")
    started = time.monotonic()
    with pytest.raises(OSError):
        run(
            run_remote_bot(
                url,
                "noroom",
                lambda agency: create_bot("random", agency, 0),
                name="bot",
                attempts=3,
                backoff=backoff,
            ),
            timeout=10,
        )
    waited = time.monotonic() - started
    failures = [r.getMessage() for r in caplog.records if "of 3 in a row" in r.getMessage()]
    assert len(failures) == 2, failures  # the third failure is the last: raised, not retried
    assert waited >= backoff + 2 * backoff  # waited 1x, then 2x the backoff
    assert waited < scaled(5)


def test_the_connections_iterator_raises_once_its_attempts_are_used() -> None:
    retry = Retry(2, (scaled(0.01),))

    async def body() -> None:
        async for _client in Client.connections(
            f"ws://127.0.0.1:{_closed_port()}", "x", retry=retry
        ):
            raise AssertionError("nothing listens there")

    with pytest.raises(OSError):
        run(body(), timeout=10)
    assert retry.failures == 2


def test_a_bot_whose_seat_token_is_refused_gives_up_at_once(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:

        async def body() -> None:
            host = await Client.connect(server.url, "Host")
            created = await host.create_room("tokens", turns=2, deadline=scaled(10))
            await host.join(created["room"], "esa")
            await host.close()
            seat_file = tmp_path / "seat.json"
            SeatKey(created["room"], "esa", "not-the-token").save(seat_file)
            await run_remote_bot(
                server.url,
                created["room"],
                lambda agency: create_bot("random", agency, 0),
                name="bot",
                seat_file=seat_file,
                attempts=5,
                backoff=scaled(5),  # a retry would outlast the time limit
            )

        with pytest.raises(Refused) as refused:
            run(body(), timeout=4)
        assert refused.value.code is ErrorCode.UNAUTHORISED
    finally:
        server.terminate()
