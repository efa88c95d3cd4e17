"""The settings screen, from the title screen and from the in-game menu.

Every choice takes effect and is saved the moment it is made (`game.client.settings`); the
name is saved when it is typed (Enter) or when the screen is left. Esc goes back where the
screen was opened from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui

from game.client import settings as settings_file
from game.client import theme
from game.client.charts import MARKERS, draw_marker
from game.client.scene import MenuScene
from game.client.settings import UI_SCALES, WINDOW_SIZES, Settings
from game.client.widgets import button, choices, entry_field, label

if TYPE_CHECKING:
    from game.client.app import App

VOLUMES = (0.0, 0.25, 0.5, 0.75, 1.0)
SAMPLE_AGENCIES = ("nasa", "roscosmos", "cnsa", "esa", "jaxa", "csa")


class SettingsScene(MenuScene):
    """One row a setting; `back` returns to the screen this one was opened from."""

    title = "Lunar Race - settings"

    def __init__(self, app: App, back: Callable[[], None]) -> None:
        super().__init__(app)
        self.back_to = back
        self.name_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.swatches: pygame.Rect | None = None

    @property
    def settings(self) -> Settings:
        return self.app.settings

    def build(self) -> None:
        w, h = self.size
        px = self.px
        self.panel = pygame.Rect(px(40), px(30), min(w - px(80), px(900)), h - px(60))
        x, y = self.panel.x + px(24), self.panel.y + px(16)
        label(self.ui, pygame.Rect(x, y, px(600), px(40)), "Settings", style="@heading")
        y += px(56)
        s = self.settings
        cx = x + px(200)
        self.name_entry = entry_field(
            self.ui,
            pygame.Rect(x, y, px(190), px(32)),
            pygame.Rect(cx, y, px(260), px(34)),
            "Your name",
            s.name,
            "#setting_name",
        )
        self.name_entry.set_text_length_limit(settings_file.MAX_NAME)
        y += px(50)
        rows: list[tuple[str, str, Sequence[tuple[str, Any]], int, str]] = [
            (
                "Interface scale",
                "ui_scale",
                [("Fit window", None), *((f"{v:.0%}", v) for v in UI_SCALES)],
                106,
                "The size of text and buttons; Fit window follows the window's size.",
            ),
            (
                "Window size",
                "window",
                [(f"{a}x{b}", (a, b)) for a, b in WINDOW_SIZES],
                120,
                "The window's size when not in full screen.",
            ),
            (
                "Full screen",
                "fullscreen",
                [("Window", False), ("Full screen", True)],
                120,
                "F11 switches too.",
            ),
            (
                "Volume",
                "volume",
                [(f"{v:.0%}", v) for v in VOLUMES],
                76,
                "How loud sounds and music play.",
            ),
            (
                "Sound",
                "muted",
                [("On", False), ("Muted", True)],
                120,
                "Mute every sound at once.",
            ),
            (
                "Ending a turn",
                "confirm_end_turn",
                [("Ask first", True), ("End at once", False)],
                150,
                "Whether ending the turn asks you to confirm.",
            ),
            (
                "Agency colours",
                "colour_blind",
                [("Standard", False), ("Colour-blind safe", True)],
                190,
                "Colours every kind of colour vision tells apart; charts also mark each "
                "agency's line with a shape of its own.",
            ),
        ]
        for caption, key, options, step, tip in rows:
            label(self.ui, pygame.Rect(x, y, px(190), px(32)), caption, style="@muted")
            choices(
                self.ui,
                pygame.Rect(cx, y, px(step - 6), px(34)),
                (px(step), 0),
                options,
                getattr(s, key),
                partial(self.choose, key),
                # Names only where the values make plain ids (no dots, no spaces).
                prefix=f"setting_{key}" if all(isinstance(v, bool) for _, v in options) else None,
                tip=tip,
            )
            y += px(46)
        self.swatches = pygame.Rect(cx, y, px(600), px(30))
        y += px(50)
        button(
            self.ui,
            pygame.Rect(x, y, px(160), px(42)),
            "Back  [Esc]",
            self.back,
            name="#settings_back",
        )
        label(
            self.ui,
            pygame.Rect(x, self.panel.bottom - px(36), self.panel.width - px(48), px(26)),
            f"Saved at once, in {settings_file.Settings.path()}",
            style="@muted",
        )

    # -- changes ----------------------------------------------------------------------------
    def choose(self, key: str, value: Any) -> None:
        self._read_name()
        setattr(self.settings, key, value)
        self.commit()

    def _read_name(self) -> None:
        if self.name_entry is not None and self.name_entry.alive():
            name = self.name_entry.get_text().strip()[: settings_file.MAX_NAME]
            if name:
                self.settings.name = name

    def commit(self) -> None:
        """Save and apply the settings (the widgets are built again)."""
        try:
            self.settings.save()
        except OSError as exc:
            self.app.toast(f"Settings not saved: {exc}", theme.BAD, 6.0)
        settings_file.apply(self.app, self.settings)

    def back(self) -> None:
        before = self.settings.name
        self._read_name()
        if self.settings.name != before:
            self.commit()
        self.back_to()

    # -- the frame --------------------------------------------------------------------------
    def on_ui_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.name_entry:
            self._read_name()
            self.commit()

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        if self.swatches is None:
            return
        # The agencies as the charts and the map will draw them.
        x, mid = self.swatches.x, self.swatches.centery
        r = self.px(5)
        for n, agency in enumerate(SAMPLE_AGENCIES):
            colour = theme.agency_colour(agency)
            draw_marker(surface, MARKERS[n], colour, (x + r, mid), r)
            img = self.app.fonts.render(agency.upper(), 13, colour, bold=True)
            surface.blit(img, (x + 3 * r, mid - img.get_height() // 2))
            x += 3 * r + img.get_width() + self.px(18)
