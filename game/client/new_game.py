"""New local game: choose an agency, which rivals play and how well, the length and the seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.client import theme
from game.client.scene import MenuScene
from game.client.widgets import (
    back_and_go,
    button,
    choices,
    entry_field,
    escape,
    label,
    text_box,
)

if TYPE_CHECKING:
    from game.client.app import App

LEVELS = ("easy", "normal", "hard")
LEVEL_NAMES = {"easy": "Easy", "normal": "Norm", "hard": "Hard"}  # on a rival's row
LEVEL_TIPS = {
    "easy": "Easy: greedy play with blunders.",
    "normal": "Normal: a sound heuristic player.",
    "hard": "Hard: searches ahead over the rules.",
}
LENGTHS: tuple[tuple[str, int | None], ...] = (
    ("Short: 10 turns (to 2025)", 10),
    ("Medium: 20 turns (to 2030)", 20),
    ("Full: to 2040", None),
)


@dataclass
class GameSetup:
    """What the player chose; `LocalGame` turns it into a room on the local server."""

    agency: str = "nasa"
    rivals: list[str] = field(default_factory=list)
    ai_level: str = "normal"  # every rival's level, but for those in `levels`
    levels: dict[str, str] = field(default_factory=dict)  # rivals at a level of their own
    turns: int | None = 20
    seed: int = 2021
    scenario: str = "2021"
    name: str = "Player"

    def seats(self) -> list[str]:
        return [self.agency, *[a for a in self.rivals if a != self.agency]]

    def level_of(self, rival: str) -> str:
        return self.levels.get(rival, self.ai_level)


class NewGameScene(MenuScene):
    """The setup screen before a local game; Enter starts, Esc goes back."""

    title = "Lunar Race - new game"
    moon_x = 0.85

    def __init__(self, app: App, setup: GameSetup | None = None) -> None:
        super().__init__(app)
        from game.rules import load_content

        self.content = load_content("2021")
        agencies = list(self.content.agencies)
        self.setup = setup or GameSetup(
            rivals=[a for a in agencies if a != "nasa"], name=app.settings.name
        )
        self.seed_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.error = ""

    def build(self) -> None:
        w, h = self.size
        px = self.px
        panel = pygame.Rect(px(40), px(30), min(w - px(80), px(780)), h - px(60))
        self.panel = panel
        x0, y = panel.x + px(24), panel.y + px(16)
        label(self.ui, pygame.Rect(x0, y, px(600), px(40)), "New local game", style="@heading")
        y += px(46)
        label(self.ui, pygame.Rect(x0, y, px(400), px(26)), "Your agency", style="@muted")
        y += px(28)
        col_w = px(300)
        for aid, agency in self.content.agencies.items():
            chosen = aid == self.setup.agency
            budget = f"${agency.budget / 1000:.1f}B a year"
            button(
                self.ui,
                pygame.Rect(x0, y, col_w, px(40)),
                f"{'>  ' if chosen else ''}{agency.name}  ({agency.country})",
                partial(self.choose, aid),
                tip=f"{agency.name}: {agency.note}\nBudget at the start: {budget}.",
                style="@primary" if chosen else None,
                name=f"#agency_{aid}",
            )
            y += px(46)
        note = self.content.agencies[self.setup.agency]
        text_box(
            self.ui,
            pygame.Rect(x0, y + px(6), col_w, max(px(60), panel.bottom - y - px(30))),
            f"<b>{escape(note.name)}</b><br>{escape(note.note)}<br><br>"
            f"Budget {note.budget:,} $M a year; support {note.support}.<br>"
            "The race is judged by standing: your share of the prestige earned over your "
            "budget's share of the field's means.<br><br><b>Objectives</b><br>"
            + "<br>".join(
                f"{escape(o.name)} <font color='#8a96ad'>by {o.by}, +{o.prestige} prestige"
                f"</font><br><i>{escape(o.text)}</i>"
                for o in self.content.objectives
                if o.agency == self.setup.agency
            ),
        )

        x1 = x0 + col_w + px(36)
        y = panel.y + px(62)
        label(
            self.ui,
            pygame.Rect(x1, y, px(500), px(26)),
            "Rival agencies (played by the AI)",
            style="@muted",
        )
        y += px(28)
        for aid, agency in self.content.agencies.items():
            if aid == self.setup.agency:
                continue
            playing = aid in self.setup.rivals
            button(
                self.ui,
                pygame.Rect(x1, y, px(186), px(34)),
                f"{agency.name}: {'racing' if playing else 'stays home'}",
                partial(self.toggle, aid),
                tip="Click to take this agency in or out of the match.",
                style=None if playing else "@danger",
                name=f"#rival_{aid}",
            )
            if playing:
                self._levels(
                    pygame.Rect(x1 + px(192), y, px(60), px(34)),
                    self.setup.level_of(aid),
                    partial(self.set_level, rival=aid),
                    f"level_{aid}",
                )
            y += px(40)
        y += px(10)
        label(
            self.ui, pygame.Rect(x1, y, px(300), px(26)), "AI level of every rival", style="@muted"
        )
        y += px(28)
        self._levels(
            pygame.Rect(x1, y, px(98), px(34)),
            self.setup.ai_level if not self.setup.levels else "",
            self.set_level,
            "level",
        )
        y += px(48)
        label(self.ui, pygame.Rect(x1, y, px(300), px(26)), "Length", style="@muted")
        y += px(28)
        choices(
            self.ui,
            pygame.Rect(x1, y, px(310), px(32)),
            (0, px(38)),
            LENGTHS,
            self.setup.turns,
            self.set_turns,
            prefix="length",
            tip="One turn is half a year, starting in 2021.",
        )
        y += px(38) * len(LENGTHS) + px(8)
        self.seed_entry = entry_field(
            self.ui,
            pygame.Rect(x1, y, px(120), px(30)),
            pygame.Rect(x1 + px(70), y, px(150), px(32)),
            "Seed",
            str(self.setup.seed),
            "#seed",
        )
        self.seed_entry.set_allowed_characters("numbers")
        button(
            self.ui,
            pygame.Rect(x1 + px(228), y, px(82), px(32)),
            "Dice",
            self.reroll,
            tip="A new random seed.",
        )
        y += px(52)
        back_and_go(
            self.ui,
            (x1, y),
            (px(150), px(150), px(44)),
            self.back,
            "Start  [Enter]",
            self.start,
            name="#start",
            tip="Start the local server and play.",
        )
        if self.error:
            label(self.ui, pygame.Rect(x1, y + px(50), px(600), px(26)), self.error)

    # -- choices ----------------------------------------------------------------------------
    def _read_seed(self) -> None:
        if self.seed_entry is not None:
            text = self.seed_entry.get_text().strip()
            if text.isdigit():
                self.setup.seed = int(text)

    def _rebuild(self) -> None:
        self._read_seed()
        self.app.rebuild()

    def choose(self, agency: str) -> None:
        old = self.setup.agency
        self.setup.agency = agency
        rivals = [a for a in self.setup.rivals if a != agency]
        if old not in rivals:
            rivals.append(old)
        self.setup.rivals = [a for a in self.content.agencies if a in rivals]
        self._rebuild()

    def toggle(self, agency: str) -> None:
        if agency in self.setup.rivals:
            if len(self.setup.rivals) > 1:
                self.setup.rivals.remove(agency)
        else:
            self.setup.rivals = [
                a for a in self.content.agencies if a in (*self.setup.rivals, agency)
            ]
        self._rebuild()

    def _levels(
        self, first: pygame.Rect, chosen: str, pick: Callable[[str], None], prefix: str
    ) -> None:
        """Easy, Normal and Hard side by side, `chosen` highlighted."""
        choices(
            self.ui,
            first,
            (first.width + self.px(4), 0),
            [
                (LEVEL_NAMES[level] if first.width < self.px(90) else level.title(), level)
                for level in LEVELS
            ],
            chosen,
            pick,
            prefix=prefix,
            tips=LEVEL_TIPS,
        )

    def set_level(self, level: str, rival: str | None = None) -> None:
        """One rival's level, or (no rival) every rival's."""
        if rival is None:
            self.setup.ai_level = level
            self.setup.levels = {}
        elif level == self.setup.ai_level:
            self.setup.levels.pop(rival, None)
        else:
            self.setup.levels[rival] = level
        self._rebuild()

    def set_turns(self, turns: int | None) -> None:
        self.setup.turns = turns
        self._rebuild()

    def reroll(self) -> None:
        self.setup.seed = random.randrange(1, 10**6)
        if self.seed_entry is not None:
            self.seed_entry.set_text(str(self.setup.seed))

    def back(self) -> None:
        self.app.router.title()

    def start(self) -> None:
        self._read_seed()
        if not self.app.router.local_game(self.setup):
            self.error = "The local server could not start; see the message above."
            self.app.rebuild()

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.start()
            return True
        return super().handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        super().draw(surface)
        colour = theme.agency_colour(self.setup.agency)
        pygame.draw.rect(
            surface, colour, (self.panel.x, self.panel.y, self.px(4), self.panel.height)
        )
