"""The subprocess bot host: plays a seat with a program in any language over JSON lines.

One JSON object per line each way (the protocol is written down in docs/bots.md):

    runner -> bot   {"type": "hello", ...}   once, at the start
    bot -> runner   {"type": "ready", "name": "..."}
    runner -> bot   {"type": "turn", "turn": N, "view": {...}, "legal": [...], ...}
    bot -> runner   {"type": "orders", "turn": N, "orders": [...]}
    runner -> bot   {"type": "end", "outcome": {...}}   then stdin closes

The host never waits without a deadline. A reader thread turns the bot's stdout into a queue
of timestamped lines, a writer thread feeds its stdin (so a bot that stops reading cannot
block the runner), and a third thread keeps the tail of its stderr for crash reports. Each
turn the bot has `TimeLimits.turn` seconds plus whatever is left of its overage bank; time
over the limit is taken from the bank. A bot that times out `strikes` turns in a row, or
whose process ends, is stopped for the rest of the match; either way its seat just gets no
orders and the match goes on.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from game.rules import Command, CommandFormatError, View, orders_from_wire
from game.runner.faults import Fault, FaultKind

PROTOCOL_VERSION = 1
_TOO_LONG = b"\x00too long"  # stands for a line over the size limit (never valid JSON)


@dataclass(frozen=True, slots=True)
class TimeLimits:
    """How long a subprocess bot may think, in seconds."""

    turn: float = 1.0  # per turn
    overage: float = 10.0  # a bank for the whole match, drawn on when a turn runs over
    startup: float = 10.0  # to answer the hello message
    strikes: int = 3  # timeouts in a row after which the process is stopped
    max_line: int = 8 * 1024 * 1024  # bytes in one reply line


@dataclass(frozen=True, slots=True)
class SeatReply:
    """What a seat answered for one turn: its orders, or a fault and no orders."""

    orders: list[Command]
    fault: Fault | None
    think: float  # seconds from asking to answering


def to_json_line(message: dict[str, Any]) -> bytes:
    """One protocol message as a UTF-8 JSON line."""
    text = json.dumps(message, separators=(",", ":"), ensure_ascii=False, default=_plain)
    return text.encode("utf-8") + b"\n"


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    if hasattr(value, "to_wire"):
        return value.to_wire()
    raise TypeError(f"cannot send {type(value).__name__} to a bot")


class BotProcess:
    """A seat played by a subprocess speaking the JSON-lines protocol."""

    def __init__(
        self,
        command: Sequence[str],
        agency: str,
        seed: int,
        limits: TimeLimits,
        *,
        game_version: str,
        cwd: str | None = None,
    ) -> None:
        self.command = list(command)
        self.agency = agency
        self.seed = seed
        self.limits = limits
        self.name = " ".join(self.command)
        self.bank = limits.overage
        self._turn = -1
        self._asked_at = 0.0
        self._strikes = 0
        self._ready = False
        self._dead = False
        self._pending: Fault | None = None
        self._lines: queue.Queue[tuple[float, bytes | None]] = queue.Queue()
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=20)
        self._spawned_at = time.monotonic()
        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                self.command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            self._proc = None
            self._die(Fault(0, FaultKind.CRASH, f"could not start {self.name!r}: {exc}"))
            return
        assert self._proc.stdin and self._proc.stdout and self._proc.stderr
        for target, stream in (
            (self._read_stdout, self._proc.stdout),
            (self._read_stderr, self._proc.stderr),
            (self._write_stdin, self._proc.stdin),
        ):
            threading.Thread(target=target, args=(stream,), daemon=True).start()
        self._send(
            {
                "type": "hello",
                "protocol": PROTOCOL_VERSION,
                "game_version": game_version,
                "agency": agency,
                "seed": seed,
                "time_limit_ms": round(limits.turn * 1000),
                "overage_ms": round(limits.overage * 1000),
            }
        )

    # -- the seat interface -------------------------------------------------------------

    def begin(self, turn: int, view: View, legal: list[Command], feedback: list[Fault]) -> None:
        """Send the turn's view and legal commands; the answer is read by `collect`."""
        self._turn = turn
        if self._dead:
            return
        if not self._ready and not self._await_ready(turn):
            return
        self._drain_stale(turn)
        if self._dead:
            return
        self._send(
            {
                "type": "turn",
                "turn": turn,
                "view": view,
                "legal": [c.to_wire() for c in legal],
                "time_limit_ms": round(self.limits.turn * 1000),
                "bank_ms": round(self.bank * 1000),
                "faults": [f.to_wire() for f in feedback],
            }
        )
        self._asked_at = time.monotonic()

    def collect(self) -> SeatReply:
        """Wait (within the deadline) for the turn's orders."""
        if self._dead:
            fault, self._pending = self._pending, None
            return SeatReply([], fault, 0.0)
        turn = self._turn
        deadline = self._asked_at + self.limits.turn + self.bank
        while True:
            try:
                received, line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return self._timed_out(turn)
            if line is None:
                self._die(self._crash_fault(turn))
                return self.collect()
            try:
                message = json.loads(line)
            except ValueError:
                message = None
            if isinstance(message, dict) and message.get("type") == "orders":
                sent_for = message.get("turn")
                if isinstance(sent_for, int) and not isinstance(sent_for, bool) and sent_for < turn:
                    continue  # a late answer to a turn that already timed out
            think = received - self._asked_at
            self.bank = max(0.0, self.bank - max(0.0, think - self.limits.turn))
            self._strikes = 0
            orders, problem = self._read_orders(line, message, turn)
            if problem:
                return SeatReply([], Fault(turn, FaultKind.MALFORMED, problem), think)
            return SeatReply(orders, None, think)

    def close(self, outcome: Mapping[str, Any] | None) -> None:
        """Tell the bot the match is over, give it a moment to leave, then stop it."""
        if self._proc is None:
            return
        if not self._dead:
            self._send({"type": "end", "outcome": outcome})
        self._outbox.put(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=1.0)
        self._stop()

    # -- reading replies ----------------------------------------------------------------

    def _read_orders(
        self, line: bytes, message: Any, turn: int
    ) -> tuple[list[Command], str | None]:
        if line == _TOO_LONG:
            return [], f"a reply line longer than {self.limits.max_line} bytes"
        if message is None:
            return [], f"not JSON: {_preview(line)}"
        if not isinstance(message, dict):
            return [], f"a reply must be a JSON object, not {type(message).__name__}"
        if message.get("type") != "orders":
            return [], f"expected a message of type 'orders', got {message.get('type')!r}"
        if message.get("turn") != turn:
            return [], f"orders for turn {message.get('turn')!r} while turn {turn} was asked"
        try:
            return orders_from_wire(message.get("orders")), None
        except CommandFormatError as exc:
            return [], str(exc)

    def _await_ready(self, turn: int) -> bool:
        deadline = self._spawned_at + self.limits.startup
        while True:
            try:
                _, line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                detail = f"no 'ready' answer to 'hello' within {self.limits.startup:g} s"
                self._die(Fault(turn, FaultKind.TIMEOUT, detail))
                return False
            if line is None:
                self._die(self._crash_fault(turn))
                return False
            try:
                message = json.loads(line)
            except ValueError:
                message = None
            if isinstance(message, dict) and message.get("type") == "ready":
                if isinstance(message.get("name"), str) and message["name"].strip():
                    self.name = message["name"].strip()[:64]
                self._ready = True
                return True
            detail = f"expected a 'ready' message first, got {_preview(line)}"
            self._die(Fault(turn, FaultKind.MALFORMED, detail))
            return False

    def _drain_stale(self, turn: int) -> None:
        """Drop what the bot wrote after its last turn was settled (late or extra lines)."""
        while True:
            try:
                _, line = self._lines.get_nowait()
            except queue.Empty:
                return
            if line is None:
                self._die(self._crash_fault(turn))
                return

    def _timed_out(self, turn: int) -> SeatReply:
        allowed = self.limits.turn + self.bank
        self.bank = 0.0
        self._strikes += 1
        detail = f"no orders within {allowed * 1000:.0f} ms (limit plus overage bank)"
        fault = Fault(turn, FaultKind.TIMEOUT, detail)
        if self._strikes >= self.limits.strikes:
            stopped = f"{detail}; stopped after {self._strikes} timeouts in a row"
            self._die(Fault(turn, FaultKind.TIMEOUT, stopped))
            self._pending = None
            return SeatReply([], Fault(turn, FaultKind.TIMEOUT, stopped), allowed)
        return SeatReply([], fault, allowed)

    def _crash_fault(self, turn: int) -> Fault:
        code = None
        if self._proc is not None:
            try:
                code = self._proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                code = None
        # Give the stderr reader a moment to catch the last words.
        time.sleep(0.05)
        tail = " | ".join(list(self._stderr)[-3:])
        status = "closed its output" if code is None else f"exited with code {code}"
        return Fault(
            turn, FaultKind.CRASH, f"the bot {status}" + (f"; stderr: {tail}" if tail else "")
        )

    def _die(self, fault: Fault) -> None:
        self._dead = True
        self._pending = fault
        self._stop()

    # -- plumbing -------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        self._outbox.put(to_json_line(message))

    def _stop(self) -> None:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except (ProcessLookupError, PermissionError):
            proc.kill()
        try:
            proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            print(f"bot process {proc.pid} did not stop", file=sys.stderr)

    def _read_stdout(self, stream: IO[bytes]) -> None:
        limit = self.limits.max_line
        try:
            while True:
                line = stream.readline(limit + 1)
                if not line:
                    break
                if len(line) > limit and not line.endswith(b"\n"):
                    # Answer at once; then skip the rest of the over-long line.
                    self._lines.put((time.monotonic(), _TOO_LONG))
                    while True:
                        more = stream.readline(limit)
                        if not more or more.endswith(b"\n"):
                            break
                    continue
                self._lines.put((time.monotonic(), line))
        except (OSError, ValueError):
            pass
        self._lines.put((time.monotonic(), None))

    def _read_stderr(self, stream: IO[bytes]) -> None:
        try:
            while line := stream.readline(4096):
                text = line.decode("utf-8", "replace").strip()
                if text:
                    self._stderr.append(text[:200])
        except (OSError, ValueError):
            pass

    def _write_stdin(self, stream: IO[bytes]) -> None:
        try:
            while (data := self._outbox.get()) is not None:
                stream.write(data)
                stream.flush()
        except (OSError, ValueError):
            pass
        with contextlib.suppress(OSError):
            stream.close()


def _preview(line: bytes) -> str:
    text = line.decode("utf-8", "replace").strip()
    return repr(text[:80] + ("..." if len(text) > 80 else ""))
