"""The rules of Lunar Race: pure, deterministic, and the only place a rule is written.

Commands go in, `resolve_turn` produces the next state and the turn's events, `view` says
what each agency may see. No I/O beyond reading the packaged content once, no clock, no
global random: the same seed and the same orders give the same `state_hash` anywhere.

    state = new_match("2021", seed=7)
    orders = {a: [] for a in state.agencies}
    state, events = resolve_turn(state, orders)
"""

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
from game.rules.legal import (
    Misfit,
    OrderSheet,
    check,
    clashes,
    legal_commands,
    order_cost,
    spend,
    validate,
)
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
    "CommandFormatError",
    "Content",
    "ContentError",
    "Delay",
    "Event",
    "Fund",
    "Launch",
    "Misfit",
    "OrderSheet",
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
    "clashes",
    "content_hash",
    "events_for",
    "is_over",
    "legal_commands",
    "load_content",
    "new_match",
    "order_cost",
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
