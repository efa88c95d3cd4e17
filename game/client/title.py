"""The title screen: start a local game, join a server, watch a replay, or quit."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.client import theme
from game.client.scene import Scene
from game.client.widgets import Backdrop, button, label

if TYPE_CHECKING:
    from game.client.app import App

# The replay dialog's title: the names the game gives replays (`match --replay NAME.json.gz`
# in the README; `tournament --replays` writes .jsonl.gz). Any name is read, compressed or
# not: readers go by the file's first bytes (docs/replays.md).
REPLAY_FILES = "Open a replay (.json.gz or .jsonl.gz)"


class TitleScene(Scene):
    """The first screen: four choices, each with a key (N, J, R, Q)."""

    title = "Lunar Race"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.backdrop = Backdrop()
        self._dialog: pygame_gui.windows.UIFileDialog | None = None
        self._dt = 0.0

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
        bw, bh, gap = px(330), px(46), px(14)
        y = top + px(140)
        entries = [
            ("New local game   [N]", self.new_game, "Play against AI agencies on this machine."),
            ("Join a server   [J]", self.join, "Connect to a game server, pick a room and a seat."),
            ("Watch a replay   [R]", self.pick_replay, "Step through a recorded match."),
            ("Quit   [Q]", self.app.quit, "Close Lunar Race."),
        ]
        for n, (text, command, tip) in enumerate(entries):
            button(
                self.ui,
                pygame.Rect(left, y, bw, bh),
                text,
                command,
                tip=tip,
                style="@primary" if n == 0 else None,
                name=f"#title_{n}",
            )
            y += bh + gap
        label(
            self.ui,
            pygame.Rect(left, h - px(40), px(700), px(24)),
            "F11 full screen  -  F12 screenshot  -  every number has a tooltip",
            style="@muted",
        )
        self._dialog = None

    # -- actions ----------------------------------------------------------------------------
    def new_game(self) -> None:
        self.app.router.new_game()

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

    def update(self, dt: float) -> None:
        self._dt = dt

    def draw(self, surface: pygame.Surface) -> None:
        self.backdrop.draw(surface, self._dt)
        w, h = surface.get_size()
        img = self.app.fonts.render(
            "Artemis and the ILRS race for the lunar south pole.", 14, theme.MUTED
        )
        surface.blit(img, (w - img.get_width() - self.px(24), h - self.px(36)))
