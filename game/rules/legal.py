"""What an agency may order: one check per command, and everything built on it.

`check` is the single source of truth. `legal_commands` lists candidates and keeps those that
pass it; `validate` runs it over a whole turn's orders and adds, through an `OrderSheet`,
the checks that only make sense together (orders that `clashes` says act on the same thing,
total spending, program count); the resolution drops exactly the orders `validate` refuses.
AI players, the server and the clients all use these, and the same `OrderSheet`.

`check` is made of parts (a program start: its type and launch, its module, its target), and
`legal_commands` runs each part once for all the candidates it decides, not once per
candidate: a few hundred program starts are offered every turn. Candidate commands are
immutable values, made once and shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from game.rules import queries as q
from game.rules.commands import (
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
)
from game.rules.content import ORBIT, MissionType, load_content
from game.rules.errors import Code, RuleError
from game.rules.memo import Memo
from game.rules.rng import Rng
from game.rules.state import Program, State

ACCESS_RULES = ("owners", "partners", "open")
BUYABLE_SERVICES = ("leo_station_access",)
SPECIAL_PROPOSALS = ("join_bloc", "joint_mission")


def _err(code: Code, message: str) -> RuleError:
    return RuleError(code, message)


def spend(state: State, agency: str, cmd: Command) -> int:
    """The money ($M) a command takes from the agency's treasury this turn."""
    return order_cost(cmd, StatePrices(state))


def active_programs(state: State, agency: str) -> int:
    return [p.agency for p in state.programs.values()].count(agency)


class AgencyTurn:
    """One agency's orders as they are checked against one state: the answers that many
    checks ask for (its programs, its hardware, its research terms, the fees, its treaties
    and pending proposals), each worked out once, when first asked.

    It lives as long as one call that checks many commands (`validate`, `legal_commands`,
    `random_orders`), during which the state does not change.
    """

    __slots__ = (
        "_active",
        "_allies",
        "_answers",
        "_bound",
        "_limits",
        "_pending",
        "_shared",
        "_systems",
        "agency",
        "prices",
        "state",
    )

    def __init__(self, state: State, agency: str) -> None:
        self.state = state
        self.agency = agency
        self.prices = StatePrices(state)
        self._active: int | None = None
        self._systems: frozenset[str] | None = None
        self._shared: frozenset[str] | None = None
        self._limits: dict[str, int] = {}
        self._bound: set[tuple[str, str]] | None = None
        self._pending: set[tuple[str, str, str, str, str]] | None = None
        self._allies: dict[str, set[str]] = {}
        self._answers: dict[tuple[str, str, object], RuleError | None] = {}

    @property
    def treasury(self) -> int:
        return self.state.agency[self.agency].treasury

    @property
    def active(self) -> int:
        """The programs the agency leads (`active_programs`)."""
        if self._active is None:
            self._active = active_programs(self.state, self.agency)
        return self._active

    @property
    def systems(self) -> frozenset[str]:
        """The hardware families it knows a tech of (`known_systems`)."""
        if self._systems is None:
            self._systems = q.known_systems(self.state, self.agency)
        return self._systems

    def research_limit(self, tech: str) -> int:
        """The most it may put into a tech of the content this turn (`research_limit`)."""
        limit = self._limits.get(tech)
        if limit is None:
            if self._shared is None:
                self._shared = q.shared_techs(self.state, self.agency)
            row = q.research_row(self.state, self.agency, tech, self._shared)
            limit = self._limits[tech] = row[1]
        return limit

    def bound_by(self, other: str, kind: str) -> bool:
        """Whether an agreement of this kind binds the agency and `other` (`treaty_between`)."""
        if self._bound is None:
            agency = self.agency
            self._bound = {
                (g.kind, m)
                for g in self.state.agreements.values()
                if agency in g.members
                for m in g.members
            }
        return (kind, other) in self._bound

    def pending(self, cmd: Propose) -> bool:
        """Whether the same proposal, sent either way, waits for an answer."""
        if self._pending is None:
            agency = self.agency
            self._pending = {
                (p.treaty, p.bloc, p.program, p.sender, p.to)
                for p in self.state.proposals.values()
                if agency in (p.sender, p.to)
            }
        ask = (cmd.treaty, cmd.bloc, cmd.program)
        return (*ask, self.agency, cmd.to) in self._pending or (
            *ask,
            cmd.to,
            self.agency,
        ) in self._pending

    def allies(self, agency: str) -> set[str]:
        """`allies` of any agency, each camp worked out once."""
        camp = self._allies.get(agency)
        if camp is None:
            camp = self._allies[agency] = q.allies(self.state, agency)
        return camp

    def start_problem(self, mtype: MissionType, commercial: bool) -> RuleError | None:
        """`_start_problem` for a mission type and launch, each answered once."""
        key = ("start", mtype.id, commercial)
        if key not in self._answers:
            self._answers[key] = _start_problem(
                self.state, self.agency, mtype, commercial, self.active, self.systems
            )
        return self._answers[key]

    def module_problem(self, mtype: MissionType, module: str) -> RuleError | None:
        """`_module_problem` for a mission type and module, each answered once."""
        key = ("module", mtype.id, module)
        if key not in self._answers:
            self._answers[key] = _module_problem(self.state, self.agency, mtype, module)
        return self._answers[key]

    def cost(self, cmd: Command) -> int:
        """What the command takes from the treasury (`spend`)."""
        return order_cost(cmd, self.prices)


# --- one command --------------------------------------------------------------------------------


def check(state: State, agency: str, cmd: Command, *, rushing: bool = False) -> RuleError | None:
    """Why this one command is not allowed now, or None if it is.

    `rushing` says the same orders rush the program a Fund command pays into.
    """
    error = _seat_problem(state, agency)
    if error is None:
        error = _command_problem(AgencyTurn(state, agency), cmd, rushing)
    return error


def _command_problem(t: AgencyTurn, cmd: Command, rushing: bool) -> RuleError | None:
    """`check` for an agency that may order: the command's own rule, then its price."""
    return _alone(t, cmd, rushing)[0]


