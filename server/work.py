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

The workers are shared fairly: no more jobs go to the pool than it has workers, and the
next to go is chosen by its `Share` - a match with a player connected before one only bots
play, then the creator whose jobs hold the fewest workers and went longest ago, then the
oldest. A creator who starts many bot matches waits for its own jobs, not everyone else.
A job cannot be stopped once a worker runs it (a strong bot may think for seconds), so
matches only bots play have a pool of their own, at the lowest CPU priority: however busy
the bots are, a match someone plays waits for no bot-only job, and the kernel gives its
worker the CPU first.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

SERVER_CHECK = 1.0  # seconds between a worker's checks that the server still runs
WORKER_NICE = 10  # CPU priority workers give up: nice 10 weighs a tenth of nice 0 on Linux
BOT_NICE = 19  # and workers for matches only bots play: a seventh of nice 10


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


@dataclass(frozen=True, slots=True)
class Share:
    """Whose job this is, for choosing the next job to run."""

    owner: str = ""  # who the work is for: a room's creator
    bots_only: bool = False  # a match nobody plays in person waits for those somebody does


URGENT = Share()


@dataclass(slots=True)
class _Waiting:
    share: Share
    number: int
    gate: asyncio.Future[None] = field(repr=False)


class Workers:
    """The pools the turn work runs in: `processes` worker processes for matches someone
    plays in person and as many, at the lowest CPU priority, for matches only bots play; or,
    with 0, one thread of the server's own process for both (for embedding and tests, where
    a process is not worth it)."""

    def __init__(
        self, processes: int = 1, nice: int = WORKER_NICE, bot_nice: int = BOT_NICE
    ) -> None:
        self.processes = processes
        self.nices = {False: nice, True: bot_nice}
        self.slots = max(1, processes)  # jobs each pool runs at once
        self.pools: dict[bool, Executor] = {False: self._new_pool(nice)}
        self.pools[True] = self._new_pool(bot_nice) if processes > 0 else self.pools[False]
        self.busy: Counter[bool] = Counter()  # jobs running, by `Share.bots_only`
        self.waiting: list[_Waiting] = []
        self.holding: Counter[str] = Counter()  # workers each owner's jobs hold now
        self.served: dict[str, int] = {}  # when each owner last got a worker, as a count
        self._numbers = 0

    @property
    def pending(self) -> int:
        """Jobs waiting for or running in a worker."""
        return len(self.waiting) + sum(self.busy.values())

    def _new_pool(self, nice: int) -> Executor:
        if self.processes <= 0:
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="lunar-race")
        context = worker_context()
        return ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=context,
            initializer=_start_worker,
            initargs=(nice, os.getpid()),
        )

    def _distinct_pools(self) -> list[Executor]:
        return list({id(pool): pool for pool in self.pools.values()}.values())

    def warm(self) -> None:
        """Start the workers now rather than at the first turn."""
        for pool in self._distinct_pools():
            for _ in range(self.slots):
                pool.submit(_ready)

    async def run(
        self, fn: Callable[..., T], *args: Any, share: Share = URGENT, timeout: float | None = None
    ) -> T:
        """`fn(*args)` in a worker, once a worker is free and the job's turn has come;
        TimeoutError if it runs longer than `timeout` seconds from then (the worker stays
        busy until it ends). A worker that died (killed, out of memory) takes its pool down:
        a fresh pool replaces it and the job runs once more."""
        await self._turn(share)
        loop = asyncio.get_running_loop()
        lane = share.bots_only
        pool = self.pools[lane]
        try:
            job = loop.run_in_executor(pool, fn, *args)
        except BaseException:
            self._release(share)
            raise
        # The worker is free again when the job ends, even if its caller stopped waiting.
        job.add_done_callback(lambda _job: self._release(share))
        try:
            async with asyncio.timeout(timeout):
                return await asyncio.shield(job)
        except BrokenProcessPool:
            if self.pools[lane] is pool:  # the first job to notice replaces it, once
                pool.shutdown(wait=False, cancel_futures=True)
                self.pools[lane] = self._new_pool(self.nices[lane])
            return await loop.run_in_executor(self.pools[lane], fn, *args)

    async def _turn(self, share: Share) -> None:
        """Wait until this job may take a worker."""
        self._numbers += 1
        waiting = _Waiting(share, self._numbers, asyncio.get_running_loop().create_future())
        self.waiting.append(waiting)
        self._dispatch()
        try:
            await waiting.gate
        except asyncio.CancelledError:
            if waiting in self.waiting:
                self.waiting.remove(waiting)
            elif waiting.gate.done() and not waiting.gate.cancelled():
                self._release(share)  # granted a worker just as its caller gave up
            raise

    def _free(self, bots_only: bool) -> bool:
        if self.processes <= 0:  # one thread for everything
            return sum(self.busy.values()) < 1
        return self.busy[bots_only] < self.slots

    def _dispatch(self) -> None:
        # A job whose caller gave up has a cancelled gate; it leaves the queue here, if its
        # caller has not taken it out yet.
        self.waiting = [w for w in self.waiting if not w.gate.done()]
        while self.waiting:
            allowed = [w for w in self.waiting if self._free(w.share.bots_only)]
            if not allowed:
                return
            chosen = min(allowed, key=self._rank)
            self.waiting.remove(chosen)
            self.busy[chosen.share.bots_only] += 1
            self.holding[chosen.share.owner] += 1
            self._numbers += 1
            self.served[chosen.share.owner] = self._numbers
            chosen.gate.set_result(None)

    def _rank(self, waiting: _Waiting) -> tuple[bool, int, int, int]:
        owner = waiting.share.owner
        return (
            waiting.share.bots_only,
            self.holding[owner],
            self.served.get(owner, 0),
            waiting.number,
        )

    def _release(self, share: Share) -> None:
        self.busy[share.bots_only] -= 1
        self.holding[share.owner] -= 1
        if self.holding[share.owner] <= 0:
            del self.holding[share.owner]
            if not any(w.share.owner == share.owner for w in self.waiting):
                self.served.pop(share.owner, None)
        self._dispatch()

    def shutdown(self) -> None:
        for pool in self._distinct_pools():
            pool.shutdown(wait=False, cancel_futures=True)
