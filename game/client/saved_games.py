"""The list of local games kept on this machine: those in progress and those finished.

A game in progress can be continued (or thrown away); a finished one shows its result and
opens its replay. The games come from `game.client.saves`.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TYPE_CHECKING

import pygame

from game.client import theme
from game.client.saves import SavedGame, saved_games
from game.client.scene import MenuScene
from game.client.widgets import button, escape, hex_colour, label, text_box

if TYPE_CHECKING:
    from game.client.app import App

SHOWN = 8  # games listed in each section


class SavedGamesScene(MenuScene):
    """Games in progress, then finished ones, newest first."""

    title = "Lunar Race - your games"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        from game.rules import load_content

        self.content = load_content("2021")
        self.games = saved_games()
        self.deleting: str | None = None  # the game whose Delete was pressed once

    def build(self) -> None:
        w, h = self.size
        px = self.px
        self.panel = pygame.Rect(px(40), px(30), min(w - px(80), px(900)), h - px(60))
        x, y = self.panel.x + px(24), self.panel.y + px(16)
        label(self.ui, pygame.Rect(x, y, px(600), px(40)), "Your games", style="@heading")
        y += px(50)
        playing = [g for g in self.games if not g.over]
        finished = [g for g in self.games if g.over]
        for title, games, empty in (
            ("In progress", playing, "No game in progress: start a new one from the title."),
            ("Finished", finished, "No finished game yet."),
        ):
            label(self.ui, pygame.Rect(x, y, px(400), px(28)), title, style="@muted")
            y += px(30)
            if not games:
                label(self.ui, pygame.Rect(x, y, px(600), px(28)), empty)
                y += px(34)
            for game in games[:SHOWN]:
                self._row(game, x, y)
                y += px(44)
            y += px(12)
        button(self.ui, pygame.Rect(x, y, px(160), px(42)), "Back  [Esc]", self.back)

    def _row(self, game: SavedGame, x: int, y: int) -> None:
        px = self.px
        agency = self.content.agencies.get(game.agency)
        name = agency.name if agency is not None else game.agency
        colour = hex_colour(theme.agency_colour(game.agency))
        played = time.strftime("%d %b %Y %H:%M", time.localtime(game.updated))
        where = f"{game.date}, turn {game.turn + 1}" if game.date else "not started"
        if game.over:
            where = f"{where} - {game.result}"
        text_box(
            self.ui,
            pygame.Rect(x, y, px(520), px(38)),
            f"<font color='{colour}'><b>{escape(name)}</b></font>  {escape(where)}"
            f"  <font color='#8a96ad'>{escape(played)}</font>",
        )
        bx = x + px(530)
        if game.over:
            button(
                self.ui,
                pygame.Rect(bx, y + px(2), px(150), px(34)),
                "Watch replay",
                partial(self.watch, game),
                name=f"#replay_{game.id}",
                tip="Step through the match from its first turn.",
                disabled=not game.has_replay,
            )
        else:
            button(
                self.ui,
                pygame.Rect(bx, y + px(2), px(150), px(34)),
                "Continue",
                partial(self.resume, game),
                style="@primary",
                name=f"#continue_{game.id}",
                tip="Go on from the last turn played.",
            )
        sure = self.deleting == game.id
        button(
            self.ui,
            pygame.Rect(bx + px(160), y + px(2), px(130), px(34)),
            "Really delete?" if sure else "Delete",
            partial(self.delete, game),
            style="@danger",
            name=f"#delete_{game.id}",
            tip="Press again to throw this game away for good." if sure else "Throw it away.",
        )

    # -- actions ----------------------------------------------------------------------------
    def resume(self, game: SavedGame) -> None:
        self.app.router.continue_game(game)

    def watch(self, game: SavedGame) -> None:
        self.app.router.replay(str(game.replay_path), game.agency or None)

    def delete(self, game: SavedGame) -> None:
        """The first press asks, the second throws the game away."""
        if self.deleting != game.id:
            self.deleting = game.id
        else:
            self.deleting = None
            game.delete()
            self.games = [g for g in self.games if g.folder != game.folder]
        self.app.rebuild()

    def back(self) -> None:
        self.app.router.title()
