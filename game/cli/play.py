"""`lunar-race play`: open the game window (title screen, a quick local game, or a server).

lunar-race play                              the title screen
lunar-race play --quick --agency esa         straight into a local game against the AI
lunar-race play --connect ws://HOST:PORT     the server's rooms

This is where the client meets the server: the window (`game.client.App`) gets
`server.local.LocalServer` as the way to host local games, since the client itself never
imports the server. `view_replay` opens the window on a replay file for
`lunar-race replay view`. pygame, the client and the server are imported only when a window
opens, so the other sub-commands never load them.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.client.app import App

AGENCIES = ("nasa", "roscosmos", "cnsa", "esa", "jaxa", "csa")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(p) for p in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("a window size looks like 1280x800") from None
    if w < 640 or h < 400:
        raise argparse.ArgumentTypeError("the window must be at least 640x400")
    return (w, h)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `play` sub-command."""
    p = sub.add_parser(
        "play",
        help="open the game: play locally against the AI, or join a server",
        description="Open the Lunar Race window. Without options: the title screen.",
    )
    p.add_argument("--connect", metavar="ws://HOST:PORT", help="open the room list of this server")
    p.add_argument("--name", help="your name in rooms and chat (default: the one in the settings)")
    p.add_argument(
        "--quick",
        action="store_true",
        help="skip the menus: start a local game at once with the options below",
    )
    p.add_argument(
        "--agency",
        choices=AGENCIES,
        default="nasa",
        help="your agency in a quick local game (default: nasa)",
    )
    p.add_argument(
        "--ai",
        choices=("easy", "normal", "hard"),
        default="normal",
        help="the AI rivals' level in a quick local game",
    )
    p.add_argument(
        "--rivals",
        metavar="A,B,...",
        help="agencies the AI plays in a quick local game (default: all others)",
    )
    p.add_argument(
        "--turns",
        type=int,
        default=20,
        help="match length in half-year turns for a quick local game (default 20)",
    )
    p.add_argument("--seed", type=int, default=2021, help="the match seed (default 2021)")
    p.add_argument(
        "--size",
        type=_size,
        metavar="WxH",
        help="window size (default: the one in the settings, 1280x800 at first)",
    )
    p.add_argument("--fullscreen", action="store_true", help="start in full screen")
    p.set_defaults(handler=run_play)


def _window(size: tuple[int, int] | None = None, *, fullscreen: bool = False) -> App:
    """The game window with the player's settings, able to host local games on this
    machine; `size` and `fullscreen` (from the command line) win over the settings."""
    from game.client.app import App
    from game.client.settings import Settings
    from server.local import LocalServer

    settings = Settings.load()
    return App(
        size or settings.window,
        fullscreen=fullscreen or settings.fullscreen,
        local_host=LocalServer,
        settings=settings,
    )


def run_play(args: argparse.Namespace) -> int:
    """Open the window and run it until it closes."""
    app = _window(args.size, fullscreen=args.fullscreen)
    name = args.name or app.settings.name
    if args.connect:
        app.router.browser(url=args.connect, name=name, auto_connect=True)
    elif args.quick:
        from game.client.new_game import GameSetup

        rivals = (
            [a.strip() for a in args.rivals.split(",") if a.strip()]
            if args.rivals
            else [a for a in AGENCIES if a != args.agency]
        )
        setup = GameSetup(
            agency=args.agency,
            rivals=rivals,
            ai_level=args.ai,
            turns=args.turns,
            seed=args.seed,
            name=name,
        )
        if not app.router.local_game(setup):
            app.router.title()
    else:
        app.router.title()
    return app.run()


def view_replay(path: str, perspective: str | None) -> int:
    """`lunar-race replay view`: a window on a replay file; returns the exit code."""
    from game.client.replay_viewer import ReplayFrames, ReplaySession
    from game.replay import ReplayError

    try:
        frames = ReplayFrames.load(path)
    except (OSError, ReplayError) as exc:
        print(f"lunar-race replay view: {path}: {exc}", file=sys.stderr)
        return 1
    if perspective is not None and perspective not in frames.agencies:
        print(
            f"lunar-race replay view: {perspective!r} is not in this match "
            f"({', '.join(frames.agencies)})",
            file=sys.stderr,
        )
        return 2
    app = _window()
    app.router.game(ReplaySession(frames, perspective))
    return app.run()
