"""The one way from screen to screen: the `Router` the `App` owns.

Scenes never import one another; a scene that leads somewhere asks `app.router` to go
there (`app.router.title()`, `app.router.local_game(setup)`, `app.router.end(session)`...).
This module is the only one that imports the scene modules, so the client's import graph
has no circles: app -> router -> scenes -> widgets, panels and the models.

A local game needs a server on this machine; the router starts one through the
`LocalHostFactory` the command line gave the `App` (without one, local games are refused
with a word to the player).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from game.client import theme
from game.client.end_screen import EndScene
from game.client.game_screen import GameScene
from game.client.lobby import BrowserScene
from game.client.new_game import GameSetup, NewGameScene
from game.client.replay_viewer import ReplayFrames, ReplaySession
from game.client.saved_games import SavedGamesScene
from game.client.saves import SavedGame, latest_in_progress
from game.client.session import MatchSession, open_local_game, resume_local_game
from game.client.settings_screen import SettingsScene
from game.client.title import TitleScene
from game.replay import ReplayError

if TYPE_CHECKING:
    from game.client.app import App
    from game.client.local_host import LocalHostFactory
    from game.client.match import MatchModel
    from game.client.net_link import NetLink
    from game.net.client import SeatKey


class Router:
    """Builds each screen and makes it current."""

    def __init__(self, app: App, local_host: LocalHostFactory | None = None) -> None:
        self.app = app
        self.local_host = local_host

    def title(self) -> None:
        self.app.show(TitleScene(self.app))

    def new_game(self, setup: GameSetup | None = None) -> None:
        self.app.show(NewGameScene(self.app, setup))

    def browser(
        self, url: str = "", name: str | None = None, *, auto_connect: bool = False
    ) -> None:
        """The server's rooms (or, without an address, the form that asks for one, filled in
        with the last server joined and the name in the settings)."""
        settings = self.app.settings
        self.app.show(
            BrowserScene(
                self.app,
                url=url or settings.server,
                name=name or settings.name,
                auto_connect=auto_connect,
            )
        )

    def local_game(self, setup: GameSetup) -> bool:
        """Start a local game, kept in the data folder, and show it; False (the player is
        told why) if it failed."""
        if self.local_host is None:
            self.app.toast("This build cannot host local games.", theme.BAD, 8.0)
            return False
        saved: SavedGame | None = None
        try:
            saved = SavedGame.create(dataclasses.asdict(setup))
            session = open_local_game(setup, self.local_host(saved.folder))
            saved.started(session)
        except (RuntimeError, OSError) as exc:  # LinkError is a RuntimeError
            if saved is not None:
                saved.delete()
            self.app.toast(f"Could not start the game: {exc}", theme.BAD, 8.0)
            return False
        self._play(session)
        return True

    def continue_game(self, saved: SavedGame | None = None) -> bool:
        """Go on with a kept local game (the last one played when not told which) from its
        last turn; False (the player is told why) if it could not."""
        saved = saved or latest_in_progress()
        if saved is None:
            self.app.toast("No game in progress to continue.", theme.WARN, 5.0)
            return False
        if self.local_host is None:
            self.app.toast("This build cannot host local games.", theme.BAD, 8.0)
            return False
        try:
            session = resume_local_game(saved, self.local_host(saved.folder))
        except (RuntimeError, OSError) as exc:
            self.app.toast(f"Could not continue the game: {exc}", theme.BAD, 8.0)
            return False
        saved.keep(session)
        saved.turn, saved.date = session.model.turn, session.model.date()
        saved.save()
        self._play(session)
        return True

    def _play(self, session: MatchSession) -> None:
        self.app.on_quit.append(session.close)
        self.app.show(GameScene(self.app, session))

    def saved_games(self) -> None:
        self.app.show(SavedGamesScene(self.app))

    def settings(self, back: Callable[[], None] | None = None) -> None:
        """The settings screen; `back` is where Esc leads (the title when not given)."""
        self.app.show(SettingsScene(self.app, back or self.title))

    def online_game(
        self, link: NetLink, model: MatchModel, seat: SeatKey | None, host_token: str | None
    ) -> None:
        """The game screen on a match that started in a server's room."""
        self._play(MatchSession(link, model, seat, host_token=host_token))

    def game(self, session: MatchSession | ReplaySession) -> None:
        self.app.show(GameScene(self.app, session))

    def end(self, session: Any, back: GameScene | None = None) -> None:
        """The final scores; `back` is the game screen the player may return to."""
        self.app.show(EndScene(self.app, session, back=back))

    def replay(self, path: str, perspective: str | None = None) -> bool:
        """The game screen on a replay file; False (the player is told why) if it is unusable."""
        try:
            frames = ReplayFrames.load(path)
        except (OSError, ReplayError) as exc:
            self.app.toast(f"Cannot open the replay: {exc}", theme.BAD, 8.0)
            return False
        if perspective is not None and perspective not in frames.agencies:
            self.app.toast(
                f"{perspective} is not in this match; watching as a spectator.", theme.WARN, 6.0
            )
            perspective = None
        self.game(ReplaySession(frames, perspective))
        return True
