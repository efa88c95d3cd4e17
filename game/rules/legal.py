"""What an agency may order: one check per command, and everything built on it.

`check` is the single source of truth. `legal_commands` lists candidates and keeps those that
pass it; `validate` runs it over a whole turn's orders and adds the checks that only make
sense together (duplicates, total spending, program count); the resolution drops exactly
the orders `validate` refuses. AI players, the server and the clients all use these.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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
from game.rules.content import ORBIT
from game.rules.errors import Code, RuleError
from game.rules.rng import Rng
from game.rules.state import Program, State

ACCESS_RULES = ("owners", "partners", "open")
BUYABLE_SERVICES = ("leo_station_access",)
SPECIAL_PROPOSALS = ("join_bloc", "joint_mission")


def _err(code: Code, message: str) -> RuleError:
    return RuleError(code, message)


def spend(state: State, agency: str, cmd: Command) -> int:
    """The money ($M) a command takes from the agency's treasury this turn."""
    if isinstance(cmd, Research | Fund):
        return cmd.amount
    if isinstance(cmd, Rush):
        program = state.programs.get(cmd.program)
        return q.rush_fee(state, program) if program else 0
    if isinstance(cmd, Delay):
        program = state.programs.get(cmd.program)
        return q.test_fee(state, program) if program else 0
    if isinstance(cmd, BuyService):
        return int(state.content.rule("commercial").leo_access_cost)
    return 0


def active_programs(state: State, agency: str) -> int:
    return sum(1 for p in state.programs.values() if p.agency == agency)


# --- one command --------------------------------------------------------------------------------


def check(state: State, agency: str, cmd: Command, *, rushing: bool = False) -> RuleError | None:
    """Why this one command is not allowed now, or None if it is.

    `rushing` says the same orders rush the program a Fund command pays into.
    """
    if state.outcome is not None:
        return _err(Code.MATCH_OVER, "the match is over")
    if agency not in state.agency:
        return _err(Code.NOT_SEATED, f"{agency!r} is not an agency in this match")
    handler = _CHECKS.get(type(cmd))
    if handler is None:
        return _err(Code.MALFORMED, f"not a command: {cmd!r}")
    error = handler(state, agency, cmd, rushing)
    if error is None:
        cost = spend(state, agency, cmd)
        if cost > state.agency[agency].treasury:
            return _err(
                Code.OVER_BUDGET,
                f"costs {cost} $M but the treasury holds {state.agency[agency].treasury} $M",
            )
    return error


def _check_research(state: State, agency: str, cmd: Research, _: bool) -> RuleError | None:
    techs = state.content.techs
    if cmd.tech not in techs:
        return _err(Code.UNKNOWN_TECH, f"no technology called {cmd.tech!r}")
    name = techs[cmd.tech].name
    if cmd.tech in state.agency[agency].known:
        if not q.can_refine(state, agency, cmd.tech):
            return _err(Code.TECH_MAXED, f"{name} is known and cannot be refined further")
    elif not q.prerequisites_met(state, agency, cmd.tech):
        missing = [
            techs[r].name for r in techs[cmd.tech].requires if r not in state.agency[agency].known
        ]
        return _err(Code.TECH_LOCKED, f"{name} first needs {', '.join(missing)}")
    limit = q.research_limit(state, agency, cmd.tech)
    if cmd.amount < 1 or cmd.amount > limit:
        return _err(Code.BAD_AMOUNT, f"{name} can take 1 to {limit} $M this turn, not {cmd.amount}")
    return None


def _check_start(state: State, agency: str, cmd: StartMission, _: bool) -> RuleError | None:
    content = state.content
    mtype = content.missions.get(cmd.mission_type)
    if mtype is None:
        return _err(Code.UNKNOWN_MISSION_TYPE, f"no mission type {cmd.mission_type!r}")
    known = state.agency[agency].known
    missing = [content.techs[r].name for r in mtype.requires if r not in known]
    if missing:
        return _err(Code.MISSING_TECH, f"a {mtype.name} needs {', '.join(missing)}")
    if active_programs(state, agency) >= content.rule("economy").max_programs:
        return _err(Code.TOO_MANY_PROGRAMS, "too many programs under way; launch or scrub one")
    if cmd.commercial:
        if not q.commercial_available(state, mtype):
            return _err(Code.SERVICE_UNAVAILABLE, "commercial heavy launches are not on sale yet")
    elif not q.has_system(state, agency, q.launch_system(mtype)):
        return _err(
            Code.MISSING_TECH, f"no rocket of your own for a {mtype.name}; buy a commercial launch"
        )
    error = _check_module(state, agency, cmd)
    if error is not None:
        return error
    return _check_target(state, agency, cmd.mission_type, cmd.site, cmd.module)


