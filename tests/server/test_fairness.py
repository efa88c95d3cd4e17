"""No single client starves the server: for each way one client could, the attack against a
real server on 127.0.0.1, with a bystander who keeps playing unaffected (p99 answer under
100 ms, every draft acknowledged) and no refusal to anyone who stayed within its limits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
import urllib.request
from pathlib import Path

from game import rules
from game.net.client import Client
from game.protocol.errors import CloseCode
from game.replay import loads
from tests.server.conftest import run
from tests.server.fairness import (
    ATTACKER,
    BYSTANDER,
    LimitedServer,
    bystander,
    client_from,
    during,
    limited_server,
    refusal,
    server_here,
)
from tests.timing import scaled


def test_one_address_cannot_lock_room_creation(tmp_path: Path) -> None:
    """Finding 1: rooms count against the address that made them, across reconnects; its
    empty rooms close after a while, and a restart frees them too."""
    timeout = scaled(1.0)
    with limited_server(
        tmp_path, max_rooms=8, max_rooms_per_address=3, lobby_room_timeout=timeout
    ) as server:

        async def attack() -> list[str | None]:
            codes = []
            for round_ in range(3):  # reconnecting between rounds changes nothing
                attacker = await client_from(server.url, ATTACKER, f"Locker {round_}")
                for n in range(4):
                    codes.append(await refusal(attacker.create_room(f"lock {round_}-{n}")))
                await attacker.close()
            return codes

        async def body() -> None:
            async with bystander(server.url) as player:
                codes = await during(attack(), player, scaled(1.0))
                player.check()
                assert codes.count(None) == 3
                assert set(codes) == {None, "capacity"}
                other = await client_from(server.url, "192.0.2.44", "Newcomer")
                assert (await other.create_room("still open"))["room"]
                await other.close()
            # Nobody is in the attacker's rooms: they close, and it may create again.
            await asyncio.sleep(timeout * 2)
            again = await client_from(server.url, ATTACKER, "Locker again")
            assert (await again.create_room("after"))["room"]
            await again.close()

        async def after_restart() -> None:
            # Rooms restored from the store hold no lock either: empty, they close too.
            await asyncio.sleep(timeout * 2)
            look = await client_from(server.url, "192.0.2.46", "Looker")
            assert [r["name"] for r in await look.rooms()] == ["bystander"]  # a match: kept
            await look.close()

        run(body())
        server.stop()
        server.start()
        run(after_restart())


def test_idle_watchers_are_closed_and_capped_per_address(tmp_path: Path) -> None:
    """Finding 3: watching needs no seat, so it does not keep a connection open for ever,
    and one address watches only so many rooms with only so many connections."""
    idle = scaled(0.8)
    with limited_server(
        tmp_path,
        idle_timeout=idle,
        max_connections=12,
        max_connections_per_address=5,
        max_watching_per_address=3,
    ) as server:

        async def attack() -> tuple[list[str | None], list[int | None], bool]:
            host = await client_from(server.url, ATTACKER, "Host")
            rooms = [(await host.create_room(f"stage {n}"))["room"] for n in range(3)]
            watchers = [await client_from(server.url, ATTACKER, f"Eye {n}") for n in range(4)]
            codes = [await refusal(w.spectate(rooms[n % 3])) for n, w in enumerate(watchers)]
            try:
                await client_from(server.url, ATTACKER, "One too many")
                turned_away = False
            except Exception as exc:  # the handshake is refused with 429
                turned_away = "429" in str(exc)
            closed = [(await w.wait_for("closed", timeout=scaled(5)))["code"] for w in watchers[:3]]
            await host.close()
            return codes, closed, turned_away

        async def body() -> None:
            async with bystander(server.url) as player:
                codes, closed, turned_away = await during(attack(), player, idle * 2)
                player.check()
                assert codes == [None, None, None, "capacity"]
                assert closed == [CloseCode.IDLE] * 3
                assert turned_away
                newcomer = await client_from(server.url, "192.0.2.45", "Newcomer")
                await newcomer.close()

        run(body())


def test_names_are_printable_trimmed_and_unique(tmp_path: Path) -> None:
    """Finding 9, names: nobody can chat as somebody else."""
    with limited_server(tmp_path) as server:

        async def body() -> None:
            async with bystander(server.url) as player:
                assert player.client is not None
                assert player.client.welcome["name"] == "Bystander"

                async def named(name: str) -> str | None:
                    try:
                        client = await client_from(server.url, ATTACKER, name)
                    except Exception as exc:
                        return "refused: " + str(exc)
                    await client.close()
                    return str(client.welcome["name"])

                async def attack() -> list[str | None]:
                    return [
                        await named("By\u202estander"),
                        await named("Bystander\x00"),
                        await named("  bystander  "),
                        await named("BYSTANDER"),
                        await named("Ada   Lovelace"),
                    ]

                got = await during(attack(), player, scaled(0.5))
                player.check()
                assert got[0] is not None and "malformed" in got[0]
                assert got[1] is not None and "malformed" in got[1]
                assert got[2:] == ["bystander 2", "BYSTANDER 2", "Ada Lovelace"]

        run(body())


def test_a_connection_replaced_by_rejoin_loses_the_seat(tmp_path: Path) -> None:
    """Finding 9, seats: the token alone does not let an old connection speak for a seat
    that a newer one has taken back."""
    with limited_server(tmp_path) as server:

        async def body() -> None:
            async with bystander(server.url) as player:
                assert player.client is not None and player.seat is not None
                old = player.client
                newer = await client_from(server.url, BYSTANDER, "Bystander again")
                await newer.rejoin(player.seat)
                code = await refusal(old.submit(player.seat, player.version, [], final=False))
                assert code == "unauthorised"
                player.client = newer
                await player.play(scaled(0.5))
                player.check()
                await old.close()

        run(body())


async def finished_match(url: str, address: str) -> str:
    """A match only the AI plays, three quick turns, watched to its end; its room id."""
    host = await client_from(url, address, "Bot fan")
    made = await host.create_room(
        "bots",
        seats=["nasa", "cnsa"],
        ai_seats=["nasa", "cnsa"],
        ai_level="random",
        turns=3,
        deadline=0.2,
        first_deadline=0.2,
    )
    await host.spectate(made["room"])
    await host.start(made["room"], made["host_token"])
    await host.wait_for("over", timeout=scaled(30))
    await host.close()
    return str(made["room"])


def test_replays_are_built_once_and_charged_by_size(tmp_path: Path) -> None:
    """Finding 2: asking for a replay over and over costs the server a lookup, and the
    asker's address pays for every byte; the connections stay open."""
    with limited_server(tmp_path, answer_rate=32 * 1024, answer_burst=128 * 1024) as server:

        async def body() -> None:
            room = await finished_match(server.url, ATTACKER)
            askers = [await client_from(server.url, ATTACKER, f"Reader {n}") for n in range(3)]

            async def hammer(asker: Client) -> list[str | None]:
                codes = []
                for _ in range(30):  # 20 a second: each connection within its message rate
                    codes.append(await refusal(asker.replay(room)))
                    await asyncio.sleep(0.05)
                return codes

            async def attack() -> list[str | None]:
                results = await asyncio.gather(*(hammer(a) for a in askers))
                return [code for codes in results for code in codes]

            async with bystander(server.url) as player:
                codes = await during(attack(), player, scaled(1.5))
                player.check()
            assert codes.count(None) >= 3 and "rate_limited" in codes
            assert set(codes) == {None, "rate_limited"}
            assert all(a.closed is None for a in askers)
            reader = await client_from(server.url, "192.0.2.47", "Historian")
            data = await reader.replay(room)  # one ask from another address: answered
            assert len(loads(data).turns) == 3
            for client in (*askers, reader):
                await client.close()

        run(body())


