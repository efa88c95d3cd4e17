"""An order sheet: how a bot builds a turn's orders that fit together.

`game.rules.legal_commands` lists what is allowed one command at a time; a turn's orders
must also fit together (one order per tech, program or proposal, money within the treasury,
no more programs than allowed). A bot adds commands to a sheet, and the sheet keeps only
those that fit, reckoning costs with `game.rules.orders_cost` from the bot's own view.
"""

from __future__ import annotations

from game.rules import (
    Answer,
    BuyService,
    Command,
    Delay,
    Fund,
    Launch,
    Propose,
    Research,
    Rush,
    Scrub,
    SetAccess,
    StartMission,
    View,
    Withdraw,
    orders_cost,
)


def order_key(cmd: Command) -> tuple[object, ...]:
    """Commands with the same key may not share a turn's orders."""
    if isinstance(cmd, Research):
        return ("research", cmd.tech)
    if isinstance(cmd, Fund):
        return ("fund", cmd.program)
    if isinstance(cmd, Rush):
        return ("rush", cmd.program)
    if isinstance(cmd, Delay | Scrub | Launch):
        return ("program", cmd.program)
    if isinstance(cmd, Propose):
        return ("propose", cmd.to, cmd.treaty, cmd.bloc, cmd.program)
    if isinstance(cmd, Answer):
        return ("answer", cmd.proposal)
    if isinstance(cmd, Withdraw):
        return ("withdraw", cmd.agreement)
    if isinstance(cmd, SetAccess):
        return ("access", cmd.station)
    if isinstance(cmd, BuyService):
        return ("service", cmd.service)
    if isinstance(cmd, StartMission):
        return ("start", cmd.mission_type, cmd.site, cmd.module, cmd.commercial)
    return ("other", repr(cmd))


class OrderSheet:
    """The orders of one turn under construction."""

    def __init__(self, view: View, *, limit: int = 64, starts: int = 1) -> None:
        self.view = view
        self.treasury: int = view["me"]["treasury"]
        self.orders: list[Command] = []
        self.limit = limit
        self.starts = starts  # new programs this turn: the view does not count the rules' cap
        self._keys: set[tuple[object, ...]] = set()
        self._spent = 0
        self._starts = 0

    @property
    def left(self) -> int:
        """Money not yet committed this turn."""
        return self.treasury - self._spent

    def cost(self, cmd: Command) -> int:
        return orders_cost(self.view, [cmd])

    def fits(self, cmd: Command) -> bool:
        if len(self.orders) >= self.limit or order_key(cmd) in self._keys:
            return False
        if isinstance(cmd, StartMission) and self._starts >= self.starts:
            return False
        return self.cost(cmd) <= self.left

    def add(self, cmd: Command) -> bool:
        """Add the command if it fits with the others; say whether it was added."""
        if not self.fits(cmd):
            return False
        self.orders.append(cmd)
        self._keys.add(order_key(cmd))
        self._spent += self.cost(cmd)
        if isinstance(cmd, StartMission):
            self._starts += 1
        return True

    def has(self, cmd: Command) -> bool:
        return order_key(cmd) in self._keys
