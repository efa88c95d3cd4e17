"""docs/schema.json is current, and what real matches send and receive fits it.

Like a client written in another language from the documents alone: every view, legal
command, order, event and outcome of seeded matches, every line of the JSON-lines bot
protocol, and every message of a match on a real server is validated against the
documented schema, with the jsonschema library rather than the game's own checks.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

import game.net.client as net_client
from game.ai import create_bot
from game.net.client import Client, Refused
from game.net.play import play_seat
from game.protocol import schema
from game.rules import (
    Rng,
    events_for,
    legal_commands,
    new_match,
    random_orders,
    resolve_turn,
    view,
)
from game.runner.match import run_match
from tests.protocol.schema_check import SCHEMA_FILE, problems
from tests.server.conftest import run, scaled, start_server

RECORDER = Path(__file__).with_name("recording_bot.py")
SAMPLED_TURNS = {0, 3, 12, 20}


def some_of_each_kind(state: Any, agency: str, most: int = 4) -> list[dict[str, Any]]:
    """A few of the agency's legal commands of every kind, in wire form (all of them would
    take the validator seconds: they differ in values, not in shape)."""
    kept: dict[str, list[dict[str, Any]]] = {}
    for command in legal_commands(state, agency):
        same = kept.setdefault(command.KIND, [])
        if len(same) < most:
            same.append(command.to_wire())
    return [c for same in kept.values() for c in same]


def test_the_documented_schema_is_the_one_the_code_describes():
    # Regenerate with: python -m game.protocol.schema > docs/schema.json
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema.dumps()


def test_views_legal_commands_orders_events_and_the_outcome_of_a_match_fit_the_schema():
    state = new_match(seed=26, turns=max(SAMPLED_TURNS) + 1)
    rng = Rng(26)
    events: list[Any] = []
    checked = 0
    while True:
        sample = state.turn in SAMPLED_TURNS or state.outcome is not None
        for seat in [*state.agencies, None] if sample else []:
            assert problems("view", view(state, seat)) == [], (state.turn, seat)
            for event in events_for(events, seat):
                assert problems("event", event) == []
            checked += 1
        if state.outcome is not None:
            break
        orders = {a: random_orders(state, a, rng) for a in state.agencies}
        if sample:
            for agency in state.agencies:
                assert all(problems("command", c) == [] for c in some_of_each_kind(state, agency))
                assert problems("orders", [c.to_wire() for c in orders[agency]]) == []
        state, events = resolve_turn(state, orders)
    assert problems("outcome", state.outcome.to_wire()) == []
    assert checked >= 5 * (len(state.agencies) + 1)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("command", {"kind": "research", "tech": "heavy_launcher", "amount": 100, "extra": 1}),
        ("command", {"kind": "research", "tech": "heavy_launcher"}),
        ("command", {"kind": "fund", "program": "p1", "amount": True}),
        ("command", {"kind": "teleport", "to": "moon"}),
        ("outcome", {"termination": "scenario_end", "winners": [], "scores": {}}),
        ("bot_message", {"type": "orders", "orders": []}),
    ],
    ids=["extra field", "missing field", "bool for int", "unknown kind", "outcome", "no turn"],
)
def test_the_schema_refuses_what_the_game_would_refuse(name: str, value: Any):
    assert problems(name, value)


def test_every_line_of_the_json_lines_protocol_fits_the_schema(tmp_path: Path):
    log = tmp_path / "lines.jsonl"
    result = run_match(
        {"esa": f"cmd:{sys.executable} {RECORDER} {log}"}, bot="random", seed=5, turns=4
    )
    assert not result.seats["esa"].faults
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    kinds = [(line["from"], line["message"]["type"]) for line in lines]
    assert kinds[:2] == [("host", "hello"), ("bot", "ready")]
    assert kinds[-1] == ("host", "end") and kinds.count(("bot", "orders")) == 4
    for line in lines:
        name = "bot_message" if line["from"] == "bot" else "bot_host_message"
        assert problems(name, line["message"]) == [], line["message"]["type"]


def test_every_message_of_a_match_on_a_server_fits_the_documented_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    sent: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []
    encode = net_client.encode

    def recording(message: dict[str, Any]) -> bytes:
        sent.append(dict(message))
        return encode(message)

    monkeypatch.setattr(net_client, "encode", recording)
    server = start_server(tmp_path)

    async def body() -> None:
        host = await Client.connect(server.url, "Host", tap=received.append)
        watcher = await Client.connect(server.url, "Watcher", tap=received.append)
        created = await host.create_room(
            "schema", turns=3, deadline=scaled(10), ai_level="random", seed=4
        )
        room = created["room"]
        with pytest.raises(Refused):
            await host.join("no-such-room")
        seat = await host.join(room, "esa")
        await host.chat("good luck", seat)
        await host.ready(seat)
        await watcher.spectate(room)
        await host.start(room, created["host_token"])
        bot = create_bot("random", "esa", 1)
        await asyncio.wait_for(play_seat(host, seat, bot), scaled(30))
        await watcher.wait_for("over", room=room, timeout=scaled(30))
        await host.replay(room)
        await host.leave(seat)
        await host.close()
        await watcher.close()

    try:
        run(body())
    finally:
        server.terminate()
    kinds = {m["t"] for m in received}
    assert {"welcome", "history", "created", "error", "joined", "ok", "room"} <= kinds
    assert {"turn", "ack", "status", "chat", "over", "replay"} <= kinds
    for message in sent:
        assert problems("client_message", message) == [], message["t"]
    for message in received:
        assert problems("server_message", message) == [], message["t"]