def test_lobby_chat_cannot_amplify(tmp_path: Path) -> None:
    """Finding 4: many connections of one address share one chat allowance, and the lobby
    as a whole delivers only so much; a bystander's line still goes through."""
    with limited_server(tmp_path, chat_rate=1.0, chat_burst=3, lobby_chat_deliveries=400) as server:

        async def body() -> None:
            talkers = [await client_from(server.url, ATTACKER, f"Crier {n}") for n in range(15)]

            async def attack() -> list[str | None]:
                codes = []
                for second in range(2):  # every connection says one line a second
                    for n, talker in enumerate(talkers):
                        codes.append(await refusal(talker.chat(f"line {second}.{n}")))
                    await asyncio.sleep(1.0)
                return codes

            async with bystander(server.url) as player:
                assert player.client is not None
                codes = await during(attack(), player, scaled(1.2))
                await player.client.chat("anyone for the Gateway?")  # within its own limit
                player.check()
                inbox = player.client.inbox
                heard = [inbox.get_nowait() for _ in range(inbox.qsize())]
            lines = [m["text"] for m in heard if m.get("t") == "chat" and m["room"] is None]
            assert codes.count(None) <= 3 + 2  # the address's burst, then one a second
            assert set(codes) == {None, "rate_limited"}
            assert len(lines) == codes.count(None) + 1  # each line delivered once, and its own
            assert lines[-1] == "anyone for the Gateway?"
            for talker in talkers:
                await talker.close()

        run(body())


