"""The load generator: many protocol clients in one process, measuring what the server does.

    python -m benchmarks.server_load.driver game --url ws://127.0.0.1:PORT --clients 200 \
        --rooms 40 --turns 6 --storm 8 --think 4
    python -m benchmarks.server_load.driver echo --url ws://127.0.0.1:PORT --clients 200 \
        --seconds 8

`game` plays real matches: each room's first client creates it, every client joins a seat and
gets ready, and the hosts start together. In the first turn every client revises draft orders
back to back for `--storm` seconds (the throughput measure), then submits them. In every later
turn a client thinks up to `--think` seconds and sends its bot's orders as `--drafts` growing
drafts and one final submission, each waiting for its acknowledgement (the latency measures).
`echo` sends the same kind of orders message in a closed loop to the bare echo server. Both
print one JSON object; `--server-pid` adds the server's CPU time over the measured window.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sys
import time
from typing import Any

from game.net.client import Client, Refused, SeatKey
from server.process import process_tree
from server.runtime import raise_file_limit, run_event_loop

CONNECT_BATCH = 50


def cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system) a process and its descendants have used so far, from /proc."""
    if pid is None:
        return 0.0
    total = 0
    for tree_pid in process_tree(pid):
        try:
            with open(f"/proc/{tree_pid}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended in the meantime
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def cpu_between(pid: int | None, start: float, end: float) -> float:
    """The server's CPU seconds between two perf_counter moments."""
    await asyncio.sleep(max(0.0, start - time.perf_counter()))
    before = cpu_seconds(pid)
    await asyncio.sleep(max(0.0, end - time.perf_counter()))
    return cpu_seconds(pid) - before


async def connect_all(url: str, count: int) -> list[Client]:
    clients: list[Client] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = range(start, min(count, start + CONNECT_BATCH))
        clients += await asyncio.gather(
            *(Client.connect(url, f"load-{n}", client="load-driver", timeout=60) for n in batch)
        )
    return clients


def sample_orders() -> list[dict[str, Any]]:
    """Orders shaped like a typical turn's, for the echo ceiling."""
    return [
        {"kind": "research", "tech": "heavy_launcher", "amount": 120},
        {"kind": "research", "tech": "precision_landing", "amount": 80},
        {
            "kind": "start_mission",
            "mission_type": "orbiter",
            "site": "orbit",
            "module": "",
            "commercial": False,
        },
        {"kind": "fund", "program": "p-nasa-1", "amount": 300},
    ]


class Recorder:
    """Latencies and counts gathered by every client, and the storm's measured window."""

    def __init__(self, clients: int, warmup: float, storm: float) -> None:
        self.clients = clients
        self.warmup = warmup
        self.storm = storm
        self.arrived = 0
        self.window = asyncio.Event()  # set once every client has its first update
        self.storm_start = float("inf")
        self.storm_end = float("inf")
        self.storm_acks: list[float] = []  # closed-loop revisions during the storm window
        self.acks: list[float] = []  # paced submissions in the rest of the match
        self.broadcasts: list[float] = []
        self.refused: dict[str, int] = {}
        self.turns = 0

    def arrive(self) -> None:
        """A client has its first update; the window opens `warmup` after the last one."""
        self.arrived += 1
        if self.arrived == self.clients:
            self.storm_start = time.perf_counter() + self.warmup
            self.storm_end = self.storm_start + self.storm
            self.window.set()

    def refuse(self, code: str) -> None:
        self.refused[code] = self.refused.get(code, 0) + 1


async def _submit(
    client: Client,
    seat: SeatKey,
    version: int,
    orders: list[Any],
    final: bool,
    rec: Recorder,
    into: list[float],
) -> str | None:
    """One submission, timed; returns the refusal code, if any."""
    started = time.perf_counter()
    try:
        await client.submit(seat, version, orders, final=final)
    except Refused as refused:
        rec.refuse(refused.code)
        return refused.code
    into.append(time.perf_counter() - started)
    return None


def decide(bot: Any, update: dict[str, Any], drafts: int) -> tuple[list[Any], list[list[Any]]]:
    """The bot's orders for a turn update, and `drafts` growing drafts of them."""
    from game.rules import orders_from_wire

    orders = bot.decide(update["view"], orders_from_wire(update["legal"], limit=10**6))
    step = drafts + 1
    return orders, [orders[: len(orders) * (n + 1) // step] for n in range(drafts)]


async def play_client(
    client: Client, seat: SeatKey, args: argparse.Namespace, rec: Recorder, rng: random.Random
) -> None:
    from game.ai import create_bot, seat_seed

    bot = create_bot(args.bot, seat.seat, seat_seed(7, seat.seat))
    answered = -1
    while True:
        message = await client.recv()
        kind = message.get("t")
        if kind == "over" or kind == "closed":
            return
        if kind != "turn" or message.get("seat") != seat.seat:
            continue
        version = int(message["version"])
        if version >= 2:
            # Paced play only: every room starts, and leaves the storm, at the same moment -
            # bursts that real rooms, started one by one, do not have.
            rec.broadcasts.append(time.time() - float(message["time"]))
        if message.get("phase") != "playing" or message.get("final") or version == answered:
            continue
        first = answered < 0
        answered = version
        rec.turns += 1

        if first:
            orders, drafts = decide(bot, message, args.drafts)
            # The storm: revise drafts back to back until the window closes.
            rec.arrive()
            n = 0
            while time.perf_counter() < rec.storm_end:
                n += 1
                into: list[float] = []
                code = await _submit(
                    client,
                    seat,
                    version,
                    drafts[n % len(drafts)] if drafts else [],
                    False,
                    rec,
                    into,
                )
                if code is not None:
                    break
                if rec.storm_start <= time.perf_counter() <= rec.storm_end:
                    rec.storm_acks.extend(into)
            # Rooms that play on in step would all resolve at the same instant, which real
            # rooms, started one by one, never do: each client settles in its own time.
            await asyncio.sleep(rng.uniform(0, args.think))
        else:
            # A client decides after thinking, as a player does: deciding the moment an
            # update arrives would put a thousand bots' work at the same instant.
            await asyncio.sleep(rng.uniform(0, args.think))
            orders, drafts = decide(bot, message, args.drafts)
            for draft in drafts:
                if await _submit(client, seat, version, draft, False, rec, rec.acks):
                    break
                await asyncio.sleep(rng.uniform(0, args.think / 5))
        paced = rec.acks if not first else []  # the storm's closing finals come all at once
        if await _submit(client, seat, version, orders, True, rec, paced) == "illegal":
            await _submit(client, seat, version, [], True, rec, paced)


async def run_room(
    members: list[Client],
    number: int,
    args: argparse.Namespace,
    rec: Recorder,
    everyone_ready: asyncio.Barrier,
) -> None:
    host = members[0]
    created = await host.create_room(
        f"load {number}",
        turns=args.turns,
        deadline=args.deadline,
        first_deadline=args.deadline + args.storm,
        ai_level=args.ai_level,
        visibility="unlisted",
        seed=number,
    )
    room = created["room"]
    seats = [await c.join(room) for c in members]
    await asyncio.gather(*(c.ready(s) for c, s in zip(members, seats, strict=True)))
    await everyone_ready.wait()
    await host.start(room, created["host_token"])
    await asyncio.gather(
        *(
            play_client(c, s, args, rec, random.Random(number * 100 + n))
            for n, (c, s) in enumerate(zip(members, seats, strict=True))
        )
    )


async def loop_lag(rec: Recorder, into: list[float], stop: asyncio.Event) -> None:
    """How late this process's event loop wakes up in paced play: when it is busy, every
    client in it waits, and the latencies it measures include that wait."""
    tick = 0.01
    while not stop.is_set():
        planned = time.perf_counter() + tick
        await asyncio.sleep(tick)
        if planned > rec.storm_end:
            into.append(max(0.0, time.perf_counter() - planned))


async def game(args: argparse.Namespace) -> dict[str, Any]:
    clients = await connect_all(args.url, args.clients)
    per_room = args.clients // args.rooms
    barrier = asyncio.Barrier(args.rooms + 1)
    rec = Recorder(per_room * args.rooms, args.warmup, args.storm)
    tasks = [
        asyncio.create_task(
            run_room(clients[r * per_room : (r + 1) * per_room], r, args, rec, barrier)
        )
        for r in range(args.rooms)
    ]
    await barrier.wait()
    started = time.perf_counter()
    lags: list[float] = []
    done = asyncio.Event()
    lag_task = asyncio.create_task(loop_lag(rec, lags, done))

    async def storm_cpu() -> float:
        await rec.window.wait()
        return await cpu_between(args.server_pid, rec.storm_start, rec.storm_end)

    cpu = asyncio.create_task(storm_cpu())
    await asyncio.gather(*tasks)
    done.set()
    await lag_task
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(c.close() for c in clients))
    return {
        "mode": "game",
        "clients": per_room * args.rooms,
        "rooms": args.rooms,
        "seconds": elapsed,
        "storm_seconds": args.storm,
        "storm_server_cpu": await cpu,
        "storm_orders": len(rec.storm_acks),
        "storm_acks": rec.storm_acks,
        "orders": len(rec.acks),
        "turns_answered": rec.turns,
        "acks": rec.acks,
        "broadcasts": rec.broadcasts,
        "refused": rec.refused,
        "client_lag": lags,
        # perf_counter reads the system's monotonic clock: comparable across processes
        "paced_from": rec.storm_end,
        "paced_to": started + elapsed,
    }


async def echo(args: argparse.Namespace) -> dict[str, Any]:
    clients = await connect_all(args.url, args.clients)
    seat = SeatKey("abcdefgh", "nasa", "x" * 32)
    payload = sample_orders()
    acks: list[float] = []
    stop_at = time.perf_counter() + args.seconds
    cpu = asyncio.create_task(cpu_between(args.server_pid, time.perf_counter(), stop_at))

    async def loop(client: Client) -> None:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            await client.submit(seat, 3, payload, final=False)
            acks.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(loop(c) for c in clients))
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(c.close() for c in clients))
    return {
        "mode": "echo",
        "clients": args.clients,
        "seconds": elapsed,
        "server_cpu": await cpu,
        "orders": len(acks),
        "acks": acks,
        "broadcasts": [],
        "refused": {},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", choices=["game", "echo"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=40)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--drafts", type=int, default=4)
    parser.add_argument("--deadline", type=float, default=120.0)
    parser.add_argument("--bot", default="random")
    parser.add_argument("--ai-level", default="random")
    parser.add_argument(
        "--server-pid", type=int, default=None, help="the server's pid, to measure its CPU time"
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="echo: closed-loop time")
    parser.add_argument(
        "--storm",
        type=float,
        default=8.0,
        help="game: seconds of back-to-back draft revisions in the first turn",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=1.0,
        help="game: seconds after every client has its first update before the storm is counted",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="game: a client thinks up to this long before it submits",
    )
    args = parser.parse_args(argv)
    raise_file_limit()
    # A thousand clients keep many objects alive (their latest updates); with the default
    # thresholds the collector's full scans of them would stall every client at once.
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)
    result = run_event_loop(game(args) if args.mode == "game" else echo(args))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
