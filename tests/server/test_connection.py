"""Connections against a real server: hello and versions, refusals that keep the connection
open, abuse that closes it with the right code, keepalive limits and /healthz."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from pathlib import Path

import msgpack
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from game.net.client import Client, Refused
from game.protocol.errors import CloseCode
from server.app import GameServer
from server.limits import Limits
from server.store import Store
from tests.server.conftest import ServerProcess, run, scaled, start_server


async def raw(url: str) -> ClientConnection:
    return await connect(url, compression=None, max_size=None)


async def exchange(ws: ClientConnection, data: bytes | str) -> dict:
    await ws.send(data)
    return msgpack.unpackb(await ws.recv(), raw=False)


async def hello(ws: ClientConnection) -> None:
    reply = await exchange(
        ws, msgpack.packb({"t": "hello", "id": 1, "versions": [1], "name": "probe"})
    )
    assert reply["t"] == "welcome"
    await ws.recv()  # the lobby chat history


async def closed_with(ws: ClientConnection) -> int | None:
    try:
        async with asyncio.timeout(scaled(5)):
            while True:
                await ws.recv()
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None


def test_hello_negotiates_the_highest_common_version(shared_server: ServerProcess) -> None:
    async def body() -> None:
        client = await Client.connect(shared_server.url, "Ada")
        assert client.welcome["version"] == 1
        assert client.welcome["limits"]["max_frame"] == 64 * 1024
        assert await client.rooms() == [] or isinstance(await client.rooms(), list)
        await client.close()

    run(body())


def test_no_common_version_closes_with_4000(shared_server: ServerProcess) -> None:
    async def body() -> None:
        ws = await raw(shared_server.url)
        reply = await exchange(ws, msgpack.packb({"t": "hello", "versions": [99], "name": "x"}))
        assert reply["code"] == "unsupported_version"
        assert await closed_with(ws) == CloseCode.UNSUPPORTED_VERSION

    run(body())


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x00\xff\x13garbage\x99", "undecodable"),
        (b"\x81\xa1t", "undecodable"),
        ("a text frame", "undecodable"),
        (msgpack.packb({"t": "hello", "versions": "1", "name": 7}), "malformed"),
        (msgpack.packb({"t": "rooms"}), "hello_first"),
        (msgpack.packb({"t": "teleport"}), "unknown_type"),
    ],
)
def test_bad_input_before_hello_is_refused_and_the_connection_stays(
    shared_server: ServerProcess, data: bytes | str, code: str
) -> None:
    async def body() -> None:
        ws = await raw(shared_server.url)
        reply = await exchange(ws, data)
        assert reply["t"] == "error"
        assert reply["code"] == code
        assert "close" not in reply
        await hello(ws)  # still open and usable
        await ws.close()

    run(body())


def test_errors_carry_the_request_id(shared_server: ServerProcess) -> None:
    async def body() -> None:
        client = await Client.connect(shared_server.url, "Ada")
        with pytest.raises(Refused) as caught:
            await client.request("join", room="nosuchroom")
        assert caught.value.code == "unknown_room"
        with pytest.raises(Refused) as caught:
            await client.request("orders", room="r", seat="esa", version=0, orders=[])
        assert caught.value.code == "malformed"  # the seat token is missing
        await client.close()

    run(body())


def test_an_oversized_frame_closes_with_1009(shared_server: ServerProcess) -> None:
    async def body() -> None:
        ws = await raw(shared_server.url)
        await hello(ws)
        await ws.send(msgpack.packb({"t": "chat", "text": "x" * (70 * 1024)}))
        assert await closed_with(ws) == CloseCode.MESSAGE_TOO_BIG

    run(body())


def test_a_fragmented_message_is_read_whole(shared_server: ServerProcess) -> None:
    async def body() -> None:
        ws = await raw(shared_server.url)
        data = msgpack.packb({"t": "hello", "id": 7, "versions": [1], "name": "pieces"})
        reply = await exchange(ws, [data[:5], data[5:9], data[9:]])  # sent as three frames
        assert reply["t"] == "welcome" and reply["ref"] == 7
        await ws.recv()  # the lobby chat history
        rooms = msgpack.packb({"t": "rooms", "id": 8})
        assert (await exchange(ws, [rooms[:1], rooms[1:]]))["t"] == "rooms"
        await ws.close()

    run(body())


def test_a_fragmented_message_over_the_limit_closes_with_1009(
    shared_server: ServerProcess,
) -> None:
    async def body() -> None:
        ws = await raw(shared_server.url)
        await hello(ws)
        text = msgpack.packb({"t": "chat", "text": "x" * (70 * 1024)})
        with pytest.raises(ConnectionClosed):
            await ws.send([text[i : i + 8192] for i in range(0, len(text), 8192)])
            await ws.recv()
        assert await closed_with(ws) == CloseCode.MESSAGE_TOO_BIG

    run(body())


def test_a_flood_closes_with_1008(shared_server: ServerProcess) -> None:
    async def body() -> None:
        ws = await raw(shared_server.url)
        await hello(ws)
        rooms = msgpack.packb({"t": "rooms"})
        codes = []
        try:
            for _ in range(500):
                await ws.send(rooms)
        except ConnectionClosed:
            pass
        try:
            async with asyncio.timeout(scaled(5)):
                while True:
                    reply = msgpack.unpackb(await ws.recv(), raw=False)
                    if reply["t"] == "error":
                        codes.append(reply["code"])
        except ConnectionClosed as exc:
            assert exc.rcvd is not None and exc.rcvd.code == CloseCode.POLICY_VIOLATION
        assert codes == ["rate_limited"]

    run(body())


def test_a_silent_connection_is_closed_for_idling(shared_server: ServerProcess) -> None:
    async def body() -> None:
        ws = await raw(shared_server.url)
        assert await closed_with(ws) == CloseCode.IDLE  # hello_timeout is 0.5 s here

    run(body())


def test_healthz_answers_on_the_same_port(shared_server: ServerProcess) -> None:
    url = f"http://127.0.0.1:{shared_server.port}/healthz"
    with urllib.request.urlopen(url, timeout=scaled(5)) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        health = json.loads(response.read())
    assert health["status"] == "ok"
    assert {"connections", "rooms", "matches", "uptime", "version"} <= set(health)


def test_a_client_that_stops_answering_pings_is_dropped(shared_server: ServerProcess) -> None:
    def connections() -> int:
        url = f"http://127.0.0.1:{shared_server.port}/healthz"
        with urllib.request.urlopen(url, timeout=scaled(5)) as response:
            return int(json.loads(response.read())["connections"])

    async def body() -> None:
        client = await Client.connect(shared_server.url, "Ghost", ping_interval=None)
        room = (await client.create_room("haunted"))["room"]
        await client.spectate(room)  # settled: never closed for idling, only for silence
        before = connections()
        assert client.ws.transport is not None
        client.ws.transport.pause_reading()  # pings pile up unanswered
        started = asyncio.get_running_loop().time()
        while connections() == before and asyncio.get_running_loop().time() < started + scaled(5):
            await asyncio.sleep(0.1)
        waited = asyncio.get_running_loop().time() - started
        assert connections() == before - 1
        assert waited >= scaled(1.0)  # a ping a second here, and a second to answer it
        client.ws.transport.abort()

    run(body())


def test_connections_over_the_limit_are_refused_at_the_handshake(tmp_path: Path) -> None:
    server = start_server(tmp_path, "--max-connections", "2")
    try:

        async def body() -> None:
            first = await Client.connect(server.url, "One")
            second = await Client.connect(server.url, "Two")
            with pytest.raises(InvalidStatus) as refused:
                await Client.connect(server.url, "Three")
            assert refused.value.response.status_code == 503
            await first.close()
            await asyncio.sleep(scaled(0.2))
            third = await Client.connect(server.url, "Three")  # room again
            for client in (second, third):
                await client.close()

        run(body())
    finally:
        server.terminate()


def test_idle_connections_close_unless_they_sit_in_a_room(tmp_path: Path) -> None:
    """A named connection in no room closes after the idle timeout; one holding a seat stays
    however quiet it is, and is timed again from its last message once it leaves."""
    idle = scaled(0.6)

    async def body() -> None:
        server = GameServer(Store(tmp_path), Limits(idle_timeout=idle), workers=0)
        url = f"ws://127.0.0.1:{await server.start('127.0.0.1', 0)}"
        clock = asyncio.get_running_loop().time  # time.monotonic, the server's clock too
        try:
            # Idle is timed from the last message the server heard, which comes after each
            # of these instants: a close sooner than `idle` after them is a close too soon.
            before_hello = clock()
            lonely = await Client.connect(url, "Lonely")
            seated = await Client.connect(url, "Seated")
            room = (await seated.create_room("quiet"))["room"]
            seat = await seated.join(room, "esa")
            closed = await lonely.wait_for("closed", timeout=scaled(5))
            assert closed["code"] == CloseCode.IDLE
            assert clock() - before_hello >= idle
            await asyncio.sleep(idle * 2)
            assert seated.closed is None
            before_leave = clock()
            await seated.leave(seat)
            closed = await seated.wait_for("closed", timeout=scaled(5))
            assert closed["code"] == CloseCode.IDLE
            assert clock() - before_leave >= idle
        finally:
            await server.stop()

    run(body())
