"""The server's admin: commands behind the admin token, and the bans they keep.

An `admin` message carries the token and one `AdminCommand`. Without a token in the host's
settings every admin message is refused (`unauthorised`), as is a wrong one; the token is
compared as SHA-256 digests with `hmac.compare_digest`, so the time a refusal takes says
nothing about the token. Each command is logged with its outcome, never with the token.

Bans are by player name (checked at `hello`) or by address (checked at the opening
handshake, before any message); both are kept in the store and survive restarts. A kick or
a ban closes the matching connections at once with close code 4003; seats they held stay
theirs, and the AI stands in after the grace period, as for any lost connection.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.protocol.errors import AuthError, CloseCode, ErrorCode, ProtocolError, ServerError
from game.protocol.messages import AdminCommand, Request, ServerType
from server import log
from server.backup import backup_file, default_name

if TYPE_CHECKING:
    from server.app import GameServer, Peer

BACKUPS = "backups"  # the folder beside the store that admin backups go to


class Bans:
    """Banned names and addresses, as the store keeps them."""

    KINDS = ("name", "address")

    def __init__(self, rows: list[tuple[str, str, str, float]]) -> None:
        self.entries: dict[tuple[str, str], tuple[str, float]] = {
            (kind, value): (reason, at) for kind, value, reason, at in rows
        }

    def has(self, kind: str, value: str | None) -> bool:
        return value is not None and (kind, value) in self.entries

    def listing(self) -> list[dict[str, Any]]:
        return [
            {"kind": kind, "value": value, "reason": reason, "at": at}
            for (kind, value), (reason, at) in self.entries.items()
        ]


class Admin:
    """The admin commands of one server."""

    def __init__(self, server: GameServer, token: str) -> None:
        self.server = server
        self.digest = hashlib.sha256(token.encode()).digest() if token else None
        self.bans = Bans(server.store.bans())

    def check_token(self, token: str) -> None:
        given = hashlib.sha256(token.encode()).digest()
        if self.digest is None:
            hmac.compare_digest(given, given)  # the same work as a real comparison
            raise AuthError("admin commands are off on this server: it has no admin token")
        if not hmac.compare_digest(given, self.digest):
            raise AuthError("the admin token is wrong")

    def handle(self, peer: Peer, m: Request) -> None:
        try:
            self.check_token(m["admin_token"])
        except AuthError:
            log.event("admin_refused", logging.WARNING, conn=peer.id, address=peer.address)
            raise
        command = AdminCommand(m["command"])
        if command is AdminCommand.BACKUP:
            asyncio.get_running_loop().create_task(self.backup(peer, m))
            return
        result = getattr(self, f"do_{command.value}")(peer, m)
        log.event("admin", conn=peer.id, command=str(command), room=m["room"])
        self.reply(peer, m, result)

    def reply(self, peer: Peer, m: Request, result: Any) -> None:
        self.server.reply(
            peer, m, {"t": ServerType.ADMIN, "command": m["command"], "result": result}
        )

    # --- commands ---------------------------------------------------------------------
    def do_rooms(self, peer: Peer, m: Request) -> list[dict[str, Any]]:
        return [room.summary() for room in self.server.lobby.rooms.values()]

    def do_close(self, peer: Peer, m: Request) -> dict[str, Any]:
        if m["room"] is None:
            raise ProtocolError("close needs the room", code=ErrorCode.MALFORMED)
        room = self.server.lobby.room(m["room"])
        self.server.close_room(room, m["text"] or "the server's admin closed the room")
        return {"room": room.id}

    def _target(self, m: Request) -> tuple[str, str]:
        if (m["name"] is None) == (m["address"] is None):
            raise ProtocolError(
                f"{m['command']} needs a name or an address, not both", code=ErrorCode.MALFORMED
            )
        return ("name", m["name"]) if m["name"] is not None else ("address", m["address"])

    def _close_matching(self, sender: Peer, kind: str, value: str, reason: str) -> int:
        """Close the connections of that name or address, but the admin's own."""
        peers = [
            p
            for p in self.server.peers.values()
            if (p.name if kind == "name" else p.address) == value
            and not p.closing
            and p is not sender
        ]
        for peer in peers:
            asyncio.get_running_loop().create_task(
                self.server.close(peer, CloseCode.ADMIN_CLOSED, reason)
            )
        return len(peers)

    def do_kick(self, peer: Peer, m: Request) -> dict[str, Any]:
        kind, value = self._target(m)
        closed = self._close_matching(
            peer, kind, value, m["text"] or "closed by the server's admin"
        )
        return {"kind": kind, "value": value, "closed": closed}

    def do_ban(self, peer: Peer, m: Request) -> dict[str, Any]:
        kind, value = self._target(m)
        if kind == "address" and value == peer.address:
            raise ProtocolError(
                f"{value} is the address this command came from: a ban would shut the admin "
                "out (behind a proxy, everyone)",
                code=ErrorCode.MALFORMED,
            )
        reason = m["text"] or "banned by the server's admin"
        at = time.time()
        self.server.store.add_ban(kind, value, reason, at)
        self.bans.entries[(kind, value)] = (reason, at)
        closed = self._close_matching(peer, kind, value, reason)
        return {"kind": kind, "value": value, "closed": closed}

    def do_unban(self, peer: Peer, m: Request) -> dict[str, Any]:
        kind, value = self._target(m)
        removed = self.bans.entries.pop((kind, value), None) is not None
        self.server.store.remove_ban(kind, value)
        return {"kind": kind, "value": value, "removed": removed}

    def do_bans(self, peer: Peer, m: Request) -> list[dict[str, Any]]:
        return self.bans.listing()

    def do_broadcast(self, peer: Peer, m: Request) -> dict[str, Any]:
        if m["text"] is None:
            raise ProtocolError("broadcast needs the text", code=ErrorCode.MALFORMED)
        sent = self.server.broadcast_notice(m["text"])
        return {"sent": sent}

    async def backup(self, peer: Peer, m: Request) -> None:
        """Copy the store in a thread of its own, so that the event loop goes on answering."""
        store = self.server.store.path
        target = store.parent / BACKUPS / default_name()
        try:
            size = await asyncio.to_thread(backup_file, store, target)
        except Exception as exc:
            log.event("backup_failed", logging.ERROR, error=f"{type(exc).__name__}: {exc}")
            failure = ServerError(f"the backup failed: {type(exc).__name__}")
            self.server.send(peer, failure.to_wire(m.ref))
            return
        log.event("admin", conn=peer.id, command="backup", file=str(target), bytes=size)
        self.reply(peer, m, {"file": str(Path(target)), "bytes": size})
