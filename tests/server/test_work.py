"""Work kept off the event loop: turns and AI seats in worker processes, checkpoints of the
store's write-ahead log in a thread of their own."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import shutil
import sqlite3
import subprocess
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import pytest

from game import rules
from game.ai import create_bot
from server import store as store_module
from server import turns, work
from server.app import GameServer
from server.limits import Limits
from server.lobby import Lobby
from server.process import process_tree, serve_command
from server.snapshot import decode_state, encode_state
from server.store import Store
from tests.server.test_room import NOW, started
from tests.timing import scaled


def _state_after_one_turn() -> tuple[bytes, dict[str, list[Any]], str]:
    state = rules.new_match("2021", seed=3, agencies=["nasa", "esa", "cnsa"])
    orders = {a: rules.legal_commands(state, a)[:2] for a in state.agencies}
    new_state, _events = rules.resolve_turn(state, orders)
    return encode_state(state), orders, rules.state_hash(new_state)


def _die_the_first_time(marker: str) -> int:
    if not os.path.exists(marker):
        Path(marker).touch()
        os._exit(1)  # a worker killed mid-job, as by the OOM killer
    return os.getpid()


def test_a_turn_resolved_in_a_worker_process_is_the_turn_the_rules_resolve() -> None:
    snapshot, orders, expected = _state_after_one_turn()

    async def body() -> turns.Resolved:
        workers = work.Workers(1)
        try:
            return await workers.run(turns.resolve, snapshot, orders, ["esa"])
        finally:
            workers.shutdown()

    resolved = asyncio.run(body())
    assert resolved.state_hash == expected
    assert rules.state_hash(decode_state(resolved.snapshot)) == expected
    state = decode_state(resolved.snapshot)
    assert resolved.rendered[turns.view_key("esa")] == turns.render_view(state, "esa")
    assert resolved.rendered[turns.legal_key("esa")] == turns.render_legal(state, "esa")
    assert turns.view_key("nasa") not in resolved.rendered  # nobody to send it to


def test_a_worker_process_that_dies_is_replaced_and_the_job_runs_again(tmp_path: Path) -> None:
    async def body() -> int:
        workers = work.Workers(1)
        try:
            return await workers.run(_die_the_first_time, str(tmp_path / "died"))
        finally:
            workers.shutdown()

    pid = asyncio.run(body())
    assert pid != os.getpid()
    assert (tmp_path / "died").exists()


def test_a_bot_thinks_from_the_snapshot_and_comes_back_with_what_it_remembered() -> None:
    state = rules.new_match("2021", seed=3, agencies=["nasa", "esa"])
    bot = create_bot("random", "esa", 11)
    twin = create_bot("random", "esa", 11)
    orders, problem, returned = turns.think(bot, encode_state(state), "esa")
    assert problem is None
    assert orders == twin.decide(rules.view(state, "esa"), rules.legal_commands(state, "esa"))
    assert returned.rng.random() == twin.rng.random()  # its generator moved on alike


def test_the_write_ahead_log_reaches_the_database_file_without_a_commit_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commits only append to the log; the checkpoint thread copies it into the file."""
    monkeypatch.setattr(store_module, "CHECKPOINT_EVERY", 0.05)
    store = Store(tmp_path / "data")
    room, _tokens = started(Lobby(Limits()))
    store.save_start(room, NOW)
    store.append_orders([room.check_orders("esa", room.version, [], True)], NOW)
    found: list[Any] = []
    deadline = time.monotonic() + scaled(5)
    while not found and time.monotonic() < deadline:
        time.sleep(0.05)
        copy = tmp_path / f"copy-{time.monotonic_ns()}.sqlite"
        shutil.copyfile(store.path, copy)  # the database file alone, without its log
        db = sqlite3.connect(copy)
        with contextlib.suppress(sqlite3.DatabaseError):  # caught mid-write: look again
            found = db.execute("SELECT room, agency, final FROM orders").fetchall()
        db.close()
    store.close()
    assert found == [(room.id, "esa", 1)]


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads /proc")
def test_worker_processes_end_when_the_server_is_killed(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    server = subprocess.Popen(
        serve_command(tmp_path, port_file, "--log-level", "warning"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + scaled(30)
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:  # forkserver and a worker
            time.sleep(0.1)
            workers = [p for p in process_tree(server.pid)[1:] if "forkserver" in _cmdline(p)]
        assert len(workers) >= 2
    finally:
        server.kill()  # kill -9
        server.wait()
    deadline = time.monotonic() + scaled(10)
    while time.monotonic() < deadline and any(_running(p) for p in workers):
        time.sleep(0.1)
    assert not [p for p in workers if _running(p)]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().decode(errors="replace")
    except OSError:
        return ""


def test_a_full_collection_frees_cycles_that_turns_froze(tmp_path: Path) -> None:
    """A server in its own process freezes what lives after each turn; cycles frozen that
    way are freed by the janitor's full collection, and what lives stays frozen."""

    class Node:
        pass

    server = GameServer(Store(tmp_path), Limits(), owns_process=True)
    try:
        cycle = Node()
        cycle.self = cycle  # type: ignore[attr-defined]
        watch = weakref.ref(cycle)
        gc.freeze()  # as after a turn
        del cycle
        gc.collect()
        assert watch() is not None  # frozen: no ordinary collection looks at it
        assert server.full_collection() >= 1
        assert watch() is None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        server.store.close()


def _note(order: list[str], name: str) -> str:
    order.append(name)
    return name


def test_the_next_job_is_a_played_match_then_the_creator_served_longest_ago() -> None:
    """One worker, busy: a played match's job goes first, then bot matches' creators by
    turns, and a job whose caller gave up never runs and holds no worker."""

    async def body() -> list[str]:
        workers = work.Workers(0)
        order: list[str] = []
        gate = threading.Event()
        try:
            busy = asyncio.ensure_future(workers.run(gate.wait, 5.0))
            await asyncio.sleep(0.05)
            x, y = work.Share("x", bots_only=True), work.Share("y", bots_only=True)
            jobs = [
                asyncio.ensure_future(workers.run(_note, order, name, share=share))
                for name, share in (("x1", x), ("x2", x), ("gone", y), ("y1", y))
            ]
            jobs.append(asyncio.ensure_future(workers.run(_note, order, "played")))
            await asyncio.sleep(0.05)
            jobs[2].cancel()
            gate.set()
            await busy
            await asyncio.wait(jobs)
            assert sum(workers.busy.values()) == 0  # every worker given back
            return order
        finally:
            workers.shutdown()

    assert asyncio.run(body()) == ["played", "x1", "y1", "x2"]