def _over_budget(t: AgencyTurn, cost: int) -> RuleError:
    return _err(Code.OVER_BUDGET, f"costs {cost} $M but the treasury holds {t.treasury} $M")


def _seat_problem(state: State, agency: str) -> RuleError | None:
    """Why the agency may order nothing at all now, or None."""
    if state.outcome is not None:
        return _err(Code.MATCH_OVER, "the match is over")
    if agency not in state.agency:
        return _err(Code.NOT_SEATED, f"{agency!r} is not an agency in this match")
    return None


def _budget_problem(t: AgencyTurn, cmd: Command) -> RuleError | None:
    cost = t.cost(cmd)
    return _over_budget(t, cost) if cost > t.treasury else None


def _check_research(t: AgencyTurn, cmd: Research, _: bool) -> RuleError | None:
    error, limit = _research_offer(t, cmd.tech)
    if error is None:
        error = _research_amount_problem(t.state, cmd, limit)
    return error


def _research_offer(t: AgencyTurn, tech: str) -> tuple[RuleError | None, int]:
    """Why the agency may put no money into this tech now (or None), and the most it may."""
    state, agency = t.state, t.agency
    techs = state.content.techs
    if tech not in techs:
        return _err(Code.UNKNOWN_TECH, f"no technology called {tech!r}"), 0
    if not _researchable(state, agency, tech):
        name = techs[tech].name
        known = state.agency[agency].known
        if tech in known:
            return _err(Code.TECH_MAXED, f"{name} is known and cannot be refined further"), 0
        if techs[tech].agencies and agency not in techs[tech].agencies:
            builders = ", ".join(
                state.content.agencies[a].name
                for a in techs[tech].agencies
                if a in state.content.agencies
            )
            return _err(Code.TECH_LOCKED, f"{name} is national hardware of {builders}"), 0
        missing = [techs[r].name for r in techs[tech].requires if r not in known]
        return _err(Code.TECH_LOCKED, f"{name} first needs {', '.join(missing)}"), 0
    return None, t.research_limit(tech)


def _researchable(state: State, agency: str, tech: str) -> bool:
    """Whether a tech of the content is open to research: refinable if known, else with its
    prerequisites known."""
    if tech in state.agency[agency].known:
        return q.can_refine(state, agency, tech)
    return q.prerequisites_met(state, agency, tech)


def _research_amount_problem(state: State, cmd: Research, limit: int) -> RuleError | None:
    if cmd.amount < 1 or cmd.amount > limit:
        name = state.content.techs[cmd.tech].name
        return _err(Code.BAD_AMOUNT, f"{name} can take 1 to {limit} $M this turn, not {cmd.amount}")
    return None


def _check_start(t: AgencyTurn, cmd: StartMission, _: bool) -> RuleError | None:
    state = t.state
    mtype = state.content.missions.get(cmd.mission_type)
    if mtype is None:
        return _err(Code.UNKNOWN_MISSION_TYPE, f"no mission type {cmd.mission_type!r}")
    error = t.start_problem(mtype, cmd.commercial)
    if error is None:
        error = t.module_problem(mtype, cmd.module)
    if error is None:
        error = _target_problem(state, t.agency, mtype, cmd.site, cmd.module)
    return error


def _start_problem(
    state: State,
    agency: str,
    mtype: MissionType,
    commercial: bool,
    active: int,
    systems: frozenset[str] | None = None,
) -> RuleError | None:
    """Why the agency may not open any program of this type now (`active`: its programs
    under way; `systems`: its `known_systems`, if the caller has them), or None. What
    follows depends on the program's module and target."""
    content = state.content
    known = state.agency[agency].known
    missing = [content.techs[r].name for r in mtype.requires if r not in known]
    if missing:
        return _err(Code.MISSING_TECH, f"a {mtype.name} needs {', '.join(missing)}")
    if active >= q.constant(state, "economy", "max_programs"):
        return _err(Code.TOO_MANY_PROGRAMS, "too many programs under way; launch or scrub one")
    if commercial:
        if not q.commercial_available(state, mtype):
            return _err(Code.SERVICE_UNAVAILABLE, "commercial heavy launches are not on sale yet")
    elif not (
        q.has_system(state, agency, q.launch_system(mtype))
        if systems is None
        else q.launch_system(mtype) in systems
    ):
        return _err(
            Code.MISSING_TECH, f"no rocket of your own for a {mtype.name}; buy a commercial launch"
        )
    return None


def _module_problem(
    state: State, agency: str, mtype: MissionType, module_id: str
) -> RuleError | None:
    content = state.content
    if not mtype.builds_module:
        if module_id:
            return _err(Code.UNKNOWN_MODULE, f"a {mtype.name} carries no station module")
        return None
    module = content.modules.get(module_id)
    location = _module_location(mtype)
    if module is None or module.location != location:
        names = sorted(m.id for m in content.modules.values() if m.location == location)
        return _err(Code.UNKNOWN_MODULE, f"a {mtype.name} carries one of: {', '.join(names)}")
    if module.requires and module.requires not in state.agency[agency].known:
        return _err(
            Code.MISSING_TECH, f"a {module.name} needs {content.techs[module.requires].name}"
        )
    return None


def _module_location(mtype: MissionType) -> str:
    """Where the station modules a mission type carries go."""
    return "orbit" if mtype.id == "orbital_module" else "surface"


def _check_target(
    state: State, agency: str, mission_type: str, site: str, module: str
) -> RuleError | None:
    return _target_problem(state, agency, state.content.missions[mission_type], site, module)


