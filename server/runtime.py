"""How the server process runs: its event loop, its file limit and where its data lives.

The `serve` command, the load benchmark's clients and its echo ceiling all start their
loops through `run_event_loop`, so that they are compared on the same loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def default_data_dir() -> Path:
    """Where the server keeps its SQLite file when --data is not given."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "lunar-race" / "server"


def raise_file_limit() -> None:
    """Allow as many open sockets as the system lets this user have."""
    import resource

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
