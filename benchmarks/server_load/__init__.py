"""Server load: real matches over loopback against the bare websockets + msgpack ceiling.

The server runs in one process (`lunar-race serve`), the clients in another
(`benchmarks.server_load.driver`), so neither steals the other's interpreter. In the same run
a bare echo server (`benchmarks.server_load.echo`) is driven by the same client code with
orders-sized messages: its throughput is the ceiling the server is measured against.
Throughput comes from the first turn's storm of closed-loop draft revisions; latencies from
the paced turns after it (see the driver, and docs/dev/server-performance.md for the method
and results).
Server, clients and echo all run on the same event loop (uvloop where installed); the
server's CPU time and memory include its worker processes.

The matches are played twice, each time on a fresh server: alone, and beside an attacker
(`benchmarks.server_load.attacker`: one address asking for a replay and saying lobby chat
lines as fast as its limits let it).

Sizes: the default run (about two minutes with `make bench`) uses 200 clients in 40 rooms;
the full run - 1,000 clients in 200 rooms, the size the goals are stated for - is chosen
with `LUNAR_RACE_BENCH_FULL=1 make bench` or `python -m benchmarks.server_load --full`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.harness import Result
from server.process import process_tree, serve_command, stop, wait_for_port
from server.runtime import run_event_loop

ACK_GOAL_MS = 50.0
THROUGHPUT_GOAL = 0.5  # of the echo ceiling


@dataclass(frozen=True)
class Size:
    clients: int
    rooms: int
    turns: int
    drafts: int  # draft revisions before each final submission
    storm: float  # seconds of closed-loop revisions (and of the echo ceiling)
    think: float  # after the storm, a client thinks up to this long before submitting


DEFAULT = Size(clients=200, rooms=40, turns=6, drafts=3, storm=8.0, think=4.0)
FULL = Size(clients=1000, rooms=200, turns=8, drafts=3, storm=15.0, think=4.0)


def chosen_size() -> Size:
    return FULL if os.environ.get("LUNAR_RACE_BENCH_FULL") == "1" else DEFAULT


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _peak_rss_mib(pids: list[int]) -> float:
    """The sum of the processes' peak resident memory."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
    return total


