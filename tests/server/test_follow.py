"""Following the lobby and a room (`follow`): updates arrive unasked as rooms change."""

from __future__ import annotations

from game.net.client import Client, Refused
from tests.server.conftest import ServerProcess, run
from tests.timing import scaled


async def code_of(request: object) -> str:
    try:
        await request  # type: ignore[misc]
    except Refused as exc:
        return exc.code
    return "accepted"


def test_a_lobby_follower_hears_of_new_rooms_and_taken_seats(shared_server: ServerProcess) -> None:
    async def body() -> None:
        watcher = await Client.connect(shared_server.url, "Watcher")
        first = await watcher.follow()
        host = await Client.connect(shared_server.url, "Host")
        created = await host.create_room("followed", seats=["nasa", "esa"])
        room = created["room"]
        assert room not in {r["id"] for r in first["rooms"]}
        for _ in range(20):  # updates about other rooms may come first
            update = await watcher.wait_for("rooms", timeout=scaled(5))
            if room in {r["id"] for r in update["rooms"]}:
                break
        else:
            raise AssertionError("the new room never showed")
        await host.join(room, "esa")
        for _ in range(20):
            update = await watcher.wait_for("rooms", timeout=scaled(5))
            (summary,) = [r for r in update["rooms"] if r["id"] == room]
            if any(s["control"] == "human" for s in summary["seats"]):
                break
        else:
            raise AssertionError("the taken seat never showed")
        await host.close()
        await watcher.close()

    run(body())


def test_a_room_follower_gets_its_updates_and_needs_a_private_rooms_key(
    shared_server: ServerProcess,
) -> None:
    async def body() -> None:
        host = await Client.connect(shared_server.url, "Host")
        created = await host.create_room("closed", visibility="private")
        room, key = created["room"], created["key"]
        guest = await Client.connect(shared_server.url, "Guest")
        assert await code_of(guest.follow(room)) == "unauthorised"
        assert await code_of(guest.follow("nosuchroom")) == "unknown_room"
        shown = await guest.follow(room, key=key)
        assert shown["t"] == "room" and shown["info"]["id"] == room
        await host.join(room, "cnsa", key=key)
        update = await guest.wait_for("room", room=room, timeout=scaled(5))
        (seat,) = [s for s in update["info"]["seats"] if s["agency"] == "cnsa"]
        assert seat["control"] == "human" and seat["player"] == "Host"
        await host.close()
        await guest.close()

    run(body())
