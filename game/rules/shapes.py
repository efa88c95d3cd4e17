"""The shape of what leaves the rules as plain data: the view, its records, and events.

The view is the contract between the rules, the bots and the screens, so its shape is
written down here once, as `TypedDict`s, rather than guessed from string keys by every
reader. `view(state, agency)` returns a `View`; `tests/rules/test_shapes.py` builds views
from real matches and checks every key at every level against these definitions, so a field
added to the view without being added here fails the tests.

Records the view copies from the state keep the state's wire form (`Program.to_wire()` and
so on, the `...Wire` types here) and add what the rules work out for the reader (the
`...View` types). Positional records (milestone entries, station modules and crews) are
lists whose layout is given in a comment where they are declared.
"""

from typing import Any, Literal, NotRequired, TypedDict

# [agency, turn reached (-1: before the match), rank (1: first)]
MilestoneEntry = list[Any]
# [module id, turn added, lead agency of the program that brought it]
ModuleEntry = list[Any]
# [agency, crew count, turn the crew leaves]
CrewEntry = list[Any]


class RuleErrorWire(TypedDict):
    """Why a command is or would be refused (`RuleError.to_wire()`)."""

    code: str  # a `Code` value
    message: str
    index: int  # the order's position in the submitted orders, -1 when not known


class AgreementWire(TypedDict):
    """A bloc or a treaty (`Agreement.to_wire()`)."""

    id: str
    kind: str  # "bloc" or a treaty kind
    name: str
    members: list[str]
    lead: str
    terms: list[str]
    since: int  # the turn it was formed
    open: bool  # a bloc others may ask to join


class StationWire(TypedDict):
    """A station as the state holds it (`Station.to_wire()`)."""

    id: str
    name: str
    site: str  # "orbit" or a site id
    founded: int
    modules: list[ModuleEntry]
    contributions: dict[str, int]  # agency -> $M of modules it paid for
    crew: list[CrewEntry]
    supplies: float  # to the tenth
    access: str  # "owners", "partners" or "open"
    crewed_turns: int


class PresenceClaimView(TypedDict):
    """How a station stands toward the sustained-presence victory (docs/rules.md, 7)."""

    counts: bool  # at a south-pole site with water ice: its presence can win outright
    coalition: list[str]  # the owners who hold it (allied, each above the share)
    held: bool  # counts, and enough owners in the coalition
    winners: list[str]  # those of the coalition at or above the median standing: they would win
    rivals: list[str]  # crewed south-pole stations of non-allied owners: they block the win
    target: int  # crewed turns that win
    turns_left: int  # crewed turns still needed
    last_call: bool  # held and close enough to be announced to every agency


class StationView(StationWire):
    """A station in a view: the state's record and what follows from it."""

    shares: dict[str, float]  # agency -> share of ownership, summing to 1
    capacity: int  # crew berths
    storage: int  # supplies it can hold
    crew_count: int
    owner: str  # the majority owner, "" while nobody has paid for a module
    supply_need: float  # supplies the crew aboard eat each turn
    supply_production: float  # supplies its ISRU plants make each turn
    claim: PresenceClaimView


class ProgramWire(TypedDict):
    """A mission program as the state holds it (`Program.to_wire()`)."""

    id: str
    name: str
    agency: str  # the lead
    mission_type: str
    site: str  # a site id, "orbit", or a station id
    module: str  # the station module it carries, or ""
    commercial: bool  # flies on a bought launch
    cost: int
    started: int
    paid: int
    contributions: dict[str, int]  # agency -> $M paid in
    partners: list[str]
    phase: str  # "building" or "ready"
    rushes: int
    tests: int
    station_name: str  # the name a station it founds will take, or ""
    build_turns: int  # its own schedule in turns (a scenario's program), 0 = its type's


class StepOddsView(TypedDict):
    """One step of a flight and its chance of success."""

    step: str
    system: str  # the hardware family it rolls against
    chance: float
    bought: bool  # flown by a commercial provider's launch


class FlightOddsView(TypedDict):
    """A ready program's odds if it launched now (`FlightOdds.to_wire()`)."""

    chance: float  # of the whole flight
    weakest: str  # the step most likely to fail ("" for none)
    steps: list[StepOddsView]


class ProgramView(ProgramWire):
    """One of the reader's own or joined programs, with its money and its chances."""

    schedule: int  # $M a turn to stay on schedule
    remaining: int  # $M still to pay
    fund_limit: int  # the most it can take this turn, all contributors together
    rush_fee: int
    test_fee: int  # the fee of a `delay` that tests the hardware
    reliability: dict[str, float]  # hardware family -> best reliability among participants
    launch_problem: RuleErrorWire | None  # why a ready program cannot launch now
    odds: FlightOddsView | None  # a ready program's flight odds; None while it is built


class ProposalWire(TypedDict):
    """An offer waiting for an answer (`Proposal.to_wire()`)."""

    id: str
    sender: str
    to: str
    treaty: str  # a treaty kind, "join_bloc" or "joint_mission"
    turn: int
    bloc: str  # for "join_bloc"
    program: str  # for "joint_mission"


class ProposalMission(TypedDict):
    """The mission an offer to join a program is about."""

    name: str
    mission_type: str
    site: str
    cost: int


class ProposalView(ProposalWire):
    """A proposal as its two parties see it."""

    mission: NotRequired[ProposalMission]  # when it offers a place in a program