class Probe:
    """A lone client in this process asking the server a trivial question every 50 ms: how
    fast the server answers, apart from how busy the load driver's own process is."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.samples: list[tuple[float, float]] = []  # (perf_counter at send, seconds)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: run_event_loop(self._run()), daemon=True)

    async def _run(self) -> None:
        from game.net.client import Client, Refused

        client = await Client.connect(self.url, "probe", timeout=60)
        try:
            while not self.stop.is_set():
                sent = time.perf_counter()
                with contextlib.suppress(Refused):  # the answer expected: no such room
                    await client.request("unwatch", room="probe000")
                self.samples.append((sent, time.perf_counter() - sent))
                await asyncio.sleep(0.05)
        finally:
            await client.close()

    def __enter__(self) -> Probe:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)

    def between(self, start: float, end: float) -> list[float]:
        return [took for sent, took in self.samples if start <= sent <= end]


def _drive(args: list[str], timeout: float) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.server_load.driver", *args],
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load driver failed:\n{done.stderr.decode()[-3000:]}")
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def measure(size: Size) -> dict[str, Any]:
    """Run the echo ceiling, then the real matches; return the raw numbers."""
    with tempfile.TemporaryDirectory(prefix="lunar-race-load-") as tmp:
        folder = Path(tmp)
        echo = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.server_load.echo",
                "--port-file",
                str(folder / "echo.port"),
            ],
        )
        try:
            port = wait_for_port(folder / "echo.port", echo, 60)
            ceiling = _drive(
                [
                    "echo",
                    "--server-pid",
                    str(echo.pid),
                    "--url",
                    f"ws://127.0.0.1:{port}",
                    "--clients",
                    str(size.clients),
                    "--seconds",
                    str(size.storm),
                ],
                timeout=size.storm + 120,
            )
        finally:
            stop(echo, 30)
        played, memory = _play(size, folder / "plain", attack=False)
        attacked, _memory = _play(size, folder / "attacked", attack=True)
    return {
        "size": size,
        "echo": ceiling,
        "game": played,
        "server_peak_rss_mib": memory,
        "attacked": attacked,
    }


def _play(size: Size, folder: Path, *, attack: bool) -> tuple[dict[str, Any], tuple[float, float]]:
    """The real matches on a fresh server, with or without an attacker beside them (one
    address replaying a finished match and chatting in the lobby at its limits, through
    the trusted proxy); the game's numbers and the server's peak memory."""
    folder.mkdir(parents=True)
    server = subprocess.Popen(
        serve_command(
            folder / "data",
            folder / "server.port",
            "--log-level",
            "warning",
            "--rate",
            "10000",
            "--burst",
            "10000",
            "--max-connections",
            str(size.clients + 100),
            "--max-rooms",
            str(size.rooms + 10),
            # The load's clients all come from one address; the attacker from another.
            "--limit",
            f"max_connections_per_address={size.clients + 100}",
            "--limit",
            f"max_rooms_per_address={size.rooms + 10}",
            "--limit",
            "trusted_proxies=127.0.0.1",
        ),
        stdout=subprocess.DEVNULL,
    )
    raider: subprocess.Popen[bytes] | None = None
    try:
        port = wait_for_port(folder / "server.port", server, 60)
        url = f"ws://127.0.0.1:{port}"
        if attack:
            raider = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.server_load.attacker", "--url", url],
                stdout=subprocess.PIPE,
            )
        with Probe(url) as probe:
            played = _drive(
                [
                    "game",
                    "--server-pid",
                    str(server.pid),
                    "--url",
                    url,
                    "--clients",
                    str(size.clients),
                    "--rooms",
                    str(size.rooms),
                    "--turns",
                    str(size.turns),
                    "--drafts",
                    str(size.drafts),
                    "--storm",
                    str(size.storm),
                    "--think",
                    str(size.think),
                ],
                timeout=1800,
            )
        played["probe"] = probe.between(played["paced_from"], played["paced_to"])
        if raider is not None:
            stop(raider, 30)
            out = raider.stdout.read() if raider.stdout is not None else b""
            played["attacker"] = json.loads(out or b"{}").get("tally", {})
        tree = process_tree(server.pid)
        memory = _peak_rss_mib(tree[:1]), _peak_rss_mib(tree[1:])
    finally:
        if raider is not None and raider.poll() is None:
            stop(raider, 30)
        stop(server, 30)
    return played, memory


def results(raw: dict[str, Any]) -> list[Result]:
    size: Size = raw["size"]
    echo, game = raw["echo"], raw["game"]
    echo_rate = echo["orders"] / echo["seconds"]
    rate = game["storm_orders"] / game["storm_seconds"]
    share = rate / echo_rate if echo_rate else 0.0
    storm = [a * 1000 for a in game["storm_acks"]]
    acks = [a * 1000 for a in game["acks"]]
    casts = [b * 1000 for b in game["broadcasts"]]
    lag = [x * 1000 for x in game["client_lag"]]
    probe = [x * 1000 for x in game["probe"]]
    p99 = percentile(acks, 0.99)
    where = f"{game['clients']} clients, {game['rooms']} rooms"
    goal_note = "" if size == FULL else "goal is for 1,000 clients in 200 rooms (--full)"
    refused = ", ".join(f"{k} {v}" for k, v in sorted(game["refused"].items()))
    echo_p99 = percentile([a * 1000 for a in echo["acks"]], 0.99)
    echo_cpu = echo["server_cpu"] / echo["orders"] * 1e6 if echo["orders"] else float("nan")
    game_cpu = game["storm_server_cpu"] / len(storm) * 1e6 if storm else float("nan")
    return [
        Result(
            "echo ceiling",
            echo_rate,
            "msg/s",
            note=f"{echo['clients']} clients closed-loop, p99 {echo_p99:.1f} ms",
        ),
        Result(
            "order throughput",
            rate,
            "orders/s",
            f">= {THROUGHPUT_GOAL:.0%} of echo",
            share >= THROUGHPUT_GOAL,
            f"{share:.0%} of echo; closed-loop revisions, {where}, "
            f"p99 {percentile(storm, 0.99):.1f} ms",
        ),
        Result(
            "server CPU per order",
            game_cpu,
            "us",
            note=f"echo server {echo_cpu:.0f} us a message: "
            f"{echo_cpu / game_cpu:.0%} of echo if each had a core to itself",
        ),
        Result(
            "order ack p50",
            percentile(acks, 0.5),
            "ms",
            note=f"{len(acks)} paced orders; refused: {refused or 'none'}; the clients' "
            f"own event loop ran late by {percentile(lag, 0.5):.1f} ms at p50, "
            f"{percentile(lag, 0.99):.1f} ms at p99",
        ),
        Result(
            "order ack p99", p99, "ms", f"<= {ACK_GOAL_MS:.0f} ms", p99 <= ACK_GOAL_MS, goal_note
        ),
        Result(
            "turn broadcast p50",
            percentile(casts, 0.5),
            "ms",
            note=f"{len(casts)} updates, {game['turns_answered']} turns answered",
        ),
        Result("turn broadcast p99", percentile(casts, 0.99), "ms"),
        Result(
            "server answer p99",
            percentile(probe, 0.99),
            "ms",
            note=f"a lone client in its own process, in paced play: p50 "
            f"{percentile(probe, 0.5):.1f} ms, {len(probe)} requests",
        ),
        Result(
            "server peak memory",
            sum(raw["server_peak_rss_mib"]),
            "MiB",
            note=f"{where}; the serving process {raw['server_peak_rss_mib'][0]:.0f} MiB, "
            f"its worker processes {raw['server_peak_rss_mib'][1]:.0f} MiB",
        ),
        Result("matches wall time", game["seconds"], "s", note=f"{size.turns} turns a match"),
        *_attacked(raw["attacked"], goal_note),
    ]


def _attacked(game: dict[str, Any], goal_note: str) -> list[Result]:
    """The same load on a fresh server while one address replays and chats at its limits."""
    acks = [a * 1000 for a in game["acks"]]
    probe = [x * 1000 for x in game["probe"]]
    storm = [a * 1000 for a in game["storm_acks"]]
    p99 = percentile(acks, 0.99)
    tally = ", ".join(f"{k} {v}" for k, v in sorted(game.get("attacker", {}).items()))
    refused = ", ".join(f"{k} {v}" for k, v in sorted(game["refused"].items()))
    return [
        Result(
            "order throughput, attacked",
            game["storm_orders"] / game["storm_seconds"],
            "orders/s",
            note=f"p99 {percentile(storm, 0.99):.1f} ms; the attacker: {tally or 'nothing'}",
        ),
        Result(
            "order ack p99, attacked",
            p99,
            "ms",
            f"<= {ACK_GOAL_MS:.0f} ms",
            p99 <= ACK_GOAL_MS,
            f"same load, one address replaying and chatting at its limits; {len(acks)} paced "
            f"orders, refused: {refused or 'none'}; {goal_note}".rstrip("; "),
        ),
        Result(
            "server answer p99, attacked",
            percentile(probe, 0.99),
            "ms",
            note=f"p50 {percentile(probe, 0.5):.1f} ms, {len(probe)} requests",
        ),
    ]


def run(runs: int) -> list[Result]:
    """One load run (they take minutes; `runs` is not repeated here)."""
    del runs
    return results(measure(chosen_size()))
