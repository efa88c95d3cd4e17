"""Online play before the match: connect to a server, browse and create rooms, take a seat.

`BrowserScene` has three stages: the address form, the server's room list (with the lobby
chat and a form to create a room), and a room's lobby (seats, who is ready, the room chat,
ready / start). When the match starts - the server sends the first turn - it hands its
connection to the game screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui

from game.client import theme
from game.client.net_link import LinkError, NetLink
from game.client.scene import Scene
from game.client.widgets import (
    Backdrop,
    back_and_go,
    button,
    choices,
    entry_field,
    escape,
    hex_colour,
    label,
    panel_rect,
    text_box,
)
from game.net.client import SeatKey

if TYPE_CHECKING:
    from game.client.app import App

DEADLINES = (("1 min", 60.0), ("2 min", 120.0), ("5 min", 300.0), ("1 day", 86400.0))
TURNS: tuple[tuple[str, int | None], ...] = (("10 turns", 10), ("20 turns", 20), ("to 2040", None))
LEVELS = ("easy", "normal", "hard")


class BrowserScene(Scene):
    """Server address -> room list -> room lobby -> the game."""

    title = "Lunar Race - online"

    def __init__(
        self,
        app: App,
        *,
        url: str = "ws://127.0.0.1:8765",
        name: str = "Player",
        auto_connect: bool = False,
    ) -> None:
        super().__init__(app)
        from game.rules import load_content

        self.content = load_content("2021")
        self.url = url
        self.name = name
        self.link: NetLink | None = None
        self.rooms: list[dict[str, Any]] = []
        self.room: dict[str, Any] | None = None
        self.seat: SeatKey | None = None
        self.spectating = False
        self.host_token: str | None = None
        self.chat: list[str] = []
        self.status = ""
        self.creating = False
        self.form = {"deadline": 120.0, "turns": 20, "level": "normal", "public": True}
        self.backdrop = Backdrop()
        self._dt = 0.0
        self._pending_turn: dict[str, Any] | None = None
        self._handed_over = False
        self.url_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.name_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.chat_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.room_name_entry: pygame_gui.elements.UITextEntryLine | None = None
        if auto_connect:
            self.connect()

    # -- stages -----------------------------------------------------------------------------
    @property
    def stage(self) -> str:
        if self.link is None:
            return "address"
        return "room" if self.room is not None else "rooms"

    def build(self) -> None:
        w, h = self.size
        px = self.px
        self.panel = pygame.Rect(px(40), px(30), min(w - px(80), px(1100)), h - px(60))
        x, y = self.panel.x + px(24), self.panel.y + px(16)
        heading = {
            "address": "Join a server",
            "rooms": f"Rooms on {self.url}",
            "room": f"Room: {self.room['name'] if self.room else ''}",
        }[self.stage]
        label(self.ui, pygame.Rect(x, y, px(900), px(40)), heading, style="@heading")
        y += px(50)
        getattr(self, f"_build_{self.stage}")(x, y)
        if self.status:
            label(
                self.ui,
                pygame.Rect(x, self.panel.bottom - px(36), px(900), px(26)),
                self.status,
                style="@muted",
            )

    def _build_address(self, x: int, y: int) -> None:
        px = self.px
        self.url_entry = entry_field(
            self.ui,
            pygame.Rect(x, y, px(200), px(30)),
            pygame.Rect(x + px(160), y, px(400), px(34)),
            "Server address",
            self.url,
            "#url",
        )
        y += px(44)
        self.name_entry = entry_field(
            self.ui,
            pygame.Rect(x, y, px(200), px(30)),
            pygame.Rect(x + px(160), y, px(240), px(34)),
            "Your name",
            self.name,
            "#name",
        )
        y += px(56)
        back_and_go(
            self.ui,
            (x, y),
            (px(150), px(200), px(42)),
            self.back,
            "Connect  [Enter]",
            self.connect,
            name="#connect",
            tip="Connect, then pick a room or create one.",
        )

    def _build_rooms(self, x: int, y: int) -> None:
        px = self.px
        list_w = px(620)
        if not self.rooms:
            label(
                self.ui,
                pygame.Rect(x, y, list_w, px(30)),
                "No public rooms yet: create one.",
                style="@muted",
            )
            y += px(36)
        for room in self.rooms[:9]:
            seats = room.get("seats", [])
            humans = sum(1 for s in seats if s.get("control") == "human")
            open_seats = [s["agency"] for s in seats if s.get("control") == "open"]
            text = (
                f"{room['name']}  -  {room['phase']}, {humans}/{len(seats)} players, "
                f"{len(open_seats)} open"
            )
            label(self.ui, pygame.Rect(x, y, list_w - px(200), px(34)), text)
            room_id = room["id"]
            button(
                self.ui,
                pygame.Rect(x + list_w - px(196), y, px(96), px(32)),
                "Enter",
                partial(self.enter_room, room_id),
                name=f"#enter_{room_id}",
                tip="See the seats; take one or watch.",
            )
            button(
                self.ui,
                pygame.Rect(x + list_w - px(96), y, px(96), px(32)),
                "Watch",
                partial(self.watch, room_id),
                name=f"#watch_{room_id}",
                tip="Spectate: the public view only.",
                disabled=not room.get("spectators", True),
            )
            y += px(40)
        y += px(10)
        button(self.ui, pygame.Rect(x, y, px(150), px(40)), "Refresh  [F5]", self.refresh)
        button(
            self.ui,
            pygame.Rect(x + px(160), y, px(180), px(40)),
            "Create a room  [C]",
            self.open_create,
            style="@primary",
            name="#create",
        )
        button(self.ui, pygame.Rect(x + px(350), y, px(150), px(40)), "Disconnect", self.disconnect)
        y += px(54)
        if self.creating:
            self._build_create(x, y)
        self._build_chat(x + list_w + px(30), self.panel.y + px(66), "Lobby chat")

    def _build_create(self, x: int, y: int) -> None:
        px = self.px
        self.room_name_entry = entry_field(
            self.ui,
            pygame.Rect(x, y, px(120), px(32)),
            pygame.Rect(x + px(120), y, px(260), px(32)),
            "Room name",
            f"{self.name}'s race",
            "#room_name",
        )
        y += px(40)
        f = self.form
        rows: list[tuple[str, str, Sequence[tuple[str, Any]], int]] = [
            ("Turn time", "deadline", DEADLINES, 84),
            ("Length", "turns", TURNS, 112),
            ("AI level", "level", [(level.title(), level) for level in LEVELS], 112),
        ]
        for caption, key, options, step in rows:
            label(self.ui, pygame.Rect(x, y, px(120), px(30)), caption, style="@muted")
            choices(
                self.ui,
                pygame.Rect(x + px(120), y, px(step - 4), px(30)),
                (px(step), 0),
                options,
                f[key],
                partial(self._set, key),
            )
            y += px(36)
        button(
            self.ui,
            pygame.Rect(x + px(120), y, px(220), px(30)),
            "Listed publicly" if f["public"] else "Unlisted (id only)",
            lambda: self._set("public", not f["public"]),
        )
        y += px(42)
        button(
            self.ui,
            pygame.Rect(x + px(120), y, px(220), px(40)),
            "Create and enter",
            self.create,
            style="@primary",
            name="#create_go",
        )

    def _build_room(self, x: int, y: int) -> None:
        px = self.px
        room = self.room or {}
        mine = self.seat.seat if self.seat else None
        turns = room.get("turns") or "all"
        deadline = float(room.get("deadline") or 0)
        pace = f"{deadline / 60:g} min" if deadline < 3600 else f"{deadline / 3600:g} h"
        label(
            self.ui,
            pygame.Rect(x, y - px(8), px(560), px(24)),
            f"Room id {room.get('id', '?')}  -  {turns} turns  -  {pace} a turn  -  "
            f"AI {room.get('ai_level', '?')}  -  {room.get('visibility', '')}",
            style="@muted",
        )
        y += px(22)
        for seat in room.get("seats", []):
            aid = seat["agency"]
            colour = hex_colour(theme.agency_colour(aid))
            level = seat.get("ai_level") or room.get("ai_level", "")
            who = seat.get("player") or {
                "open": f"open seat (AI {level} if empty)",
                "ai": f"AI {level}",
            }.get(seat.get("control", ""), "")
            flags = []
            if seat.get("control") == "human":
                flags.append("ready" if seat.get("ready") else "not ready")
                if not seat.get("connected"):
                    flags.append("away")
            name = self.content.agencies[aid].name if aid in self.content.agencies else aid
            text_box(
                self.ui,
                pygame.Rect(x, y, px(420), px(36)),
                f"<font color='{colour}'><b>{escape(name)}</b></font>  {escape(who)}"
                f"  <i>{', '.join(flags)}</i>{'  (you)' if aid == mine else ''}",
            )
            if seat.get("control") == "open" and self.seat is None and not self.spectating:
                button(
                    self.ui,
                    pygame.Rect(x + px(430), y + px(2), px(120), px(32)),
                    "Take seat",
                    partial(self.take_seat, aid),
                    name=f"#take_{aid}",
                )
            y += px(40)
        y += px(12)
        if self.seat is not None:
            seat_info: dict[str, Any] = next(
                (s for s in room.get("seats", []) if s["agency"] == mine), {}
            )
            ready = bool(seat_info.get("ready"))
            button(
                self.ui,
                pygame.Rect(x, y, px(160), px(40)),
                "Not ready" if ready else "Ready  [R]",
                lambda: self.set_ready(not ready),
                style=None if ready else "@primary",
                name="#ready",
            )
            button(
                self.ui, pygame.Rect(x + px(170), y, px(150), px(40)), "Leave seat", self.leave_seat
            )
        elif not self.spectating:
            button(
                self.ui,
                pygame.Rect(x, y, px(160), px(40)),
                "Watch",
                lambda: self.watch(room.get("id", "")),
            )
        if self.host_token is not None:
            button(
                self.ui,
                pygame.Rect(x + px(330), y, px(180), px(40)),
                "Start match  [S]",
                self.start_match,
                style="@primary",
                name="#start",
                tip="Open seats are played by the AI. Everyone seated must be ready.",
            )
        button(
            self.ui,
            pygame.Rect(x, y + px(50), px(160), px(36)),
            "Back to rooms",
            self.back_to_rooms,
        )
        self._build_chat(x + px(600), self.panel.y + px(66), "Room chat")

    def _build_chat(self, x: int, y: int, title: str) -> None:
        px = self.px
        width = max(px(260), self.panel.right - x - px(24))
        label(self.ui, pygame.Rect(x, y, width, px(28)), title, style="@muted")
        height = self.panel.bottom - y - px(110)
        lines = "<br>".join(escape(line) for line in self.chat[-40:]) or "<i>(quiet)</i>"
        box = text_box(self.ui, pygame.Rect(x, y + px(30), width, height), lines)
        if box.scroll_bar is not None:
            box.scroll_bar.set_scroll_from_start_percentage(1.0)
        self.chat_entry = pygame_gui.elements.UITextEntryLine(
            pygame.Rect(x, y + px(36) + height, width, px(34)), self.ui, object_id="#chat"
        )
        self.chat_entry.set_text_length_limit(500)

    # -- actions ----------------------------------------------------------------------------
    def _set(self, key: str, value: Any) -> None:
        self.form[key] = value
        self.app.rebuild()

    def _fail(self, error: LinkError) -> None:
        self.status = f"Refused: {error}"
        self.app.toast(self.status, theme.BAD)
        self.app.rebuild()

    def connect(self) -> None:
        if self.url_entry is not None:
            self.url = self.url_entry.get_text().strip() or self.url
        if self.name_entry is not None:
            self.name = self.name_entry.get_text().strip()[:32] or self.name
        link = NetLink(self.url, self.name, timeout=8.0)
        try:
            link.open()
        except LinkError as exc:
            self.status = f"Cannot connect to {self.url}: {exc}"
            self.app.toast(self.status, theme.BAD, 6.0)
            self.app.rebuild()
            return
        self.link = link
        self.app.on_quit.append(self._close_link)
        self.status = f"Connected as {self.name}."
        self.refresh()

    def _close_link(self) -> None:
        if self.link is not None and not self._handed_over:
            self.link.close()

    def disconnect(self) -> None:
        self._close_link()
        self.link = None
        self.room = None
        self.rooms = []
        self.seat = None
        self.host_token = None
        self.status = "Disconnected."
        self.app.rebuild()

    def refresh(self) -> None:
        if self.link is None:
            return

        def got(rooms: list[dict[str, Any]]) -> None:
            self.rooms = rooms
            self.app.rebuild()

        self.link.call(lambda c: c.rooms(), got, self._fail)

    def open_create(self) -> None:
        self.creating = not self.creating
        self.app.rebuild()

    def create(self) -> None:
        if self.link is None:
            return
        name = (self.room_name_entry.get_text().strip() if self.room_name_entry else "")[:32]
        f = self.form
        settings = {
            "deadline": f["deadline"],
            "turns": f["turns"],
            "ai_level": f["level"],
            "visibility": "public" if f["public"] else "unlisted",
        }

        def made(reply: dict[str, Any]) -> None:
            self.host_token = reply["host_token"]
            self.room = reply["info"]
            self.creating = False
            self.chat = []
            self.status = f"Room {self.room['id']} created: take a seat, get ready, start."
            self.app.rebuild()

        self.link.call(lambda c: c.create_room(name or "Lunar race", **settings), made, self._fail)

    def enter_room(self, room_id: str) -> None:
        self.room = next(
            (r for r in self.rooms if r["id"] == room_id), {"id": room_id, "name": room_id}
        )
        self.chat = []
        self.app.rebuild()

    def take_seat(self, agency: str) -> None:
        if self.link is None or self.room is None:
            return
        room_id = self.room["id"]

        def seated(key: SeatKey) -> None:
            self.seat = key
            name = self.content.agencies[agency].name if agency in self.content.agencies else agency
            self.status = f"You hold {name}. Press Ready when you are."
            self.app.rebuild()

        self.link.call(lambda c: c.join(room_id, agency), seated, self._fail)

    def leave_seat(self) -> None:
        if self.link is None or self.seat is None:
            return
        key = self.seat
        self.seat = None
        self.link.call(lambda c: c.leave(key), lambda _r: self.app.rebuild(), self._fail)

    def set_ready(self, ready: bool) -> None:
        if self.link is None or self.seat is None:
            return
        key = self.seat
        self.link.call(lambda c: c.ready(key, ready), None, self._fail)

    def start_match(self) -> None:
        if self.link is None or self.room is None or self.host_token is None:
            return
        room_id, token = self.room["id"], self.host_token
        self.link.call(lambda c: c.start(room_id, token), None, self._fail)

    def watch(self, room_id: str) -> None:
        if self.link is None:
            return

        def watching(reply: dict[str, Any]) -> None:
            self.spectating = True
            self.room = reply["info"]
            self.status = "Watching: the match shows as soon as it starts."
            self.app.rebuild()

        self.link.call(lambda c: c.spectate(room_id), watching, self._fail)

    def back_to_rooms(self) -> None:
        if self.seat is not None:
            self.leave_seat()
        if self.spectating and self.link is not None and self.room is not None:
            room_id = self.room["id"]
            self.link.call(lambda c: c.unwatch(room_id), None, None)
        self.spectating = False
        self.room = None
        self.chat = []
        self.refresh()

    def back(self) -> None:
        self._close_link()
        self.link = None
        self.app.router.title()

    def send_chat(self) -> None:
        if self.chat_entry is None or self.link is None:
            return
        text = self.chat_entry.get_text().strip()
        if not text:
            return
        self.chat_entry.set_text("")
        seat = self.seat if self.room is not None else None
        if self.room is not None and seat is None:
            self.app.toast("Take a seat to speak in the room.", theme.WARN)
            return
        self.link.call(lambda c: c.chat(text, seat), None, self._fail)

    # -- the frame --------------------------------------------------------------------------
    def on_ui_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
            if event.ui_element is self.chat_entry:
                self.send_chat()
            elif event.ui_element in (self.url_entry, self.name_entry):
                self.connect()

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN:
            return False
        stage = self.stage
        if event.key == pygame.K_ESCAPE:
            {"address": self.back, "rooms": self.disconnect, "room": self.back_to_rooms}[stage]()
            return True
        if stage == "address" and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.connect()
            return True
        if stage == "rooms" and event.key == pygame.K_F5:
            self.refresh()
            return True
        if stage == "rooms" and event.key == pygame.K_c:
            self.open_create()
            return True
        if stage == "room" and event.key == pygame.K_r and self.seat is not None:
            seat: dict[str, Any] = next(
                (s for s in (self.room or {}).get("seats", []) if s["agency"] == self.seat.seat), {}
            )
            self.set_ready(not seat.get("ready"))
            return True
        if stage == "room" and event.key == pygame.K_s and self.host_token is not None:
            self.start_match()
            return True
        return False

    def update(self, dt: float) -> None:
        self._dt = dt
        if self.link is None or self._handed_over:
            return
        changed = False
        for message in self.link.poll():
            kind = message.get("t")
            if kind == "chat":
                if (message.get("room") or None) == (self.room or {}).get("id"):
                    self.chat.append(f"{message.get('from', '?')}: {message['text']}")
                    changed = True
            elif kind == "history":
                if (message.get("room") or None) == (self.room or {}).get("id"):
                    self.chat = [
                        f"{m.get('from', '?')}: {m['text']}" for m in message.get("messages", [])
                    ]
                    changed = True
            elif kind == "room" and self.room is not None:
                if message.get("room") == self.room.get("id"):
                    self.room = message["info"]
                    changed = True
            elif (
                kind == "turn"
                and self.room is not None
                and message.get("room") == self.room.get("id")
            ):
                self._start_game(message)
                return
            elif kind == "link":
                self.status = f"Connection {message.get('state')}."
                changed = True
        if changed:
            self.app.rebuild()

    def _start_game(self, first_turn: dict[str, Any]) -> None:
        from game.client.match import MatchModel

        assert self.link is not None and self.room is not None
        model = MatchModel(self.content, self.seat.seat if self.seat else None, self.room["id"])
        model.seats = list(self.room.get("seats", []))
        for line in self.chat:
            sender, _, text = line.partition(": ")
            model.apply({"t": "chat", "room": self.room["id"], "from": sender, "text": text})
        model.apply(first_turn)
        self._handed_over = True
        self.app.router.online_game(self.link, model, self.seat, self.host_token)

    def draw(self, surface: pygame.Surface) -> None:
        self.backdrop.draw(surface, self._dt, centre_x=0.9)
        panel_rect(surface, self.panel)
