"""`lunar-race bot`: seat a built-in or external bot in a room on a remote server.

Registered into the `lunar-race` command line by `game.cli`; websockets is imported only
when the command runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "bot",
        help="seat a bot in a room on a remote server",
        description="Join a room on a Lunar Race server with a bot, get ready, and play every "
        "turn until the match ends. Reconnects with the seat token if the connection drops.",
    )
    parser.add_argument(
        "--connect", required=True, metavar="URL", help="the server, e.g. ws://127.0.0.1:8765"
    )
    parser.add_argument("--room", required=True, help="the room id")
    parser.add_argument(
        "--bot",
        default="greedy",
        help="bot spec: random, greedy, planner, easy/normal/hard, "
        "package.module:Class or 'cmd:PROGRAM ARGS' (default greedy)",
    )
    parser.add_argument("--seat", default=None, help="the agency to take (default: any open)")
    parser.add_argument("--key", default=None, help="the room key of a private room")
    parser.add_argument("--name", default=None, help="player name (default: the bot spec)")
    parser.add_argument("--seed", type=int, default=0, help="the bot's random seed")
    parser.add_argument(
        "--seat-file",
        type=Path,
        default=None,
        help="keep the seat key here, to rejoin after this process restarts",
    )
    parser.set_defaults(handler=run_bot)


def run_bot(args: argparse.Namespace) -> int:
    import asyncio

    from game.ai import BotSpecError
    from game.net.client import Disconnected, Refused
    from game.net.play import SeatLost, run_remote_bot
    from game.runner.host import TimeLimits
    from game.runner.seats import SeatBot, open_seat

    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    bots: list[SeatBot] = []

    def seated(agency: str) -> SeatBot:
        """The bot for the seat the server gave: built in, or a program (`cmd:`)."""
        bot = SeatBot(open_seat(args.bot, agency, args.seed, TimeLimits()))
        bots.append(bot)
        return bot

    try:
        if not args.bot.startswith("cmd:"):  # a bad spec fails before joining
            seated(args.seat or "nasa").close(None)
            bots.clear()
    except BotSpecError as exc:
        print(f"lunar-race bot: {exc}", file=sys.stderr)
        return 2
    outcome = None
    try:
        outcome = asyncio.run(
            run_remote_bot(
                args.connect,
                args.room,
                seated,
                name=args.name or args.bot[:32],
                seat=args.seat,
                key=args.key,
                seat_file=args.seat_file,
            )
        )
    except Refused as exc:
        print(f"lunar-race bot: the server refused: {exc}", file=sys.stderr)
        return 1
    except (SeatLost, Disconnected, OSError) as exc:
        print(f"lunar-race bot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        for bot in bots:
            bot.close(outcome)
    print(json.dumps(outcome, indent=2, sort_keys=True))
    return 0
