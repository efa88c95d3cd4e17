"""`lunar-race serve` as a child process: its command line, its port once it listens, the
processes under it and a graceful stop. The end-to-end tests and the load benchmark start
their servers with it.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path


def serve_command(data: Path, port_file: Path, *options: str, port: int = 0) -> list[str]:
    """The command line that serves from `data` on loopback (port 0: any free port) and
    writes the bound port to `port_file`; `options` are more `lunar-race serve` options."""
    return [
        sys.executable,
        "-m",
        "game",
        "serve",
        "--port",
        str(port),
        "--data",
        str(data),
        "--port-file",
        str(port_file),
        *options,
    ]


def wait_for_port(port_file: Path, proc: subprocess.Popen[bytes], timeout: float) -> int:
    """The port a child process writes to `port_file` once it listens. RuntimeError if it
    exits first or takes longer than `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            return int(port_file.read_text())
        if proc.poll() is not None:
            raise RuntimeError(f"{_shown(proc)} exited with {proc.returncode} before listening")
        time.sleep(0.02)
    raise RuntimeError(f"{_shown(proc)} did not start listening in {timeout:g} s")


def _shown(proc: subprocess.Popen[bytes]) -> str:
    """A child's command line as a shell would take it (its arguments may be bytes)."""
    if isinstance(proc.args, (str, bytes, os.PathLike)):
        return os.fsdecode(proc.args)
    return shlex.join(os.fsdecode(arg) for arg in proc.args)


def stop(proc: subprocess.Popen[bytes], timeout: float) -> int:
    """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds; the exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return int(proc.returncode)


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (a server and its worker processes), from /proc."""
    found = [pid]
    for tree_pid in found:
        try:
            tasks = os.listdir(f"/proc/{tree_pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{tree_pid}/task/{task}/children", encoding="ascii") as fh:
                    found.extend(int(child) for child in fh.read().split())
            except OSError:
                continue
    return found
