"""The pool that keeps turn work away from the event loop: the functions of `server.turns`
(resolving turns, rendering updates, AI seats thinking) run in worker processes.

The rules and the bots are pure Python. Run in a thread of the server's own process they
hold the interpreter lock the event loop needs to acknowledge orders: two hundred rooms
turning together (about 12 ms a room: resolution, state hash, five views, five legal command
lists, the AI seats) would hold every acknowledgement up for seconds. They run in worker
processes instead, which lower their own CPU priority (`os.nice`) so that on a busy machine
the kernel gives the event loop its core first and the turn work the time left over.

Workers hold nothing from one job to the next; the server stays the only authority. What
crosses between the processes is cheap to make on the event loop's side: a state travels as
its snapshot (`server.snapshot.encode_state`, the bytes the store writes anyway), commands and bots
are pickled (a few KB), and what comes back is bytes ready to send and store, plus the
snapshot the event loop reads the new state from, to check the next turn's orders.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")

SERVER_CHECK = 1.0  # seconds between a worker's checks that the server still runs
WORKER_NICE = 10  # CPU priority workers give up: nice 10 weighs a tenth of nice 0 on Linux


def _start_worker(nice: int, server: int) -> None:
    """Each worker process: yield the CPU to the event loop, keep the collector quiet, and
    end when the server process `server` has ended, however it ended."""
    if hasattr(os, "nice"):  # not on Windows, where workers keep the server's priority
        with contextlib.suppress(OSError):
            os.nice(nice)
    threading.Thread(target=_outlive_no_server, args=(server,), daemon=True).start()
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def _outlive_no_server(server: int) -> None:
    # A pool's worker waits on a queue whose writing end it holds itself, so it would never
    # notice a server killed with `kill -9`; it checks on the server instead.
    if os.name == "nt":
        # No signal 0 on Windows (it is Ctrl-C there): a spawned worker's parent is the
        # server itself, and its handle says when it ends.
        parent = multiprocessing.parent_process()
        if parent is not None:
            parent.join()
        os._exit(0)
    while _alive(server):
        time.sleep(SERVER_CHECK)
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return True  # no /proc here: the signal check is all there is


def worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start. forkserver: from a clean process that imported the rules
    once, not from a copy of the server holding its sockets and its database connection.
    Where there is no forkserver (Windows), spawn: a fresh interpreter for each worker."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["server.work", "server.turns"])
        return context
    return multiprocessing.get_context("spawn")


def _ready() -> int:
    return os.getpid()


class Workers:
    """The pool the turn work runs in: `processes` worker processes, or, with 0, one thread
    of the server's own process (for embedding and tests, where a process is not worth it)."""

    def __init__(self, processes: int = 1, nice: int = WORKER_NICE) -> None:
        self.processes = processes
        self.nice = nice
        self.pool = self._new_pool()
        self.pending = 0  # jobs waiting for or running in a worker

    def _new_pool(self) -> Executor:
        if self.processes <= 0:
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="lunar-race")
        context = worker_context()
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.nice, os.getpid()),
        )

    def warm(self) -> None:
        """Start the workers now rather than at the first turn."""
        for _ in range(max(1, self.processes)):
            self.pool.submit(_ready)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in a worker. A worker that died (killed, out of memory) takes its
        pool down: a fresh pool replaces it and the job runs once more."""
        loop = asyncio.get_running_loop()
        pool = self.pool
        self.pending += 1
        try:
            return await loop.run_in_executor(pool, fn, *args)
        except BrokenProcessPool:
            if self.pool is pool:  # the first job to notice replaces it, once
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self._new_pool()
            return await loop.run_in_executor(self.pool, fn, *args)
        finally:
            self.pending -= 1

    def shutdown(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
