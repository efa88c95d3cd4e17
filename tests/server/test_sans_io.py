"""The room is sans-I/O: importing it brings in no socket, loop, process, database or log."""

from __future__ import annotations

import subprocess
import sys

# Top-level packages that do I/O or run things concurrently, and the server's own modules
# that do: the room must reach none of them, however indirectly.
DOING_IO = {
    "asyncio",
    "concurrent",
    "logging",
    "multiprocessing",
    "selectors",
    "socket",
    "sqlite3",
    "subprocess",
    "websockets",
    "server.app",
    "server.connection",
    "server.log",
    "server.process",
    "server.runtime",
    "server.store",
    "server.work",
}


def imported_by(module: str) -> set[str]:
    """Every module a fresh interpreter has loaded after importing `module`."""
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_room_and_the_turn_work_import_nothing_that_does_io() -> None:
    for module in ("server.room", "server.turns"):
        loaded = imported_by(module)
        reached = {name for name in DOING_IO if name in loaded}
        assert not reached, f"{module} imports {sorted(reached)}"
