"""`serve` on a system without what Linux has (Windows): no `resource` module, no forkserver,
no `loop.add_signal_handler`. Each is missing here on purpose, one at a time."""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
import sys
from pathlib import Path

import pytest

from server import runtime, work
from tests.server.conftest import run, scaled


def test_no_resource_module_leaves_the_file_limit_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "resource", None)  # import resource: ImportError
    runtime.raise_file_limit()


def test_without_forkserver_workers_are_spawned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert work.worker_context().get_start_method() == "spawn"


def test_workers_still_resolve_when_spawned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    pool = work.Workers(1)

    async def body() -> int:
        return await pool.run(work._ready)

    try:
        assert run(body(), timeout=60) != 0
    finally:
        pool.shutdown()


def test_a_loop_without_signal_handlers_still_stops_on_ctrl_c() -> None:
    class WindowsLoop(asyncio.SelectorEventLoop):
        def add_signal_handler(self, *args: object) -> None:
            raise NotImplementedError

    loop = WindowsLoop()
    before = signal.getsignal(signal.SIGINT)
    try:
        stopped = asyncio.Event()

        async def body() -> None:
            undo = runtime.on_stop_signal(loop, stopped.set)
            try:
                signal.raise_signal(signal.SIGINT)
                async with asyncio.timeout(scaled(5)):
                    await stopped.wait()
            finally:
                undo()

        loop.run_until_complete(body())
    finally:
        loop.close()
    assert signal.getsignal(signal.SIGINT) is before


def test_on_windows_the_data_lives_in_the_local_app_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    assert runtime.default_data_dir() == tmp_path / "lunar-race" / "server"
