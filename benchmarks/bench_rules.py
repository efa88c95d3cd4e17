"""The rules core: turn resolution, legal moves, the wire form, and whole random matches.

Two kinds of play feed the measures. Plain random legal orders (`random_orders`) are what the
property tests play; they scrub about as many programs as they start and fly little. "Busy"
play draws more random orders, never scrubs or walks out, rushes a program and launches
everything ready, so the state fills up with flights, stations and treaties as a real late
game does; the turn and size measures use it.
"""

from __future__ import annotations

import msgpack

from benchmarks.harness import Result, median_time
from game.rules import (
    Command,
    Launch,
    Rng,
    Rush,
    Scrub,
    State,
    Withdraw,
    check,
    legal_commands,
    new_match,
    random_orders,
    resolve_turn,
    state_hash,
    validate,
    view,
)

RESOLVE_GOAL_MS = 2.0
MATCH_GOAL_S = 0.2
PACKED_GOAL_KIB = 64.0
MID_GAME_TURN = 20


def busy_orders(state: State, agency: str, rng: Rng) -> list[Command]:
    """Many legal orders: research, programs, funding, diplomacy, a rush, every launch."""
    own = [
        c
        for c in random_orders(state, agency, rng, most=24, tries=400)
        if not isinstance(c, Scrub | Withdraw | Launch)
    ]
    for program in state.programs.values():
        if program.agency != agency:
            continue
        if program.phase == "ready" and check(state, agency, Launch(program.id)) is None:
            own.append(Launch(program.id))
    for program in state.programs.values():
        if program.agency == agency and program.phase == "building":
            if validate(state, agency, [*own, Rush(program.id)]) == []:
                own.append(Rush(program.id))
            break
    if validate(state, agency, own):
        own = [c for c in own if not isinstance(c, Launch | Rush)]
    return own


def play(seed: int, *, busy: bool, turns: int | None = None) -> State:
    """A default-length match (or its first `turns` turns) of six agencies."""
    state = new_match(seed=seed)
    rng = Rng(seed)
    order = busy_orders if busy else random_orders
    while state.outcome is None and (turns is None or state.turn < turns):
        state, _ = resolve_turn(state, {a: order(state, a, rng) for a in state.agencies})
    return state


def run(runs: int) -> list[Result]:
    mid = play(1, busy=True, turns=MID_GAME_TURN)
    rng = Rng(2)
    orders = {a: busy_orders(mid, a, rng) for a in mid.agencies}
    ordered = sum(len(v) for v in orders.values())
    _, events = resolve_turn(mid, orders)
    refused = sum(1 for e in events if e.kind == "order_rejected")
    launched = sum(1 for e in events if e.kind == "mission_flown")
    resolve = median_time(lambda: resolve_turn(mid, orders), max(runs, 25))

    def all_legal() -> None:
        for agency in mid.agencies:
            legal_commands(mid, agency)

    legal = median_time(all_legal, runs) / len(mid.agencies)
    counts = [len(legal_commands(mid, a)) for a in mid.agencies]

    def all_views() -> None:
        for agency in mid.agencies:
            view(mid, agency)

    views = median_time(all_views, runs) / len(mid.agencies)

    late = play(3, busy=True)
    wire_trip = median_time(lambda: State.from_wire(late.to_wire(), late.content), runs)
    hashing = median_time(lambda: state_hash(late), runs)
    packed = len(msgpack.packb(late.to_wire())) / 1024
    flights_share = len(msgpack.packb(late.to_wire()["flights"])) / 1024 / packed
    random_late = play(3, busy=False)
    packed_random = len(msgpack.packb(random_late.to_wire())) / 1024

    seeds = iter(range(100, 100 + 10 * runs + 10))
    match = median_time(lambda: play(next(seeds), busy=False), runs)

    return [
        Result(
            "resolve_turn, 6 agencies, busy orders",
            resolve * 1000,
            "ms",
            goal=f"<= {RESOLVE_GOAL_MS}",
            met=resolve * 1000 <= RESOLVE_GOAL_MS,
            note=f"turn {MID_GAME_TURN}: {ordered} orders, {launched} launches, "
            f"{len(events)} events, {refused} refused",
        ),
        Result(
            "legal_commands, one agency",
            legal * 1000,
            "ms",
            note=f"turn {MID_GAME_TURN}: {min(counts)}-{max(counts)} commands",
        ),
        Result("view, one agency", views * 1000, "ms", note=f"turn {MID_GAME_TURN}"),
        Result(
            "state to_wire + from_wire, late game",
            wire_trip * 1000,
            "ms",
            note=f"busy play, turn {late.turn}",
        ),
        Result("state_hash, late game", hashing * 1000, "ms", note=f"busy play, turn {late.turn}"),
        Result(
            "msgpack size, late-game state",
            packed,
            "KiB",
            goal=f"<= {PACKED_GOAL_KIB:.0f}",
            met=packed <= PACKED_GOAL_KIB,
            note=f"busy play: {len(late.flights)} flights ({flights_share:.0%} of it), "
            f"{len(late.programs)} programs, {len(late.stations)} stations",
        ),
        Result(
            "msgpack size, late game of random orders",
            packed_random,
            "KiB",
            goal=f"<= {PACKED_GOAL_KIB:.0f}",
            met=packed_random <= PACKED_GOAL_KIB,
            note=f"{len(random_late.flights)} flights",
        ),
        Result(
            "full match, 6 agencies, random legal orders",
            match,
            "s",
            goal=f"<= {MATCH_GOAL_S}",
            met=match <= MATCH_GOAL_S,
            note="default length (40 turns), random_orders",
        ),
    ]
