"""The lobby against a real server: listing, private rooms, kicks, leaving, chat, spectators
and replays of matches still running."""

from __future__ import annotations

from game.net.client import Client, Refused
from tests.server.conftest import ServerProcess, run


async def refused(request: object) -> str:
    try:
        await request  # type: ignore[misc]
    except Refused as exc:
        return exc.code
    return "accepted"


def test_only_public_rooms_are_listed(shared_server: ServerProcess) -> None:
    async def body() -> None:
        host = await Client.connect(shared_server.url, "Host")
        public = await host.create_room("open to all")
        unlisted = await host.create_room("friends", visibility="unlisted")
        listed = {r["id"] for r in await host.rooms()}
        assert public["room"] in listed and unlisted["room"] not in listed
        guest = await Client.connect(shared_server.url, "Guest")
        seat = await guest.join(unlisted["room"])  # an unlisted room is joined by its id
        assert seat.room == unlisted["room"]
        await host.close()
        await guest.close()

    run(body())


def test_a_private_room_needs_its_key_to_join_or_watch(shared_server: ServerProcess) -> None:
    async def body() -> None:
        host = await Client.connect(shared_server.url, "Host")
        created = await host.create_room("secret", visibility="private", spectators=True)
        room, key = created["room"], created["key"]
        guest = await Client.connect(shared_server.url, "Guest")
        assert await refused(guest.join(room)) == "unauthorised"
        assert await refused(guest.spectate(room)) == "unauthorised"
        assert await refused(guest.join(room, key="x" * 32)) == "unauthorised"
        assert (await guest.join(room, key=key)).room == room
        await host.close()
        await guest.close()

    run(body())


def test_the_host_kicks_and_the_token_stops_working(shared_server: ServerProcess) -> None:
    async def body() -> None:
        host = await Client.connect(shared_server.url, "Host")
        created = await host.create_room("strict")
        room = created["room"]
        player = await Client.connect(shared_server.url, "Pat")
        seat = await player.join(room, "roscosmos")
        assert await refused(host.kick(room, "y" * 32, "roscosmos")) == "unauthorised"
        await host.kick(room, created["host_token"], "roscosmos")
        kicked = await player.wait_for("kicked", room=room)
        assert kicked["reason"] == "kicked" and kicked["seat"] == "roscosmos"
        assert await refused(player.ready(seat)) == "unauthorised"
        assert await refused(host.kick(room, created["host_token"], "roscosmos")) == "unknown_seat"
        again = await player.join(room, "roscosmos")  # the seat is open again
        await player.leave(again)
        assert await refused(player.rejoin(again)) == "unauthorised"
        await host.close()
        await player.close()

    run(body())


def test_chat_reaches_the_room_and_the_lobby_and_is_kept(shared_server: ServerProcess) -> None:
    async def body() -> None:
        host = await Client.connect(shared_server.url, "Host")
        room = (await host.create_room("talk"))["room"]
        ada = await Client.connect(shared_server.url, "Ada")
        bo = await Client.connect(shared_server.url, "Bo")
        a = await ada.join(room, "esa")
        await bo.join(room, "jaxa")
        await ada.chat("Luna 27 needs a drill", a)
        line = await bo.wait_for("chat", room=room)
        assert (line["from"], line["seat"], line["text"]) == ("Ada", "esa", "Luna 27 needs a drill")
        await bo.chat("anyone for the Gateway?")
        lobby_line = await ada.wait_for("chat")
        while lobby_line["room"] is not None:  # ada's own room line came back to her first
            lobby_line = await ada.wait_for("chat")
        assert lobby_line["text"] == "anyone for the Gateway?" and lobby_line["seat"] is None
        watcher = await Client.connect(shared_server.url, "Sam")
        await watcher.spectate(room)
        history = await watcher.wait_for("history", room=room)
        assert [m["text"] for m in history["messages"]] == ["Luna 27 needs a drill"]
        for client in (host, ada, bo, watcher):
            await client.close()

    run(body())


def test_a_room_may_refuse_spectators(shared_server: ServerProcess) -> None:
    async def body() -> None:
        host = await Client.connect(shared_server.url, "Host")
        room = (await host.create_room("closed doors", spectators=False))["room"]
        assert await refused(host.spectate(room)) == "no_spectators"
        assert await refused(host.replay(room)) == "not_finished"
        await host.close()

    run(body())


def test_the_match_waits_for_every_player_to_be_ready(shared_server: ServerProcess) -> None:
    async def body() -> None:
        host = await Client.connect(shared_server.url, "Host")
        created = await host.create_room("patience", turns=2)
        room = created["room"]
        player = await Client.connect(shared_server.url, "Pat")
        seat = await player.join(room, "cnsa")
        assert await refused(host.start(room, created["host_token"])) == "not_ready"
        await player.ready(seat)
        await host.start(room, created["host_token"])
        assert await refused(player.ready(seat, False)) == "already_started"
        update = await player.wait_for("turn", room=room)
        assert update["seat"] == "cnsa" and update["turn"] == 0
        await host.close()
        await player.close()

    run(body())
