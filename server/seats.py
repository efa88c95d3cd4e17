"""AI seats: the bots that play empty seats and stand in for absent players.

Each (room, agency) gets one bot, built by `game.ai.create_bot` at the seat's level with a
seed derived from the match seed, and kept for the match so that it can remember. A bot
thinks in a worker (`server.turns.think`), never on the event loop; a bot that raises,
returns something other than a list of commands, or thinks past the time limit plays an
empty turn.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from game.ai import Bot, create_bot, seat_seed
from game.rules import Command
from server import log
from server.turns import think
from server.work import URGENT, Share, Workers


class SeatBots:
    """The bots of every room on the server."""

    def __init__(self, work: Workers, timeout: float) -> None:
        self.work = work
        self.timeout = timeout
        self.bots: dict[tuple[str, str], Bot] = {}

    def bot(self, room: Any, agency: str) -> Bot:
        key = (room.id, agency)
        bot = self.bots.get(key)
        if bot is None:
            seed = seat_seed(room.settings.seed, agency)
            bot = self.bots[key] = create_bot(room.settings.level_for(agency), agency, seed)
        return bot

    def forget(self, room_id: str) -> None:
        for key in [k for k in self.bots if k[0] == room_id]:
            del self.bots[key]

    async def decide_all(
        self, room: Any, agencies: list[str], share: Share = URGENT
    ) -> dict[str, list[Command]]:
        """Orders for each agency, thought out in the workers from the current snapshot. The
        time limit runs from the moment the room's turn in the workers comes."""
        jobs = {
            agency: asyncio.ensure_future(
                self.work.run(
                    think,
                    self.bot(room, agency),
                    room.snapshot,
                    agency,
                    share=share,
                    timeout=self.timeout,
                )
            )
            for agency in agencies
        }
        try:
            await asyncio.wait(jobs.values())
        except asyncio.CancelledError:
            for job in jobs.values():
                job.cancel()  # a job still waiting for a worker never starts
            raise
        results: dict[str, list[Command]] = {}
        for agency, job in jobs.items():
            try:
                orders, problem, bot = job.result()
            except TimeoutError:
                log.event("ai_timeout", logging.WARNING, room=room.id, seat=agency)
                results[agency] = []
                continue
            except Exception as exc:  # the worker itself failed, not the bot
                orders, problem, bot = [], f"{type(exc).__name__}: {exc}", None
            if problem:
                log.event("ai_failed", logging.WARNING, room=room.id, seat=agency, error=problem)
            key = (room.id, agency)
            if bot is not None and key in self.bots:
                self.bots[key] = bot  # what it remembered this turn
            results[agency] = orders
        return results