def _target_problem(
    state: State, agency: str, mtype: MissionType, site: str, module: str
) -> RuleError | None:
    """Why a program of this type may not go to this target with this module, or None."""
    content = state.content
    kind = mtype.target
    if kind == "orbit":
        if site != ORBIT:
            return _err(Code.BAD_TARGET, f'a {mtype.name} goes to "orbit"')
        return None
    if kind == "surface":
        if site not in content.sites:
            return _err(Code.UNKNOWN_SITE, f"no lunar site {site!r}")
        if mtype.builds_module:
            station = q.station_at(state, site)
            founding = content.modules[module].founding
            if station is None and not founding:
                return _err(
                    Code.BAD_TARGET,
                    f"a station at {content.sites[site].name} must "
                    "begin with a founding module (power)",
                )
            if station is not None:
                if founding:
                    return _err(Code.BAD_TARGET, f"{station.name} already stands there")
                if not q.may_use_station(state, station, agency):
                    return _err(Code.ACCESS_DENIED, f"{station.name} is closed to you")
        return None
    if kind == "orbit_or_station":
        founding = content.modules[module].founding
        if site == ORBIT:
            if not founding:
                return _err(
                    Code.BAD_TARGET,
                    "a new orbital station begins with a founding module (power and propulsion)",
                )
            return None
        station = state.stations.get(site)
        if station is None or station.site != ORBIT:
            return _err(Code.NO_STATION, f"no orbital station {site!r}")
        if founding:
            return _err(Code.BAD_TARGET, f"{station.name} already has its founding module")
        if not q.may_use_station(state, station, agency):
            return _err(Code.ACCESS_DENIED, f"{station.name} is closed to you")
        return None
    # kind == "station"
    station = state.stations.get(site) or q.station_at(state, site)
    if station is None:
        return _err(Code.NO_STATION, f"no station at {site!r}")
    if mtype.crewed and station.site != ORBIT:
        return _err(
            Code.BAD_TARGET,
            f"a {mtype.name} goes to an orbital station; surface crews fly a crewed landing",
        )
    if not q.may_use_station(state, station, agency):
        return _err(Code.ACCESS_DENIED, f"{station.name} is closed to you")
    return None


def _target_by_content(mtype: MissionType) -> bool:
    """Whether `_target_problem` judges this type's targets by the content alone: only
    station modules and missions to stations depend on the stations standing."""
    return mtype.target == "orbit" or (mtype.target == "surface" and not mtype.builds_module)


def _program_of(
    state: State, agency: str, pid: str, *, lead: bool, phase: str | None
) -> tuple[Program | None, RuleError | None]:
    program = state.programs.get(pid)
    if program is None:
        return None, _err(Code.UNKNOWN_PROGRAM, f"no program {pid!r} under way")
    if lead and program.agency != agency:
        return None, _err(Code.NOT_YOURS, f"{program.name} is led by {program.agency}")
    if not lead and agency not in program.participants:
        return None, _err(Code.NOT_A_PARTNER, f"you are not a partner in {program.name}")
    if phase is not None and program.phase != phase:
        return None, _err(Code.WRONG_PHASE, f"{program.name} is {program.phase}, not {phase}")
    return program, None


def _check_fund(t: AgencyTurn, cmd: Fund, rushing: bool) -> RuleError | None:
    program, error = _program_of(t.state, t.agency, cmd.program, lead=False, phase="building")
    if program is None:
        return error
    limit = q.fund_limit(t.state, program, rushing)
    if cmd.amount < 1 or cmd.amount > limit:
        return _err(
            Code.BAD_AMOUNT,
            f"{program.name} can take 1 to {limit} $M this turn"
            f"{'' if rushing else ' (rush it to take more)'}, not {cmd.amount}",
        )
    return None


def _check_rush(t: AgencyTurn, cmd: Rush, _: bool) -> RuleError | None:
    return _program_of(t.state, t.agency, cmd.program, lead=True, phase="building")[1]


def _check_delay(t: AgencyTurn, cmd: Delay, _: bool) -> RuleError | None:
    program, error = _program_of(t.state, t.agency, cmd.program, lead=True, phase="ready")
    if program is None:
        return error
    if program.tests >= q.constant(t.state, "economy", "max_tests"):
        return _err(Code.WRONG_PHASE, f"{program.name} has been tested all it usefully can")
    return None


def _check_scrub(t: AgencyTurn, cmd: Scrub, _: bool) -> RuleError | None:
    return _program_of(t.state, t.agency, cmd.program, lead=True, phase=None)[1]


def _check_launch(t: AgencyTurn, cmd: Launch, _: bool) -> RuleError | None:
    program, error = _program_of(t.state, t.agency, cmd.program, lead=True, phase="ready")
    if program is None:
        return error
    return launch_problem(t.state, program)


def launch_problem(state: State, program: Program) -> RuleError | None:
    """Why a ready program cannot fly now, or None."""
    content = state.content
    mtype = content.missions[program.mission_type]
    missing = q.missing_systems(state, program)
    if missing:
        return _err(Code.MISSING_TECH, f"{program.name} has no hardware for: {', '.join(missing)}")
    if program.commercial and not q.commercial_available(state, mtype):
        return _err(Code.SERVICE_UNAVAILABLE, "commercial heavy launches are not on sale")
    site = q.site_of(state, program.site)
    if site is not None and mtype.target != "station":
        if site.requires and not any(
            site.requires in state.agency[a].known for a in program.participants
        ):
            return _err(
                Code.MISSING_TECH,
                f"landing at {site.name} needs {content.techs[site.requires].name}",
            )
        if site.far_side and not any(q.has_relay(state, a) for a in program.participants):
            return _err(
                Code.NEEDS_RELAY, f"{site.name} is on the far side: no relay satellite covers it"
            )
    error = _check_target(state, program.agency, program.mission_type, program.site, program.module)
    if error is not None:
        return error
    if mtype.target == "station" and mtype.crewed:
        station = state.stations.get(program.site) or q.station_at(state, program.site)
        if station is not None and q.crew_staying(state, station) + mtype.crew > q.capacity(
            state, station
        ):
            return _err(
                Code.STATION_FULL, f"{station.name} has no berths for {mtype.crew} more crew"
            )
    return None


