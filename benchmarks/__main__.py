"""`make bench`: run every benchmark module and print one table of medians.

A benchmark is a module or package in this folder named `bench_*` (or listed in EXTRA) with a
function `run(runs: int) -> list[Result]`. Pass module names to run only some of them.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path

from benchmarks.harness import Result, machine

EXTRA = ("server_load", "client_frame")


def discover() -> list[str]:
    here = Path(__file__).parent
    names = [m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")]
    names += [n for n in EXTRA if (here / n).exists() or (here / f"{n}.py").exists()]
    return sorted(names)


def render(rows: list[tuple[str, Result]]) -> str:
    header = ("benchmark", "measure", "median", "unit", "goal", "met", "note")
    table = [header]
    for module, r in rows:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        value = f"{r.value:.3f}" if abs(r.value) < 1000 else f"{r.value:,.0f}"
        table.append((module, r.name, value, r.unit, r.goal, met, r.note))
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    lines = []
    for n, row in enumerate(table):
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("only", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measure")
    args = parser.parse_args(argv)
    names = args.only or discover()
    rows: list[tuple[str, Result]] = []
    started = time.perf_counter()
    for name in names:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"running {name} ...", file=sys.stderr, flush=True)
        for result in module.run(args.runs):
            rows.append((name, result))
    print(f"Lunar Race benchmarks, median of {args.runs} runs")
    print(f"machine: {machine()}")
    print(render(rows))
    print(f"total time {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
