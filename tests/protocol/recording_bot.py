"""A program bot that plays like the example bot and writes every line it reads and writes
to a file, for checking the JSON-lines protocol against the schema.

    python recording_bot.py LOG_FILE
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples"))
from json_lines_bot import choose


def main(log_path: str) -> None:
    with Path(log_path).open("a", encoding="utf-8") as log:

        def record(direction, message):
            log.write(json.dumps({"from": direction, "message": message}) + "\n")
            log.flush()

        def send(message):
            record("bot", message)
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()

        for line in sys.stdin:
            message = json.loads(line)
            record("host", message)
            if message["type"] == "hello":
                send({"type": "ready", "name": "recording-bot"})
            elif message["type"] == "turn":
                orders = choose(message["view"], message["legal"])
                send({"type": "orders", "turn": message["turn"], "orders": orders})
            else:
                break


if __name__ == "__main__":
    main(sys.argv[1])