def _check_propose(t: AgencyTurn, cmd: Propose, _: bool) -> RuleError | None:
    state, agency = t.state, t.agency
    content = state.content
    if cmd.to not in state.agency:
        return _err(Code.UNKNOWN_AGENCY, f"no agency {cmd.to!r} in this match")
    if cmd.to == agency:
        return _err(Code.SELF_TARGET, "a proposal needs another agency")
    relations = state.relations[agency][cmd.to]
    if cmd.treaty == "join_bloc":
        bloc = state.agreements.get(cmd.bloc)
        if bloc is None or bloc.kind != "bloc":
            return _err(Code.UNKNOWN_BLOC, f"no bloc {cmd.bloc!r}")
        if agency in bloc.members:
            return _err(Code.ALREADY_AGREED, f"you are already in the {bloc.name}")
        if not bloc.open:
            return _err(Code.BLOC_CLOSED, f"the {bloc.name} takes no new members")
        if cmd.to != bloc.lead:
            return _err(Code.BAD_TARGET, f"ask the {bloc.name}'s lead, {bloc.lead}")
        refusal = q.join_refusal(state, agency, bloc.id)
        if refusal is not None:
            return refusal
    elif cmd.treaty == "joint_mission":
        program = state.programs.get(cmd.program)
        if program is None:
            return _err(Code.UNKNOWN_PROGRAM, f"no program {cmd.program!r} under way")
        if program.agency != agency:
            return _err(Code.NOT_YOURS, f"only the lead of {program.name} invites partners")
        if program.phase != "building":
            return _err(Code.WRONG_PHASE, f"{program.name} is no longer being built")
        if cmd.to in program.partners:
            return _err(Code.ALREADY_AGREED, f"{cmd.to} is already a partner")
        refusal = q.invite_refusal(state, program, cmd.to)
        if refusal is not None:
            return refusal
        if relations < q.constant(state, "diplomacy", "min_relations_treaty"):
            return _err(
                Code.RELATIONS_TOO_LOW, f"relations with {cmd.to} are too poor ({relations})"
            )
    else:
        treaty = content.treaties.get(cmd.treaty)
        if treaty is None:
            kinds = [*content.treaties, *SPECIAL_PROPOSALS]
            return _err(Code.UNKNOWN_TREATY, f"no treaty {cmd.treaty!r}; one of {', '.join(kinds)}")
        reason = q.forbidden_reason(state, agency, cmd.to)
        if reason:
            return _err(Code.FORBIDDEN_PAIRING, reason)
        needed = q.constant(
            state,
            "diplomacy",
            "min_relations_alliance" if cmd.treaty == "alliance" else "min_relations_treaty",
        )
        if relations < needed:
            return _err(
                Code.RELATIONS_TOO_LOW,
                f"a {treaty.name} needs relations of at least {needed} (now {relations})",
            )
        if t.bound_by(cmd.to, cmd.treaty):
            return _err(Code.ALREADY_AGREED, f"a {treaty.name} with {cmd.to} exists already")
        if "alliance" in treaty.terms:
            refusal = q.coalition_refusal(state, t.allies(agency), t.allies(cmd.to))
            if refusal is not None:
                return refusal
    if t.pending(cmd):
        return _err(Code.PENDING, "the same proposal is waiting for an answer")
    return None


def _check_answer(t: AgencyTurn, cmd: Answer, _: bool) -> RuleError | None:
    proposal = t.state.proposals.get(cmd.proposal)
    if proposal is None:
        return _err(Code.UNKNOWN_PROPOSAL, f"no proposal {cmd.proposal!r} is waiting")
    if proposal.to != t.agency:
        return _err(Code.NOT_YOURS, "that proposal is addressed to another agency")
    return None


def _check_withdraw(t: AgencyTurn, cmd: Withdraw, _: bool) -> RuleError | None:
    agreement = t.state.agreements.get(cmd.agreement)
    if agreement is None:
        return _err(Code.UNKNOWN_AGREEMENT, f"no agreement {cmd.agreement!r}")
    if t.agency not in agreement.members:
        return _err(Code.NOT_YOURS, f"you are not part of the {agreement.name}")
    return None


def _check_access(t: AgencyTurn, cmd: SetAccess, _: bool) -> RuleError | None:
    station = t.state.stations.get(cmd.station)
    if station is None:
        return _err(Code.NO_STATION, f"no station {cmd.station!r}")
    if station.majority_owner() != t.agency:
        return _err(Code.NOT_YOURS, f"only {station.name}'s largest owner sets its access")
    if cmd.access not in ACCESS_RULES:
        return _err(Code.BAD_TARGET, f"access is one of {', '.join(ACCESS_RULES)}")
    return None


def _check_service(t: AgencyTurn, cmd: BuyService, _: bool) -> RuleError | None:
    if cmd.service not in BUYABLE_SERVICES:
        return _err(Code.UNKNOWN_SERVICE, f"no service {cmd.service!r} for sale on its own")
    if cmd.service not in t.state.services:
        return _err(Code.SERVICE_UNAVAILABLE, f"{cmd.service} is not on sale yet")
    return None


_CHECKS: dict[type, Callable[[AgencyTurn, Any, bool], RuleError | None]] = {
    Research: _check_research,
    StartMission: _check_start,
    Fund: _check_fund,
    Rush: _check_rush,
    Delay: _check_delay,
    Scrub: _check_scrub,
    Launch: _check_launch,
    Propose: _check_propose,
    Answer: _check_answer,
    Withdraw: _check_withdraw,
    SetAccess: _check_access,
    BuyService: _check_service,
}


# --- what orders cost, and which may share a turn ------------------------------------------------


class Prices(Protocol):
    """Where the fees of a turn's orders come from: the state, or an agency's own view."""

    def rush_fee(self, program: str) -> int: ...

    def test_fee(self, program: str) -> int: ...

    def service_price(self, service: str) -> int: ...


def order_cost(cmd: Command, prices: Prices) -> int:
    """The money ($M) an order takes from the treasury this turn. Programs are paid for
    through Fund; opening one, launching, scrubbing, diplomacy and access rules are free."""
    if isinstance(cmd, (Research, Fund)):
        return cmd.amount
    if isinstance(cmd, Rush):
        return prices.rush_fee(cmd.program)
    if isinstance(cmd, Delay):
        return prices.test_fee(cmd.program)
    if isinstance(cmd, BuyService):
        return prices.service_price(cmd.service)
    return 0


