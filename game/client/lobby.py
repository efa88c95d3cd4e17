"""Online play before the match: connect to a server, browse and create rooms, take a seat.

`BrowserScene` has three stages: the address form, the server's room list (with the lobby
chat, the rooms this player holds a seat in, a field to open a room by its id and key, and a
form to create a room), and a room's lobby (seats, who is ready, the room chat, ready /
start). The list and the room stay current by themselves: the scene follows them (`follow`
in docs/protocol.md). Every seat token, host token and room key the server hands over is
written down in the `SeatBook` at once, so that "Rejoin" brings the player back to the seat
after a crash or a restart. When the match starts - the server sends the first turn - the
scene hands its connection to the game screen.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui

from game.client import theme
from game.client.net_link import ONLINE, LinkError, NetLink
from game.client.scene import MenuScene
from game.client.seat_book import HeldRoom, SeatBook
from game.client.widgets import (
    back_and_go,
    button,
    choices,
    entry_field,
    escape,
    hex_colour,
    label,
    text_box,
)
from game.net.client import SeatKey
from game.protocol.errors import ErrorCode

if TYPE_CHECKING:
    from game.client.app import App

DEADLINES = (("1 min", 60.0), ("2 min", 120.0), ("5 min", 300.0), ("1 day", 86400.0))
TURNS: tuple[tuple[str, int | None], ...] = (("10 turns", 10), ("20 turns", 20), ("to 2040", None))
LEVELS = ("easy", "normal", "hard")
VISIBILITY: tuple[tuple[str, str], ...] = (
    ("In the room list", "public"),
    ("Id only", "unlisted"),
    ("Id and key", "private"),
)
VISIBILITY_TIPS = {
    "public": "Listed on the server: anyone can see the room and join it.",
    "unlisted": "Not listed: players join with the room's id.",
    "private": "Not listed: players join with the room's id and its key.",
}
POLL_ROOMS = 2.0  # seconds between room lists, for a server that cannot be followed
SHOWN_HELD = 3  # rooms held shown on the list page


class BrowserScene(MenuScene):
    """Server address -> room list -> room lobby -> the game."""

    title = "Lunar Race - online"
    moon_x = 0.9

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
        self.form: dict[str, Any] = {
            "deadline": 120.0,
            "turns": 20,
            "level": "normal",
            "visibility": "public",
        }
        self.book = SeatBook()
        self.room_key: str | None = None  # the key of the private room shown
        self.follows = True  # False: the server does not know `follow`; ask now and then
        self._poll_timer = POLL_ROOMS
        self.room_id_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.key_entry: pygame_gui.elements.UITextEntryLine | None = None
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

    _ENTRIES = ("chat_entry", "room_id_entry", "key_entry", "room_name_entry")

    def build(self) -> None:
        # The list and the room change by themselves, and each change builds the widgets
        # again: what the player was typing, and where, carries over to the new fields.
        typed = {
            name: (entry.get_text(), entry.is_focused)
            for name in self._ENTRIES
            if (entry := getattr(self, name)) is not None
        }
        for name in self._ENTRIES:
            setattr(self, name, None)
        self._build_widgets()
        for name, (text, focused) in typed.items():
            entry = getattr(self, name)
            if entry is None:
                continue
            if text:
                entry.set_text(text)
            if focused:
                entry.focus()

    def _build_widgets(self) -> None:
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
        held = self.held()
        if held:
            label(self.ui, pygame.Rect(x, y, list_w, px(26)), "Your seats here", style="@muted")
            y += px(28)
            for room in held[:SHOWN_HELD]:
                self._held_row(room, x, y, list_w)
                y += px(40)
            y += px(6)
        if self.creating:
            self._build_create(x, y)
        else:
            y = self._build_list(x, y, list_w, held)
            y = self._build_join_by_id(x, y)
            button(
                self.ui,
                pygame.Rect(x, y, px(180), px(40)),
                "Create a room  [C]",
                self.open_create,
                style="@primary",
                name="#create",
            )
            button(
                self.ui, pygame.Rect(x + px(190), y, px(150), px(40)), "Disconnect", self.disconnect
            )
        self._build_chat(x + list_w + px(30), self.panel.y + px(66), "Lobby chat")

    def _held_row(self, held: HeldRoom, x: int, y: int, width: int) -> None:
        px = self.px
        agency = held.seat.seat if held.seat else None
        what = f"seat {self._agency_name(agency)}" if agency else "you made it"
        label(
            self.ui,
            pygame.Rect(x, y, width - px(250), px(34)),
            f"{held.name}  ({held.room})  -  {what}",
        )
        button(
            self.ui,
            pygame.Rect(x + width - px(246), y, px(140), px(32)),
            "Rejoin" if held.seat else "Open",
            partial(self.rejoin, held.room),
            style="@primary",
            name=f"#rejoin_{held.room}",
            tip="Take your seat back with the token kept on this computer."
            if held.seat
            else "Open the room you made (you may start it).",
        )
        button(
            self.ui,
            pygame.Rect(x + width - px(96), y, px(96), px(32)),
            "Forget",
            partial(self.forget, held.room),
            name=f"#forget_{held.room}",
            tip="Cross this room out of the list kept on this computer.",
        )

    def _build_list(self, x: int, y: int, list_w: int, held: list[HeldRoom]) -> int:
        px = self.px
        mine = {h.room for h in held if h.seat}
        room_rows = max(1, (self.panel.bottom - y - px(240)) // px(40))
        if self.rooms:
            label(self.ui, pygame.Rect(x, y, list_w, px(26)), "Public rooms", style="@muted")
            y += px(28)
        else:
            label(
                self.ui,
                pygame.Rect(x, y, list_w, px(30)),
                "No public rooms yet: create one, or open one by its id.",
                style="@muted",
            )
            y += px(36)
        for room in self.rooms[:room_rows]:
            seats = room.get("seats", [])
            humans = sum(1 for s in seats if s.get("control") == "human")
            open_seats = [s["agency"] for s in seats if s.get("control") == "open"]
            text = (
                f"{room['name']}  -  {room['phase']}, {humans}/{len(seats)} players, "
                f"{len(open_seats)} open"
            )
            label(self.ui, pygame.Rect(x, y, list_w - px(200), px(34)), text)
            room_id = room["id"]
            if room_id in mine:
                button(
                    self.ui,
                    pygame.Rect(x + list_w - px(196), y, px(96), px(32)),
                    "Rejoin",
                    partial(self.rejoin, room_id),
                    style="@primary",
                    name=f"#enter_{room_id}",
                    tip="You hold a seat here: take it back.",
                )
            else:
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
        return y + px(10)

    def _build_join_by_id(self, x: int, y: int) -> int:
        """A room that is not listed: its id (and key, for a private one) opens it."""
        px = self.px
        label(self.ui, pygame.Rect(x, y, px(400), px(26)), "Open a room by its id", style="@muted")
        y += px(28)
        self.room_id_entry = pygame_gui.elements.UITextEntryLine(
            pygame.Rect(x, y, px(200), px(34)),
            self.ui,
            object_id="#room_id",
            placeholder_text="room id",
        )
        self.key_entry = pygame_gui.elements.UITextEntryLine(
            pygame.Rect(x + px(208), y, px(250), px(34)),
            self.ui,
            object_id="#room_key",
            placeholder_text="key (private rooms)",
        )
        button(
            self.ui,
            pygame.Rect(x + px(466), y, px(154), px(34)),
            "Open  [Enter]",
            self.open_by_id,
            name="#open_by_id",
            tip="Enter a room someone gave you the id of.",
        )
        return y + px(50)

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
        label(self.ui, pygame.Rect(x, y, px(120), px(30)), "Who can join", style="@muted")
        choices(
            self.ui,
            pygame.Rect(x + px(120), y, px(160), px(30)),
            (px(164), 0),
            VISIBILITY,
            f["visibility"],
            partial(self._set, "visibility"),
            prefix="visibility",
            tips=VISIBILITY_TIPS,
        )
        y += px(36)
        label(
            self.ui,
            pygame.Rect(x + px(120), y, px(500), px(26)),
            VISIBILITY_TIPS[f["visibility"]],
            style="@muted",
        )
        y += px(36)
        back_and_go(
            self.ui,
            (x + px(120), y),
            (px(150), px(220), px(40)),
            self.open_create,
            "Create and enter",
            self.create,
            name="#create_go",
            tip="Open the room and go in; take a seat there.",
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
            f"AI {room.get('ai_level', '?')}",
            style="@muted",
        )
        y += px(22)
        visibility = str(room.get("visibility", "public"))
        label(
            self.ui,
            pygame.Rect(x, y - px(6), px(580), px(24)),
            VISIBILITY_TIPS.get(visibility, ""),
            style="@muted",
        )
        y += px(24)
        if visibility == "private" and self.room_key:
            label(
                self.ui,
                pygame.Rect(x, y - px(6), px(580), px(24)),
                f"Key: {self.room_key}",
                style="@muted",
            )
            y += px(24)
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
        settings = self.app.settings
        if (settings.server, settings.name) != (self.url, self.name):
            settings.server, settings.name = self.url, self.name
            # The settings file is a convenience: playing goes on without it.
            with contextlib.suppress(OSError):
                settings.save()
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
        """The room list now, and (on a server that can) as it changes from now on."""
        if self.link is None:
            return

        def got(reply: dict[str, Any]) -> None:
            self.rooms = list(reply["rooms"])
            if self.stage == "rooms":
                self.app.rebuild()

        def old_server(error: LinkError) -> None:
            if error.code is not ErrorCode.UNKNOWN_TYPE:
                self._fail(error)
                return
            self.follows = False
            self.link_call(lambda c: c.rooms(), lambda rooms: got({"rooms": rooms}))

        if self.follows:
            self.link.call(lambda c: c.follow(), got, old_server)
        else:
            self.link_call(lambda c: c.rooms(), lambda rooms: got({"rooms": rooms}))

    def link_call(self, make: Any, done: Any) -> None:
        if self.link is not None:
            self.link.call(make, done, self._fail)

    def held(self) -> list[HeldRoom]:
        """The rooms of this server the player holds a seat in (or made)."""
        return self.book.held(self.url)

    def _agency_name(self, agency: str | None) -> str:
        if agency is None:
            return ""
        known = self.content.agencies.get(agency)
        return known.name if known is not None else agency

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
            "visibility": f["visibility"],
        }

        def made(reply: dict[str, Any]) -> None:
            self.host_token = reply["host_token"]
            self.room_key = reply.get("key")
            self.room = reply["info"]
            self.creating = False
            self.chat = []
            self.book.keep(
                self.url,
                reply["room"],
                name=self.room["name"],
                host_token=self.host_token,
                key=self.room_key,
            )
            self.status = f"Room {self.room['id']} created: take a seat, get ready, start."
            self._follow_room(reply["room"], self.room_key)
            self.app.rebuild()

        self.link.call(lambda c: c.create_room(name or "Lunar race", **settings), made, self._fail)

    def enter_room(self, room_id: str, key: str | None = None) -> None:
        """Show a room's seats, kept current as they change."""
        if self.link is None:
            return
        held = self.book.get(self.url, room_id)
        key = key or (held.key if held else None)

        def shown(reply: dict[str, Any]) -> None:
            self.room = reply["info"]
            self.room_key = key
            self.host_token = held.host_token if held else None
            self.chat = []
            self.status = ""
            self.app.rebuild()

        if self.follows:
            self.link.call(lambda c: c.follow(room_id, key=key), shown, self._fail)
            return
        listed = next((r for r in self.rooms if r["id"] == room_id), None)
        if listed is None:
            self.app.toast("This server finds rooms by id only once you join them.", theme.WARN)
            return
        shown({"info": listed})

    def _follow_room(self, room_id: str, key: str | None) -> None:
        if self.link is not None and self.follows:
            self.link.call(lambda c: c.follow(room_id, key=key), None, None)

    def open_by_id(self) -> None:
        room_id = self.room_id_entry.get_text().strip() if self.room_id_entry else ""
        key = self.key_entry.get_text().strip() if self.key_entry else ""
        if not room_id:
            self.app.toast("Type the room id first.", theme.WARN)
            return
        self.enter_room(room_id, key or None)

    def take_seat(self, agency: str) -> None:
        if self.link is None or self.room is None:
            return
        room_id, name, key = self.room["id"], str(self.room.get("name", "")), self.room_key

        def seated(seat: SeatKey) -> None:
            self.seat = seat
            self.book.keep(self.url, room_id, name=name, seat=seat, key=key)
            self.status = f"You hold {self._agency_name(agency)}. Press Ready when you are."
            self.app.rebuild()

        self.link.call(lambda c: c.join(room_id, agency, key=key), seated, self._fail)

    def leave_seat(self) -> None:
        if self.link is None or self.seat is None:
            return
        key = self.seat
        self.seat = None
        self.book.drop_seat(self.url, key.room)
        self.link.call(lambda c: c.leave(key), lambda _r: self.app.rebuild(), self._fail)

    def rejoin(self, room_id: str) -> None:
        """Back to a room held: the seat with its token, or (a room made) the room itself."""
        held = self.book.get(self.url, room_id)
        if self.link is None or held is None:
            return
        if held.seat is None:
            self.enter_room(room_id, held.key)
            return
        seat = held.seat

        def back(reply: dict[str, Any]) -> None:
            self.seat = seat
            self.room = reply["info"]
            self.room_key = held.key
            self.host_token = held.host_token
            self.spectating = False
            self.status = f"You hold {self._agency_name(seat.seat)} again."
            self.app.rebuild()

        def refused(error: LinkError) -> None:
            if error.code is ErrorCode.UNAUTHORISED:
                self.book.drop_seat(self.url, room_id)
                error = LinkError("that seat is no longer yours (given up or taken back)")
            elif error.code is ErrorCode.UNKNOWN_ROOM:
                self.book.forget(self.url, room_id)
                error = LinkError("the room is gone from the server")
            self._fail(error)

        self.link.call(lambda c: c.rejoin(seat), back, refused)

    def forget(self, room_id: str) -> None:
        self.book.forget(self.url, room_id)
        self.app.rebuild()

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

        key = self.room_key if self.room is not None and self.room.get("id") == room_id else None
        self.link.call(lambda c: c.spectate(room_id, key=key), watching, self._fail)

    def back_to_rooms(self) -> None:
        if self.seat is not None:
            self.leave_seat()
        if self.spectating and self.link is not None and self.room is not None:
            room_id = self.room["id"]
            self.link.call(lambda c: c.unwatch(room_id), None, None)
        self.spectating = False
        self.room = None
        self.room_key = None
        self.host_token = None
        self.chat = []
        self.app.rebuild()  # the list as last seen; the server's answer brings it up to date
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
            elif event.ui_element in (self.room_id_entry, self.key_entry):
                self.open_by_id()

    def handle_event(self, event: pygame.event.Event) -> bool:
        if event.type != pygame.KEYDOWN:
            return False
        stage = self.stage
        if event.key == pygame.K_ESCAPE:
            if stage == "rooms" and self.creating:
                self.open_create()
                return True
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
        super().update(dt)
        if self.link is None or self._handed_over:
            return
        changed = False
        if not self.follows and self.stage == "rooms":
            self._poll_timer -= dt
            if self._poll_timer <= 0:
                self._poll_timer = POLL_ROOMS
                self.refresh()
        for message in self.link.poll():
            kind = message.get("t")
            if kind == "rooms":
                self.rooms = list(message.get("rooms", []))
                changed = changed or self.stage == "rooms"
                continue
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
            elif kind == "kicked" and self.seat is not None:
                if message.get("room") == self.seat.room and message.get("reason") != "replaced":
                    self.book.drop_seat(self.url, self.seat.room)
                    self.seat = None
                    self.status = f"Seat lost: {message.get('text', '')}"
                    changed = True
            elif kind == "link":
                self.status = f"Connection {message.get('state')}."
                if message.get("state") == ONLINE:
                    self._pick_up_again()
                changed = True
        if changed:
            self.app.rebuild()

    def _pick_up_again(self) -> None:
        """After a reconnection: the seat back, and follow again what was followed."""
        if self.room is None:
            self.refresh()
            return
        if self.seat is not None and self.link is not None:
            seat = self.seat
            self.link.call(lambda c: c.rejoin(seat), None, self._fail)
        elif self.spectating and self.link is not None:
            room_id = self.room["id"]
            self.link.call(lambda c: c.spectate(room_id, key=self.room_key), None, self._fail)
        else:
            self._follow_room(self.room["id"], self.room_key)

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
        super().draw(surface)
