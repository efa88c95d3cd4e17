"""A bot program that misbehaves on purpose, for testing the subprocess host.

    python misbehaving_bot.py MODE

hang     answers hello, then never answers a turn
crash    answers hello, then exits with code 3 on the first turn, after a word on stderr
garbage  answers hello, then writes lines that are not JSON
badorder answers with orders that are not commands
slow     answers every turn after SLOW seconds (env), with no orders
deaf     answers hello, then never reads its input again and sleeps
mute     never answers hello
flood    answers hello, then one enormous line with no newline
polite   answers every turn at once, with no orders
"""

import json
import os
import sys
import time

mode = sys.argv[1]


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


hello = sys.stdin.readline()
if mode == "mute":
    time.sleep(60)
send({"type": "ready", "name": f"misbehaving-{mode}"})
if mode == "deaf":
    time.sleep(60)
for line in sys.stdin:
    message = json.loads(line)
    if message["type"] == "end":
        break
    turn = message["turn"]
    if mode == "hang":
        time.sleep(60)
    elif mode == "crash":
        print("something broke inside the bot", file=sys.stderr, flush=True)
        sys.exit(3)
    elif mode == "garbage":
        sys.stdout.write("this is not json {{{\n")
        sys.stdout.flush()
    elif mode == "badorder":
        send({"type": "orders", "turn": turn, "orders": [{"kind": "teleport", "to": "moon"}]})
    elif mode == "slow":
        time.sleep(float(os.environ.get("SLOW", "0.2")))
        send({"type": "orders", "turn": turn, "orders": []})
    elif mode == "flood":
        sys.stdout.write("x" * 3_000_000)
        sys.stdout.flush()
        time.sleep(60)
    else:
        send({"type": "orders", "turn": turn, "orders": []})