def service_prices(state: State) -> dict[str, int]:
    """What each service bought on its own costs this turn ($M): its price rises with the
    number of agencies that bought it last turn."""
    return {service: q.service_price(state, service) for service in BUYABLE_SERVICES}


class StatePrices:
    """The fees as the rules reckon them from the full state."""

    __slots__ = ("state",)

    def __init__(self, state: State) -> None:
        self.state = state

    def rush_fee(self, program: str) -> int:
        found = self.state.programs.get(program)
        return q.rush_fee(self.state, found) if found is not None else 0

    def test_fee(self, program: str) -> int:
        found = self.state.programs.get(program)
        return q.test_fee(self.state, found) if found is not None else 0

    def service_price(self, service: str) -> int:
        return q.service_price(self.state, service) if service in BUYABLE_SERVICES else 0


class ViewPrices:
    """The same fees read from an agency's view: its programs' fees and the price list."""

    __slots__ = ("prices", "programs")

    def __init__(self, view: Mapping[str, Any]) -> None:
        self.programs: dict[str, Any] = view.get("programs", {})
        self.prices: dict[str, Any] = view.get("prices", {})

    def rush_fee(self, program: str) -> int:
        found = self.programs.get(program)
        return int(found["rush_fee"]) if found is not None else 0

    def test_fee(self, program: str) -> int:
        found = self.programs.get(program)
        return int(found["test_fee"]) if found is not None else 0

    def service_price(self, service: str) -> int:
        return int(self.prices.get(service, 0))


def _clash_key(cmd: Command) -> tuple[object, ...] | None:
    """Orders with the same key act on the same thing and may not share a turn; None for
    orders that may be given any number of times (opening programs)."""
    key = _CLASH_KEYS.get(type(cmd))
    return key(cmd) if key is not None else None


_CLASH_KEYS: dict[type, Callable[[Any], tuple[object, ...]]] = {
    Research: lambda c: ("research", c.tech),
    Fund: lambda c: ("fund", c.program),
    Rush: lambda c: ("rush", c.program),
    # one of delay, scrub, launch per program
    Delay: lambda c: ("program", c.program),
    Scrub: lambda c: ("program", c.program),
    Launch: lambda c: ("program", c.program),
    Propose: lambda c: ("propose", c.to, c.treaty, c.bloc, c.program),
    Answer: lambda c: ("answer", c.proposal),
    Withdraw: lambda c: ("withdraw", c.agreement),
    SetAccess: lambda c: ("access", c.station),
    BuyService: lambda c: ("service", c.service),
}


def clashes(first: Command, second: Command) -> bool:
    """Whether two orders may not share a turn: they act on the same tech, program,
    proposal, agreement, station or service (a launch and a scrub of one program do)."""
    key = _clash_key(first)
    return key is not None and key == _clash_key(second)


@dataclass(frozen=True, slots=True)
class Misfit:
    """Why an order does not fit with the others of its turn, and the order it clashes
    with, if that is why."""

    code: Code
    message: str
    clash: Command | None = None

    def error(self, index: int = -1) -> RuleError:
        return RuleError(self.code, self.message, index)


class OrderSheet:
    """A turn's orders as they are put together: whether one more fits, and what they cost.

    The one statement of how orders go together, for the server's `validate`, the bots and
    the clients alike: no two orders that `clashes` says act on the same thing, no more
    orders than the economy allows, no more new programs than there are free slots, and no
    more money than the treasury holds. Each order must also be allowed on its own
    (`check`); the sheet does not ask.
    """

    def __init__(
        self, prices: Prices, treasury: int, *, programs: int, most_programs: int, most: int
    ) -> None:
        self.prices = prices
        self.treasury = treasury
        self.programs = programs  # programs the agency leads, the new ones included
        self.most_programs = most_programs
        self.most = most  # orders a turn
        self.orders: list[Command] = []
        self.spent = 0
        self._taken: dict[tuple[object, ...], Command] = {}

    @classmethod
    def for_state(cls, state: State, agency: str) -> OrderSheet:
        """An empty sheet for an agency, reckoned from the full state (the server)."""
        return cls.for_turn(AgencyTurn(state, agency))

    @classmethod
    def for_turn(cls, t: AgencyTurn) -> OrderSheet:
        """`for_state`, with what the agency's turn has worked out already."""
        economy = t.state.content.rule("economy")
        return cls(
            t.prices,
            t.treasury,
            programs=t.active,
            most_programs=economy.max_programs,
            most=economy.max_orders,
        )

    @classmethod
    def for_view(cls, view: Mapping[str, Any]) -> OrderSheet:
        """An empty sheet for the agency a view belongs to (a bot, a client)."""
        economy = load_content(view["scenario"]).rule("economy")
        me = view["me"]
        led = sum(1 for p in view.get("programs", {}).values() if p["agency"] == me["agency"])
        return cls(
            ViewPrices(view),
            int(me["treasury"]),
            programs=led,
            most_programs=economy.max_programs,
            most=economy.max_orders,
        )

    @property
    def left(self) -> int:
        """Money not yet committed this turn."""
        return self.treasury - self.spent

    def cost(self, cmd: Command) -> int:
        return order_cost(cmd, self.prices)

    def clash(self, cmd: Command) -> Command | None:
        """The order on the sheet that this one may not share the turn with, if any."""
        key = _clash_key(cmd)
        return self._taken.get(key) if key is not None else None

    def has(self, cmd: Command) -> bool:
        """Whether the sheet holds an order acting on what this one acts on."""
        return self.clash(cmd) is not None

    def misfit(self, cmd: Command, cost: int | None = None) -> Misfit | None:
        """Why the order does not fit with those on the sheet, or None if it does.
        `cost`: what it costs, when the caller knows."""
        return self._misfit(cmd, _clash_key(cmd), cost)

    def _misfit(
        self, cmd: Command, key: tuple[object, ...] | None, cost: int | None
    ) -> Misfit | None:
        """`misfit`, given the order's `_clash_key`."""
        if len(self.orders) >= self.most:
            return Misfit(Code.TOO_MANY_ORDERS, f"at most {self.most} orders a turn")
        other = self._taken.get(key) if key is not None else None
        if other is not None:
            return Misfit(Code.DUPLICATE, f"ordered twice this turn: {cmd}", other)
        if isinstance(cmd, StartMission) and self.programs >= self.most_programs:
            return Misfit(Code.TOO_MANY_PROGRAMS, f"at most {self.most_programs} programs at once")
        if cost is None:
            cost = self.cost(cmd)
        if self.spent + cost > self.treasury:
            return Misfit(
                Code.OVER_BUDGET,
                f"{cmd} would spend {self.spent + cost} $M of a {self.treasury} $M treasury",
            )
        return None

    def fits(self, cmd: Command) -> bool:
        return self.misfit(cmd) is None

    def add(self, cmd: Command) -> bool:
        """Add the order if it fits with the others; say whether it was added."""
        return self.place(cmd, self.cost(cmd)) is None

    def place(self, cmd: Command, cost: int) -> Misfit | None:
        """Put the order, at its cost, on the sheet if it fits; else say why it does not."""
        key = _clash_key(cmd)
        misfit = self._misfit(cmd, key, cost)
        if misfit is None:
            self._take(cmd, key, cost)
        return misfit

    def take(self, cmd: Command, cost: int) -> None:
        """Put an order that `misfit` accepts, at its cost, on the sheet."""
        self._take(cmd, _clash_key(cmd), cost)

    def _take(self, cmd: Command, key: tuple[object, ...] | None, cost: int) -> None:
        self.orders.append(cmd)
        self.spent += cost
        if key is not None:
            self._taken[key] = cmd
        if isinstance(cmd, StartMission):
            self.programs += 1


