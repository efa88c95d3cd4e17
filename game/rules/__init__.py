"""The rules of Lunar Race: pure, deterministic, and the only place a rule is written.

Commands go in, `resolve_turn` produces the next state and the turn's events, `view` says
what each agency may see, in the shape `View` that `shapes` writes down. No I/O beyond
reading the packaged content once, no clock, no global random: the same seed and the same
orders give the same `state_hash` anywhere.

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
from game.rules.content import (
    ORBIT,
    Content,
    MissionType,
    Objective,
    Site,
    load_content,
    scenario_names,
)
from game.rules.errors import Code, CommandFormatError, ContentError, RuleError
from game.rules.flight import FlightOdds, flight_conditions, flight_odds, step_bonus, step_odds
from game.rules.legal import (
    CommandCheck,
    Misfit,
    OrderSheet,
    check,
    clashes,
    legal_commands,
    order_cost,
    random_orders,
    validate,
)
from game.rules.queries import fund_limit, means, mission_cost, standings, standings_of
from game.rules.resolve import final_scores, resolve_turn
from game.rules.rng import Rng
from game.rules.setup import INTEL_SECRET_BITS, new_match
from game.rules.shapes import (
    AgreementWire,
    EventWire,
    FlightOddsView,
    OutcomeWire,
    OwnAgency,
    ProgramView,
    ProposalView,
    StationView,
    View,
)
from game.rules.state import (
    PRESTIGE_CATEGORIES,
    Event,
    Outcome,
    State,
    StateFormatError,
    Termination,
    state_hash,
)
from game.rules.view import events_for, orders_cost, sample_state, unspent_money_lost, view


def is_over(state: State) -> bool:
    """True once the match has an outcome."""
    return state.outcome is not None


__all__ = [
    "COMMAND_KINDS",
    "INTEL_SECRET_BITS",
    "ORBIT",
    "PRESTIGE_CATEGORIES",
    "AgreementWire",
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
    "EventWire",
    "FlightOdds",
    "FlightOddsView",
    "Fund",
    "Launch",
    "Misfit",
    "MissionType",
    "Objective",
    "OrderSheet",
    "Outcome",
    "OutcomeWire",
    "OwnAgency",
    "ProgramView",
    "ProposalView",
    "Propose",
    "Research",
    "Rng",
    "RuleError",
    "Rush",
    "Scrub",
    "SetAccess",
    "Site",
    "StartMission",
    "State",
    "StateFormatError",
    "StationView",
    "Termination",
    "View",
    "Withdraw",
    "check",
    "clashes",
    "events_for",
    "final_scores",
    "flight_conditions",
    "flight_odds",
    "fund_limit",
    "is_over",
    "legal_commands",
    "load_content",
    "means",
    "mission_cost",
    "new_match",
    "order_cost",
    "orders_cost",
    "orders_from_wire",
    "orders_to_wire",
    "random_orders",
    "resolve_turn",
    "sample_state",
    "scenario_names",
    "standings",
    "standings_of",
    "state_hash",
    "step_bonus",
    "step_odds",
    "unspent_money_lost",
    "validate",
    "view",
]
