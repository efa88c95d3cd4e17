"""A client that does not read is cut off (close 4002) instead of holding anyone up."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from game.protocol.errors import CloseCode
from server import app
from server.app import Peer
from server.limits import Limits, RateBucket
from server.store import Store


class Transport:
    def __init__(self, backlog: int) -> None:
        self.backlog = backlog

    def get_write_buffer_size(self) -> int:
        return self.backlog


class Connection:
    """Stands in for a WebSocket connection: records what is sent and how it is closed."""

    def __init__(self, backlog: int) -> None:
        self.transport = Transport(backlog)
        self.closed_with: int | None = None

    async def close(self, code: int, reason: str) -> None:
        self.closed_with = code


def peer(number: int, backlog: int) -> Peer:
    return Peer(number, Connection(backlog), RateBucket(1, 1, 0), RateBucket(1, 1, 0))  # type: ignore[arg-type]


def test_a_client_with_a_full_send_buffer_is_closed_and_the_others_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[Any] = []
    monkeypatch.setattr(app, "broadcast", lambda conns, data: sent.append(conns[0]))

    async def body() -> None:
        server = app.GameServer(Store(tmp_path), Limits(send_buffer=1024))
        slow, fine = peer(1, backlog=4096), peer(2, backlog=0)
        for _ in range(3):
            server.send(slow, {"t": "status"})
            server.send(fine, {"t": "status"})
        await asyncio.sleep(0)  # let the close run
        assert slow.closing and slow.ws.closed_with == CloseCode.TOO_SLOW  # type: ignore[attr-defined]
        assert not fine.closing
        assert sent == [fine.ws] * 3
        server.store.close()
        server.work.shutdown()

    asyncio.run(body())
