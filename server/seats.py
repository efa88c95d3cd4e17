"""AI seats: the bots that play empty seats and stand in for absent players.

Each (room, agency) gets one bot, built by `game.ai.create_bot` at the room's level with a
seed derived from the match seed, and kept for the match so that it can remember. A bot
thinks in a worker thread, never on the event loop; a bot that raises, returns something
other than a list of commands, or thinks past the time limit plays an empty turn.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from typing import Any

from game import rules
from game.ai import Bot, create_bot, seat_seed
from game.rules.commands import Command
from server import log


class SeatBots:
    """The bots of every room on the server."""

    def __init__(self, pool: Executor, timeout: float) -> None:
        self.pool = pool
        self.timeout = timeout
        self.bots: dict[tuple[str, str], Bot] = {}

    def bot(self, room: Any, agency: str) -> Bot:
        key = (room.id, agency)
        bot = self.bots.get(key)
        if bot is None:
            seed = seat_seed(room.settings.seed, agency)
            bot = self.bots[key] = create_bot(room.settings.ai_level, agency, seed)
        return bot

    def forget(self, room_id: str) -> None:
        for key in [k for k in self.bots if k[0] == room_id]:
            del self.bots[key]

    async def decide_all(self, room: Any, agencies: list[str]) -> dict[str, list[Command]]:
        """Orders for each agency, thought out in parallel worker threads."""
        loop = asyncio.get_running_loop()
        jobs = {
            agency: loop.run_in_executor(self.pool, _think, self.bot(room, agency), room, agency)
            for agency in agencies
        }
        _done, late = await asyncio.wait(jobs.values(), timeout=self.timeout)
        results: dict[str, list[Command]] = {}
        for agency, job in jobs.items():
            if job in late:
                log.event("ai_timeout", logging.WARNING, room=room.id, seat=agency)
                results[agency] = []
                continue
            orders, problem = job.result()
            if problem:
                log.event("ai_failed", logging.WARNING, room=room.id, seat=agency, error=problem)
            results[agency] = orders
        return results


def _think(bot: Bot, room: Any, agency: str) -> tuple[list[Command], str | None]:
    try:
        state = room.state
        orders = bot.decide(rules.view(state, agency), rules.legal_commands(state, agency))
    except Exception as exc:
        return [], f"{type(exc).__name__}: {exc}"
    if not isinstance(orders, list) or not all(isinstance(c, Command) for c in orders):
        return [], f"decide() returned {type(orders).__name__}, not a list of commands"
    return orders, None