def _check_module(state: State, agency: str, cmd: StartMission) -> RuleError | None:
    content = state.content
    mtype = content.missions[cmd.mission_type]
    if not mtype.builds_module:
        if cmd.module:
            return _err(Code.UNKNOWN_MODULE, f"a {mtype.name} carries no station module")
        return None
    module = content.modules.get(cmd.module)
    location = "orbit" if mtype.id == "orbital_module" else "surface"
    if module is None or module.location != location:
        names = sorted(m.id for m in content.modules.values() if m.location == location)
        return _err(Code.UNKNOWN_MODULE, f"a {mtype.name} carries one of: {', '.join(names)}")
    if module.requires and module.requires not in state.agency[agency].known:
        return _err(
            Code.MISSING_TECH, f"a {module.name} needs {content.techs[module.requires].name}"
        )
    return None


def _check_target(
    state: State, agency: str, mission_type: str, site: str, module: str
) -> RuleError | None:
    content = state.content
    mtype = content.missions[mission_type]
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


def _check_fund(state: State, agency: str, cmd: Fund, rushing: bool) -> RuleError | None:
    program, error = _program_of(state, agency, cmd.program, lead=False, phase="building")
    if program is None:
        return error
    limit = q.fund_limit(state, program, rushing)
    if cmd.amount < 1 or cmd.amount > limit:
        return _err(
            Code.BAD_AMOUNT,
            f"{program.name} can take 1 to {limit} $M this turn"
            f"{'' if rushing else ' (rush it to take more)'}, not {cmd.amount}",
        )
    return None


def _check_rush(state: State, agency: str, cmd: Rush, _: bool) -> RuleError | None:
    return _program_of(state, agency, cmd.program, lead=True, phase="building")[1]


def _check_delay(state: State, agency: str, cmd: Delay, _: bool) -> RuleError | None:
    program, error = _program_of(state, agency, cmd.program, lead=True, phase="ready")
    if program is None:
        return error
    if program.tests >= state.content.rule("economy").max_tests:
        return _err(Code.WRONG_PHASE, f"{program.name} has been tested all it usefully can")
    return None


def _check_scrub(state: State, agency: str, cmd: Scrub, _: bool) -> RuleError | None:
    return _program_of(state, agency, cmd.program, lead=True, phase=None)[1]


def _check_launch(state: State, agency: str, cmd: Launch, _: bool) -> RuleError | None:
    program, error = _program_of(state, agency, cmd.program, lead=True, phase="ready")
    if program is None:
        return error
    return launch_problem(state, program)


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


def _check_propose(state: State, agency: str, cmd: Propose, _: bool) -> RuleError | None:
    content = state.content
    if cmd.to not in state.agency:
        return _err(Code.UNKNOWN_AGENCY, f"no agency {cmd.to!r} in this match")
    if cmd.to == agency:
        return _err(Code.SELF_TARGET, "a proposal needs another agency")
    relations = state.relations[agency][cmd.to]
    dip = content.rule("diplomacy")
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
        reason = content.forbidden_reason(agency, cmd.to)
        if reason:
            return _err(Code.FORBIDDEN_PAIRING, reason)
        if relations < dip.min_relations_treaty:
            return _err(
                Code.RELATIONS_TOO_LOW, f"relations with {cmd.to} are too poor ({relations})"
            )
    else:
        treaty = content.treaties.get(cmd.treaty)
        if treaty is None:
            kinds = [*content.treaties, *SPECIAL_PROPOSALS]
            return _err(Code.UNKNOWN_TREATY, f"no treaty {cmd.treaty!r}; one of {', '.join(kinds)}")
        reason = content.forbidden_reason(agency, cmd.to)
        if reason:
            return _err(Code.FORBIDDEN_PAIRING, reason)
        needed = (
            dip.min_relations_alliance if cmd.treaty == "alliance" else dip.min_relations_treaty
        )
        if relations < needed:
            return _err(
                Code.RELATIONS_TOO_LOW,
                f"a {treaty.name} needs relations of at least {needed} (now {relations})",
            )
        if q.treaty_between(state, agency, cmd.to, cmd.treaty):
            return _err(Code.ALREADY_AGREED, f"a {treaty.name} with {cmd.to} exists already")
    for p in state.proposals.values():
        if (
            p.treaty == cmd.treaty
            and p.bloc == cmd.bloc
            and p.program == cmd.program
            and {p.sender, p.to} == {agency, cmd.to}
        ):
            return _err(Code.PENDING, "the same proposal is waiting for an answer")
    return None


