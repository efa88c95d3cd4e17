"""Who follows the lobby's room list, and who follows one room from outside it.

Sans-I/O bookkeeping for the `follow` message (docs/protocol.md): a connection follows
either the list of public rooms or a single room (one it may enter by id, and key), never
both; following one thing stops following the other. The server collects the rooms that
changed and, a moment later, tells each follower once: the room's followers get a `room`
update, the lobby's followers the new list when a public room was among them.
"""

from __future__ import annotations


class Followers:
    """Connections following the lobby, and connections following each room."""

    def __init__(self) -> None:
        self.lobby: set[int] = set()
        self.rooms: dict[str, set[int]] = {}
        self._room_of: dict[int, str] = {}

    def follow_lobby(self, conn: int) -> None:
        self._leave_room(conn)
        self.lobby.add(conn)

    def follow_room(self, conn: int, room_id: str) -> None:
        self.lobby.discard(conn)
        self._leave_room(conn)
        self.rooms.setdefault(room_id, set()).add(conn)
        self._room_of[conn] = room_id

    def forget(self, conn: int) -> None:
        """The connection closed."""
        self.lobby.discard(conn)
        self._leave_room(conn)

    def drop_room(self, room_id: str) -> None:
        """The room is gone: nobody follows it any longer."""
        for conn in self.rooms.pop(room_id, set()):
            self._room_of.pop(conn, None)

    def of_room(self, room_id: str) -> set[int]:
        return self.rooms.get(room_id, set())

    def _leave_room(self, conn: int) -> None:
        room_id = self._room_of.pop(conn, None)
        if room_id is None:
            return
        followers = self.rooms.get(room_id)
        if followers is not None:
            followers.discard(conn)
            if not followers:
                del self.rooms[room_id]
