"""Small building blocks shared by the scenes: themed buttons and labels, and the sky backdrop.

pygame_gui does the widgets; these helpers only fix the house style (object ids from the
theme, tooltips on every button) so that scenes read as layouts rather than boilerplate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import pygame
import pygame_gui
from pygame_gui.core import ObjectID

from game.client import theme
from game.client.globe import Camera, MoonGlobe, starfield


def object_id(cls: str | None, name: str | None = None) -> ObjectID | None:
    if cls is None and name is None:
        return None
    return ObjectID(class_id=cls, object_id=name)


def button(
    manager: pygame_gui.UIManager,
    rect: pygame.Rect,
    text: str,
    command: Callable[[], None],
    *,
    tip: str | None = None,
    style: str | None = None,
    name: str | None = None,
    container: pygame_gui.core.IContainerLikeInterface | None = None,
    disabled: bool = False,
) -> pygame_gui.elements.UIButton:
    """A button that calls `command` when pressed; `style` is a theme class like "@primary"."""

    def run() -> None:
        # pygame_gui passes an argument to commands that take one; ours take none (a lambda's
        # default arguments would otherwise be overwritten).
        command()

    element = pygame_gui.elements.UIButton(
        rect,
        text,
        manager,
        container=container,
        tool_tip_text=tip,
        object_id=object_id(style, name),
        command=run,
    )
    if disabled:
        element.disable()
    return element


def label(
    manager: pygame_gui.UIManager,
    rect: pygame.Rect,
    text: str,
    *,
    style: str | None = None,
    container: pygame_gui.core.IContainerLikeInterface | None = None,
) -> pygame_gui.elements.UILabel:
    return pygame_gui.elements.UILabel(
        rect, text, manager, container=container, object_id=object_id(style)
    )


Choice = TypeVar("Choice")


def choices(
    manager: pygame_gui.UIManager,
    first: pygame.Rect,
    step: tuple[int, int],
    options: Sequence[tuple[str, Choice]],
    chosen: Choice,
    pick: Callable[[Choice], None],
    *,
    prefix: str | None = None,
    tips: Mapping[Any, str] | None = None,
    tip: str | None = None,
) -> None:
    """One button per (text, value), the chosen one highlighted; the n-th sits at `first`
    moved n times by `step`. Buttons are named "#prefix_value" when a prefix is given."""
    for n, (text, value) in enumerate(options):
        button(
            manager,
            first.move(n * step[0], n * step[1]),
            text,
            partial(pick, value),
            tip=(tips or {}).get(value, tip),
            style="@primary" if value == chosen else None,
            name=f"#{prefix}_{value}" if prefix else None,
        )


def back_and_go(
    manager: pygame_gui.UIManager,
    at: tuple[int, int],
    size: tuple[int, int, int],
    back: Callable[[], None],
    text: str,
    go: Callable[[], None],
    *,
    name: str,
    tip: str,
) -> None:
    """The pair that ends a form: "Back [Esc]", then the primary action beside it.
    `size` is (back width, action width, height); the gap between them scales with them."""
    back_w, go_w, height = size
    x, y = at
    button(manager, pygame.Rect(x, y, back_w, height), "Back  [Esc]", back)
    gap = round(back_w / 15)
    rect = pygame.Rect(x + back_w + gap, y, go_w, height)
    button(manager, rect, text, go, style="@primary", name=name, tip=tip)


def entry_field(
    manager: pygame_gui.UIManager,
    caption: pygame.Rect,
    box: pygame.Rect,
    text: str,
    value: str,
    name: str,
) -> pygame_gui.elements.UITextEntryLine:
    """A muted caption with a one-line text entry (object id `name`) holding `value`."""
    label(manager, caption, text, style="@muted")
    element = pygame_gui.elements.UITextEntryLine(box, manager, object_id=name)
    element.set_text(value)
    return element


def text_box(
    manager: pygame_gui.UIManager,
    rect: pygame.Rect,
    html: str,
    *,
    container: pygame_gui.core.IContainerLikeInterface | None = None,
    name: str | None = None,
) -> pygame_gui.elements.UITextBox:
    return pygame_gui.elements.UITextBox(
        html, rect, manager, container=container, object_id=object_id(None, name)
    )


def escape(text: str) -> str:
    """Text made safe for a pygame_gui text box (which reads a little HTML)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


