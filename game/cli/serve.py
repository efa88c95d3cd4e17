"""`lunar-race serve`: host the authoritative multiplayer server.

Registered into the `lunar-race` command line by `game.cli`. Heavy imports (websockets,
sqlite3) happen inside the handler.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from server.runtime import default_data_dir

if TYPE_CHECKING:
    from server.config import HostSettings
    from server.limits import Limits


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "serve",
        help="host a multiplayer server (lobby, rooms, AI seats, spectators)",
        description="Host the authoritative Lunar Race server: WebSocket + msgpack, "
        "one SQLite file for rooms, orders and snapshots. Loopback only by default.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="a TOML file with [server] and [limits] tables (docs/hosting.md); "
        "LUNAR_RACE_<NAME> environment variables win over it, and these flags over both",
    )
    parser.add_argument(
        "--print-config",
        action="store_true",
        help="print the settings in effect (defaults, file, environment, flags) and exit",
    )
    parser.add_argument(
        "--host", default=None, help="address to bind (default 127.0.0.1; 0.0.0.0 for a LAN)"
    )
    parser.add_argument("--port", type=int, default=None, help="port (0 picks a free one)")
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
        default=None,
        help="fsync every acknowledged order (survives power loss, slower)",
    )
    parser.add_argument("--log-level", default=None, choices=["debug", "info", "warning", "error"])
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
        default=None,
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
        "--quarantine-damaged",
        action="store_true",
        help="start even if the store is damaged: keep it as it is in the data folder's "
        "quarantine/ and serve every room that can still be read",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="multiply every server time limit (tests use small values)",
    )
    parser.set_defaults(handler=serve)


def settings(args: argparse.Namespace) -> tuple[HostSettings, Limits]:
    """The host settings and limits `serve` runs with: defaults, then the file, then the
    environment, then the flags given on the command line."""
    from dataclasses import replace

    from server import config

    loaded = config.load(args.config)
    given: dict[str, Any] = {
        name: value
        for name, value in (
            ("host", args.host),
            ("port", args.port),
            ("data", None if args.data is None else str(args.data)),
            ("durable", args.durable),
            ("workers", args.workers),
            ("log_level", args.log_level),
        )
        if value is not None
    }
    host = replace(loaded.host, **given)
    overrides = {
        "max_connections": args.max_connections,
        "max_rooms": args.max_rooms,
        "grace": args.grace,
        "rate": args.rate,
        "burst": args.burst,
    }
    limits = loaded.limits.scaled(args.time_scale)
    limits = replace(limits, **{k: v for k, v in overrides.items() if v is not None})
    try:
        limits = limits.with_settings(args.limit)
    except ValueError as exc:
        raise config.ConfigError(str(exc)) from exc
    return host, limits


def serve(args: argparse.Namespace) -> int:
    from server import config, log
    from server.app import run_server
    from server.migrations import SchemaError
    from server.quarantine import StoreDamaged, refusal
    from server.runtime import raise_file_limit, run_event_loop

    try:
        host, limits = settings(args)
    except config.ConfigError as exc:
        print(f"lunar-race serve: {exc}", file=sys.stderr)
        return 2
    if args.print_config:
        print(config.to_toml(config.Config(host, limits)), end="")
        return 0
    log.setup(host.log_level)
    raise_file_limit()
    data = Path(host.data) if host.data else default_data_dir()

    def ready(port: int) -> None:
        print(
            f"Lunar Race server listening on ws://{host.host}:{port} (data in {data})", flush=True
        )
        if args.port_file is not None:
            tmp = args.port_file.with_name(args.port_file.name + ".tmp")
            tmp.write_text(f"{port}\n")
            os.replace(tmp, args.port_file)

    try:
        run_event_loop(
            run_server(
                host.host,
                host.port,
                data,
                limits=limits,
                durable=host.durable,
                workers=host.workers,
                ready=ready,
                admin_token=host.admin_token,
                metrics=host.metrics,
                quarantine=args.quarantine_damaged,
            )
        )
    except StoreDamaged as damage:
        print(f"lunar-race serve: {refusal(damage)}", file=sys.stderr)
        return 1
    except SchemaError as exc:
        print(f"lunar-race serve: the store in {data} cannot be used: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"lunar-race serve: {exc}", file=sys.stderr)
        return 1
    return 0
