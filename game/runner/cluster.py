"""Tournament games on a Ray cluster: a `concurrent.futures.Executor` over Ray tasks.

`RayExecutor(address)` joins a running cluster (`ray start --head` on one machine, `ray
start --address HOST:PORT` on the others) or, with no address, starts Ray on this machine.
`run_tournament(..., executor=RayExecutor(...))` then plays each game as a Ray task; a game
depends only on its job (bots, seed, seats), so it ends the same on any machine and the
results equal a local run's. Needs the `cluster` extra (ray). The game must be installed on
every machine; a `cmd:` bot's program must be at the same path on each.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any


class RayExecutor(Executor):
    """Runs each submitted call as a Ray task (one CPU each)."""

    def __init__(self, address: str | None = None, *, num_cpus: int | None = None) -> None:
        import ray

        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            ray.init(
                address=address,
                num_cpus=None if address else num_cpus,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        self._tasks: dict[Callable[..., Any], Any] = {}

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        task = self._tasks.get(fn)
        if task is None:
            task = self._tasks[fn] = self._ray.remote(fn)
        future: Future[Any] = task.remote(*args, **kwargs).future()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._started and self._ray.is_initialized():
            self._ray.shutdown()
            self._started = False
