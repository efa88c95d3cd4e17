"""One client's WebSocket connection, handing each message to the server the moment it is whole.

`websockets` queues incoming messages for a reader task to `recv()`: one task wake-up, one
future and one queue round trip a message. The server's message handling is synchronous
(check, answer, maybe start a commit), so `Connection` skips the queue: once the handshake
is done, every complete message - fragments joined, its size already bounded by the
protocol's `max_size` - goes straight to the handler set with `deliver()`, from the event
loop's callback for the bytes that completed it. Messages that arrive before a handler is set
wait, in order, until it is. Control frames (ping, pong, close) keep their usual handling.
"""

from __future__ import annotations

from collections.abc import Callable

from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.http11 import Request

Handler = Callable[[bytes | str], None]

_DATA = (Opcode.TEXT, Opcode.BINARY, Opcode.CONT)


class Connection(ServerConnection):
    """A server connection whose messages go to one synchronous handler, in order."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._handler: Handler | None = None
        self._early: list[bytes | str] = []  # whole messages that came before the handler
        self._parts: list[bytes] = []  # the fragments of a message still arriving
        self._text = False  # whether that message is a text message
        self.address = "?"  # the client's address, set when its handshake is checked

    def deliver(self, handler: Handler) -> None:
        """Send every message, from now on and any already waiting, to `handler`."""
        self._handler = handler
        early, self._early = self._early, []
        for message in early:
            handler(message)

    def process_event(self, event: Request | Frame) -> None:  # type: ignore[override]
        if self.request is None or not isinstance(event, Frame) or event.opcode not in _DATA:
            super().process_event(event)  # the handshake, and control frames
            return
        if event.opcode is not Opcode.CONT:
            self._text = event.opcode is Opcode.TEXT
        if not event.fin:
            self._parts.append(bytes(event.data))
            return
        data = bytes(event.data)
        if self._parts:
            self._parts.append(data)
            data = b"".join(self._parts)
            self._parts = []
        message: bytes | str = data.decode("utf-8", "replace") if self._text else data
        if self._handler is None:
            self._early.append(message)
        else:
            self._handler(message)
