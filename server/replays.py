"""Replays of finished matches, in the headless runner's format (game.replay).

A replay is rebuilt from the store: the first snapshot gives the starting hash and content,
the turns table the orders every seat played, the room its outcome. Human seats are
recorded as `human`, AI seats by their level, so `lunar-race replay` can verify a match
played on a server exactly like one played headless.
"""

from __future__ import annotations

from game import __version__, rules
from game.protocol.messages import Control
from game.replay import Replay, TurnRecord, content_hash, content_version, dumps
from server.room import Room
from server.store import Store


def build_replay(store: Store, room: Room) -> Replay:
    first = store.first_state(room.id)
    played = store.played_turns(room.id)
    seats = {
        agency: "human" if seat.control is Control.HUMAN else room.settings.ai_level
        for agency, seat in room.seats.items()
    }
    return Replay(
        game_version=__version__,
        content_hash=content_hash(first),
        content_version=content_version(first),
        intel_secret=first.intel_secret,
        scenario=room.settings.scenario,
        seed=room.settings.seed,
        turn_limit=room.settings.turns,
        agencies=list(first.agencies),
        seats=seats,
        bots={agency: seats[agency] for agency in seats},
        initial_hash=rules.state_hash(first),
        turns=[TurnRecord(t.turn, t.orders, [], t.state_hash) for t in played],
        outcome=room.outcome,
        final_hash=played[-1].state_hash if played else rules.state_hash(first),
    )


def replay_bytes(store: Store, room: Room) -> bytes:
    """The finished match as replay-file bytes (JSON lines with checksums)."""
    return dumps(build_replay(store, room))
