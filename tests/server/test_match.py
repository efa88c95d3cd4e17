"""Whole matches against a real server process: players, spectators and AI seats to the
outcome; privacy on every message and in the logs; disconnects and rejoins; kill -9 and
graceful restarts."""

from __future__ import annotations

import asyncio
import json

from game.ai import create_bot
from game.net.client import Client, Disconnected
from game.net.play import play_seat
from game.protocol.errors import CloseCode
from tests.server.conftest import GRACE, ServerProcess, run, scaled
from tests.server.tables import check_privacy, connect, replay_states, table, watch_until_over


def test_two_players_and_a_spectator_play_to_the_outcome(server: ServerProcess) -> None:
    async def body() -> None:
        host, created, players = await table(
            server.url,
            ["esa", "jaxa"],
            spectator=True,
            turns=3,
            deadline=scaled(10),
            ai_level="random",
            seed=21,
        )
        room = created["room"]
        await host.start(room, created["host_token"])
        esa, jaxa, watcher = players["esa"], players["jaxa"], players[""]
        assert esa.seat and jaxa.seat
        outcomes = await asyncio.gather(
            play_seat(esa.client, esa.seat, create_bot("random", "esa", 1)),
            play_seat(jaxa.client, jaxa.seat, create_bot("random", "jaxa", 2)),
            watch_until_over(watcher.client, room),
        )
        assert outcomes[0] == outcomes[1] == outcomes[2]
        assert outcomes[0]["termination"]
        assert set(outcomes[0]["scores"]) == set(
            created["info"]["seats"][i]["agency"] for i in range(6)
        )

        match = replay_states(await watcher.client.replay(room))  # verifies it too
        assert len(match.states) == 4  # the start and three turns
        secrets = {
            "host token": created["host_token"],
            "esa token": esa.seat.token,
            "jaxa token": jaxa.seat.token,
        }
        for player in (esa, jaxa, watcher):
            assert check_privacy(player, match, secrets) == 4  # an update a turn, and the start

        logs = server.logs()
        for name, secret in secrets.items():
            assert secret not in logs, f"{name} in the server log"
        for line in logs.splitlines():  # one JSON event a line, never a view or orders
            record = json.loads(line)
            assert not {"view", "me", "intel", "orders", "legal"} & set(record), record
        assert '"event":"match_over"' in logs and f'"room":"{room}"' in logs
        for client in (host, esa.client, jaxa.client, watcher.client):
            await client.close()

    run(body(), timeout=40)


def test_an_absent_player_is_stood_in_for_and_gets_the_seat_back(server: ServerProcess) -> None:
    async def body() -> None:
        host, created, players = await table(
            server.url,
            ["esa", "jaxa"],
            turns=4,
            deadline=scaled(30),
            ai_level="random",
            seed=3,
        )
        room = created["room"]
        esa, jaxa = players["esa"], players["jaxa"]
        assert esa.seat and jaxa.seat
        await host.start(room, created["host_token"])
        await esa.client.chat("see you at Shackleton", esa.seat)
        first = await jaxa.client.wait_for("turn", room=room)
        await jaxa.client.close()

        # esa plays on; after the grace period the AI plays jaxa, long before the deadline
        update = await esa.client.wait_for("turn", room=room)
        await esa.client.submit(esa.seat, update["version"], [])
        started = asyncio.get_running_loop().time()
        after = await esa.client.wait_for("turn", room=room)
        waited = asyncio.get_running_loop().time() - started
        assert after["turn"] == first["turn"] + 1
        await asyncio.sleep(scaled(0.2))  # the status updates follow within 50 ms
        assert any(
            s["agency"] == "jaxa" and s["stand_in"]
            for m in esa.inbox
            if m.get("t") == "status"
            for s in m["seats"]
        )
        assert GRACE * 0.9 <= waited < scaled(30) / 2

        # jaxa comes back with its token: the seat, the current view and the chat history
        inbox: list[dict] = []
        back = await connect(server.url, "JAXA", inbox)
        joined = await back.rejoin(jaxa.seat)
        assert joined["seat"] == "jaxa"
        history = await back.wait_for("history", room=room)
        assert [m["text"] for m in history["messages"]] == ["see you at Shackleton"]
        current = await back.wait_for("turn", room=room)
        assert current["turn"] == after["turn"] and current["version"] == after["version"]
        assert current["seat"] == "jaxa" and current["view"] and current["legal"]
        jaxa_seat: dict = {}
        while not jaxa_seat.get("connected"):  # skip the updates queued before the rejoin
            status = await esa.client.wait_for("status", room=room, timeout=scaled(5))
            jaxa_seat = next(s for s in status["seats"] if s["agency"] == "jaxa")
        assert not jaxa_seat["stand_in"]
        assert not current["final"]  # what the AI wrote is only a draft now
        await back.submit(jaxa.seat, current["version"], [])
        await esa.client.submit(esa.seat, after["version"], [])

        # and plays the match to its end
        outcome = await asyncio.gather(
            play_seat(back, jaxa.seat, create_bot("random", "jaxa", 4)),
            play_seat(esa.client, esa.seat, create_bot("random", "esa", 5)),
        )
        assert outcome[0] == outcome[1]
        for client in (host, back, esa.client):
            await client.close()

    run(body(), timeout=40)