def _check_answer(state: State, agency: str, cmd: Answer, _: bool) -> RuleError | None:
    proposal = state.proposals.get(cmd.proposal)
    if proposal is None:
        return _err(Code.UNKNOWN_PROPOSAL, f"no proposal {cmd.proposal!r} is waiting")
    if proposal.to != agency:
        return _err(Code.NOT_YOURS, "that proposal is addressed to another agency")
    return None


def _check_withdraw(state: State, agency: str, cmd: Withdraw, _: bool) -> RuleError | None:
    agreement = state.agreements.get(cmd.agreement)
    if agreement is None:
        return _err(Code.UNKNOWN_AGREEMENT, f"no agreement {cmd.agreement!r}")
    if agency not in agreement.members:
        return _err(Code.NOT_YOURS, f"you are not part of the {agreement.name}")
    return None


def _check_access(state: State, agency: str, cmd: SetAccess, _: bool) -> RuleError | None:
    station = state.stations.get(cmd.station)
    if station is None:
        return _err(Code.NO_STATION, f"no station {cmd.station!r}")
    if station.majority_owner() != agency:
        return _err(Code.NOT_YOURS, f"only {station.name}'s largest owner sets its access")
    if cmd.access not in ACCESS_RULES:
        return _err(Code.BAD_TARGET, f"access is one of {', '.join(ACCESS_RULES)}")
    return None


def _check_service(state: State, agency: str, cmd: BuyService, _: bool) -> RuleError | None:
    if cmd.service not in BUYABLE_SERVICES:
        return _err(Code.UNKNOWN_SERVICE, f"no service {cmd.service!r} for sale on its own")
    if cmd.service not in state.services:
        return _err(Code.SERVICE_UNAVAILABLE, f"{cmd.service} is not on sale yet")
    return None