# --- a turn's orders ----------------------------------------------------------------------------


CommandCheck = tuple[RuleError | None, int]
"""What `validate` works out for one command on its own, against a state that does not
change during the turn: why it is refused (or None), and what it costs. A caller that
checks many drafts against one state keeps these in the `remembered` dict it passes to
`validate`, under (agency, command, rushing)."""


def _alone(t: AgencyTurn, cmd: Command, rushing: bool) -> CommandCheck:
    """Why the command is refused on its own (its rule, then its price), or None, and
    what it costs (0 when refused)."""
    handler = _CHECKS.get(type(cmd))
    if handler is None:
        return _err(Code.MALFORMED, f"not a command: {cmd!r}"), 0
    error = handler(t, cmd, rushing)
    if error is not None:
        return error, 0
    cost = t.cost(cmd)
    if cost > t.treasury:
        return _over_budget(t, cost), 0
    return None, cost


def validate(
    state: State,
    agency: str,
    orders: Iterable[Command],
    *,
    remembered: dict[tuple[str, Command, bool], CommandCheck] | None = None,
) -> list[RuleError]:
    """Every reason these orders are refused, each with the index of its command.

    `remembered`: a dict kept by a caller that validates many sets of orders against the
    same, unchanging state (a server, as players revise their drafts during a turn): what
    each command is on its own is worked out once and kept there.
    """
    orders = list(orders)
    if state.outcome is not None:
        return [RuleError(Code.MATCH_OVER, "the match is over", -1)]
    if agency not in state.agency:
        return [RuleError(Code.NOT_SEATED, f"{agency!r} is not an agency in this match", -1)]
    economy = state.content.rule("economy")
    if len(orders) > economy.max_orders:
        return [RuleError(Code.TOO_MANY_ORDERS, f"at most {economy.max_orders} orders a turn", -1)]
    rushed = {c.program for c in orders if isinstance(c, Rush)}
    errors: list[RuleError] = []
    t = AgencyTurn(state, agency)
    sheet = OrderSheet.for_turn(t)
    for index, cmd in enumerate(orders):
        if not isinstance(cmd, Command):
            errors.append(RuleError(Code.MALFORMED, f"not a command: {cmd!r}", index))
            continue
        rushing = isinstance(cmd, Fund) and cmd.program in rushed
        known = (agency, cmd, rushing)
        alone = remembered.get(known) if remembered is not None else None
        if alone is None:
            alone = _alone(t, cmd, rushing)
            if remembered is not None:
                remembered[known] = alone
        error, cost = alone
        if error is None:
            misfit = sheet.place(cmd, cost)
            if misfit is None:
                continue
            error = misfit.error()
        errors.append(RuleError(error.code, error.message, index))
    return errors


def accepted(
    state: State, agency: str, orders: list[Command]
) -> tuple[list[Command], list[RuleError]]:
    """The orders that stand, and the errors of those dropped."""
    errors = validate(state, agency, orders)
    if any(e.index == -1 for e in errors):
        return [], errors
    dropped = {e.index for e in errors}
    return [c for i, c in enumerate(orders) if i not in dropped], errors


# --- every legal command --------------------------------------------------------------------------


def legal_commands(state: State, agency: str) -> list[Command]:
    """Every command the agency may issue this turn, funding at its standard amounts.

    Each command is legal on its own; `validate` says whether a set of them fits together.
    These are exactly the candidates that `check` accepts; program starts are checked a
    mission type at a time (`_legal_starts`), since most of `check` does not depend on
    the target.
    """
    if state.outcome is not None or agency not in state.agency:
        return []
    t = AgencyTurn(state, agency)
    # The match is on and the agency seated: what is left of `check` for each candidate.
    out: list[Command] = [
        cmd
        for cmd, limit in _research_offers(t)
        if _research_amount_problem(state, cmd, limit) is None and _budget_problem(t, cmd) is None
    ]
    if t.active < q.constant(state, "economy", "max_programs"):
        out.extend(_legal_starts(t))
    out.extend(c for c in _other_candidates(t) if _command_problem(t, c, False) is None)
    return out


