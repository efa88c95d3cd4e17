"""The end of a match: who won and how, every agency's score with its breakdown, and charts.

The scores come from the server's outcome; the charts (prestige, budget, science per agency
over the turns) from the views the seat received during the match, so a rival's hidden
numbers appear only as far as this seat knew them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from game.client import readout, theme
from game.client.scene import Scene
from game.client.widgets import button, label

if TYPE_CHECKING:
    from game.client.app import App
    from game.client.game_screen import GameScene

TERMINATION_TEXT = {
    "scenario_end": "The race is over: the best standing, prestige for the means each agency "
    "had, wins.",
    "sustained_presence": "An alliance kept a crewed lunar station occupied long enough to win "
    "outright.",
    "turn_limit": "The match reached its agreed number of turns: the best standing, prestige "
    "for the means each agency had, wins.",
}


class EndScene(Scene):
    """Final scores and charts; back to the match screen or to the title."""

    title = "Lunar Race - final scores"

    def __init__(self, app: App, session: Any, back: GameScene | None = None) -> None:
        super().__init__(app)
        self.session = session
        self.model = session.model
        theme.AGENCY_COLOURS.update(readout.agency_colours(self.model.content))
        self.back_scene = back
        self.outcome: dict[str, Any] = self.model.outcome or {}
        self.layout: dict[str, pygame.Rect] = {}

    def build(self) -> None:
        w, h = self.size
        px = self.px
        winners = [self.model.agency_name(a) for a in self.outcome.get("winners", [])]
        headline = (
            " and ".join(winners) + (" win" if len(winners) > 1 else " wins")
            if winners
            else "The match is over"
        )
        label(self.ui, pygame.Rect(px(30), px(8), w - px(60), px(62)), headline, style="@title")
        why = TERMINATION_TEXT.get(str(self.outcome.get("termination", "")), "")
        label(self.ui, pygame.Rect(px(34), px(66), w - px(60), px(28)), why, style="@subtitle")
        table_h = px(60) + px(30) * len(readout.score_rows(self.outcome))
        self.layout["table"] = pygame.Rect(px(30), px(104), w - px(60), table_h)
        charts_top = self.layout["table"].bottom + px(16)
        charts_h = h - charts_top - px(76)
        third = (w - px(60) - px(32)) // 3
        for n, key in enumerate(("prestige", "budget", "science")):
            self.layout[key] = pygame.Rect(
                px(30) + n * (third + px(16)), charts_top, third, max(px(120), charts_h)
            )
        y = h - px(58)
        if self.back_scene is not None:
            button(
                self.ui,
                pygame.Rect(px(30), y, px(200), px(42)),
                "Back to the Moon  [B]",
                self.back,
                name="#back_game",
            )
        button(
            self.ui,
            pygame.Rect(w - px(230), y, px(200), px(42)),
            "Title screen  [Enter]",
            self.to_title,
            style="@primary",
            name="#to_title",
        )

    def back(self) -> None:
        if self.back_scene is not None:
            self.back_scene.overlay = None
            self.app.show(self.back_scene)

    def to_title(self) -> None:
        self.session.close()
        self.app.router.title()

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN:
            return False
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_ESCAPE):
            self.to_title()
            return True
        if event.key == pygame.K_b and self.back_scene is not None:
            self.back()
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        self._draw_table(surface)
        series = readout.chart_series(self.model)
        for key, title in (
            ("prestige", "Prestige"),
            ("budget", "Budget ($M/yr, rivals estimated)"),
            ("science", "Science"),
        ):
            readout.draw_chart(
                surface,
                self.layout[key],
                self.app.fonts,
                self.model,
                title,
                series[key],
                self.app.tooltips.add,
            )

    def _objectives_line(self, agency: str) -> str:
        mine = readout.objectives(self.model.view, agency)
        met = [str(o.get("name", "")) for o in mine if o.get("status") == "met"]
        if not mine:
            return "No objectives."
        return f"Objectives met: {len(met)} of {len(mine)}" + (
            " (" + "; ".join(met) + ")" if met else ""
        )

    def _draw_table(self, surface: pygame.Surface) -> None:
        rect = self.layout["table"]
        fonts = self.app.fonts
        pygame.draw.rect(surface, theme.PANEL, rect, border_radius=8)
        pygame.draw.rect(surface, theme.PANEL_EDGE, rect, 1, 8)
        rows = readout.score_rows(self.outcome)
        parts = readout.score_parts(self.outcome)
        columns = ["Agency", "Total", "Standing", *[p.replace("_", " ").title() for p in parts]]
        # The agency column takes two shares of the width (room for "(winner)"), the rest one.
        col_w = (rect.width - self.px(40)) // (len(columns) + 1)
        x0, y = rect.x + self.px(20), rect.y + self.px(14)
        left = [x0] + [x0 + (n + 1) * col_w for n in range(1, len(columns))]
        for n, name in enumerate(columns):
            img = fonts.render(name, 14, theme.MUTED, bold=True)
            surface.blit(img, (left[n], y))
        y += self.px(34)
        winners = set(self.outcome.get("winners", []))
        for agency, total, breakdown in rows:
            colour = theme.agency_colour(agency)
            name = self.model.agency_name(agency) + ("  (winner)" if agency in winners else "")
            standing = readout.standing_text(self.outcome, agency)
            cells = [name, f"{total:,}", standing]
            cells += [f"{breakdown.get(p, 0):+,}" for p in parts]
            for n, cell in enumerate(cells):
                img = fonts.render(cell, 15, colour if n == 0 else theme.TEXT, bold=n < 3)
                surface.blit(img, (left[n], y))
                tip = (
                    readout.score_tip(agency, parts[n - 3], breakdown)
                    if n >= 3
                    else (
                        f"{self.model.agency_name(agency)}: {total:,} points in all, "
                        f"a standing of {standing} (its share of the prestige over its "
                        "budget's share of the field's means)\n" + self._objectives_line(agency)
                    )
                )
                width = (2 if n == 0 else 1) * col_w
                self.app.tooltips.add(pygame.Rect(left[n], y, width, self.px(28)), tip)
            y += self.px(30)
