"""One `serve` to a data folder: a lock on `lunar-race.lock` beside the store.

Two servers on one store would each resume the same matches, run their clocks and write
their turns over each other's. `serve` takes this lock before it opens the store and holds
it until it ends. The lock is the operating system's (`flock` on POSIX, `msvcrt.locking` on
Windows), so it ends with the process - `kill -9` included - and a lock file left behind
never blocks a restart. Readers do not take it: `lunar-race backup` copies a store while it
is served.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

LOCK_NAME = "lunar-race.lock"


class FolderInUse(OSError):
    """Another server holds the data folder."""


class DataLock:
    """The lock on one data folder, for as long as the server holds it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Hold the folder, or raise FolderInUse naming the process that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+", encoding="ascii")
        try:
            _lock(fh)
        except OSError:
            holder = "unknown"
            with contextlib.suppress(OSError):  # Windows: the locked byte cannot be read
                fh.seek(0)
                holder = fh.read().strip() or holder
            fh.close()
            raise FolderInUse(
                f"{self.path.parent} is in use by another server (process {holder}); "
                "one server to a data folder"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self._file = fh

    def release(self) -> None:
        fh, self._file = self._file, None
        if fh is not None:
            with contextlib.suppress(OSError):
                _unlock(fh)
            fh.close()

    def __enter__(self) -> DataLock:
        self.acquire()
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


if sys.platform == "win32":
    import msvcrt

    def _lock(fh: IO[str]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh: IO[str]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
