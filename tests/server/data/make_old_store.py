"""Write `efd6cfe.sqlite`: a data folder as the server of commit efd6cfe left it.

Run with an efd6cfe checkout first on the path, from this folder:

    git archive efd6cfe | tar -x -C /tmp/efd6cfe
    PYTHONPATH=/tmp/efd6cfe python make_old_store.py

It drives that version's own store and rooms, sans-I/O: a match three turns in with a
player's acknowledged orders for the fourth, a finished two-turn match, a lobby room with a
seated player, and chat in the lobby and in a room. The tokens it prints are what the
migration test rejoins with.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import msgpack

from game import rules
from game.ai import create_bot, seat_seed
from server.room import Room, RoomSettings, Submission
from server.store import FILE_NAME, Store
from server.work import resolve, think

NOW = 1_780_000_000.0  # the stored clock: a fixed moment, so the file is the same each run
HERE = Path(__file__).resolve().parent
OUT = HERE / "efd6cfe"


def settings(name: str, turns: int, **more: object) -> RoomSettings:
    wire = {
        "name": name,
        "scenario": "2021",
        "seats": ["nasa", "roscosmos", "cnsa"],
        "ai_seats": ["roscosmos", "cnsa"],
        "turns": turns,
        "deadline": 120.0,
        "first_deadline": 120.0,
        "ai_level": "greedy",
        "visibility": "public",
        "spectators": True,
        "seed": 2021,
        "ai_levels": {},
        **more,
    }
    return RoomSettings.from_wire(wire)


def play_turns(store: Store, room: Room, count: int) -> None:
    """`count` turns, every seat's orders written by the greedy bot."""
    bots = {a: create_bot("greedy", a, seat_seed(room.settings.seed, a)) for a in room.seats}
    for _ in range(count):
        if room.phase.value != "playing":
            return
        for agency in room.seats:
            orders, problem, bots[agency] = think(bots[agency], room.snapshot, agency)
            assert problem is None, problem
            room.record(agency, orders, True)
        plan = room.plan()
        resolved = resolve(plan.snapshot, plan.orders, list(room.seats))
        state = rules.State.from_wire(msgpack.unpackb(resolved.snapshot, raw=False))
        room.conclude(state, resolved, NOW + plan.turn)
        store.save_turn(room, plan.turn, plan.orders, resolved.state_hash, NOW + plan.turn)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / FILE_NAME).unlink(missing_ok=True)
    store = Store(OUT)
    tokens: dict[str, str] = {}

    playing, host_token, _key = Room.open("moonbase", settings("Moonbase", 40), NOW)
    _seat, tokens["moonbase/nasa"] = playing.claim("nasa", "Ada", None)
    playing.set_ready("nasa", True)
    playing.start(NOW)
    store.save_start(playing, NOW)
    play_turns(store, playing, 3)
    # The player's orders for the fourth turn, acknowledged before the server stopped.
    bot = create_bot("greedy", "nasa", 7)
    orders, _problem, _bot = think(bot, playing.snapshot, "nasa")
    wire = rules.orders_to_wire(orders)
    sub = Submission(playing, "nasa", playing.turn, playing.version, orders, True, wire)
    store.append_orders([sub], NOW + 10)
    store.append_chat("moonbase", {"from": "Ada", "seat": "nasa", "text": "go", "time": NOW})

    finished, _host, _key = Room.open("short", settings("Short", 2), NOW)
    finished.start(NOW)
    store.save_start(finished, NOW)
    play_turns(store, finished, 2)
    assert finished.phase.value == "over"

    waiting, _host, _key = Room.open("waiting", settings("Waiting", 40), NOW)
    _seat, tokens["waiting/nasa"] = waiting.claim("nasa", "Grace", None)
    store.save_room(waiting)
    store.append_chat(None, {"from": "Grace", "seat": None, "text": "hello", "time": NOW})
    store.close()

    db = sqlite3.connect(OUT / FILE_NAME)
    db.execute("VACUUM")
    db.close()
    meta = {"tokens": tokens, "host_token": host_token, "turn": playing.turn}
    (OUT / "tokens.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