class Backdrop:
    """The starry sky with the Moon turning slowly: the background of the menu scenes."""

    def __init__(self) -> None:
        self._sky: pygame.Surface | None = None
        self._globe: MoonGlobe | None = None
        self._turn = 0.0
        self._converted: tuple[pygame.Surface, pygame.Surface] | None = None

    #: Seconds between two looks of the Moon that differ (a quarter degree of its turn).
    STEP = 0.125

    def advance(self, dt: float) -> None:
        """Turn the Moon by `dt` seconds' worth."""
        self._turn += dt * 2.0

    def draw(self, surface: pygame.Surface, *, centre_x: float = 0.72) -> None:
        size = surface.get_size()
        if self._sky is None or self._sky.get_size() != size:
            self._sky = starfield(size).convert()
        surface.blit(self._sky, (0, 0))
        side = int(min(size[0] * 0.62, size[1] * 1.05))
        if self._globe is None:
            self._globe = MoonGlobe((side, side), Camera(lat=12.0, lon=-20.0))
        self._globe.resize((side, side))
        # A quarter degree step keeps the cached render valid for several frames.
        self._globe.camera.lon = (round((-20.0 + self._turn) * 4) / 4 + 180) % 360 - 180
        image = self._globe.render()
        if self._converted is None or self._converted[0] is not image:
            # Dimmed a little, so the menus in front of it stay the thing to read.
            dimmed = image.convert_alpha()
            dimmed.fill((190, 190, 200), special_flags=pygame.BLEND_RGB_MULT)
            self._converted = (image, dimmed)
        image = self._converted[1]
        surface.blit(image, image.get_rect(center=(int(size[0] * centre_x), size[1] // 2)))


def panel_rect(surface: pygame.Surface, rect: pygame.Rect, *, alpha: int = 215) -> None:
    """A translucent dark panel behind a group of widgets, drawn by the scene."""
    box = pygame.Surface(rect.size, pygame.SRCALPHA)
    box.fill((*theme.PANEL, alpha))
    surface.blit(box, rect.topleft)
    pygame.draw.rect(surface, theme.PANEL_EDGE, rect, 1)


DRAG_SLOP = 4  # pixels a press may move and still be a click


class TextScroller:
    """Wheel, keys and drag for a text box taller than its frame (a report, the key list).

    The box's own scroll bar still works; this adds the wheel anywhere over the text, Up and
    Down by a line, PageUp and PageDown by a frame, Home and End, and dragging the text itself.
    """

    def __init__(self, box: pygame_gui.elements.UITextBox, line: int) -> None:
        self.box = box
        self.line = line
        self._grab: int | None = None  # the pointer's y where a drag of the text began
        self._dragged = 0  # pixels the pointer moved in that drag

    @property
    def position(self) -> float:
        """How far down the text is shown: 0 at the top, 1 at the bottom."""
        bar = self.box.scroll_bar
        if bar is None:
            return 0.0
        return min(1.0, bar.start_percentage / max(1e-9, 1.0 - bar.visible_percentage))

    def scroll_to(self, position: float) -> None:
        """Show the text from `position` (0 the top, 1 the bottom)."""
        bar = self.box.scroll_bar
        if bar is not None:
            bar.set_scroll_from_start_percentage(position * (1.0 - bar.visible_percentage))

    def scroll_by(self, pixels: float) -> None:
        bar = self.box.scroll_bar
        layout = self.box.text_box_layout
        if bar is None or layout is None:
            return
        height = max(1, layout.layout_rect.height)
        bar.set_scroll_from_start_percentage(bar.start_percentage + pixels / height)

    def handle(self, event: pygame.event.Event) -> bool:
        """Scroll for `event` if it is one of ours; True if it was used."""
        if not self.box.alive():
            return False
        frame = self.box.rect
        page = frame.height - 2 * self.line
        if event.type == pygame.KEYDOWN:
            steps = {
                pygame.K_UP: -self.line,
                pygame.K_DOWN: self.line,
                pygame.K_PAGEUP: -page,
                pygame.K_PAGEDOWN: page,
            }
            if event.key in steps:
                self.scroll_by(steps[event.key])
                return True
            if event.key in (pygame.K_HOME, pygame.K_END):
                self.scroll_to(0.0 if event.key == pygame.K_HOME else 1.0)
                return True
            return False
        if event.type == pygame.MOUSEWHEEL:
            if frame.collidepoint(pygame.mouse.get_pos()):
                self.scroll_by(-event.y * 3 * self.line)
                return True
            return False
        bar = self.box.scroll_bar
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            on_bar = bar is not None and bar.rect.collidepoint(event.pos)
            if frame.collidepoint(event.pos) and not on_bar:
                # The press still reaches the text (a link in it may be clicked); only a
                # drag scrolls.
                self._grab = event.pos[1]
                self._dragged = 0
        elif event.type == pygame.MOUSEMOTION and self._grab is not None:
            self.scroll_by(self._grab - event.pos[1])
            self._dragged += abs(self._grab - event.pos[1])
            self._grab = event.pos[1]
            return True
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self._grab is not None:
            self._grab = None
            return self._dragged > DRAG_SLOP  # a drag, not a click on what is under it
        return False
