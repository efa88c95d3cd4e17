"""The bot interface and `create_bot`, the one way to turn a bot spec into a player.

A bot plays one agency. It is built as `Bot(agency, seed, **options)` and asked once per turn
`decide(view, legal) -> orders`, where `view` is exactly what a human player of that agency
sees (`game.rules.view(state, agency)`) and `legal` is `game.rules.legal_commands(state,
agency)`. It never sees the full state. Bots draw every random number from their own
generator seeded with `seed`, so a match replays exactly.

A bot spec is a string:

    random | greedy | planner          the built-in bots
    presence_rush | idle | ...         the exploit bots (EXPLOITS below)
    easy | normal | hard               difficulty levels (see LEVELS)
    package.module:ClassName           any class implementing the interface
    <any of these>/key=value/...       options passed to the constructor, e.g. planner/ms=200
"""

from __future__ import annotations

import hashlib
import importlib
import random
from typing import Any

from game.rules import Command, View

# Built-in bots by name, imported only when asked for.
# Single-minded regression opponents (game.ai.exploits), named here so that listing them
# imports none of them.
EXPLOITS: dict[str, str] = {
    "presence_rush": "game.ai.exploits.presence_rush:PresenceRushBot",
    "lab_stacker": "game.ai.exploits.lab_stacker:LabStackerBot",
    "treaty_spammer": "game.ai.exploits.treaty_spammer:TreatySpammerBot",
    "robotic_only": "game.ai.exploits.robotic_only:RoboticOnlyBot",
    "research_only": "game.ai.exploits.research_only:ResearchOnlyBot",
    "leo_access": "game.ai.exploits.leo_access:LeoAccessBot",
    "free_rider": "game.ai.exploits.free_rider:FreeRiderBot",
    "idle": "game.ai.exploits.idle:IdleBot",
}

BUILTIN: dict[str, str] = {
    "random": "game.ai.random_bot:RandomBot",
    "greedy": "game.ai.greedy:GreedyBot",
    "planner": "game.ai.planner:PlannerBot",
    **EXPLOITS,  # single-minded regression opponents: game.ai.exploits
}

# Difficulty levels offered by the client and server, mapped onto built-in bots.
LEVELS: dict[str, str] = {
    "easy": "greedy/blunder=0.4",
    "normal": "greedy",
    "hard": "planner",
}


class BotSpecError(ValueError):
    """A bot spec names no bot that can be built; the message says why."""


class Bot:
    """Base class for bots. Subclasses override `decide`."""

    name = "bot"

    def __init__(self, agency: str, seed: int) -> None:
        self.agency = agency
        self.seed = seed
        self.rng = random.Random(seed)

    def decide(self, view: View, legal: list[Command]) -> list[Command]:
        """The agency's orders for this turn, chosen from `legal` (or built like them)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.agency!r}, {self.seed})"


def seat_seed(match_seed: int, agency: str) -> int:
    """The seed of the bot in `agency`'s seat, derived from the match seed."""
    digest = hashlib.sha256(f"{match_seed}/{agency}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """Split `name/key=value/...` into the name and constructor options."""
    name, *parts = spec.strip().split("/")
    options: dict[str, Any] = {}
    for part in parts:
        key, sep, raw = part.partition("=")
        if not sep or not key.isidentifier():
            raise BotSpecError(f"bot option {part!r} in {spec!r} is not key=value")
        options[key] = _option_value(raw)
    if not name:
        raise BotSpecError("empty bot spec")
    return name, options


def _option_value(raw: str) -> Any:
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return raw


def resolve_class(name: str) -> type:
    """The class a bot name stands for: a built-in, a level, or `module:Class`."""
    target = BUILTIN.get(name, name)
    module_name, sep, class_name = target.partition(":")
    if not sep or not module_name or not class_name:
        known = ", ".join([*BUILTIN, *LEVELS])
        raise BotSpecError(f"unknown bot {name!r}: use one of {known}, or module:Class")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise BotSpecError(f"bot {name!r}: cannot import {module_name!r}: {exc}") from exc
    cls = getattr(module, class_name, None)
    if not isinstance(cls, type) or not callable(getattr(cls, "decide", None)):
        raise BotSpecError(f"bot {name!r}: {module_name} has no bot class {class_name!r}")
    return cls


def create_bot(spec: str, agency: str, seed: int) -> Bot:
    """Build the bot a spec names, for one agency, with its own seed."""
    name, options = parse_spec(spec)
    if name in LEVELS:
        base_name, base_options = parse_spec(LEVELS[name])
        name, options = base_name, {**base_options, **options}
    cls = resolve_class(name)
    try:
        bot = cls(agency, seed, **options)
    except TypeError as exc:
        raise BotSpecError(f"bot {spec!r}: {exc}") from exc
    return bot