def test_a_chosen_seed_gives_away_no_rival_numbers(tmp_path: Path) -> None:
    """Finding 7: a host who picks the seed cannot work a rival's budget out of it, and
    everyone can see that the seed was picked."""

    async def body() -> None:
        async with server_here(tmp_path) as (server, url):
            host = await client_from(url, ATTACKER, "Seed picker")
            picked = await host.create_room(
                "picked", seats=["nasa", "cnsa"], ai_seats=["cnsa"], seed=2021, turns=2
            )
            drawn = await host.create_room("drawn", turns=2)
            assert picked["info"]["seed_chosen"] is True
            assert drawn["info"]["seed_chosen"] is False
            seat = await host.join(picked["room"], "nasa")
            await host.ready(seat)
            await host.start(picked["room"], picked["host_token"])
            await host.wait_for("turn", timeout=scaled(10))
            state = server.lobby.rooms[picked["room"]].state
            # What the host can compute from the seed alone is not what the rival has.
            guess = rules.new_match("2021", seed=2021, agencies=["nasa", "cnsa"], turns=2)
            assert state.intel_secret != guess.intel_secret
            assert state.agency["cnsa"].budget != guess.agency["cnsa"].budget
            listed = {r["id"]: r for r in await host.rooms()}
            assert listed[picked["room"]]["seed_chosen"] is True
            await host.close()

    run(body())


async def unread_client(url: str, name: str) -> Client:
    """A client with a tiny receive buffer that stops reading once it has said hello."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", int(url.rsplit(":", 1)[1])))
    client = await client_from(url, ATTACKER, name, sock=sock)
    assert client.ws.transport is not None
    client.ws.transport.pause_reading()
    return client


def resident_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def connections(server: LimitedServer) -> int:
    url = f"http://127.0.0.1:{server.port}/healthz"
    with urllib.request.urlopen(url, timeout=scaled(5)) as response:
        return int(json.loads(response.read())["connections"])


def test_slow_readers_together_hold_no_more_than_the_cap(tmp_path: Path) -> None:
    """Finding 6: readers that never read are cut off once what they hold together passes
    `send_buffer_total`, long before each reaches its own `send_buffer` (64 MiB here, so
    without the cap three of them would hold tens of MiB)."""
    with limited_server(
        tmp_path,
        send_buffer=64 * 1024 * 1024,
        send_buffer_total=256 * 1024,
        chat_history=200,
        chat_burst=250,
        burst=250,  # for the bystander to write the history quickly
    ) as server:

        async def body() -> None:
            async with bystander(server.url) as player:
                assert player.client is not None and player.seat is not None
                for n in range(200):  # a long chat history: every `spectate` answers with it
                    await player.client.chat(f"{n:03} " + "regolith " * 50, player.seat)
                before = resident_mib(server.pid())
                readers = [await unread_client(server.url, f"Sloth {n}") for n in range(3)]
                peak = [before]

                async def attack() -> None:
                    for tenth in range(30):  # the burst, then the rate: within its limits
                        for reader in readers:
                            for _ in range(6 if tenth < 10 else 2):
                                with contextlib.suppress(Exception):
                                    await reader.send({"t": "spectate", "room": player.seat.room})
                        peak.append(resident_mib(server.pid()))
                        await asyncio.sleep(0.1)

                await during(attack(), player, scaled(3.0))
                player.check()
                assert max(peak) - before < 24  # MiB
                assert connections(server) == 1  # only the bystander is left
                for reader in readers:
                    if reader.ws.transport is not None:
                        reader.ws.transport.abort()

        run(body())


def test_bot_matches_wait_behind_a_match_someone_plays(tmp_path: Path) -> None:
    """Finding 5: one address's matches of strong bots (seconds of thinking a seat) do not
    slow a match a person plays, and stop costing anything once nobody is in them."""
    with limited_server(tmp_path, workers=1, max_rooms_per_address=3) as server:

        async def body() -> None:
            crowd = await client_from(server.url, ATTACKER, "Bot crowd")
            rooms = []
            for n in range(4):
                made = await crowd.create_room(
                    f"bots {n}", seats=["nasa", "cnsa"], ai_seats=["nasa", "cnsa"],
                    ai_level="hard", deadline=0.2, first_deadline=0.2, turns=20,
                )  # fmt: skip
                rooms.append(made)
                if n == 2:
                    break
            for made in rooms:
                await crowd.spectate(made["room"])
                await crowd.start(made["room"], made["host_token"])
            async with bystander(server.url) as player:
                assert player.client is not None and player.seat is not None
                turns = []
                for _ in range(4):
                    started = time.perf_counter()
                    await player.client.submit(player.seat, player.version, [], final=True)
                    update = await player.client.wait_for(
                        "turn", timeout=scaled(20), room=player.seat.room
                    )
                    turns.append(time.perf_counter() - started)
                    player.version = int(update["version"])
                    await player.play(scaled(0.3))
                player.check()
                # The first turn in a fresh worker process loads the game's content.
                assert max(turns[1:]) < scaled(1.0), turns
                await crowd.close()  # nobody is left in the bot matches: they pause
                await asyncio.sleep(scaled(1.0))
                await player.play(scaled(0.5))
                player.check()
            paused = server.logs().count('"event":"match_paused"')
            assert paused >= len(rooms)

        run(body())
