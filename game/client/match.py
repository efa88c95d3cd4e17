"""What the client knows about the match it shows: views turn by turn, orders, seats, chat.

A `MatchModel` is fed the server's messages (`turn`, `status`, `chat`, `history`, `over`...),
or, in the replay viewer, the same messages made from a replay. It keeps every turn's view
and events so the screens can show history and charts, and the draft of this turn's orders
that the player is composing. It writes no rule: what is legal comes from the server's
`legal` list, which orders replace each other in the draft from the rules' `clashes`, and
whether the orders hold together is the server's answer to a draft.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from game.rules import Command, Content, EventWire, Propose, StartMission, View, clashes

C = TypeVar("C", bound=Command)
UNDO_KEPT = 100  # edits of the draft that Ctrl+Z can take back


@dataclass
class TurnRecord:
    """One turn as the seat saw it: the view at its start and the events that led to it."""

    turn: int
    version: int
    view: View
    events: list[EventWire]


@dataclass
class ChatLine:
    sender: str
    seat: str | None
    text: str
    time: float


@dataclass
class MatchModel:
    """The client's picture of one match from one seat (or a spectator's chair)."""

    content: Content
    seat: str | None  # the agency played here; None for a spectator
    room: str = ""
    history: list[TurnRecord] = field(default_factory=list)
    legal: list[Command] = field(default_factory=list)
    draft: list[Command] = field(default_factory=list)
    final: bool = False  # the orders on file are final: this seat has ended its turn
    seats: list[dict[str, Any]] = field(default_factory=list)
    deadline: float | None = None
    clock_offset: float = 0.0  # server time minus local time
    chat: list[ChatLine] = field(default_factory=list)
    outcome: Mapping[str, Any] | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)  # rule errors on the draft
    draft_checked: bool = True  # the server has checked the draft as it is now
    changed: int = 0  # bumps whenever something visible changes
    undo_stack: list[list[Command]] = field(default_factory=list)  # drafts before each edit
    standing_orders: set[str] = field(default_factory=set)  # the player's, kept all match
    standing_turn: int = -1  # the version the standing orders were last queued for

    # -- reading messages -------------------------------------------------------------------
    def apply(self, message: dict[str, Any]) -> str:
        """Take one server message in; returns its type."""
        kind = str(message.get("t", ""))
        handler = getattr(self, f"_on_{kind}", None)
        if handler is not None:
            handler(message)
            self.changed += 1
        return kind

    def _on_turn(self, m: dict[str, Any]) -> None:
        record = TurnRecord(int(m["turn"]), int(m["version"]), m["view"], list(m["events"]))
        if self.history and self.history[-1].version == record.version:
            self.history[-1] = record
        else:
            self.history.append(record)
            self.problems = []
            self.undo_stack = []
        self.deadline = m.get("deadline")
        if m.get("time") is not None:
            self.clock_offset = float(m["time"]) - time.time()
        self.legal = [Command.from_wire(c) for c in m.get("legal", [])]
        if "orders" in m:
            self.draft = [Command.from_wire(c) for c in m["orders"]]
            self.final = bool(m.get("final", False))
            self.draft_checked = True

    def _on_status(self, m: dict[str, Any]) -> None:
        self.seats = list(m.get("seats", []))
        self.deadline = m.get("deadline")

    def _on_room(self, m: dict[str, Any]) -> None:
        info = m.get("info") or {}
        if info.get("seats") is not None:
            self.seats = list(info["seats"])

    def _on_chat(self, m: dict[str, Any]) -> None:
        if m.get("room") != (self.room or None):
            return  # the lobby's chat, or another room's
        self.chat.append(
            ChatLine(
                str(m.get("from", "?")), m.get("seat"), str(m["text"]), float(m.get("time", 0.0))
            )
        )
        del self.chat[:-200]

    def _on_history(self, m: dict[str, Any]) -> None:
        if m.get("room") != (self.room or None):
            return
        self.chat = [
            ChatLine(str(x.get("from", "?")), x.get("seat"), str(x["text"]), float(x["time"]))
            for x in m.get("messages", [])
        ]

    def _on_over(self, m: dict[str, Any]) -> None:
        self.outcome = m.get("outcome")
        self.legal = []

    # -- what the screens ask ---------------------------------------------------------------
    @property
    def view(self) -> View:
        return self.history[-1].view if self.history else cast(View, {})

    @property
    def turn(self) -> int:
        return self.history[-1].turn if self.history else 0

    @property
    def version(self) -> int:
        return self.history[-1].version if self.history else 0

    @property
    def events(self) -> list[EventWire]:
        return self.history[-1].events if self.history else []

    def date(self, turn: int | None = None) -> str:
        return self.content.date(self.turn if turn is None else turn)

    def seconds_left(self, now: float | None = None) -> float | None:
        if self.deadline is None:
            return None
        server_now = (now if now is not None else time.time()) + self.clock_offset
        return max(0.0, float(self.deadline) - server_now)

    def seat_info(self, agency: str) -> dict[str, Any]:
        for seat in self.seats:
            if seat.get("agency") == agency:
                return seat
        return {}

    def agency_name(self, agency: str | None) -> str:
        if agency is None:
            return "Spectator"
        known = self.content.agencies.get(agency)
        return known.name if known is not None else agency

    # -- the draft --------------------------------------------------------------------------
    def legal_of(self, kind: type[C]) -> list[C]:
        """The legal commands of one kind, typed as that kind."""
        return [c for c in self.legal if isinstance(c, kind)]

    def set_draft(self, orders: list[Command], *, undoable: bool = True) -> None:
        if undoable and orders != self.draft:
            self.undo_stack.append(list(self.draft))
            del self.undo_stack[:-UNDO_KEPT]
        self.draft = list(orders)
        self.final = False
        self.draft_checked = False
        self.changed += 1

    def add_order(self, command: Command) -> None:
        """Add an order; those it may not share the turn with (the rules' `clashes`: a
        launch and a scrub of one program, two payments into one tech) are taken out."""
        self.set_draft([c for c in self.draft if not clashes(c, command)] + [command])

    def remove_order(self, command: Command) -> None:
        self.set_draft([c for c in self.draft if c != command and not clashes(c, command)])

    def undo(self) -> bool:
        """Put the draft back as it was before the last edit; False if there is none."""
        if not self.undo_stack:
            return False
        self.set_draft(self.undo_stack.pop(), undoable=False)
        return True

    def spending(self) -> int:
        """What the draft takes from the treasury, fees included, as the rules count it."""
        from game.rules import orders_cost

        return int(orders_cost(self.view, self.draft)) if self.view else 0


def _target(command: Command) -> str:
    for name in ("tech", "program", "proposal", "agreement", "station", "service"):
        value = getattr(command, name, None)
        if value:
            return str(value)
    if isinstance(command, Propose):
        return f"{command.to}:{command.treaty}:{command.bloc}:{command.program}"
    if isinstance(command, StartMission):
        return f"{command.mission_type}:{command.site}:{command.module}"
    return ""
