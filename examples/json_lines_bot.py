#!/usr/bin/env python3
"""A complete Lunar Race bot that speaks the JSON-lines protocol (see docs/bots.md).

It imports nothing from the game, to show the protocol as a program in any language sees
it: read one JSON object per line on stdin, answer with one per line on stdout, log to
stderr. Run it in a match with:

    lunar-race match 'nasa=cmd:python3 examples/json_lines_bot.py'

Its play is simple and careful: accept every proposal, fly every program that is ready,
pay every program on schedule, put a third of its income into research (what it has
started first), and open the cheapest mission it can when nothing of its own is being
built. It keeps a running total so its orders never spend more than its treasury.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def log(text: str) -> None:
    print(f"[example bot] {text}", file=sys.stderr, flush=True)


def choose(view: dict[str, Any], legal: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """This turn's orders, picked from the legal commands."""
    me = view["me"]
    money = me["treasury"]
    orders: list[dict[str, Any]] = []
    used: set[tuple[str, str]] = set()  # one order per proposal, program or tech

    def add(cmd: dict[str, Any], key: str, cost: int = 0) -> bool:
        nonlocal money
        tag = (cmd["kind"] if cmd["kind"] in ("research", "answer") else "program", key)
        if tag in used or cost > money or len(orders) >= 64:
            return False
        used.add(tag)
        orders.append(cmd)
        money -= cost
        return True

    by_kind: dict[str, list[dict[str, Any]]] = {}
    for cmd in legal:
        by_kind.setdefault(cmd["kind"], []).append(cmd)

    for cmd in by_kind.get("answer", []):
        if cmd["accept"]:
            add(cmd, cmd["proposal"])
    for cmd in by_kind.get("launch", []):
        add(cmd, cmd["program"])
    for cmd in by_kind.get("fund", []):
        amount = min(cmd["amount"], money)
        if amount > 0:
            add({**cmd, "amount": amount}, cmd["program"], amount)

    research = by_kind.get("research", [])
    research.sort(key=lambda c: (-me["techs"][c["tech"]]["paid"], c["amount"], c["tech"]))
    budget = min(money, me["income"] // 3)
    for cmd in research:
        amount = min(cmd["amount"], budget)
        if amount > 0 and add({**cmd, "amount": amount}, cmd["tech"], amount):
            budget -= amount

    building = [
        p
        for p in view["programs"].values()
        if p["agency"] == me["agency"] and p["phase"] == "building"
    ]
    if not building:
        costs = me["mission_costs"]
        starts = [
            c
            for c in by_kind.get("start_mission", [])
            if not c["commercial"] and not c["module"] and costs[c["mission_type"]] <= 3 * money
        ]
        if starts:
            cheapest = min(starts, key=lambda c: (costs[c["mission_type"]], c["site"]))
            add(cheapest, "start")
    return orders


def main() -> int:
    hello = json.loads(sys.stdin.readline())
    log(f"playing {hello['agency']} (protocol {hello['protocol']})")
    send({"type": "ready", "name": "example-json-lines-bot"})
    for line in sys.stdin:
        message = json.loads(line)
        if message["type"] == "end":
            winners = (message.get("outcome") or {}).get("winners", [])
            log(f"match over, won by {', '.join(winners) or 'nobody'}")
            break
        if message["type"] != "turn":
            continue
        for fault in message.get("faults", []):
            log(f"last turn's orders were refused: {fault['kind']}: {fault['detail']}")
        orders = choose(message["view"], message["legal"])
        send({"type": "orders", "turn": message["turn"], "orders": orders})
    return 0


if __name__ == "__main__":
    sys.exit(main())
