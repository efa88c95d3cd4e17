"""Bots: players that decide from exactly what a human player of their agency sees.

`create_bot(spec, agency, seed)` builds one from a spec ("random", "greedy", "planner", a
level "easy"/"normal"/"hard", or "module:Class"); see `game.ai.base` and docs/bots.md.
"""

from game.ai.base import BUILTIN, LEVELS, Bot, BotSpecError, create_bot, seat_seed

__all__ = ["BUILTIN", "LEVELS", "Bot", "BotSpecError", "create_bot", "seat_seed"]
