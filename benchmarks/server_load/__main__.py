"""`python -m benchmarks.server_load [--full] [--clients N --rooms M --turns T]`: the server
load benchmark alone, printed as the benchmarks table."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from benchmarks.__main__ import render
from benchmarks.harness import machine
from benchmarks.server_load import DEFAULT, FULL, measure, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.server_load", description=__doc__)
    parser.add_argument("--full", action="store_true", help="1,000 clients in 200 rooms")
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--rooms", type=int, default=None)
    parser.add_argument("--turns", type=int, default=None)
    parser.add_argument("--drafts", type=int, default=None)
    parser.add_argument("--think", type=float, default=None)
    args = parser.parse_args(argv)
    size = FULL if args.full else DEFAULT
    chosen = {k: getattr(args, k) for k in ("clients", "rooms", "turns", "drafts", "think")}
    size = replace(size, **{k: v for k, v in chosen.items() if v is not None})
    rows = [("server_load", r) for r in results(measure(size))]
    print(f"machine: {machine()}")
    print(render(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
