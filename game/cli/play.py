"""`lunar-race play`: open the game window (title screen, a quick local game, or a server).

lunar-race play                              the title screen
lunar-race play --quick --agency esa         straight into a local game against the AI
lunar-race play --connect ws://HOST:PORT     the server's rooms
"""

from __future__ import annotations

import argparse

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
    p.add_argument("--name", default="Player", help="your name in rooms and chat")
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
        default=(1280, 800),
        metavar="WxH",
        help="window size (default 1280x800)",
    )
    p.add_argument("--fullscreen", action="store_true", help="start in full screen")
    p.set_defaults(handler=run_play)


def run_play(args: argparse.Namespace) -> int:
    """Open the window and run it until it closes."""
    from game.client.app import App

    app = App(args.size, fullscreen=args.fullscreen)
    if args.connect:
        from game.client.lobby import BrowserScene

        app.show(BrowserScene(app, url=args.connect, name=args.name, auto_connect=True))
    elif args.quick:
        from game.client.new_game import GameSetup
        from game.client.session import start_local_game
        from game.client.title import TitleScene

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
            name=args.name,
        )
        scene = start_local_game(app, setup)
        app.show(scene if scene is not None else TitleScene(app))
    else:
        from game.client.title import TitleScene

        app.show(TitleScene(app))
    return app.run()