def candidates(state: State, agency: str) -> Iterable[Command]:
    """Every command worth checking this turn: `legal_commands` keeps those `check` allows."""
    yield from _candidates(AgencyTurn(state, agency))


def _candidates(t: AgencyTurn) -> list[Command]:
    """`candidates`, as a list."""
    out: list[Command] = [cmd for cmd, _limit in _research_offers(t)]
    if t.active < q.constant(t.state, "economy", "max_programs"):
        out.extend(_start_pool(t))
    out.extend(_other_candidates(t))
    return out


def _research_offers(t: AgencyTurn) -> Iterable[tuple[Research, int]]:
    """Research at its standard amount in every tech open to the agency, with the most the
    tech may take this turn (`_research_offer`)."""
    treasury = t.treasury
    # `_research_offer` for each of the content's techs, without the reasons for refusing
    for tid in _open_techs(t.state, t.agency):
        limit = t.research_limit(tid)
        amount = min(limit, treasury)
        if amount > 0:
            yield _made(Research, tid, amount), limit


def _open_techs(state: State, agency: str) -> tuple[str, ...]:
    """The content's techs that are `_researchable` by the agency, in content order."""
    # A function of the content and of the agency's techs and refinements alone: remembered,
    # keyed by exactly those.
    key = (state.content.hash, agency, tuple(state.agency[agency].known.items()))
    techs = _OPEN_TECHS.get(key)
    if techs is None:
        techs = _OPEN_TECHS.keep(
            key, tuple(tid for tid in state.content.techs if _researchable(state, agency, tid))
        )
    return techs


_OPEN_TECHS: Memo[tuple[object, ...], tuple[str, ...]] = Memo(4096)


def _other_candidates(t: AgencyTurn) -> Iterable[Command]:
    """The candidates after research and new programs: programs, diplomacy, stations."""
    state, agency = t.state, t.agency
    treasury = t.treasury
    for program in state.programs.values():
        if program.phase == "building" and (program.agency == agency or agency in program.partners):
            amount = min(q.fund_limit(state, program, False), treasury)
            if amount > 0:
                yield _made(Fund, program.id, amount)
        if program.agency != agency:
            continue
        if program.phase == "building":
            yield _made(Rush, program.id)
        else:
            yield _made(Delay, program.id)
            yield _made(Launch, program.id)
        yield _made(Scrub, program.id)
    yield from _treaty_offers(state, agency)
    for g in state.agreements.values():
        if g.kind == "bloc" and agency not in g.members and g.open:
            yield _made(Propose, g.lead, "join_bloc", g.id)
        if agency in g.members:
            yield _made(Withdraw, g.id)
    for program in state.programs.values():
        if program.agency == agency and program.phase == "building":
            for other in state.agencies:
                if other not in program.participants:
                    yield _made(Propose, other, "joint_mission", "", program.id)
    for p in state.proposals.values():
        if p.to == agency:
            yield _made(Answer, p.id, True)
            yield _made(Answer, p.id, False)
    for st in state.stations.values():
        for rule in ACCESS_RULES:
            if rule != st.access:
                yield _made(SetAccess, st.id, rule)
    for service in BUYABLE_SERVICES:
        yield _made(BuyService, service)


def _treaty_offers(state: State, agency: str) -> tuple[Propose, ...]:
    """Every treaty of the content proposed to every other agency, in seat order."""
    key = (state.content.hash, tuple(state.agencies), agency)
    offers = _TREATY_OFFERS.get(key)
    if offers is None:
        offers = _TREATY_OFFERS.keep(
            key,
            tuple(
                _made(Propose, other, treaty)
                for other in state.agencies
                if other != agency
                for treaty in state.content.treaties
            ),
        )
    return offers


_TREATY_OFFERS: Memo[tuple[object, ...], tuple[Propose, ...]] = Memo(256)

C = TypeVar("C", bound=Command)

# Commands are immutable values, and the same candidates come up for every agency every turn:
# each is made once and shared. `_STARTS_KEPT` bounds this memory, as it does the starts'.
_STARTS_KEPT = 20_000
_MADE: Memo[tuple[object, ...], Any] = Memo(_STARTS_KEPT)


def _made(kind: Callable[..., C], *fields: object) -> C:
    """The command `kind(*fields)`."""
    key = (kind, *fields)
    cmd = _MADE.get(key)
    if cmd is None:
        cmd = _MADE.keep(key, kind(*fields))
    return cmd


def _start_options(
    state: State, agency: str, systems: frozenset[str] | None = None
) -> Iterable[tuple[MissionType, list[str], list[str], tuple[bool, ...]]]:
    """Per mission type the agency knows enough for: its targets, its modules, and the
    commercial flags worth trying (own rocket, bought launch). `systems`: the agency's
    `known_systems`, if the caller has them."""
    content = state.content
    known = state.agency[agency].known
    if systems is None:
        systems = q.known_systems(state, agency)
    for mtype in content.missions.values():
        if any(r not in known for r in mtype.requires):
            continue
        own_launcher = q.launch_system(mtype) in systems
        buy = q.commercial_available(state, mtype)
        flags = tuple(c for c, offered in ((False, own_launcher), (True, buy)) if offered)
        if not flags:
            continue
        if mtype.target == "surface":
            targets = list(content.sites)
        elif mtype.target == "orbit":
            targets = [ORBIT]
        elif mtype.target == "orbit_or_station":
            targets = [ORBIT, *(s.id for s in state.stations.values() if s.site == ORBIT)]
        else:
            targets = list(state.stations)
        if mtype.builds_module:
            location = _module_location(mtype)
            modules = [m.id for m in content.modules.values() if m.location == location]
        else:
            modules = [""]
        yield mtype, targets, modules, flags