_CHECKS: dict[type, Callable[[State, str, Any, bool], RuleError | None]] = {
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


# --- a turn's orders ----------------------------------------------------------------------------


def _duplicate_key(cmd: Command) -> tuple[object, ...] | None:
    if isinstance(cmd, Research):
        return ("research", cmd.tech)
    if isinstance(cmd, Fund):
        return ("fund", cmd.program)
    if isinstance(cmd, Rush):
        return ("rush", cmd.program)
    if isinstance(cmd, Delay | Scrub | Launch):
        return ("program", cmd.program)  # one of delay, scrub, launch per program
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
    return None


def validate(state: State, agency: str, orders: Iterable[Command]) -> list[RuleError]:
    """Every reason these orders are refused, each with the index of its command."""
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
    seen: set[tuple[object, ...]] = set()
    treasury = state.agency[agency].treasury
    spent = 0
    programs = active_programs(state, agency)
    for index, cmd in enumerate(orders):
        if not isinstance(cmd, Command):
            errors.append(RuleError(Code.MALFORMED, f"not a command: {cmd!r}", index))
            continue
        error = check(state, agency, cmd, rushing=isinstance(cmd, Fund) and cmd.program in rushed)
        if error is not None:
            errors.append(RuleError(error.code, error.message, index))
            continue
        key = _duplicate_key(cmd)
        if key is not None:
            if key in seen:
                errors.append(RuleError(Code.DUPLICATE, f"ordered twice this turn: {cmd}", index))
                continue
            seen.add(key)
        if isinstance(cmd, StartMission):
            if programs >= economy.max_programs:
                errors.append(
                    RuleError(
                        Code.TOO_MANY_PROGRAMS,
                        f"at most {economy.max_programs} programs at once",
                        index,
                    )
                )
                continue
            programs += 1
        cost = spend(state, agency, cmd)
        if spent + cost > treasury:
            errors.append(
                RuleError(
                    Code.OVER_BUDGET,
                    f"{cmd} would spend {spent + cost} $M of a {treasury} $M treasury",
                    index,
                )
            )
            continue
        spent += cost
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
    """
    if state.outcome is not None or agency not in state.agency:
        return []
    out: list[Command] = []
    for cmd in _candidates(state, agency):
        if check(state, agency, cmd) is None:
            out.append(cmd)
    return out


def _candidates(state: State, agency: str) -> Iterable[Command]:
    content = state.content
    ag = state.agency[agency]
    treasury = ag.treasury
    for tid in content.techs:
        if tid in ag.known and not q.can_refine(state, agency, tid):
            continue
        if tid not in ag.known and not q.prerequisites_met(state, agency, tid):
            continue
        amount = min(q.research_limit(state, agency, tid), treasury)
        if amount > 0:
            yield Research(tid, amount)
    if active_programs(state, agency) < content.rule("economy").max_programs:
        yield from _mission_candidates(state, agency)
    for program in state.programs.values():
        if agency in program.participants and program.phase == "building":
            amount = min(q.fund_limit(state, program, False), treasury)
            if amount > 0:
                yield Fund(program.id, amount)
        if program.agency != agency:
            continue
        if program.phase == "building":
            yield Rush(program.id)
        else:
            yield Delay(program.id)
            yield Launch(program.id)
        yield Scrub(program.id)
    for other in state.agencies:
        if other == agency:
            continue
        for treaty in content.treaties:
            yield Propose(other, treaty)
    for g in state.agreements.values():
        if g.kind == "bloc" and agency not in g.members and g.open:
            yield Propose(g.lead, "join_bloc", bloc=g.id)
        if agency in g.members:
            yield Withdraw(g.id)
    for program in state.programs.values():
        if program.agency == agency and program.phase == "building":
            for other in state.agencies:
                if other not in program.participants:
                    yield Propose(other, "joint_mission", program=program.id)
    for p in state.proposals.values():
        if p.to == agency:
            yield Answer(p.id, True)
            yield Answer(p.id, False)
    for st in state.stations.values():
        for rule in ACCESS_RULES:
            if rule != st.access:
                yield SetAccess(st.id, rule)
    for service in BUYABLE_SERVICES:
        yield BuyService(service)


def _mission_candidates(state: State, agency: str) -> Iterable[StartMission]:
    content = state.content
    known = state.agency[agency].known
    for mtype in content.missions.values():
        if any(r not in known for r in mtype.requires):
            continue
        own_launcher = q.has_system(state, agency, q.launch_system(mtype))
        buy = q.commercial_available(state, mtype)
        if mtype.target == "surface":
            targets = list(content.sites)
        elif mtype.target == "orbit":
            targets = [ORBIT]
        elif mtype.target == "orbit_or_station":
            targets = [ORBIT, *(s.id for s in state.stations.values() if s.site == ORBIT)]
        else:
            targets = list(state.stations)
        if mtype.builds_module:
            location = "orbit" if mtype.id == "orbital_module" else "surface"
            modules = [m.id for m in content.modules.values() if m.location == location]
        else:
            modules = [""]
        for site in targets:
            for module in modules:
                if own_launcher:
                    yield StartMission(mtype.id, site, module, False)
                if buy:
                    yield StartMission(mtype.id, site, module, True)


def random_orders(
    state: State, agency: str, rng: Rng, *, most: int = 12, tries: int = 80
) -> list[Command]:
    """A random set of orders that `validate` accepts: for baselines, tests and benchmarks.

    Candidates are drawn in random order and kept while they fit together, so a turn costs a
    few dozen checks rather than the full `legal_commands` list.
    """
    if state.outcome is not None or agency not in state.agency:
        return []
    pool = list(_candidates(state, agency))
    economy = state.content.rule("economy")
    treasury = state.agency[agency].treasury
    programs = active_programs(state, agency)
    orders: list[Command] = []
    seen: set[tuple[object, ...]] = set()
    spent = 0
    for _ in range(min(tries, len(pool))):
        if len(orders) >= most:
            break
        cmd = pool.pop(rng.below(len(pool)))
        if isinstance(cmd, Fund | Rush):
            continue  # funding is added below, at amounts that fit the money left
        key = _duplicate_key(cmd)
        if key in seen or check(state, agency, cmd) is not None:
            continue
        if isinstance(cmd, StartMission):
            if programs >= economy.max_programs:
                continue
            programs += 1
        cost = spend(state, agency, cmd)
        if spent + cost > treasury:
            continue
        if key is not None:
            seen.add(key)
        spent += cost
        orders.append(cmd)
    for program in state.programs.values():
        if agency in program.participants and program.phase == "building":
            amount = min(q.fund_limit(state, program, False), treasury - spent)
            if amount > 0 and rng.random() < 0.8:
                orders.append(Fund(program.id, amount))
                spent += amount
    return orders
