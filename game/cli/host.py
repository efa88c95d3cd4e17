"""`lunar-race backup` and `lunar-race admin`: a host's tools beside `serve`.

`backup` copies a store with SQLite's online backup, whether or not a server has it open.
`admin` sends one admin command to a running server over its own protocol and prints the
answer as JSON; the admin token comes from `--token`, or better from the environment
(`LUNAR_RACE_ADMIN_TOKEN`) or the server's own settings file (`--config`), where it does not
show in the process list.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from server.runtime import default_data_dir

ADMIN_COMMANDS = ("rooms", "close", "kick", "ban", "unban", "bans", "broadcast", "backup")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser(
        "backup",
        help="copy a server's store safely, even while it serves",
        description="Copy the store (lunar-race.sqlite) with SQLite's online backup: a "
        "consistent copy while the server goes on writing. No sqlite3 program needed.",
    )
    backup.add_argument(
        "--data",
        type=Path,
        default=None,
        help="the server's data folder (default: from --config, LUNAR_RACE_DATA, or "
        f"{default_data_dir()})",
    )
    backup.add_argument("--config", type=Path, default=None, help="the server's TOML settings")
    backup.add_argument(
        "target",
        nargs="?",
        default=None,
        help="file or folder to write (default: backups/ in the data folder); a folder gets "
        "lunar-race-<UTC time>.sqlite",
    )
    backup.set_defaults(handler=run_backup)

    admin = sub.add_parser(
        "admin",
        help="send an admin command to a running server",
        description="Send one admin command (docs/protocol.md, `admin`) and print the "
        "answer as JSON.",
    )
    admin.add_argument("command", choices=ADMIN_COMMANDS)
    admin.add_argument(
        "--connect",
        default=None,
        help="the server (default: ws://127.0.0.1 on the port of --config, or 8765)",
    )
    admin.add_argument(
        "--config",
        type=Path,
        default=None,
        help="the server's TOML settings, for its port and admin token",
    )
    admin.add_argument(
        "--token",
        default=None,
        help="the admin token (default: LUNAR_RACE_ADMIN_TOKEN, or the one in --config)",
    )
    admin.add_argument("--room", default=None, help="the room to close")
    admin.add_argument("--name", default=None, help="the player name to kick, ban or unban")
    admin.add_argument("--address", default=None, help="the address to kick, ban or unban")
    admin.add_argument("--text", default=None, help="a broadcast's text, or a reason")
    admin.set_defaults(handler=run_admin)


def run_backup(args: argparse.Namespace) -> int:
    import sqlite3

    from server import config
    from server.backup import backup_file, default_name
    from server.store import FILE_NAME

    try:
        host = config.load(args.config).host
    except config.ConfigError as exc:
        print(f"lunar-race backup: {exc}", file=sys.stderr)
        return 2
    data = args.data or (Path(host.data) if host.data else default_data_dir())
    # A folder (one that exists, or a name ending in a slash) gets a name stamped with the time.
    given: str | None = args.target
    target = Path(given) if given is not None else data / "backups"
    if given is None or target.is_dir() or given.endswith(("/", os.sep)):
        target = target / default_name()
    try:
        size = backup_file(data / FILE_NAME, target)
    except (OSError, sqlite3.Error) as exc:
        print(f"lunar-race backup: {exc}", file=sys.stderr)
        return 1
    print(f"{target} ({size} bytes)")
    return 0


def run_admin(args: argparse.Namespace) -> int:
    import asyncio

    from game.net.client import Client, Refused
    from server import config

    try:
        host = config.load(args.config).host  # the environment's LUNAR_RACE_ names included
    except config.ConfigError as exc:
        print(f"lunar-race admin: {exc}", file=sys.stderr)
        return 2
    token = args.token or host.admin_token
    url = args.connect or f"ws://127.0.0.1:{host.port}"
    if not token:
        print(
            "lunar-race admin: no admin token: --token or LUNAR_RACE_ADMIN_TOKEN", file=sys.stderr
        )
        return 2
    fields = {k: getattr(args, k) for k in ("room", "name", "address", "text")}

    async def send() -> dict[str, Any]:
        client = await Client.connect(url, "admin", client="lunar-race admin")
        try:
            return await client.request("admin", admin_token=token, command=args.command, **fields)
        finally:
            await client.close()

    try:
        reply = asyncio.run(send())
    except Refused as exc:
        print(f"lunar-race admin: refused: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"lunar-race admin: cannot reach {url}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(reply.get("result"), indent=1, ensure_ascii=False))
    return 0
