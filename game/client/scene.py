"""The scene contract: one screen of the client (title, setup, lobby, game, end, replay).

A scene owns its model (what it shows) and builds its widgets from it in `build()`, so that a
window resize or a change of UI scale can throw the widgets away and build them again. The
app calls, every frame: `intercept` for each event before the widgets see it, `handle_event`
for each event the widgets did not consume, then `update(dt)` and `draw(surface)`; the widgets
are drawn on top by the app. Between frames the app asks `next_frame()` how soon the scene
has something new to show, and sleeps when nothing moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.client.widgets import Backdrop, panel_rect

if TYPE_CHECKING:
    from game.client.app import App


class Scene:
    """Base class: override `build`, `handle_event`, `update`, `draw` as needed."""

    #: Shown in the window title.
    title = "Lunar Race"

    def __init__(self, app: App) -> None:
        self.app = app

    @property
    def ui(self) -> pygame_gui.UIManager:
        return self.app.ui

    @property
    def size(self) -> tuple[int, int]:
        return self.app.window.get_size()

    def px(self, value: float) -> int:
        """A length designed for 1280x800, in pixels at the current UI scale."""
        return round(value * self.app.scale)

    def build(self) -> None:
        """Create the widgets for the current window size (they are cleared before each call)."""

    def enter(self) -> None:
        """Called once when the scene becomes current, before the first build."""

    def leave(self) -> None:
        """Called once when another scene replaces this one."""

    def intercept(self, event: pygame.event.Event) -> bool:
        """See an event before the widgets do; True keeps it from them (and from
        `handle_event`). For keys that mean something else while a window is open."""
        return False

    def handle_event(self, event: pygame.event.Event) -> bool:
        """React to one event the widgets did not consume; True if it was used."""
        return False

    def on_ui_event(self, event: pygame.event.Event) -> None:
        """A pygame_gui event (button pressed, selection made...) from this scene's widgets."""

    def update(self, dt: float) -> None:
        """Advance time by `dt` seconds."""

    def next_frame(self) -> float | None:
        """Seconds until the scene looks different by itself (0: it is moving, draw every
        frame); None when it changes only on input or news. Input always wakes the app."""
        return 0.0

    def draw(self, surface: pygame.Surface) -> None:
        """Draw everything that is not a widget."""
        surface.fill((9, 13, 26))


class MenuScene(Scene):
    """A menu screen: the Moon turning behind a panel of widgets, Esc to go `back`. The
    Moon's look changes only every `Backdrop.STEP`, so the app sleeps in between."""

    #: Where the Moon's centre sits, as a share of the window's width.
    moon_x = 0.92

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.backdrop = Backdrop()
        self.panel = pygame.Rect(0, 0, 0, 0)  # set by `build`; an empty one is not drawn

    def back(self) -> None:
        """Leave this screen for the one before it (Esc)."""

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.back()
            return True
        return False

    def update(self, dt: float) -> None:
        self.backdrop.advance(dt)

    def next_frame(self) -> float | None:
        return Backdrop.STEP

    def draw(self, surface: pygame.Surface) -> None:
        self.backdrop.draw(surface, centre_x=self.moon_x)
        if self.panel.width:
            panel_rect(surface, self.panel)
