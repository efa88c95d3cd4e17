"""The game screen: the Moon, the agency's panels, the orders, the turn report and the chat.

Layout (all lengths scale with the window): a top bar with the date, the money, prestige,
support and science (each with a tooltip), who has ended the turn and the deadline; the Moon
(or the tech tree) on the left; tabbed panels on the right - Budget, Missions, Tech,
Diplomacy, Stations, News; under them the orders bar with End turn; the chat in the lower
left. The same screen shows a replay, read-only, with a step bar instead of the orders.

Keys: 1-6 or B M T D S N switch panels; E or Ctrl+Enter ends the turn; C chats; R shows the
last turn's report; G the charts; F1 this help; arrows / wheel / Home F P move the globe;
Ctrl+Z takes back the last change to the orders, which are always listed over the Moon.
While the chat line is focused it owns the keys; Enter sends, Esc or a click elsewhere leaves
it and the shortcuts work again. A window (report, help) scrolls with the wheel, the arrows,
PageUp / PageDown, Home / End and by dragging its text. Ending a turn with no orders, or with
money the turn's end would take away, asks first (once; the `confirm_end_turn` setting
turns it off).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from game.client import panels, readout, standing, theme
from game.client.moon_view import Marker, MoonView
from game.client.orders_list import OrdersList
from game.client.scene import Scene
from game.client.techtree import TechTreeView
from game.client.widgets import TextScroller, button, escape, hex_colour, label, text_box
from game.rules import Answer, unspent_money_lost

if TYPE_CHECKING:
    from game.client.app import App
    from game.client.match import MatchModel
    from game.client.replay_viewer import ReplaySession
    from game.client.session import MatchSession

TABS = (
    ("budget", "Budget", pygame.K_b),
    ("missions", "Missions", pygame.K_m),
    ("tech", "Tech", pygame.K_t),
    ("diplomacy", "Diplomacy", pygame.K_d),
    ("stations", "Stations", pygame.K_s),
    ("news", "News", pygame.K_n),
)

HELP = [
    ("1-6, B M T D S N", "switch panel: budget, missions, tech, diplomacy, stations, news"),
    ("E  or  Ctrl+Enter", "end the turn (again to take it back while others plan)"),
    ("Up / Down, PageUp / PageDown", "scroll the turn report or this list (or drag the text)"),
    ("R", "the report of the last turn"),
    ("G", "charts: prestige, budget and science over time"),
    ("C", "type in the chat (Enter sends, Esc leaves)"),
    ("Ctrl+Z", "take back the last change to your orders"),
    ("Arrows, wheel, drag", "turn and zoom the Moon, or move around the tech tree"),
    ("Home / F / P", "near side / far side / south pole, close up"),
    ("Ctrl+M", "sound off / on (M on screens where M is free)"),
    ("PageUp / PageDown", "replays: a turn back / forward (Ctrl: to the start / end)"),
    ("V", "replays: change whose view you watch"),
    ("F11 / F12", "full screen / screenshot"),
    ("Esc", "close a window; otherwise the menu"),
]
LIVE_ONLY_KEYS = ("E  or  Ctrl+Enter", "C")  # keys of a match in play, not of a replay
REPLAY_ONLY_KEYS = ("PageUp / PageDown", "V")
# What the menu says over a replay (there is no seat to leave or keep).
REPLAY_MENU = (
    "You are watching a recorded match: nothing you do here changes it. Leave to go back "
    "to the title screen; the replay file stays where it is, to watch again."
)


class GameScene(Scene):
    """Plays (or replays) one match."""

    title = "Lunar Race"

    def __init__(self, app: App, session: MatchSession | ReplaySession) -> None:
        super().__init__(app)
        self.session = session
        self.replay_session = session if session.replay else None
        self.live = None if session.replay else session
        content = session.model.content
        theme.AGENCY_COLOURS.update(readout.agency_colours(content))
        self.tab = "budget"
        self.moon = MoonView(app.fonts, on_pick=self.pick_site)
        self.tree = TechTreeView(
            content.techs,
            content.branches,
            app.fonts,
            on_select=self.pick_tech,
            unlocks=readout.tech_unlocks(content),
        )
        self.tree_fitted = False
        self.selected_tech: str | None = None
        self.selected_site: str | None = None
        # "report", "help", "menu", "charts", "confirm" (ending the turn) or None
        self.overlay: str | None = None
        self.report_turn = -1
        self._built_change = -1
        self._built_view: tuple[int, int] = (-1, -1)  # (views received, version)
        self._built_final = False
        self._built_problems: list[dict[str, object]] = []
        self._panel: pygame_gui.elements.UIScrollingContainer | None = None
        self._orders_box: pygame_gui.elements.UITextBox | None = None
        self.chat_entry: pygame_gui.elements.UITextEntryLine | None = None
        self._chat_box: pygame_gui.elements.UITextBox | None = None
        self._chat_count = -1
        self._chat_text = ""  # a half-typed chat line, kept while a window is open
        self._chat_focused = False
        self._swallow_text: str | None = None  # the letter of the key that opened the chat
        self._tab_scroll: dict[str, float] = {}  # each panel's own scroll position
        self._panel_tab: str | None = None  # the tab the panel was built for
        self._text_scroll: TextScroller | None = None  # the open window's text
        self._text_shown: tuple[str, int] | None = None  # (window, report turn) it shows
        self._seen_change = -1
        self._shade: pygame.Surface | None = None  # dims the screen under a window
        self._worries: list[str] = []  # why ending the turn now asks first
        self._asked: tuple[int, tuple[str, ...]] | None = None  # (version, draft) asked about
        self._over_shown = False
        self._timer_text = ""
        self.layout: dict[str, pygame.Rect] = {}
        self.budget_line: pygame_gui.elements.UITextBox | None = None
        self._markers_key: tuple[int, int] | None = None
        self._markers: tuple[list[Marker], list[Marker]] = ([], [])
        self.amounts: dict[tuple[str, str], int] = {}  # payments sized with - and +
        self.orders_list = OrdersList(self)
        self._waiting_count: tuple[tuple[int, int], int] = ((0, -1), 0)

    @property
    def model(self) -> MatchModel:
        return self.session.model

    @property
    def replay(self) -> bool:
        return self.replay_session is not None

    # -- layout -----------------------------------------------------------------------------
    def _layout(self) -> dict[str, pygame.Rect]:
        w, h = self.size
        px = self.px
        top = px(54)
        side = max(px(430), int(w * 0.38))
        bottom_bar = px(58)
        main = pygame.Rect(0, top, w - side, h - top)
        right = pygame.Rect(w - side, top, side, h - top)
        tabs = pygame.Rect(right.x, right.y, right.width, px(36))
        body = pygame.Rect(
            right.x, tabs.bottom, right.width, right.height - tabs.height - bottom_bar
        )
        orders = pygame.Rect(right.x, body.bottom, right.width, bottom_bar)
        chat_h = px(150)
        chat = pygame.Rect(
            main.x + px(8), main.bottom - chat_h - px(8), min(px(420), main.width // 2), chat_h
        )
        return {
            "top": pygame.Rect(0, 0, w, top),
            "main": main,
            "right": right,
            "tabs": tabs,
            "body": body,
            "orders": orders,
            "chat": chat,
        }

    def build(self) -> None:
        # What the player was doing survives the rebuild: a half-typed chat line, each
        # panel's scroll position, how far down the open window was read.
        if self.chat_entry is not None:  # read even once the rebuild has let go of it
            self._chat_text = self.chat_entry.get_text()
            self._chat_focused = self.chat_entry.is_focused
        if self._panel is not None and self._panel_tab is not None:
            self._tab_scroll[self._panel_tab] = self._panel_scroll()
        self._panel = None
        self._built_change = self.model.changed
        self._built_view = self._view_key()
        self._built_final = self.model.final
        self.layout = lay = self._layout()
        self.moon.fonts = self.tree.fonts = self.app.fonts
        self.moon.set_rect(lay["main"])
        self.moon.keep_clear = [] if self.replay else [lay["chat"]]
        self.tree.set_rect(lay["main"])
        if not self.tree_fitted:
            self.tree.fit()
            self.tree_fitted = True
        if self.overlay is not None:
            # A window is open: only its widgets, so nothing draws over it; the chat line
            # gives up the keys (its text waits).
            self.chat_entry = None
            self._chat_focused = False
            self._build_overlay()
            return
        self._text_scroll = self._text_shown = None
        tab_w = lay["tabs"].width // len(TABS)
        for n, (key, name, _k) in enumerate(TABS):
            rect = pygame.Rect(lay["tabs"].x + n * tab_w, lay["tabs"].y, tab_w, lay["tabs"].height)
            waiting = self._waiting() if key == "diplomacy" else 0
            button(
                self.ui,
                rect,
                name,
                partial(self.set_tab, key),
                style="@primary" if key == self.tab else "@tab",
                name=f"#tab_{key}",
                tip=f"{name} panel ({n + 1} or {pygame.key.name(_k).upper()})"
                + (f"\n{waiting} proposal(s) wait for your answer" if waiting else ""),
            )
        self._build_orders_bar()
        if not self.replay:  # a replay has no one to talk to
            self._build_chat()
        self._build_panel(self._tab_scroll.get(self.tab, 0.0))
        self.orders_list.build(lay["main"])
        if self.chat_entry is not None and self._chat_text:
            self.chat_entry.set_text(self._chat_text)
        if self._chat_focused and self.chat_entry is not None:
            self.focus_chat()

    def _panel_scroll(self) -> float:
        bar = getattr(self._panel, "vert_scroll_bar", None)
        return float(bar.start_percentage) if bar is not None else 0.0

    def _build_panel(self, scroll: float | None = None) -> None:
        if scroll is None:
            scroll = self._panel_scroll()
        if self._panel is not None:
            self._panel.kill()
        body = self.layout["body"]
        self._panel = pygame_gui.elements.UIScrollingContainer(
            body, self.ui, allow_scroll_x=False, object_id="#panel"
        )
        ctx = panels.PanelContext(self, self._panel, body.width - self.px(18))
        height = panels.build(self.tab, ctx)
        self._panel.set_scrollable_area_dimensions((body.width - self.px(18), max(height, 10)))
        bar = self._panel.vert_scroll_bar
        if bar is not None and scroll > 0:
            bar.set_scroll_from_start_percentage(scroll)
        self._panel_tab = self.tab
        self._built_change = self.model.changed
        self._built_view = self._view_key()
        self._built_final = self.model.final
        self._built_problems = list(self.model.problems)

    def _build_orders_bar(self) -> None:
        px = self.px
        bar = self.layout["orders"]
        if self.replay_session is not None:
            session = self.replay_session
            w = (bar.width - px(24)) // 5
            x = bar.x + px(8)
            for n, (text, fn, tip) in enumerate(
                (
                    ("|<", lambda: session.jump(0), "To the start (Ctrl+PageUp)"),
                    ("< Turn", lambda: session.step(-1), "A turn back (PageUp)"),
                    ("Turn >", lambda: session.step(1), "A turn forward (PageDown)"),
                    (">|", lambda: session.jump(10**6), "To the end (Ctrl+PageDown)"),
                    ("View: V", self.next_perspective, "Watch as the next agency, or spectator"),
                )
            ):
                button(
                    self.ui,
                    pygame.Rect(x + n * (w + px(2)), bar.y + px(10), w, px(38)),
                    text,
                    fn,
                    tip=tip,
                    name=f"#replay_{n}",
                )
            return
        if self.model.outcome is not None:
            button(
                self.ui,
                pygame.Rect(bar.right - px(190), bar.y + px(9), px(180), px(40)),
                "Final scores  [Enter]",
                self.show_end,
                style="@primary",
                name="#final_scores",
                tip="Scores with their breakdown, and charts of the whole match.",
            )
            return
        if not self.session.can_act:
            return
        final = self.model.final
        button(
            self.ui,
            pygame.Rect(bar.right - px(170), bar.y + px(9), px(160), px(40)),
            "Take back  [E]" if final else "End turn  [E]",
            self.reopen_turn if final else self.end_turn,
            style=None if final else "@primary",
            name="#end_turn",
            tip="Orders stay secret until every agency has ended the turn or time runs out.",
        )

    def _build_chat(self) -> None:
        rect = self.layout["chat"]
        px = self.px
        self._chat_box = None
        if self.tab != "tech":  # over the tree only the line to type in stays
            self._chat_box = self._build_chat_log(rect)
        watching = self._watching
        self.chat_entry = pygame_gui.elements.UITextEntryLine(
            pygame.Rect(rect.x, rect.bottom - px(32), rect.width, px(32)),
            self.ui,
            object_id="#chat",
            placeholder_text="Spectators read the chat; players write" if watching else "Chat (C)",
        )
        self.chat_entry.set_text_length_limit(500)
        if watching:
            self.chat_entry.disable()

    def _build_chat_log(self, rect: pygame.Rect) -> pygame_gui.elements.UITextBox:
        px = self.px
        box = text_box(
            self.ui,
            pygame.Rect(rect.x, rect.y, rect.width, rect.height - px(34)),
            self._chat_html(),
            name="#chat_log",
        )
        self._chat_count = len(self.model.chat)
        if box.scroll_bar is not None:
            box.scroll_bar.set_scroll_from_start_percentage(1.0)
        return box

    def _chat_html(self) -> str:
        lines = []
        for line in self.model.chat[-30:]:
            colour = hex_colour(theme.agency_colour(line.seat))
            lines.append(
                f"<font color='{colour}'><b>{escape(line.sender)}</b></font> {escape(line.text)}"
            )
        empty = "The players' chat shows here" if self._watching else "Chat: press C"
        return "<br>".join(lines) or f"<font color='#8a96ad'><i>{empty}</i></font>"

    @property
    def _watching(self) -> bool:
        """A spectator of a live match (not a replay): reads, never orders or writes."""
        return self.model.seat is None and self.replay_session is None

    # -- overlays (report, help, menu, charts) ----------------------------------------------
    def _build_overlay(self) -> None:
        if self.overlay is None:
            return
        w, h = self.size
        px = self.px
        tall = px(320) if self.overlay == "confirm" else px(600)  # a question is short
        rect = pygame.Rect(0, 0, min(w - px(80), px(760)), min(h - px(100), tall))
        rect.center = (w // 2, h // 2 + px(20))
        self.layout["overlay"] = rect
        if self.overlay == "charts":
            rect = pygame.Rect(px(30), px(70), w - px(60), h - px(100))
            self.layout["overlay"] = rect
            button(
                self.ui,
                pygame.Rect(rect.right - px(130), rect.bottom - px(50), px(120), px(40)),
                "Close  [Esc]",
                self.close_overlay,
                name="#close_overlay",
            )
            return
        if self.overlay == "report":
            html = readout.report_html(self.model, self.report_turn)
            title = f"Turn report: {self.model.date(max(0, self.report_turn - 1))}"
        elif self.overlay == "help":
            html = "<br>".join(
                f"<font color='#f0c060'><b>{escape(k)}</b></font>   {escape(v)}"
                for k, v in HELP
                if k not in (LIVE_ONLY_KEYS if self.replay else REPLAY_ONLY_KEYS)
            ) + readout.victory_html(self.model)
            title = "Keys"
        elif self.overlay == "confirm":
            html = "<br><br>".join(escape(line) for line in self._worries)
            title = "End the turn?"
        elif self.replay:
            html, title = REPLAY_MENU, "Menu"
        else:
            html = (
                "This game is kept after every turn: Continue on the title screen goes on "
                "from where you leave it."
                if self.live is not None and self.live.local
                else "The match goes on without you if you leave: the AI plays your seat "
                "until you come back with Rejoin in the server's room list."
            )
            title = "Menu"
        label(
            self.ui,
            pygame.Rect(rect.x + px(16), rect.y + px(8), rect.width - px(32), px(34)),
            title,
            style="@heading",
        )
        box = text_box(
            self.ui,
            pygame.Rect(
                rect.x + px(12), rect.y + px(46), rect.width - px(24), rect.height - px(110)
            ),
            html,
            name=f"#{self.overlay}_text",
        )
        shown = (self.overlay, self.report_turn)
        position = self._text_scroll.position if self._text_scroll is not None else 0.0
        self._text_scroll = TextScroller(box, px(20))
        if shown == self._text_shown:
            self._text_scroll.scroll_to(position)
        self._text_shown = shown
        if self.overlay == "menu":
            button(
                self.ui,
                pygame.Rect(rect.x + px(16), rect.bottom - px(54), px(200), px(42)),
                "Leave to the title",
                self.leave_game,
                style="@danger",
                name="#leave",
            )
            button(
                self.ui,
                pygame.Rect(rect.x + px(226), rect.bottom - px(54), px(150), px(42)),
                "Settings",
                lambda: self.app.router.settings(back=lambda: self.app.show(self)),
                name="#settings",
            )
        if self.overlay == "confirm":
            button(
                self.ui,
                pygame.Rect(rect.x + px(16), rect.bottom - px(54), px(230), px(42)),
                "End the turn  [Enter]",
                self.confirm_end_turn,
                style="@primary",
                name="#confirm_end_turn",
                tip="End the turn as it is; you will not be asked again for these orders.",
            )
        if self.model.outcome is not None and self.overlay == "report":
            button(
                self.ui,
                pygame.Rect(rect.x + px(16), rect.bottom - px(54), px(220), px(42)),
                "Final scores  [Enter]",
                self.show_end,
                style="@primary",
                name="#final",
            )
        button(
            self.ui,
            pygame.Rect(rect.right - px(176), rect.bottom - px(54), px(160), px(42)),
            "Keep planning  [Esc]" if self.overlay == "confirm" else "Close  [Esc]",
            self.close_overlay,
            name="#close_overlay",
        )

    def open_overlay(self, which: str) -> None:
        self.overlay = which
        self.app.rebuild()

    def close_overlay(self) -> None:
        self.overlay = None
        self.app.rebuild()

    # -- actions ----------------------------------------------------------------------------
    def set_tab(self, tab: str) -> None:
        """Show another panel, at the scroll position it was left at."""
        if tab != self.tab:
            self.tab = tab
            self.app.rebuild()

    def pick_site(self, site: str) -> None:
        self.selected_site = site
        if self.tab not in ("missions", "stations"):
            self.tab = "missions"
        self.app.rebuild()

    def pick_tech(self, tech: str) -> None:
        self.selected_tech = tech
        self._build_panel()

    def orders_changed(self, *, rebuild: bool = True) -> None:
        """The draft changed: show it, and let the server check it shortly."""
        self.session.draft_changed()
        if self.overlay is not None:
            self.app.rebuild()  # a window is open (an answer from the report): only it shows
        elif rebuild:
            self._build_panel()
        elif self.budget_line is not None and self.budget_line.alive():
            self.budget_line.set_text(panels.budget_html(self.model))
        self.orders_list.refresh()
        self._built_change = self.model.changed

    def undo(self) -> None:
        """Ctrl+Z: the orders as they were before the last change."""
        if self.session.can_act and not self.model.final and self.model.undo():
            self.orders_changed()

    def reopen_turn(self) -> None:
        if self.live is not None:
            self.live.reopen_turn()

    def end_turn(self) -> None:
        """End the turn; first ask, once for the same orders, if it gives none or lets money
        go to waste (unless the player turned the question off)."""
        if not self.session.can_act:
            return
        asked_about = (self.model.version, tuple(repr(c) for c in self.model.draft))
        if self.app.settings.confirm_end_turn and asked_about != self._asked:
            self._worries = self.end_turn_worries()
            if self._worries:
                self._asked = asked_about
                self.open_overlay("confirm")
                return
        self.session.end_turn()

    def confirm_end_turn(self) -> None:
        """The player saw what worried the question and ends the turn anyway."""
        self._asked = (self.model.version, tuple(repr(c) for c in self.model.draft))
        self.overlay = None
        self.app.rebuild()
        self.end_turn()

    def end_turn_worries(self) -> list[str]:
        """What the player may not mean by ending the turn now, in words; empty if nothing."""
        model = self.model
        worries = []
        if not model.draft:
            worries.append(
                "You give no orders this turn: no research, no funding, no missions, no proposals."
            )
        lost = unspent_money_lost(model.content, model.view, model.draft) if model.view else 0
        if lost > 0:
            last = int(model.view.get("turn", 0)) >= int(model.view.get("last_turn", 10**9))
            worries.append(
                f"${lost:,}M left unspent will be lost: "
                + (
                    "this is the match's last turn."
                    if last
                    else "the treasury holds at most "
                    f"{model.content.rule('economy').treasury_cap:g} yearly budgets once this "
                    "turn's income arrives."
                )
            )
        if worries:
            worries.append("Enter or E ends the turn as it is; Esc goes back to planning.")
        return worries

    def next_perspective(self) -> None:
        if self.replay_session is not None:
            self.replay_session.next_perspective()
            self.app.rebuild()

    def show_end(self) -> None:
        self.app.router.end(self.session, back=self)

    def leave_game(self) -> None:
        self.session.close()
        self.app.router.title()

    def send_chat(self) -> None:
        if self.chat_entry is None:
            return
        text = self.chat_entry.get_text()
        self.chat_entry.set_text("")
        self._chat_text = ""
        self.leave_chat()
        self.session.chat(text)

    def focus_chat(self) -> None:
        """Give the chat line the keys (through the widget manager, so that it knows)."""
        entry = self.chat_entry
        if entry is not None and entry.alive() and entry.is_enabled and self.overlay is None:
            self.ui.set_focus_set(entry)

    def leave_chat(self) -> None:
        """Take the keys back from the chat line: the shortcuts work again."""
        self._chat_focused = False
        if self._typing():
            self.ui.set_focus_set(None)

    # -- events -----------------------------------------------------------------------------
    def on_ui_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.chat_entry:
            self.send_chat()
        if event.type == pygame_gui.UI_TEXT_BOX_LINK_CLICKED:
            self._answer_link(str(event.link_target))

    def _answer_link(self, target: str) -> None:
        """A report's Accept or Decline link: that answer goes on the orders."""
        if not target.startswith(readout.ANSWER_LINK) or not self.session.can_act:
            return
        pid, _, accept = target[len(readout.ANSWER_LINK) :].rpartition(":")
        answer = next(
            (
                a
                for a in self.model.legal_of(Answer)
                if a.proposal == pid and a.accept == (accept == "1")
            ),
            None,
        )
        if answer is not None:
            self.model.add_order(answer)
            self.orders_changed()

    def intercept(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.TEXTINPUT and self._swallow_text is not None:
            # The letter of the key that opened the chat is not part of the message.
            letter, self._swallow_text = self._swallow_text, None
            if event.text.lower() == letter:
                return True
        if self._typing():
            if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
                self.leave_chat()
                return True
            entry = self.chat_entry
            if event.type == pygame.MOUSEBUTTONDOWN and not (
                entry is not None and entry.rect.collidepoint(event.pos)
            ):
                self.leave_chat()  # and the click goes where it was aimed
            return False
        confirms = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_e)
        if self.overlay == "confirm" and event.type == pygame.KEYDOWN and event.key in confirms:
            self.confirm_end_turn()
            return True
        if self._text_scroll is not None and self.overlay is not None:
            return self._text_scroll.handle(event)
        return False

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if self._typing():
                return False
            if self._key(event):
                return True
        if self.overlay is not None:
            return False
        view = self.tree if self.tab == "tech" else self.moon
        return view.handle_event(event)

    def _typing(self) -> bool:
        """Whether a text field has the keys (then no key is a shortcut)."""
        focused = self.ui.get_focus_set() or ()
        return any(
            isinstance(e, pygame_gui.elements.UITextEntryLine) and e.alive() and e.is_focused
            for e in focused
        )

    def _key(self, event: pygame.event.Event) -> bool:
        key, mods = event.key, event.mod
        if key == pygame.K_ESCAPE:
            if self.overlay is not None:
                self.close_overlay()
            else:
                self.open_overlay("menu")
            return True
        if (
            key in (pygame.K_RETURN, pygame.K_KP_ENTER)
            and self.overlay in ("report", None)
            and self.model.outcome is not None
        ):
            self.show_end()
            return True
        if key in (pygame.K_F1, pygame.K_QUESTION, pygame.K_SLASH):
            self.open_overlay("help")
            return True
        if key == pygame.K_r:
            self.report_turn = self.model.turn
            self.open_overlay("report")
            return True
        if key == pygame.K_g:
            self.open_overlay("charts")
            return True
        if key == pygame.K_z and mods & pygame.KMOD_CTRL:
            self.undo()
            return True
        if key == pygame.K_c and self.chat_entry is not None and self.overlay is None:
            self.focus_chat()
            self._swallow_text = (event.unicode or "c").lower()
            return True
        end = key == pygame.K_e or (
            key in (pygame.K_RETURN, pygame.K_KP_ENTER) and mods & pygame.KMOD_CTRL
        )
        if end and self.session.can_act:
            if self.model.final:
                self.reopen_turn()
            else:
                self.end_turn()
            return True
        for n, (tab, _name, letter) in enumerate(TABS):
            if key in (pygame.K_1 + n, letter):
                self.set_tab(tab)
                return True
        if self.replay_session is not None:
            session = self.replay_session
            if key in (pygame.K_PAGEUP, pygame.K_COMMA):
                if mods & pygame.KMOD_CTRL:
                    session.jump(0)
                else:
                    session.step(-1)
                return True
            if key in (pygame.K_PAGEDOWN, pygame.K_PERIOD):
                if mods & pygame.KMOD_CTRL:
                    session.jump(10**6)
                else:
                    session.step(1)
                return True
            if key == pygame.K_v:
                self.next_perspective()
                return True
        return False

    # -- the frame --------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        # A key's letter arrives with the key, in the same batch of events, or not at all.
        self._swallow_text = None
        kinds = self.session.poll(dt)
        for level, text in self.session.notices:
            colour = {"bad": theme.BAD, "good": theme.GOOD, "warn": theme.WARN}.get(
                level, theme.TEXT
            )
            self.app.toast(text, colour, 5.0)
        self.session.notices.clear()
        model = self.model
        self.moon.update(dt)
        if "turn" in kinds and model.turn > 0 and not self.replay:
            self.app.sounds.turn_resolved(model.room, model.turn, model.events, model.seat)
        if model.changed != self._seen_change:
            self._seen_change = model.changed
            self.app.wake()
        if "turn" in kinds and self.live is not None and standing.queue(model):
            self.session.draft_changed()  # the standing orders of the new turn
        if (
            "turn" in kinds
            and model.turn > 0
            and model.turn != self.report_turn
            and not self.replay
        ):
            self.report_turn = model.turn
            self.overlay = "report"
            self.app.rebuild()
            return
        if model.outcome is not None and not self._over_shown and not self.replay:
            self._over_shown = True
            self.report_turn = model.turn
            self.overlay = "report"
            self.app.rebuild()
            return
        if self._view_key() != self._built_view or (
            self.replay and model.changed != self._built_change
        ):
            if self.live is not None and standing.queue(model):
                self.session.draft_changed()
            self.app.rebuild()
            return
        if model.changed != self._built_change:
            self._built_change = model.changed
            self._refresh_dynamic()

    def next_frame(self) -> float | None:
        """The globe moving, a flight on its way, the deadline's clock and the chat line's
        cursor change the picture by themselves; otherwise it waits for input or news."""
        if self.moon.moving:
            return 0.0
        waits = []
        if self.overlay is None and self.tab != "tech" and self.moon.animated:
            waits.append(1 / 10)
        if self._typing():
            waits.append(0.4)
        left = self.model.seconds_left()
        if left is not None and left <= 86400 and self.model.outcome is None:
            waits.append(1.0)
        return min(waits, default=None)

    def _view_key(self) -> tuple[int, int]:
        return (len(self.model.history), self.model.version)

    def _refresh_dynamic(self) -> None:
        """Things that change within a turn: chat, seats' status, the server's check of the
        draft. The top bar and the orders bar are drawn each frame; of the widgets, the chat
        log changes in place and only a change of the End turn button rebuilds them."""
        if self._chat_box is not None and len(self.model.chat) != self._chat_count:
            self._chat_count = len(self.model.chat)
            self._chat_box.set_text(self._chat_html())
            if self._chat_box.scroll_bar is not None:
                self._chat_box.scroll_bar.set_scroll_from_start_percentage(1.0)
        if self.model.problems != self._built_problems and self.overlay is None:
            # The server's verdict on the draft came: refused orders turn red in place.
            self._build_panel()
            self.orders_list.refresh()
        if self.model.final != self._built_final:
            self.app.rebuild()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        # Under an open window nothing explains itself: its tips would cover the window.
        add_tip = self.app.tooltips.add if self.overlay is None else _no_tip
        main = self.layout["main"]
        if self.tab == "tech":
            self.tree.set_status(readout.tech_status(self.model))
            self.tree.draw(surface)
            if self.tree.hovered is not None:
                add_tip(
                    self.tree.node_screen_rect(self.tree.hovered).clip(main),
                    self.tree.tooltip(self.tree.hovered),
                )
        else:
            key = (id(self.model), self.model.changed)
            if self._markers_key != key:
                self._markers_key = key
                self._markers = readout.moon_markers(self.model)
            self.moon.set_markers(*self._markers)
            self.moon.selected_site = self.selected_site
            self.moon.draw(surface, add_tip)
        pygame.draw.rect(surface, theme.PANEL, self.layout["right"])
        pygame.draw.line(
            surface, theme.PANEL_EDGE, self.layout["right"].topleft, self.layout["right"].bottomleft
        )
        readout.draw_top_bar(
            surface,
            self.layout["top"],
            self.app.fonts,
            self.model,
            add_tip,
            replay=self.replay,
            session=self.session,
        )
        self.orders_list.draw(surface)
        self._draw_orders_summary(surface, add_tip)
        self._draw_connection(surface)
        self._draw_overlay_frame(surface)

    def _draw_orders_summary(self, surface: pygame.Surface, add_tip: readout.Tip) -> None:
        bar = self.layout["orders"]
        pygame.draw.rect(surface, (12, 17, 31), bar)
        pygame.draw.line(surface, theme.PANEL_EDGE, bar.topleft, bar.topright)
        fonts = self.app.fonts
        pad = self.px(12)
        if self.replay:
            return
        lines = readout.orders_summary(self.model)
        y = bar.y + self.px(8)
        room = bar.width - pad - self.px(180)  # the End turn button sits on the right
        for text, colour in lines[:2]:
            img = fonts.render(text, 13, colour)
            if img.get_width() > room:
                img = img.subsurface((0, 0, max(1, room), img.get_height()))
            surface.blit(img, (bar.x + pad, y))
            y += img.get_height()
        add_tip(
            pygame.Rect(bar.x, bar.y, bar.width - self.px(180), bar.height),
            readout.orders_tooltip(self.model),
        )

    def _draw_connection(self, surface: pygame.Surface) -> None:
        state = getattr(self.session, "connection", "online")
        if state == "online" and not getattr(self.session, "kicked", False):
            return
        text = (
            "Seat lost"
            if getattr(self.session, "kicked", False)
            else (
                "Connection lost - reconnecting with your seat token..."
                if state == "lost"
                else f"Disconnected ({state})"
            )
        )
        img = self.app.fonts.render(text, 16, (255, 255, 255), bold=True)
        main = self.layout["main"]
        box = img.get_rect(midtop=(main.centerx, main.y + self.px(10))).inflate(
            self.px(30), self.px(14)
        )
        pygame.draw.rect(surface, (125, 40, 51), box, border_radius=6)
        pygame.draw.rect(surface, (255, 107, 107), box, 2, 6)
        surface.blit(img, img.get_rect(center=box.center))

    def _draw_overlay_frame(self, surface: pygame.Surface) -> None:
        """Dims the screen under an overlay window and draws its frame and, for the charts,
        its plots; the window's widgets (its Close button) are drawn on top."""
        rect = self.layout.get("overlay")
        if self.overlay is not None and rect is not None:
            if self._shade is None or self._shade.get_size() != surface.get_size():
                self._shade = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
                self._shade.fill((0, 0, 0, 140))
            surface.blit(self._shade, (0, 0))
            pygame.draw.rect(surface, theme.PANEL, rect, border_radius=8)
            pygame.draw.rect(surface, theme.ACCENT, rect, 2, 8)
            if self.overlay == "charts":
                readout.draw_charts(
                    surface, rect, self.app.fonts, self.model, self.app.tooltips.add
                )

    def draw_overlay(self, surface: pygame.Surface) -> None:
        """Drawn over the widgets: the inbox badge on the Diplomacy tab."""
        if self.overlay is None and not self.replay:
            self._draw_inbox_badge(surface)

    def _waiting(self) -> int:
        """Proposals waiting for an answer, counted again only when the model changes (the
        badge is drawn every frame)."""
        key = (id(self.model), self.model.changed)
        if self._waiting_count[0] != key:
            self._waiting_count = (key, readout.waiting_count(self.model))
        return self._waiting_count[1]

    def _draw_inbox_badge(self, surface: pygame.Surface) -> None:
        """The number of proposals waiting for an answer, on the Diplomacy tab's corner."""
        waiting = self._waiting()
        tabs = self.layout.get("tabs")
        if not waiting or tabs is None:
            return
        n = next(i for i, (key, _name, _k) in enumerate(TABS) if key == "diplomacy")
        tab_w = tabs.width // len(TABS)
        r = self.px(9)
        centre = (tabs.x + (n + 1) * tab_w - r - self.px(2), tabs.y + r + self.px(1))
        pygame.draw.circle(surface, theme.BAD, centre, r)
        img = self.app.fonts.render(str(waiting), 11, (255, 255, 255), bold=True)
        surface.blit(img, img.get_rect(center=centre))


def _no_tip(rect: pygame.Rect, text: str) -> None:
    """Where a tooltip would go for something hidden under a window: nowhere."""
