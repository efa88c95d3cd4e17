"""The client application: the window, the widget manager, the current scene and the frame loop.

The app owns the `Router` (game.client.router), the one way from scene to scene, and the
factory for the server a local game runs on. `App.step(dt)` runs one frame (events, update,
draw) so that tests and benchmarks can drive the client frame by frame with real
`pygame.event.Event`s; `App.run()` is the same loop against the clock. Resizing the window
rebuilds the scene's widgets, and when the UI scale changes (quarter steps from 1280x800),
the theme is reloaded at the new size.

Idle costs nothing: `run()` draws at full rate only for a moment after input (hover effects
and tooltips settle meanwhile), when the scene says it moves (`Scene.next_frame`) or when
something asked for a frame (`wake`); otherwise it sleeps in short slices, still reading input
and news, and draws nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygame
import pygame_gui

from game.client import theme
from game.client.local_host import LocalHostFactory
from game.client.router import Router
from game.client.scene import Scene
from game.client.settings import MIN_WINDOW, Settings
from game.client.sound import SoundBoard
from game.client.theme import Fonts

TOOLTIP_DELAY = 0.35  # seconds the mouse rests on a number before its explanation shows
AWAKE_AFTER_INPUT = 1.5  # seconds of full frame rate after any event (widget tips take 1 s)
IDLE_SLICE = 1 / 30  # seconds slept at a time while nothing moves: input waits at most this


@dataclass
class Toast:
    """A short message at the top of the screen: an error, a saved screenshot, a result."""

    text: str
    colour: tuple[int, int, int]
    remaining: float


class Tooltips:
    """Hover explanations for things the client draws itself (numbers, markers, nodes).

    Scenes call `add(rect, text)` while drawing; the app shows the text of the area under the
    mouse once it has rested there a moment. Areas are collected afresh every frame.
    """

    def __init__(self) -> None:
        self._areas: list[tuple[pygame.Rect, str]] = []
        self._current: str | None = None
        self._rest = 0.0

    def add(self, rect: pygame.Rect | tuple[int, int, int, int], text: str) -> None:
        self._areas.append((pygame.Rect(rect), text))

    def clear(self) -> None:
        self._areas.clear()

    def under(self, pos: tuple[int, int]) -> str | None:
        for rect, text in reversed(self._areas):
            if rect.collidepoint(pos):
                return text
        return None

    def update(self, dt: float, pos: tuple[int, int]) -> None:
        text = self.under(pos)
        if text != self._current:
            self._current = text
            self._rest = 0.0
        else:
            self._rest += dt

    def draw(self, surface: pygame.Surface, fonts: Fonts, pos: tuple[int, int]) -> None:
        if self._current is None or self._rest < TOOLTIP_DELAY:
            return
        draw_tooltip(surface, fonts, self._current, pos)


def draw_tooltip(surface: pygame.Surface, fonts: Fonts, text: str, pos: tuple[int, int]) -> None:
    """A framed box of text beside `pos`, kept inside the window."""
    lines = text.split("\n")
    images = [
        fonts.render(line, 14, theme.ACCENT if n == 0 and len(lines) > 1 else theme.TEXT)
        for n, line in enumerate(lines)
    ]
    pad = round(8 * fonts.scale)
    w = max(img.get_width() for img in images) + 2 * pad
    h = sum(img.get_height() for img in images) + 2 * pad
    x, y = pos[0] + round(16 * fonts.scale), pos[1] + round(18 * fonts.scale)
    sw, sh = surface.get_size()
    if x + w > sw:
        x = max(0, pos[0] - w - 8)
    if y + h > sh:
        y = max(0, pos[1] - h - 8)
    box = pygame.Rect(x, y, w, h)
    pygame.draw.rect(surface, (6, 9, 20), box, border_radius=pad // 2)
    pygame.draw.rect(surface, theme.ACCENT, box, 1, pad // 2)
    cy = y + pad
    for img in images:
        surface.blit(img, (x + pad, cy))
        cy += img.get_height()


class App:
    """Owns the window and runs scenes; `router` goes from one scene to the next.

    `local_host` makes the server a local game is played on (the command line passes
    `server.local.LocalServer`); without it, the client plays only on remote servers.
    `settings` are the player's (`Settings.load()` on the command line; defaults otherwise).
    """

    def __init__(
        self,
        size: tuple[int, int] = (1280, 800),
        *,
        fullscreen: bool = False,
        local_host: LocalHostFactory | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.settings = settings or Settings()
        theme.use_colour_blind_palette(self.settings.colour_blind)
        os.environ.setdefault("SDL_VIDEO_CENTERED", "1")
        pygame.init()
        pygame.key.set_repeat(350, 40)
        flags = pygame.RESIZABLE | (pygame.FULLSCREEN if fullscreen else 0)
        self.window = pygame.display.set_mode(size, flags)
        pygame.display.set_caption("Lunar Race")
        self.scale = self.settings.scale_for(self.window.get_size())
        self.fonts = Fonts(self.scale)
        self.ui = self._make_ui()
        self.scene: Scene | None = None
        self._next_scene: Callable[[], Scene] | None = None
        self.running = True
        self.exit_code = 0
        self.tooltips = Tooltips()
        self.toasts: list[Toast] = []
        self.frames = 0
        self.frames_drawn = 0
        self.time = 0.0
        self._awake_until = 0.0  # time.monotonic() until which every frame is drawn
        self._drawn_at = 0.0
        self.on_quit: list[Callable[[], None]] = []
        self.sounds = SoundBoard(self.settings)
        self.router = Router(self, local_host)

    # -- scenes -----------------------------------------------------------------------------
    def _make_ui(self) -> pygame_gui.UIManager:
        data = theme.load_theme(self.scale)
        manager = pygame_gui.UIManager(
            self.window.get_size(), data, enable_live_theme_updates=False
        )
        fonts = manager.get_theme().get_font_dictionary()
        wanted = [
            f
            for f in theme.theme_fonts(data)
            if not fonts.check_font_preloaded(
                fonts.create_font_id(
                    f["point_size"], f["name"], f["style"] == "bold", f["style"] == "italic"
                )
            )
        ]
        manager.preload_fonts(wanted)
        return manager

    def show(self, scene: Scene) -> None:
        """Make `scene` current now: the old scene leaves, the widgets are rebuilt."""
        if self.scene is not None:
            self.scene.leave()
        self.ui.clear_and_reset()
        self.scene = scene
        pygame.display.set_caption(scene.title)
        scene.enter()
        scene.build()
        self.wake()

    def rebuild(self) -> None:
        """Throw the widgets away and let the scene build them again (after a resize)."""
        size = self.window.get_size()
        scale = self.settings.scale_for(size)
        if scale != self.scale:
            self.scale = scale
            self.fonts = Fonts(scale)
            self.ui = self._make_ui()
        else:
            self.ui.set_window_resolution(size)
            self.ui.clear_and_reset()
        if self.scene is not None:
            self.scene.build()
        self.wake()

    def wake(self, seconds: float = 0.0) -> None:
        """Draw the next frame (and every frame for `seconds` more): the screen changed."""
        self._awake_until = max(self._awake_until, time.monotonic() + seconds)

    def toast(self, text: str, colour: tuple[int, int, int] = theme.TEXT, seconds: float = 4.0):
        self.toasts.append(Toast(text, colour, seconds))
        del self.toasts[:-4]
        self.wake()

    def quit(self, code: int = 0) -> None:
        self.running = False
        self.exit_code = code

    # -- the frame --------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        self.wake(AWAKE_AFTER_INPUT)
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type == pygame.VIDEORESIZE:
            self.rebuild()
            self._keep_window()
            return
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_F11:
                pygame.display.toggle_fullscreen()
                self.rebuild()
                self._keep_window()
                return
            if event.key == pygame.K_F12:
                self.save_screenshot()
                return
            if self._mute_key(event, ctrl=True):
                return
        if self.scene is not None and self.scene.intercept(event):
            return
        consumed = self.ui.process_events(event)
        if self.scene is None:
            return
        if event.type >= pygame.USEREVENT and hasattr(event, "ui_element"):
            self.scene.on_ui_event(event)
            return
        if not consumed and not self.scene.handle_event(event) and event.type == pygame.KEYDOWN:
            self._mute_key(event, ctrl=False)

    def _keep_window(self) -> None:
        """Remember the window as the player left it (dragged to a size, or F11), so the
        next start opens it the same way."""
        fullscreen = bool(self.window.get_flags() & pygame.FULLSCREEN)
        size = self.window.get_size()
        window = self.settings.window if fullscreen else size
        if (window, fullscreen) == (self.settings.window, self.settings.fullscreen):
            return
        if min(window[0] - MIN_WINDOW[0], window[1] - MIN_WINDOW[1]) < 0:
            return  # smaller than a window the settings keep
        self.settings.window, self.settings.fullscreen = window, fullscreen
        self.settings.save()

    def _mute_key(self, event: pygame.event.Event, *, ctrl: bool) -> bool:
        """M mutes and unmutes where the screen gives M no other use, Ctrl+M everywhere;
        never while a text field has the keys."""
        if event.key != pygame.K_m or bool(event.mod & pygame.KMOD_CTRL) != ctrl:
            return False
        if any(
            isinstance(e, pygame_gui.elements.UITextEntryLine | pygame_gui.elements.UITextEntryBox)
            for e in self.ui.get_focus_set() or ()
        ):
            return False
        on = self.sounds.toggle_mute()
        self.settings.save()
        self.toast("Sound on" if on else "Sound off (M or Ctrl+M turns it on)", theme.MUTED, 2.0)
        return True

    def step(self, dt: float, *, always_draw: bool = True) -> bool:
        """One frame: every pending event, then update and draw (unless `always_draw` is
        False and nothing on screen would change). False once the app quits."""
        for event in pygame.event.get():
            self.handle_event(event)
            if not self.running:
                return False
        self.update(dt)
        if always_draw or self.frame_due():
            self.draw(self.window)
            pygame.display.flip()
            self.frames_drawn += 1
            self._drawn_at = time.monotonic()
        self.frames += 1
        return self.running

    def frame_due(self) -> bool:
        """Whether the next frame would show something new: input came lately, something
        asked for a frame, or the scene moves by itself."""
        now = time.monotonic()
        if now <= self._awake_until:
            return True
        wait = self.scene.next_frame() if self.scene is not None else None
        return wait is not None and now - self._drawn_at >= wait

    def _moving(self) -> bool:
        """Whether frames are wanted at the full rate now (or the app may sleep)."""
        if time.monotonic() <= self._awake_until:
            return True
        return self.scene is not None and self.scene.next_frame() == 0.0

    def update(self, dt: float) -> None:
        self.time += dt
        self.sounds.update(dt)
        if self.scene is not None:
            self.scene.update(dt)
        self.ui.update(dt)
        self.tooltips.update(dt, pygame.mouse.get_pos())
        for toast in self.toasts:
            toast.remaining -= dt
        shown = len(self.toasts)
        self.toasts = [t for t in self.toasts if t.remaining > 0]
        if len(self.toasts) != shown:
            self.wake()

    def draw(self, surface: pygame.Surface) -> None:
        self.tooltips.clear()
        if self.scene is not None:
            self.scene.draw(surface)
        self.ui.draw_ui(surface)
        if self.scene is not None:
            overlay = getattr(self.scene, "draw_overlay", None)
            if overlay is not None:
                overlay(surface)
        self._draw_toasts(surface)
        self.tooltips.draw(surface, self.fonts, pygame.mouse.get_pos())

    def _draw_toasts(self, surface: pygame.Surface) -> None:
        y = round(56 * self.scale)
        for toast in self.toasts:
            img = self.fonts.render(toast.text, 15, toast.colour, bold=True)
            pad = round(10 * self.scale)
            box = img.get_rect(midtop=(surface.get_width() // 2, y)).inflate(2 * pad, pad)
            pygame.draw.rect(surface, (6, 9, 20), box, border_radius=pad // 2)
            pygame.draw.rect(surface, toast.colour, box, 1, pad // 2)
            surface.blit(img, img.get_rect(center=box.center))
            y = box.bottom + pad // 2

    def run(
        self, *, max_frames: int | None = None, fps: int = 60, seconds: float | None = None
    ) -> int:
        """The frame loop against the clock, until the window closes (or `max_frames` frames
        or `seconds` have passed). While nothing moves it sleeps instead of drawing."""
        clock = pygame.time.Clock()
        dt = 0.0
        end = None if seconds is None else time.monotonic() + seconds
        try:
            while self.running:
                if not self.step(dt, always_draw=False):
                    break
                if max_frames is not None and self.frames >= max_frames:
                    break
                if end is not None and time.monotonic() >= end:
                    break
                if not self._moving():
                    time.sleep(IDLE_SLICE)
                dt = min(0.1, clock.tick(fps) / 1000.0)
        finally:
            self.close()
        return self.exit_code

    def close(self) -> None:
        if self.scene is not None:
            self.scene.leave()
            self.scene = None
        for hook in self.on_quit:
            hook()
        self.on_quit.clear()
        self.sounds.close()

    def save_screenshot(self, path: str | os.PathLike[str] | None = None) -> Path:
        if path is None:
            folder = Path(os.environ.get("LUNAR_RACE_SHOTS", "."))
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / time.strftime("lunar-race-%Y%m%d-%H%M%S.png")
        pygame.image.save(self.window, str(path))
        self.toast(f"Screenshot saved: {path}", theme.GOOD, 2.5)
        return Path(path)
