"""A progress bar with a rate and an ETA for long headless runs (tournaments).

On a terminal the bar redraws in place; into a file or pipe it prints a plain line now and
then, so logs stay readable. The clock is passed in so tests can step it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def format_duration(seconds: float) -> str:
    """`75` -> `1:15`, `3725` -> `1:02:05`."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


class Progress:
    """Counts finished items out of a total and shows how long the rest should take.

    `done` is what was finished before this run started (a resumed tournament); the rate
    and the ETA only use what this run has finished, so a resume does not look instant.
    """

    def __init__(
        self,
        total: int,
        *,
        done: int = 0,
        label: str = "games",
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
        width: int = 30,
        interval: float = 5.0,
    ) -> None:
        self.total = total
        self.done = done
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.width = width
        self.interval = interval  # seconds between plain lines when not on a terminal
        self._start_done = done
        self._started = clock()
        self._last_print = float("-inf")
        self._live = bool(getattr(self.stream, "isatty", lambda: False)())

    @property
    def rate(self) -> float:
        """Items per second finished by this run (0 before the first one)."""
        elapsed = self.clock() - self._started
        finished = self.done - self._start_done
        return finished / elapsed if elapsed > 0 and finished > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds until the total is reached at the current rate, None while unknown."""
        if self.done >= self.total:
            return 0.0
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 else None

    def render(self, note: str = "") -> str:
        share = self.done / self.total if self.total else 1.0
        filled = min(self.width, int(share * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        eta = self.eta
        eta_text = "ETA --:--" if eta is None else f"ETA {format_duration(eta)}"
        elapsed = format_duration(self.clock() - self._started)
        text = (
            f"[{bar}] {self.done}/{self.total} {self.label} {share:4.0%}  "
            f"{self.rate:.2f}/s  {elapsed} elapsed  {eta_text}"
        )
        return f"{text}  {note}" if note else text

    def advance(self, count: int = 1, note: str = "") -> None:
        self.done += count
        self._show(note, force=self.done >= self.total)

    def start(self) -> None:
        self._show("", force=True)

    def finish(self) -> None:
        if self._live:
            self.stream.write("\n")
            self.stream.flush()

    def _show(self, note: str, *, force: bool) -> None:
        now = self.clock()
        if self._live:
            self.stream.write("\r" + self.render(note) + "\x1b[K")
        elif force or now - self._last_print >= self.interval:
            self.stream.write(self.render(note) + "\n")
        else:
            return
        self._last_print = now
        self.stream.flush()