class OutcomeWire(TypedDict):
    """How a match ended (`Outcome.to_wire()`)."""

    termination: str  # a `Termination` value
    winners: list[str]
    turn: int
    scores: dict[str, dict[str, int]]  # agency -> prestige category -> points, and "total"
    station: str  # the station that won by presence, or ""
    standings: dict[str, int]  # agency -> share of prestige over share of means, thousandths


class EventWire(TypedDict):
    """Something that happened in a turn (`Event.to_wire()`)."""

    kind: str
    turn: int
    agency: str | None
    text: str  # the news line
    data: dict[str, Any]  # what the event is about; the keys depend on `kind`
    visible_to: list[str] | None  # None: public


class Flight(TypedDict):
    """A flown mission, kept for the whole match. Fields at their usual value are left out."""

    program: str
    name: str
    agency: str
    mission_type: str
    site: str
    turn: int
    result: Literal["success", "failure"]
    steps: int  # steps passed
    partners: NotRequired[list[str]]
    station: NotRequired[str]
    failed_step: NotRequired[str]
    crew: NotRequired[int]
    crew_lost: NotRequired[bool]


class Bounty(TypedDict):
    """A reward an agency offers for a module on its station, until a turn."""

    module: str
    owner: str
    until: int
    prestige: int
    relations: int


class NewsItem(TypedDict):
    """A line of recent public news."""

    turn: int
    kind: str
    text: str


class PublicAgency(TypedDict):
    """What everyone may see of an agency."""

    name: str
    country: str
    color: str  # "#rrggbb"
    note: str
    prestige: int
    score: dict[str, int]  # prestige category -> points
    support: int
    flights: int
    successes: int
    failures: int
    crew_lost: int
    blocs: list[str]  # agreements it is a member of
    standing: int  # thousandths: its share of the field's prestige over its share of means


class ObjectiveView(TypedDict):
    """A public objective of one agency and how it stands."""

    id: str
    agency: str
    name: str
    text: str
    kind: str
    by: int  # the last year it can be met in
    prestige: int  # earned when met
    status: str  # "met", "open" or "missed"
    met: int  # the turn it was met in, -1 if not


class OwnTech(TypedDict):
    """A technology as the agency that researches it sees it."""

    status: str  # "known", "available" or "locked"
    paid: int  # $M paid toward learning it or its next refinement
    cost: int
    limit: int  # the most it can take this turn
    refinements: NotRequired[int]  # known techs only
    refinable: NotRequired[bool]  # known techs only
    reliability: NotRequired[float]  # known hardware only


class OwnAgency(TypedDict):
    """The agency's own private numbers, under "me" in its view."""

    agency: str
    treasury: int
    budget: int
    income: int  # a turn's share of the budget
    dues: int  # $M a turn its blocs and treaties take out of that income
    support: int
    techs: dict[str, OwnTech]
    systems: dict[str, float]  # hardware family -> reliability, for the families it has
    experience: dict[str, float]  # hardware family -> reliability earned by flying
    leo_novelty: float  # share of science and support a visit to the LEO station still earns
    mission_costs: dict[str, int]  # mission type -> price without module or commercial launch
    relay: bool  # has far-side relay coverage
    known: dict[str, int]  # tech -> refinements bought
    research: dict[str, int]  # tech -> $M paid toward it
    year_prestige: int  # prestige at the start of the year


class ExactIntel(TypedDict):
    """A co-signatory of a transparency term, seen as it is."""

    exact: Literal[True]
    treasury: int
    budget: int
    techs: int
    techs_range: list[int]  # [techs, techs]
    programs: int
    programs_range: list[int]  # [programs, programs]
    known: list[str]


class NoisyIntel(TypedDict):
    """A rival's private numbers, estimated with a repeatable error (docs/rules.md, 9)."""

    exact: Literal[False]
    treasury: int  # within +/- the intel noise of the truth
    budget: int  # likewise
    techs: int  # the middle of techs_range
    techs_range: list[int]  # [low, high]: the true count is anywhere in it
    programs: int  # the middle of programs_range
    programs_range: list[int]  # [low, high]


Intel = ExactIntel | NoisyIntel


class View(TypedDict):
    """Everything one agency (or a spectator, `seat` None) may see of a match."""

    scenario: str
    title: str
    turn: int
    version: int  # the state version orders must name
    date: str  # e.g. "2021 H1"
    year: int
    half: int  # 1 or 2
    last_turn: int
    seat: str | None
    seats: list[str]
    agencies: dict[str, PublicAgency]
    relations: dict[str, dict[str, int]]  # agency -> agency -> relation
    agreements: dict[str, AgreementWire]
    stations: dict[str, StationView]
    milestones: dict[str, list[MilestoneEntry]]
    flights: list[Flight]
    relays: dict[str, int]  # agency -> last turn of far-side coverage
    services: list[str]  # commercial services on sale
    demand: dict[str, int]  # commercial service -> how many agencies bought it last turn
    bounties: list[Bounty]
    ice_confirmed: list[str]  # sites where a flight confirmed water ice on the ground
    prices: dict[str, int]  # commercial service -> $M
    news: list[NewsItem]
    objectives: list[ObjectiveView]  # every agency's, in the scenario's order
    outcome: OutcomeWire | None
    programs: dict[str, ProgramView]  # the seat's own and joined programs; {} for spectators
    proposals: list[ProposalView]  # sent or received by the seat; [] for spectators
    intel: dict[str, Intel]  # every other agency
    me: NotRequired[OwnAgency]  # the seat's own numbers; absent for spectators
