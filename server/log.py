"""Structured logs: one JSON line per server event, with its room and seat, and no secrets.

`event(name, **fields)` writes `{"ts", "level", "event", ...fields}` to the
`lunar_race.server` logger. A field named like a secret (token, host_token, key) is refused
with ValueError. Refusals are logged by their code, never with the client's own text, so a
secret a client pastes into the wrong field cannot reach a log line either.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from game.protocol.messages import SECRET_FIELDS

LOGGER_NAME = "lunar_race.server"
_logger = logging.getLogger(LOGGER_NAME)


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one event. Fields are plain values: room, seat, conn, code, turn..."""
    if not _logger.isEnabledFor(level):
        return
    leaked = SECRET_FIELDS.intersection(fields)
    if leaked:
        raise ValueError(f"secret field(s) {sorted(leaked)} may not be logged")
    record: dict[str, Any] = {
        "ts": round(time.time(), 3),
        "level": logging.getLevelName(level).lower(),
        "event": name,
    }
    for key, value in fields.items():
        if value is None:
            continue
        ok = isinstance(value, (str, int, float, bool, list))
        record[key] = value if ok else str(value)
    _logger.log(level, json.dumps(record, ensure_ascii=False, separators=(",", ":")))


def setup(level: str = "info", stream: Any = None) -> None:
    """Send server events to `stream` (stderr by default), one JSON object a line."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    _logger.handlers[:] = [handler]
    _logger.setLevel(level.upper())
    _logger.propagate = False
    # The websockets library's own messages are about transport; keep only its warnings.
    logging.getLogger("websockets").setLevel(logging.WARNING)
