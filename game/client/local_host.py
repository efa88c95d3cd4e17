"""What the client needs to play on one machine: a game server it can start and stop.

The client never builds a server itself (the import graph runs one way: the server and the
client sit side by side, and only the command line, `game.cli.play`, knows both). The command
line hands the `App` a `LocalHostFactory`; each local game calls it for a fresh `LocalHost`,
given the folder the game is kept in; it starts it, connects to the address it returns, and
stops it when the game is closed. Continuing a kept game starts a server on the same folder.
`server.local.LocalServer` is the one the game ships with.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class LocalHost(Protocol):
    """A game server on this machine, for one local game."""

    def start(self) -> str:
        """Start listening and return the ws:// address to connect to.

        Raises RuntimeError (or OSError) with the reason when the server cannot start.
        """
        ...

    def stop(self) -> None:
        """Stop the server; safe to call twice."""
        ...


# Called with the folder the game is kept in (its store lives there), or None for a game
# that is not kept.
LocalHostFactory = Callable[[Path | None], LocalHost]
