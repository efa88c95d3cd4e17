"""`lunar-race serve`: host the authoritative multiplayer server.

Registered into the `lunar-race` command line by `game.cli`. Heavy imports (websockets,
sqlite3) happen inside the handler.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from server.runtime import default_data_dir


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "serve",
        help="host a multiplayer server (lobby, rooms, AI seats, spectators)",
        description="Host the authoritative Lunar Race server: WebSocket + msgpack, "
        "one SQLite file for rooms, orders and snapshots. Loopback only by default.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; 0.0.0.0 for a LAN)"
    )
    parser.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help=f"folder for the SQLite store (default {default_data_dir()})",
    )
    parser.add_argument(
        "--port-file",
        type=Path,
        default=None,
        help="write the bound port to this file once listening",
    )
    parser.add_argument(
        "--durable",
        action="store_true",
        help="fsync every acknowledged order (survives power loss, slower)",
    )
    parser.add_argument(
        "--log-level", default="info", choices=["debug", "info", "warning", "error"]
    )
    parser.add_argument("--max-connections", type=int, default=None)
    parser.add_argument("--max-rooms", type=int, default=None)
    parser.add_argument(
        "--rate", type=float, default=None, help="messages a second per connection (default 20)"
    )
    parser.add_argument(
        "--burst", type=int, default=None, help="messages at once per connection (default 60)"
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=None,
        help="seconds before the AI stands in for a disconnected player",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes that resolve turns and think for AI seats, at a lower CPU priority "
        "than the one answering players (default 1; 0: a thread of the server process)",
    )
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set any server limit (see docs/hosting.md), e.g. --limit max_rooms_per_address=4; "
        "repeat for more; a list takes commas (--limit trusted_proxies=10.0.0.1,10.0.0.2)",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every server time limit (tests use small values)",
    )
    parser.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from server import log
    from server.app import run_server
    from server.limits import Limits
    from server.runtime import raise_file_limit, run_event_loop

    log.setup(args.log_level)
    raise_file_limit()
    limits = Limits().scaled(args.time_scale)
    overrides = {
        "max_connections": args.max_connections,
        "max_rooms": args.max_rooms,
        "grace": args.grace,
        "rate": args.rate,
        "burst": args.burst,
    }
    limits = replace(limits, **{k: v for k, v in overrides.items() if v is not None})
    try:
        limits = limits.with_settings(args.limit)
    except ValueError as exc:
        print(f"lunar-race serve: {exc}", file=sys.stderr)
        return 2
    data = args.data or default_data_dir()

    def ready(port: int) -> None:
        print(
            f"Lunar Race server listening on ws://{args.host}:{port} (data in {data})", flush=True
        )
        if args.port_file is not None:
            tmp = args.port_file.with_name(args.port_file.name + ".tmp")
            tmp.write_text(f"{port}\n")
            os.replace(tmp, args.port_file)

    try:
        run_event_loop(
            run_server(
                args.host,
                args.port,
                data,
                limits=limits,
                durable=args.durable,
                workers=args.workers,
                ready=ready,
            )
        )
    except OSError as exc:
        print(f"lunar-race serve: {exc}", file=sys.stderr)
        return 1
    return 0