def test_kill_9_loses_no_acknowledged_order(server: ServerProcess) -> None:
    kept: dict = {}

    async def before() -> None:
        host, created, players = await table(
            server.url,
            ["esa", "jaxa"],
            turns=4,
            deadline=scaled(60),
            ai_level="random",
            seed=9,
        )
        room = created["room"]
        esa, jaxa = players["esa"], players["jaxa"]
        assert esa.seat and jaxa.seat
        await host.start(room, created["host_token"])
        for player in (esa, jaxa):  # the first turn, played through
            update = await player.client.wait_for("turn", room=room)
            await player.client.submit(player.seat, update["version"], [])  # type: ignore[arg-type]
        turn_1 = {}
        for player in (esa, jaxa):
            update = await player.client.wait_for("turn", room=room)
            assert update["turn"] == 1
            turn_1[player.agency] = update
        orders = {
            agency: create_bot("random", agency, n).decide(update["view"], _legal(update))
            for n, (agency, update) in enumerate(turn_1.items())
        }
        ack = await esa.client.submit(esa.seat, turn_1["esa"]["version"], orders["esa"])
        assert ack["final"] and ack["count"] == len(orders["esa"])
        ack = await jaxa.client.submit(
            jaxa.seat, turn_1["jaxa"]["version"], orders["jaxa"], final=False
        )
        assert not ack["final"]
        kept.update(
            room=room,
            seats={"esa": esa.seat, "jaxa": jaxa.seat},
            orders={a: [c.to_wire() for c in o] for a, o in orders.items()},
            version=turn_1["esa"]["version"],
        )

    run(before())
    server.kill9()
    server.start()

    async def after() -> None:
        # The tokens still work; the match is at the same turn with both orders on file.
        room, seats, orders, version = kept["room"], kept["seats"], kept["orders"], kept["version"]
        clients = {agency: await connect(server.url, agency.upper()) for agency in seats}
        updates = {}
        for agency, client in clients.items():
            await client.rejoin(seats[agency])
            updates[agency] = await client.wait_for("turn", room=room)
        assert (updates["esa"]["turn"], updates["esa"]["version"]) == (1, version)
        assert (updates["esa"]["orders"], updates["esa"]["final"]) == (orders["esa"], True)
        assert (updates["jaxa"]["orders"], updates["jaxa"]["final"]) == (orders["jaxa"], False)
        # jaxa makes its draft final; the turn resolves with both acknowledged orders
        await clients["jaxa"].submit(seats["jaxa"], version, orders["jaxa"])
        outcome = await asyncio.gather(
            *(play_seat(c, seats[a], create_bot("random", a, 1)) for a, c in clients.items())
        )
        assert outcome[0] == outcome[1]
        played = _turn_orders(await clients["esa"].replay(room), 1)
        assert played["esa"] == orders["esa"] and played["jaxa"] == orders["jaxa"]
        for client in clients.values():
            await client.close()

    run(after(), timeout=40)


def _legal(update: dict) -> list:
    from game.rules import orders_from_wire

    return orders_from_wire(update["legal"], limit=10**6)


def _turn_orders(data: bytes, turn: int) -> dict:
    from game.replay import loads

    return next(t.orders for t in loads(data).turns if t.turn == turn)


def test_sigterm_tells_clients_and_keeps_the_match(server: ServerProcess) -> None:
    async def before() -> tuple[str, dict]:
        host, created, players = await table(
            server.url,
            ["esa"],
            turns=3,
            deadline=scaled(60),
            ai_level="random",
            seed=4,
        )
        room = created["room"]
        esa = players["esa"]
        await host.start(room, created["host_token"])
        update = await esa.client.wait_for("turn", room=room)
        stopping = asyncio.get_running_loop().run_in_executor(None, server.terminate)
        notice = await esa.client.wait_for("shutdown", timeout=scaled(10))
        assert notice["reconnect"] is True
        try:
            await esa.client.wait_for("never", timeout=scaled(10))
        except Disconnected as closed:
            assert closed.code == CloseCode.GOING_AWAY
        assert await stopping == 0
        return room, {"seat": esa.seat, "version": update["version"]}

    room, kept = run(before())
    server.start()

    async def after() -> None:
        client = await Client.connect(server.url, "ESA")
        await client.rejoin(kept["seat"])
        update = await client.wait_for("turn", room=room)
        assert update["version"] == kept["version"]
        await client.close()

    run(after())