def _start_pool(t: AgencyTurn) -> tuple[StartMission, ...]:
    """Every start of every `_start_options`, in candidate order."""
    state = t.state
    # A function of the content, of the techs the agency knows, of whether heavy launches
    # are on sale and of the stations standing alone: remembered, keyed by exactly those.
    key = (
        state.content.hash,
        frozenset(state.agency[t.agency].known),
        "commercial_heavy" in state.services,
        tuple((st.id, st.site == ORBIT) for st in state.stations.values()),
    )
    pool = _START_POOLS.get(key)
    if pool is None:
        pool = _START_POOLS.keep(
            key,
            tuple(
                cmd
                for mtype, targets, modules, flags in _start_options(state, t.agency, t.systems)
                for cmd in _all_starts(mtype.id, tuple(targets), tuple(modules), flags)
            ),
        )
    return pool


_START_POOLS: Memo[tuple[object, ...], tuple[StartMission, ...]] = Memo(4096)


def _legal_starts(t: AgencyTurn) -> list[StartMission]:
    """The program starts `check` allows, in candidate order, each part of the check run
    once for all the candidates it applies to: per type and launch, per module, per
    target and module."""
    out: list[StartMission] = []
    state, agency, active, systems = t.state, t.agency, t.active, t.systems
    for mtype, targets, modules, flags in _start_options(state, agency, systems):
        # What opening a program takes from the treasury now does not depend on its
        # target or module, so one command of each launch stands for all of them.
        flags = tuple(
            c
            for c in flags
            if _start_problem(state, agency, mtype, c, active, systems) is None
            and _budget_problem(t, _starts(mtype.id, ORBIT, "", (c,))[0]) is None
        )
        if not flags:
            continue
        modules = [m for m in modules if _module_problem(state, agency, mtype, m) is None]
        out.extend(_starts_on_target(state, agency, mtype, tuple(targets), tuple(modules), flags))
    return out


def _starts_on_target(
    state: State,
    agency: str,
    mtype: MissionType,
    targets: tuple[str, ...],
    modules: tuple[str, ...],
    flags: tuple[bool, ...],
) -> tuple[StartMission, ...]:
    """For `_legal_starts`, the starts of `_start_rows` whose target and module
    `_target_problem` allows. Where it judges them by the content alone, they are worked
    out once per content and kept."""
    key = (state.content.hash, mtype.id, targets, modules, flags)
    by_content = _target_by_content(mtype)
    kept = _ON_TARGET.get(key) if by_content else None
    if kept is None:
        kept = tuple(
            cmd
            for site, module, cmds in _start_rows(mtype.id, targets, modules, flags)
            if _target_problem(state, agency, mtype, site, module) is None
            for cmd in cmds
        )
        if by_content:
            _ON_TARGET.keep(key, kept)
    return kept


_ON_TARGET: Memo[tuple[object, ...], tuple[StartMission, ...]] = Memo(_STARTS_KEPT)


# Start commands are immutable values; the same few hundred are offered every turn, so they
# are made once rather than a few hundred times per agency per turn.
_STARTS: Memo[tuple[str, str, str, tuple[bool, ...]], tuple[StartMission, ...]] = Memo(_STARTS_KEPT)


_Row = tuple[str, str, tuple[StartMission, ...]]
_ROWS: Memo[tuple[str, tuple[str, ...], tuple[str, ...], tuple[bool, ...]], tuple[_Row, ...]] = (
    Memo(_STARTS_KEPT)
)


def _start_rows(
    mission_type: str, targets: tuple[str, ...], modules: tuple[str, ...], flags: tuple[bool, ...]
) -> tuple[_Row, ...]:
    """Per target and module, in that order: the target, the module and their `_starts`."""
    key = (mission_type, targets, modules, flags)
    rows = _ROWS.get(key)
    if rows is None:
        rows = _ROWS.keep(
            key,
            tuple(
                (site, module, _starts(mission_type, site, module, flags))
                for site in targets
                for module in modules
            ),
        )
    return rows


def _all_starts(
    mission_type: str, targets: tuple[str, ...], modules: tuple[str, ...], flags: tuple[bool, ...]
) -> tuple[StartMission, ...]:
    """Every command of `_start_rows`, in order."""
    key = (mission_type, targets, modules, flags)
    cmds = _FLAT.get(key)
    if cmds is None:
        rows = _start_rows(mission_type, targets, modules, flags)
        cmds = _FLAT.keep(key, tuple(cmd for _site, _module, row in rows for cmd in row))
    return cmds


_FLAT: Memo[
    tuple[str, tuple[str, ...], tuple[str, ...], tuple[bool, ...]], tuple[StartMission, ...]
] = Memo(_STARTS_KEPT)


def _starts(
    mission_type: str, site: str, module: str, flags: tuple[bool, ...]
) -> tuple[StartMission, ...]:
    """The start commands for one target and module, one per commercial flag."""
    key = (mission_type, site, module, flags)
    cmds = _STARTS.get(key)
    if cmds is None:
        cmds = _STARTS.keep(key, tuple(StartMission(mission_type, site, module, c) for c in flags))
    return cmds


def random_orders(
    state: State, agency: str, rng: Rng, *, most: int = 12, tries: int = 80
) -> list[Command]:
    """A random set of orders that `validate` accepts: for baselines, tests and benchmarks.

    Candidates are drawn in random order and kept while they fit together, so a turn costs a
    few dozen checks rather than the full `legal_commands` list.
    """
    if state.outcome is not None or agency not in state.agency:
        return []
    t = AgencyTurn(state, agency)
    pool = _candidates(t)
    sheet = OrderSheet.for_turn(t)
    for _ in range(min(tries, len(pool))):
        if len(sheet.orders) >= most:
            break
        cmd = pool.pop(rng.below(len(pool)))
        if isinstance(cmd, (Fund, Rush)):
            continue  # funding is added below, at amounts that fit the money left
        if sheet.clash(cmd) is None:
            error, cost = _alone(t, cmd, False)
            if error is None:
                sheet.place(cmd, cost)
    for program in state.programs.values():
        if agency in program.participants and program.phase == "building":
            amount = min(q.fund_limit(state, program, False), sheet.left)
            if amount > 0 and rng.random() < 0.8:
                sheet.add(Fund(program.id, amount))
    return sheet.orders
