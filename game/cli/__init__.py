"""The `lunar-race` command line: the one place that wires the game's pieces together.

It is the top of the import graph: each module here registers sub-commands and hands one
layer to another (a started local server to the pygame client, a replay file to the viewer,
a bot to the network client). Its modules import their layer's packages only inside the
handlers, so that `lunar-race match` never imports pygame and `lunar-race play` never
imports the tournament runner's dependencies.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# module -> the sub-commands it registers (documented in each module's `register`).
COMMAND_MODULES = (
    "game.cli.play",  # play
    "game.cli.serve",  # serve
    "game.cli.host",  # backup, admin
    "game.cli.bot",  # bot
    "game.cli.headless",  # match, tournament, replay
    "game.cli.kit",  # rules, docs, example-bot
)


# Libraries that come with an optional part of the install (pyproject's extras), by extra.
EXTRAS = {
    "pygame": "client",
    "pygame_gui": "client",
    "numpy": "client",
    "pettingzoo": "rl",
    "gymnasium": "rl",
    "ray": "cluster",
}


def build_parser() -> argparse.ArgumentParser:
    from game import __version__

    parser = argparse.ArgumentParser(
        prog="lunar-race",
        description="Lunar Race: run a space agency in the new race to the Moon, 2021-2040.",
    )
    parser.add_argument("--version", action="version", version=f"lunar-race {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        result = handler(args)
    except ModuleNotFoundError as exc:
        root = (exc.name or "").split(".")[0]
        if root not in EXTRAS:
            raise
        extra = EXTRAS[root]
        print(
            f"lunar-race {args.command}: needs {root}, part of the {extra!r} extra: "
            f"pip install 'lunar-race[{extra}]'",
            file=sys.stderr,
        )
        return 2
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
