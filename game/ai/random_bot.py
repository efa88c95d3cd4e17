"""The random bot: legal commands picked uniformly at random, for tests and baselines.

Each turn it walks the legal commands in a random order and keeps each with a fixed
chance, as long as it fits with the orders already kept (see `game.rules.OrderSheet`), and
opens at most one new program a turn. Research and funding amounts are the standard ones
`legal_commands` offers, cut to the money left.
"""

from __future__ import annotations

from dataclasses import replace

from game.ai.base import Bot
from game.rules import Command, Fund, OrderSheet, Research, StartMission, View


class RandomBot(Bot):
    name = "random"

    def __init__(self, agency: str, seed: int, keep: float = 0.15) -> None:
        super().__init__(agency, seed)
        if not 0.0 <= keep <= 1.0:
            raise ValueError("keep is a chance between 0 and 1")
        self.keep = keep

    def decide(self, view: View, legal: list[Command]) -> list[Command]:
        sheet = OrderSheet.for_view(view)
        pool = list(legal)
        self.rng.shuffle(pool)
        opened = False
        for cmd in pool:
            if self.rng.random() >= self.keep:
                continue
            if isinstance(cmd, StartMission):
                if opened:
                    continue
                opened = sheet.add(cmd)
                continue
            if isinstance(cmd, Research | Fund) and cmd.amount > sheet.left:
                if sheet.left < 1:
                    continue
                cmd = replace(cmd, amount=sheet.left)
            sheet.add(cmd)
        return sheet.orders
