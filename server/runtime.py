"""How the server process runs: its event loop, its file limit, its stop signals and where
its data lives.

The `serve` command, the load benchmark's clients and its echo ceiling all start their
loops through `run_event_loop`, so that they are compared on the same loop. What differs on
Windows is kept here: no `resource` module (the file limit is left as it is), no uvloop,
and no `loop.add_signal_handler` (Ctrl-C and Ctrl-Break reach the loop through
`signal.signal` instead).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def default_data_dir() -> Path:
    """Where the server keeps its SQLite file when --data is not given: the user's data
    folder (%LOCALAPPDATA% on Windows, $XDG_DATA_HOME or ~/.local/share elsewhere)."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "lunar-race" / "server"
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "lunar-race" / "server"


def raise_file_limit() -> None:
    """Allow as many open sockets as the system lets this user have (where the system has
    such a limit to raise: not on Windows)."""
    try:
        import resource
    except ImportError:
        return

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def run_event_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` on uvloop where it is installed (not on Windows), else on asyncio's own
    loop. The server, the load benchmark's clients and its echo ceiling all run through
    here, so that they are compared on the same loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def stop_signals() -> tuple[signal.Signals, ...]:
    """The signals that stop the server gracefully here: SIGINT and SIGTERM, and on Windows
    SIGBREAK (Ctrl-Break) where SIGTERM is never delivered."""
    names = ("SIGINT", "SIGTERM", "SIGBREAK")
    return tuple(getattr(signal, name) for name in names if hasattr(signal, name))


def on_stop_signal(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> Callable[[], None]:
    """Call `stop` on the loop when a stop signal arrives; returns what undoes it. The loop's
    own signal handling where it has one, `signal.signal` where it has not (Windows)."""
    signals = stop_signals()
    try:
        for sig in signals:
            loop.add_signal_handler(sig, stop)
    except NotImplementedError:
        previous = {
            sig: signal.signal(sig, lambda _n, _f: loop.call_soon_threadsafe(stop))
            for sig in signals
        }

        def restore() -> None:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

        return restore

    def remove() -> None:
        for sig in signals:
            loop.remove_signal_handler(sig)

    return remove
