"""Local games kept on this machine: one folder each in the user's data folder.

A local game is a real server on 127.0.0.1 whose store (`server.store`, one SQLite file)
already commits every order and every resolved turn, so the game's folder is that store's
folder: nothing is written twice and no second format exists. Beside the store,
`game.json` holds what the client needs to find its way back - the room, the seat and its
token, the host token, the setup chosen - and a summary for the list (the turn and date,
whether the match is over and who won). It is brought up to date after every turn, and
when the match ends the server's replay of it is kept as `replay.json.gz`.

Continue starts the local server on the game's folder again (the match resumes at the last
resolved turn, with every order acknowledged since) and takes the seat back with its token.
"""

from __future__ import annotations

import gzip
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.client import folders
from game.net.client import SeatKey

if TYPE_CHECKING:
    from game.client.match import MatchModel
    from game.client.session import MatchSession

GAMES_FOLDER = "games"
RECORD = "game.json"
REPLAY = "replay.json.gz"
PLAYING, OVER = "playing", "over"


def games_folder() -> Path:
    return folders.data_folder() / GAMES_FOLDER


@dataclass
class SavedGame:
    """One local game on disk: where it is, how to get back in, and how far it got."""

    folder: Path
    setup: dict[str, Any] = field(default_factory=dict)  # the new-game choices
    room: str = ""
    seat: SeatKey | None = None
    host_token: str | None = None
    phase: str = PLAYING
    turn: int = 0
    date: str = ""
    result: str = ""  # once over: the winners, in words
    created: float = 0.0
    updated: float = 0.0

    @property
    def id(self) -> str:
        return self.folder.name

    @property
    def agency(self) -> str:
        return str(self.setup.get("agency", self.seat.seat if self.seat else ""))

    @property
    def over(self) -> bool:
        return self.phase == OVER

    @property
    def replay_path(self) -> Path:
        return self.folder / REPLAY

    @property
    def has_replay(self) -> bool:
        return self.replay_path.is_file()

    # -- on disk ----------------------------------------------------------------------------
    @classmethod
    def create(cls, setup: dict[str, Any], now: float | None = None) -> SavedGame:
        """A new, empty game folder (its id is the time it was made, and the agency)."""
        now = time.time() if now is None else now
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
        base = f"{stamp}-{setup.get('agency', 'game')}"
        root = games_folder()
        root.mkdir(parents=True, exist_ok=True)
        folder, n = root / base, 1
        while folder.exists():
            n += 1
            folder = root / f"{base}-{n}"
        folder.mkdir()
        return cls(folder, dict(setup), created=now, updated=now)

    @classmethod
    def load(cls, folder: Path) -> SavedGame | None:
        """The game in `folder`, or None when its record is missing or damaged."""
        data = folders.read_json(folder / RECORD)
        if not isinstance(data, dict):
            return None
        try:
            seat = data.get("seat")
            return cls(
                folder,
                dict(data.get("setup") or {}),
                room=str(data.get("room", "")),
                seat=SeatKey(str(seat["room"]), str(seat["seat"]), str(seat["token"]))
                if isinstance(seat, dict)
                else None,
                host_token=data.get("host_token"),
                phase=str(data.get("phase", PLAYING)),
                turn=int(data.get("turn", 0)),
                date=str(data.get("date", "")),
                result=str(data.get("result", "")),
                created=float(data.get("created", 0.0)),
                updated=float(data.get("updated", 0.0)),
            )
        except (KeyError, TypeError, ValueError):
            return None

    def save(self) -> None:
        """Write the record; it holds the seat token, so only the owner may read it."""
        self.updated = time.time()
        folders.write_json(
            self.folder / RECORD,
            {
                "setup": self.setup,
                "room": self.room,
                "seat": self.seat.fields() if self.seat else None,
                "host_token": self.host_token,
                "phase": self.phase,
                "turn": self.turn,
                "date": self.date,
                "result": self.result,
                "created": self.created,
                "updated": self.updated,
            },
            private=True,
        )

    def delete(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- keeping it current -----------------------------------------------------------------
    def started(self, session: MatchSession) -> None:
        """The match began: remember how to get back to it, and follow its turns."""
        self.room = session.model.room
        self.seat = session.seat
        self.host_token = session.host_token
        self.keep(session)
        self.save()

    def keep(self, session: MatchSession) -> None:
        """Bring the record up to date after every turn (and fetch the replay at the end)."""

        def progress(model: MatchModel, kind: str) -> None:
            if kind == "turn":
                self.turn, self.date = model.turn, model.date()
                self.save()
            elif kind == "over" and not self.over:
                self.phase = OVER
                self.result = result_text(model)
                self.save()
                room = model.room
                session.link.call(lambda c: c.replay(room), self.keep_replay, None)

        session.on_progress = progress

    def keep_replay(self, data: bytes) -> None:
        self.replay_path.write_bytes(gzip.compress(data, mtime=0))


def result_text(model: MatchModel) -> str:
    """Who won, in words, from the seat's point of view."""
    outcome = model.outcome or {}
    winners = [str(w) for w in outcome.get("winners", [])]
    if not winners:
        return "no winner"
    if model.seat in winners:
        return "won" if len(winners) == 1 else "shared the win"
    return "won by " + ", ".join(model.agency_name(w) for w in winners)


def saved_games() -> list[SavedGame]:
    """Every local game kept, the most recently played first."""
    root = games_folder()
    if not root.is_dir():
        return []
    games = [g for g in (SavedGame.load(f) for f in root.iterdir() if f.is_dir()) if g]
    games.sort(key=lambda g: g.updated, reverse=True)
    return games


def latest_in_progress() -> SavedGame | None:
    """The game Continue goes back to: the last one played that is not over."""
    return next((g for g in saved_games() if not g.over and g.seat is not None), None)
