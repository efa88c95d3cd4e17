"""A seat at a match on a server: the link, the seat key, the model, and what the player does.

`MatchSession` turns the player's actions (submit orders, end the turn, chat) into protocol
requests through a `NetLink`, feeds what the server sends into the `MatchModel`, checks the
draft orders with the server as a non-final submission (the rules answer, the client never
guesses), and, when the connection comes back after a drop, takes the seat back with its
token. `open_local_game` is the whole of a local game: a server on this machine (a
`LocalHost`, from the command line through the router), a room with AI rivals, the player's
seat, and the start. Showing the game is the router's part: this module builds no scene.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from game.client.match import MatchModel
from game.client.net_link import LOST, ONLINE, LinkError, NetLink
from game.net.client import SeatKey

if TYPE_CHECKING:
    from game.client.local_host import LocalHost
    from game.client.new_game import GameSetup
    from game.client.saves import SavedGame

DRAFT_CHECK_DELAY = 0.35  # seconds after the last edit before the draft goes to the server
LOCAL_DEADLINE = 7 * 86400.0  # a local game waits for the player


class MatchSession:
    """One seat (or a spectator's chair) in one room, for the game screen."""

    replay: Literal[False] = False

    def __init__(
        self,
        link: NetLink,
        model: MatchModel,
        seat: SeatKey | None,
        *,
        host_token: str | None = None,
        server: LocalHost | None = None,
    ) -> None:
        self.link = link
        self.model = model
        self.seat = seat
        self.host_token = host_token
        self.server = server
        self.connection = ONLINE
        self.notices: list[tuple[str, str]] = []  # (level, text) for the scene to show
        self.kicked = False
        self._draft_timer: float | None = None
        self._draft_sent_version = -1
        self.local = server is not None
        # Told of every turn update and the outcome (a local game's save follows them).
        self.on_progress: Callable[[MatchModel, str], None] | None = None

    # -- each frame -------------------------------------------------------------------------
    def poll(self, dt: float = 0.0) -> list[str]:
        """Take in what arrived; returns the message types seen (the scene reacts to some)."""
        kinds = []
        for message in self.link.poll():
            kind = message.get("t")
            if kind == "link":
                self._on_link(message)
            elif kind == "kicked" and message.get("room") == self.model.room:
                self.kicked = True
                self.notices.append(("bad", f"Seat lost: {message.get('text', '')}"))
            elif kind == "shutdown":
                self.notices.append(("warn", f"Server: {message.get('reason', 'shutting down')}"))
            elif kind == "error":
                self.notices.append(("bad", str(message.get("reason", "refused"))))
            elif _room_of(message) not in (None, self.model.room):
                continue
            self.model.apply(message)
            kinds.append(str(kind))
            if kind in ("turn", "over") and self.on_progress is not None:
                self.on_progress(self.model, str(kind))
        if self._draft_timer is not None:
            self._draft_timer -= dt
            if self._draft_timer <= 0:
                self._draft_timer = None
                self.send_orders(final=False)
        return kinds

    def _on_link(self, message: dict[str, Any]) -> None:
        state = message.get("state")
        self.connection = str(state)
        if state == LOST:
            pass  # the game screen shows a banner for as long as the link is down
        elif state == ONLINE:
            self.notices.append(("good", "Reconnected."))
            self._take_seat_back()

    def _take_seat_back(self) -> None:
        room = self.model.room
        if self.seat is not None:
            seat = self.seat
            self.link.call(
                lambda c: c.rejoin(seat),
                on_done=lambda _r: self.notices.append(("good", "Your seat is yours again.")),
                on_error=lambda e: self.notices.append(("bad", f"Could not rejoin: {e}")),
            )
        else:
            self.link.call(lambda c: c.spectate(room), on_error=self._report)

    def _report(self, error: LinkError) -> None:
        self.notices.append(("bad", str(error)))

    # -- the player's actions ---------------------------------------------------------------
    @property
    def can_act(self) -> bool:
        return self.seat is not None and self.model.outcome is None and not self.kicked

    def draft_changed(self) -> None:
        """Call after editing the draft: it is checked by the server shortly after."""
        self._draft_timer = DRAFT_CHECK_DELAY

    def send_orders(self, *, final: bool) -> None:
        """Put the draft on file; `final` ends this seat's turn."""
        if not self.can_act or self.seat is None:
            return
        seat, model = self.seat, self.model
        orders = list(model.draft)
        version = model.version
        self._draft_timer = None

        def done(reply: dict[str, Any]) -> None:
            if model.version != version:
                return
            model.problems = []
            model.draft_checked = True
            model.final = bool(reply.get("final", final))
            model.changed += 1

        def failed(error: LinkError) -> None:
            if model.version != version:
                return
            model.draft_checked = True
            model.final = False
            model.problems = error.errors or [
                {"code": str(error.code), "message": str(error), "index": -1}
            ]
            model.changed += 1
            if final:
                self.notices.append(("bad", "Orders refused: fix the marked orders."))

        self.link.call(lambda c: c.submit(seat, version, orders, final=final), done, failed)

    def end_turn(self) -> None:
        self.send_orders(final=True)

    def reopen_turn(self) -> None:
        """Take back a submitted turn (allowed until it resolves)."""
        self.send_orders(final=False)

    def chat(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if self.seat is None:
            self.notices.append(("warn", "Spectators read the room chat but cannot write in it."))
            return
        seat = self.seat
        self.link.call(lambda c: c.chat(text, seat), on_error=self._report)

    def close(self) -> None:
        self.link.close()
        if self.server is not None:
            self.server.stop()


def _room_of(message: dict[str, Any]) -> str | None:
    """The room a message is about (None: the lobby, or the server as a whole)."""
    room = message.get("room")
    return None if room is None else str(room)


def open_local_game(setup: GameSetup, host: LocalHost) -> MatchSession:
    """Start `host`, make a room with the AI rivals, take the player's seat and start.

    Raises RuntimeError or OSError (LinkError among them) with the reason when something
    failed; the host is stopped again then.
    """
    from game.rules import load_content

    link: NetLink | None = None
    try:
        url = host.start()
        link = NetLink(url, setup.name)
        link.open()
        rivals = [a for a in setup.seats() if a != setup.agency]
        created = link.request(
            lambda c: c.create_room(
                "Local game",
                scenario=setup.scenario,
                seats=setup.seats(),
                ai_seats=rivals,
                turns=setup.turns,
                deadline=LOCAL_DEADLINE,
                ai_level=setup.ai_level,
                ai_levels={a: level for a, level in setup.levels.items() if a in rivals},
                seed=setup.seed,
                visibility="unlisted",
                spectators=False,
            )
        )
        room = created["room"]
        host_token = created["host_token"]
        seat = link.request(lambda c: c.join(room, setup.agency))
        link.request(lambda c: c.ready(seat))
        link.request(lambda c: c.start(room, host_token))
    except BaseException:
        if link is not None:
            link.close()
        host.stop()
        raise
    model = MatchModel(load_content(setup.scenario), setup.agency, room)
    return MatchSession(link, model, seat, host_token=host_token, server=host)


def resume_local_game(saved: SavedGame, host: LocalHost, timeout: float = 15.0) -> MatchSession:
    """Start `host` on a saved game's folder, take the seat back with its token and wait for
    the seat's turn update: the match goes on from the last resolved turn.

    Raises RuntimeError or OSError (LinkError among them) with the reason when something
    failed; the host is stopped again then.
    """
    from game.rules import load_content

    seat = saved.seat
    if seat is None:
        raise RuntimeError("this game has no seat to go back to")
    link: NetLink | None = None
    try:
        url = host.start()
        link = NetLink(url, str(saved.setup.get("name") or "Player"))
        link.open()
        link.request(lambda c: c.rejoin(seat))
        content = load_content(str(saved.setup.get("scenario") or "2021"))
        model = MatchModel(content, seat.seat, seat.room)
        end = time.monotonic() + timeout
        while not model.history:
            if time.monotonic() > end:
                raise RuntimeError("the saved match did not send its turn")
            for message in link.poll():
                if _room_of(message) in (None, model.room):
                    model.apply(message)
            time.sleep(0.01)
    except BaseException:
        if link is not None:
            link.close()
        host.stop()
        raise
    return MatchSession(link, model, seat, host_token=saved.host_token, server=host)
