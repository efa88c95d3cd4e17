"""Faults: what a bot did wrong in a turn, recorded instead of stopping the match.

A bot that times out, crashes or answers with something that is not orders gets no orders
for that turn; one whose orders the rules refuse loses only those orders. Either way the
match goes on. The four kinds are part of the match report, the replay file and the
tournament results, so their names never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FaultKind(StrEnum):
    """What went wrong with a seat's turn."""

    TIMEOUT = "timeout"  # no reply within the turn's time limit plus the overage bank
    CRASH = "crash"  # the bot's process ended, or an in-process bot raised an exception
    MALFORMED = "malformed"  # the reply is not a list of well-formed commands
    ILLEGAL = "illegal"  # orders the rules refuse (`validate`): dropped, the others stand


@dataclass(frozen=True, slots=True)
class Fault:
    """One recorded fault: the turn, the kind, and a sentence saying what happened."""

    turn: int
    kind: FaultKind
    detail: str

    def to_wire(self) -> dict[str, Any]:
        return {"turn": self.turn, "kind": str(self.kind), "detail": self.detail}

    @staticmethod
    def from_wire(data: dict[str, Any]) -> Fault:
        return Fault(int(data["turn"]), FaultKind(data["kind"]), str(data["detail"]))

    def __str__(self) -> str:
        return f"turn {self.turn}: {self.kind}: {self.detail}"
