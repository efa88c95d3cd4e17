"""The title screen: continue the last local game, start one, open the list of kept games,
join a server, watch a replay, change the settings, or quit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.client import theme
from game.client.saves import SavedGame, latest_in_progress
from game.client.scene import MenuScene
from game.client.widgets import button, label

if TYPE_CHECKING:
    from game.client.app import App

# The replay dialog's title: the names the game gives replays (`match --replay NAME.json.gz`
# in the README; `tournament --replays` writes .jsonl.gz). Any name is read, compressed or
# not: readers go by the file's first bytes (docs/replays.md).
REPLAY_FILES = "Open a replay (.json.gz or .jsonl.gz)"


class TitleScene(MenuScene):
    """The first screen: each choice with a key (C, N, L, J, R, S, Q)."""

    title = "Lunar Race"
    moon_x = 0.72

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self._dialog: pygame_gui.windows.UIFileDialog | None = None
        self.last_game: SavedGame | None = latest_in_progress()

    def build(self) -> None:
        h = self.size[1]
        px = self.px
        left = px(90)
        top = int(h * 0.22)
        label(
            self.ui, pygame.Rect(left - px(6), top, px(620), px(70)), "LUNAR RACE", style="@title"
        )
        label(
            self.ui,
            pygame.Rect(left, top + px(72), px(620), px(30)),
            "Run a space agency in the new race to the Moon, 2021-2040",
            style="@subtitle",
        )
        bw, bh, gap = px(330), px(42), px(10)
        y = top + px(130)
        entries = [
            (
                "New local game   [N]",
                self.new_game,
                "Play against AI agencies on this machine.",
                "title_0",
            ),
            (
                "Your games   [L]",
                self.saved_games,
                "Local games in progress, and finished ones.",
                "games",
            ),
            (
                "Join a server   [J]",
                self.join,
                "Connect to a game server, pick a room and a seat.",
                "title_1",
            ),
            ("Watch a replay   [R]", self.pick_replay, "Step through a recorded match.", "title_2"),
            ("Settings   [S]", self.settings, "Name, screen, sound, colours.", "settings"),
            ("Quit   [Q]", self.app.quit, "Close Lunar Race.", "title_3"),
        ]
        if self.last_game is not None:
            entries.insert(0, ("Continue   [C]", self.resume, self._continue_tip(), "continue"))
        for n, (text, command, tip, name) in enumerate(entries):
            button(
                self.ui,
                pygame.Rect(left, y, bw, bh),
                text,
                command,
                tip=tip,
                style="@primary" if n == 0 else None,
                name=f"#{name}",
            )
            y += bh + gap
        if self.last_game is not None:
            label(
                self.ui,
                pygame.Rect(left + bw + px(16), top + px(130), px(420), bh),
                self._continue_tip(),
                style="@muted",
            )
        label(
            self.ui,
            pygame.Rect(left, h - px(40), px(700), px(24)),
            "F11 full screen  -  F12 screenshot  -  every number has a tooltip",
            style="@muted",
        )
        self._dialog = None

    def _continue_tip(self) -> str:
        game = self.last_game
        if game is None:
            return ""
        from game.rules import load_content

        agencies = load_content(str(game.setup.get("scenario") or "2021")).agencies
        name = agencies[game.agency].name if game.agency in agencies else game.agency
        return f"{name}, {game.date or 'the first turn'}"

    # -- actions ----------------------------------------------------------------------------
    def new_game(self) -> None:
        self.app.router.new_game()

    def resume(self) -> None:
        if self.last_game is not None and not self.app.router.continue_game(self.last_game):
            self.app.rebuild()

    def saved_games(self) -> None:
        self.app.router.saved_games()

    def settings(self) -> None:
        self.app.router.settings()

    def join(self) -> None:
        self.app.router.browser()

    def pick_replay(self) -> None:
        if self._dialog is not None and self._dialog.alive():
            return
        w, h = self.size
        rect = pygame.Rect(0, 0, min(w - 40, self.px(640)), min(h - 40, self.px(480)))
        rect.center = (w // 2, h // 2)
        self._dialog = pygame_gui.windows.UIFileDialog(
            rect,
            self.ui,
            window_title=REPLAY_FILES,
            initial_file_path=str(Path.cwd()),
            allow_existing_files_only=True,
        )

    def on_ui_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED:
            self.open_replay(event.text)

    def open_replay(self, path: str) -> None:
        self.app.router.replay(path)

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN or (self._dialog is not None and self._dialog.alive()):
            return False
        keys = {
            pygame.K_c: self.resume,
            pygame.K_l: self.saved_games,
            pygame.K_s: self.settings,
            pygame.K_n: self.new_game,
            pygame.K_j: self.join,
            pygame.K_r: self.pick_replay,
            pygame.K_q: self.app.quit,
            pygame.K_ESCAPE: self.app.quit,
        }
        action = keys.get(event.key)
        if action is None:
            return False
        action()
        return True

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        w, h = surface.get_size()
        img = self.app.fonts.render(
            "Artemis and the ILRS race for the lunar south pole.", 14, theme.MUTED
        )
        surface.blit(img, (w - img.get_width() - self.px(24), h - self.px(36)))
