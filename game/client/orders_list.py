"""The turn's orders, always in sight: one line per order in the player's words, each with a
button that takes it out, refused orders in red with the server's reason, and the standing
orders with a button that stops them. Ctrl+Z (the scene's key) takes back the last change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.client import readout, standing, theme, wording
from game.client.widgets import button, escape, hex_colour, panel_rect, text_box
from game.rules import Command

if TYPE_CHECKING:
    from game.client.game_screen import GameScene

ROW_H = 34  # designed for 1280x800: a line of text in a "#row" box
MOST_ROWS = 8  # rows shown before the list scrolls


class OrdersList:
    """A box in the top right corner of the Moon (or tech tree) listing the draft."""

    def __init__(self, scene: GameScene) -> None:
        self.scene = scene
        self.rect = pygame.Rect(0, 0, 0, 0)
        self._box: pygame_gui.elements.UIScrollingContainer | None = None
        self._widgets: list[pygame_gui.core.UIElement] = []

    @property
    def shown(self) -> bool:
        session = self.scene.session
        return not session.replay and session.can_act

    def build(self, main: pygame.Rect) -> None:
        """Lay the list out in the top right of `main`, as tall as its lines need."""
        self._clear()
        if not self.shown:
            self.rect = pygame.Rect(0, 0, 0, 0)
            return
        px = self.scene.px
        model = self.scene.model
        width = min(px(340), main.width * 45 // 100)
        lines = self._lines()
        # A refusal's reason takes a second line; the list scrolls past MOST_ROWS lines.
        guess = sum(px(ROW_H) * (2 if "#f06060" in html else 1) for html, _r, _t in lines)
        shown = min(MOST_ROWS * px(ROW_H), guess)
        self.rect = pygame.Rect(
            main.right - width - px(8), main.y + px(8), width, px(30) + shown + px(4)
        )
        ui = self.scene.ui
        title = f"Orders ({len(model.draft)})" + ("  -  Ctrl+Z undoes" if model.undo_stack else "")
        self._widgets.append(
            text_box(
                ui,
                pygame.Rect(self.rect.x + px(4), self.rect.y, width - px(8), px(30)),
                f"<b>{escape(title)}</b>",
                name="#row",
            )
        )
        box = pygame_gui.elements.UIScrollingContainer(
            pygame.Rect(self.rect.x, self.rect.y + px(28), width, shown),
            ui,
            allow_scroll_x=False,
            object_id="#orders_list",
        )
        self._box = box
        inner = width - px(20)
        y = 0
        for html, remove, tip in lines:
            line = text_box(
                ui, pygame.Rect(px(2), y, inner - px(32), -1), html, container=box, name="#row"
            )
            self._widgets.append(line)
            height = max(px(ROW_H), line.rect.height)
            if remove is not None:
                self._widgets.append(
                    button(
                        ui,
                        pygame.Rect(inner - px(28), y + (height - px(26)) // 2, px(26), px(26)),
                        "x",
                        remove,
                        tip=tip,
                        name="#remove_order",
                        container=box,
                    )
                )
            y += height
        box.set_scrollable_area_dimensions((inner, max(y, 1)))

    def _lines(self) -> list[tuple[str, Callable[[], None] | None, str]]:
        """(html, what its button does or None, the button's tip) per line."""
        model = self.scene.model
        muted = hex_colour(theme.MUTED)
        lines: list[tuple[str, Callable[[], None] | None, str]] = []
        if standing.fund_on_schedule(model):
            lines.append(
                (
                    f"<font color='{hex_colour(theme.ACCENT)}'>Standing: fund programs on "
                    "schedule</font>",
                    partial(self._stop_standing),
                    "Stop queuing the funding each turn.",
                )
            )
        # Refused orders first: they are what the player has to fix.
        for order in sorted(model.draft, key=lambda o: not readout.refusal(model, o)):
            text = escape(wording.order_text(model, order))
            why = readout.refusal(model, order)
            if why:
                text = f"<font color='#f06060'>{text}: {escape(why)}</font>"
            elif standing.queued_by_standing(model, order):
                text += f" <font color='{muted}'>(standing)</font>"
            lines.append((text, partial(self._remove, order), "Take this order out."))
        if not lines:
            lines.append(
                (
                    f"<font color='{muted}'><i>No orders yet: pick them in the panels.</i></font>",
                    None,
                    "",
                )
            )
        return lines

    def _remove(self, order: Command) -> None:
        self.scene.model.remove_order(order)
        self.scene.orders_changed()

    def _stop_standing(self) -> None:
        standing.set_fund_on_schedule(self.scene.model, False)
        self.scene.orders_changed()

    def refresh(self) -> None:
        """Lay the list out again after the draft changed."""
        main = self.scene.layout.get("main")
        if main is not None and self.scene.overlay is None:
            self.build(main)

    def _clear(self) -> None:
        for widget in self._widgets:
            widget.kill()
        self._widgets = []
        if self._box is not None:
            self._box.kill()
            self._box = None

    def draw(self, surface: pygame.Surface) -> None:
        """The translucent card under the list (the widgets are drawn on top)."""
        if self.rect.width and self.scene.overlay is None:
            panel_rect(surface, self.rect, alpha=225)
