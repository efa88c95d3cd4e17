"""The rules of Lunar Race: pure, deterministic, and the only place a rule is written.

Commands go in, `resolve_turn` produces the next state and the turn's events, `view` says
what each agency may see. No I/O beyond reading the packaged content once, no clock, no
global random: the same seed and the same orders give the same `state_hash` anywhere.

    state = new_match("2021", seed=7)
    orders = {a: [] for a in state.agencies}
    state, events = resolve_turn(state, orders)
"""

from typing import TypeAlias

from game.rules.commands import (
    COMMAND_KINDS,
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
    Withdraw,
    orders_from_wire,
    orders_to_wire,
)
from game.rules.content import Content, load_content, scenario_names
from game.rules.errors import Code, CommandFormatError, ContentError, RuleError
from game.rules.legal import Alone, check, legal_commands, spend, validate
from game.rules.resolve import resolve_turn, standing
from game.rules.setup import new_match
from game.rules.state import (
    Event,
    Outcome,
    State,
    StateFormatError,
    Termination,
    state_hash,
)
from game.rules.view import events_for, orders_cost, sample_state, view

CommandCheck: TypeAlias = Alone
"""What `validate` works out for one command on its own, against a state that does not
change during the turn: why it is refused (or None), the key two commands of one turn may
not share, and what it costs. A caller that checks many drafts against one state keeps
these in the `remembered` dict it passes to `validate`, under (agency, command, rushing)."""


def is_over(state: State) -> bool:
    """True once the match has an outcome."""
    return state.outcome is not None


def content_hash(state: State) -> str:
    """The hash of the content a match runs on (replays record it)."""
    return state.content.hash


__all__ = [
    "COMMAND_KINDS",
    "Answer",
    "BuyService",
    "Code",
    "Command",
    "CommandCheck",
    "CommandFormatError",
    "Content",
    "ContentError",
    "Delay",
    "Event",
    "Fund",
    "Launch",
    "Outcome",
    "Propose",
    "Research",
    "RuleError",
    "Rush",
    "Scrub",
    "SetAccess",
    "StartMission",
    "State",
    "StateFormatError",
    "Termination",
    "Withdraw",
    "check",
    "content_hash",
    "events_for",
    "is_over",
    "legal_commands",
    "load_content",
    "new_match",
    "orders_cost",
    "orders_from_wire",
    "orders_to_wire",
    "resolve_turn",
    "sample_state",
    "scenario_names",
    "spend",
    "standing",
    "state_hash",
    "validate",
    "view",
]
