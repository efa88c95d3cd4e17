"""One client address doing its worst within the server's limits, beside the load benchmark.

    python -m benchmarks.server_load.attacker --url ws://127.0.0.1:PORT --address 198.51.100.66 \
        --seconds 60

It comes through the server's trusted proxy (loopback) as `--address`, plays one quick match
only bots play to its end, then, on `--connections` connections at once, asks for that
match's replay as often as each connection's message rate allows and says a lobby chat line
a second on each, until `--seconds` have passed or it is stopped. It prints one JSON object:
how many replays and chat lines were answered and refused, by code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import time
from collections import Counter
from typing import Any

from websockets.asyncio.client import connect

from game.net.client import Client, Refused, _options
from server.runtime import run_event_loop

REPLAYS_A_SECOND = 18.0  # each connection may send 20 messages a second; chat takes one


async def attacker(url: str, address: str, name: str) -> Client:
    ws = await connect(url, additional_headers={"X-Forwarded-For": address}, **_options(60, None))
    return await Client._greet(ws, name, "load-attacker", 60, None)


async def finished_match(url: str, address: str) -> str:
    host = await attacker(url, address, "Replayer")
    made = await host.create_room(
        "replayed",
        seats=["nasa", "cnsa"],
        ai_seats=["nasa", "cnsa"],
        ai_level="random",
        turns=10,
        deadline=0.2,
        first_deadline=0.2,
        visibility="unlisted",
    )
    await host.spectate(made["room"])  # a match nobody watches pauses
    await host.start(made["room"], made["host_token"])
    await host.wait_for("over", timeout=600)
    await host.close()
    return str(made["room"])


async def pound(client: Client, room: str, until: float, tally: Counter[str]) -> None:
    gap = 1.0 / REPLAYS_A_SECOND
    said = 0.0
    while time.monotonic() < until:
        try:
            await client.request("replay", room=room)
            tally["replay answered"] += 1
        except Refused as refused:
            tally[f"replay {refused.code}"] += 1
        if time.monotonic() - said >= 1.0:
            said = time.monotonic()
            try:
                await client.chat("the Moon is ours")
                tally["chat answered"] += 1
            except Refused as refused:
                tally[f"chat {refused.code}"] += 1
        await asyncio.sleep(gap)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    room = await finished_match(args.url, args.address)
    clients = [
        await attacker(args.url, args.address, f"Attacker {n}") for n in range(args.connections)
    ]
    tally: Counter[str] = Counter()
    until = time.monotonic() + args.seconds
    work = asyncio.gather(*(pound(c, room, until, tally) for c in clients))
    waiting = asyncio.ensure_future(stop.wait())
    either: list[asyncio.Future[Any]] = [work, waiting]
    await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
    work.cancel()
    waiting.cancel()
    with contextlib.suppress(BaseException):
        await work
    for client in clients:
        await client.close()
    return {"room": room, "tally": dict(tally)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--address", default="198.51.100.66")
    parser.add_argument("--connections", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=600.0)
    args = parser.parse_args(argv)
    json.dump(run_event_loop(main_async(args)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
