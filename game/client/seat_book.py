"""The seats this player holds on servers, kept in the user's data folder.

A seat token is how a player gets a seat back (docs/protocol.md, "Secrets"): the client
writes each one down the moment the server hands it over, per server address and room,
together with the host token of rooms the player created and the key of private rooms. After
a crash or a restart, the lobby offers "Rejoin" for every room in the book. A seat given up,
or a token the server no longer takes, is crossed out. The file is readable by its owner
only; tokens never appear in a log or on screen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.client import folders
from game.net.client import SeatKey

FILE_NAME = "seats.json"
KEEP_AT_MOST = 50  # rooms per server; the oldest are forgotten first


@dataclass(frozen=True)
class HeldRoom:
    """What the player holds in one room of one server."""

    room: str
    name: str  # the room's name, for the list
    seat: SeatKey | None  # None: the player made the room but holds no seat
    host_token: str | None
    key: str | None  # a private room's key
    saved: float

    def __repr__(self) -> str:  # tokens never show in a traceback or a log
        return f"HeldRoom(room={self.room!r}, name={self.name!r}, seat={self.seat!r})"


class SeatBook:
    """Rooms held, by server address, as kept in `seats.json`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or folders.data_folder() / FILE_NAME

    def _read(self) -> dict[str, dict[str, dict[str, Any]]]:
        data = folders.read_json(self.path)
        if not isinstance(data, dict):
            return {}
        return {
            str(url): {str(r): dict(v) for r, v in rooms.items() if isinstance(v, dict)}
            for url, rooms in data.items()
            if isinstance(rooms, dict)
        }

    def _write(self, data: dict[str, dict[str, dict[str, Any]]]) -> None:
        folders.write_json(
            self.path, {url: rooms for url, rooms in data.items() if rooms}, private=True
        )

    def held(self, url: str) -> list[HeldRoom]:
        """The rooms held on the server at `url`, the most recent first."""
        out = []
        for room, entry in self._read().get(url, {}).items():
            try:
                seat = entry.get("seat")
                out.append(
                    HeldRoom(
                        room,
                        str(entry.get("name") or room),
                        SeatKey(room, str(seat), str(entry["token"])) if seat else None,
                        entry.get("host_token"),
                        entry.get("key"),
                        float(entry.get("saved", 0.0)),
                    )
                )
            except (KeyError, TypeError, ValueError):
                continue
        out.sort(key=lambda h: h.saved, reverse=True)
        return out

    def get(self, url: str, room: str) -> HeldRoom | None:
        return next((h for h in self.held(url) if h.room == room), None)

    def keep(
        self,
        url: str,
        room: str,
        *,
        name: str | None = None,
        seat: SeatKey | None = None,
        host_token: str | None = None,
        key: str | None = None,
    ) -> None:
        """Write down what was just handed over; what is not given stays as it was."""
        data = self._read()
        rooms = data.setdefault(url, {})
        entry = rooms.setdefault(room, {})
        if name:
            entry["name"] = name
        if seat is not None:
            entry["seat"], entry["token"] = seat.seat, seat.token
        if host_token is not None:
            entry["host_token"] = host_token
        if key is not None:
            entry["key"] = key
        entry["saved"] = time.time()
        if len(rooms) > KEEP_AT_MOST:
            oldest = sorted(rooms, key=lambda r: float(rooms[r].get("saved", 0.0)))
            for gone in oldest[: len(rooms) - KEEP_AT_MOST]:
                del rooms[gone]
        self._write(data)

    def drop_seat(self, url: str, room: str) -> None:
        """The seat was given up or its token refused; a host token is kept."""
        data = self._read()
        entry = data.get(url, {}).get(room)
        if entry is None:
            return
        entry.pop("seat", None)
        entry.pop("token", None)
        if not entry.get("host_token"):
            del data[url][room]
        self._write(data)

    def forget(self, url: str, room: str) -> None:
        """Cross the room out altogether (it is gone from the server)."""
        data = self._read()
        if data.get(url, {}).pop(room, None) is not None:
            self._write(data)
