"""Orders, refusals and agreements in the player's words: names, never ids or field dumps.

The panels, the orders list, the orders bar and the turn report all say an order the same
way through `order_text`; a refusal from the server names the order it is about
(`problem_text`); an agreement says what its terms do (`terms_text`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from game.client.match import MatchModel
from game.rules import (
    Answer,
    BuyService,
    Command,
    Fund,
    Propose,
    Research,
    SetAccess,
    StartMission,
    Withdraw,
)

SERVICE_NAMES = {"leo_station_access": "crew time on a commercial station in low Earth orbit"}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def percent(chance: float) -> str:
    """A chance or a reliability as the client shows it everywhere: whole percent, halves
    rounded up, so the same number never reads 97% in one place and 96% in another."""
    return f"{int(chance * 100 + 0.5 + 1e-9)}%"


def tech_name(model: MatchModel, tid: str) -> str:
    tech = model.content.techs.get(tid)
    return tech.name if tech is not None else tid.replace("_", " ")


def service_name(service: str) -> str:
    return SERVICE_NAMES.get(service, service.replace("_", " "))


def mission_name(model: MatchModel, mtype: str) -> str:
    mission = model.content.missions.get(mtype)
    return mission.name if mission is not None else mtype.replace("_", " ")


def program_name(model: MatchModel, pid: str) -> str:
    program = _dict(_dict(model.view.get("programs")).get(pid))
    return str(program.get("name") or pid)


def place_name(model: MatchModel, sid: str) -> str:
    """Where a mission goes, in words: lunar orbit, a site, or a station by its name."""
    if sid == "orbit":
        return "lunar orbit"
    site = model.content.sites.get(sid)
    if site is not None:
        return site.name
    station = _dict(_dict(model.view.get("stations")).get(sid))
    return str(station.get("name") or sid)


def treaty_name(model: MatchModel, kind: str) -> str:
    treaty = model.content.treaties.get(kind)
    return treaty.name if treaty is not None else kind.replace("_", " ")


def bloc_name(model: MatchModel, bloc_id: str) -> str:
    bloc = _dict(_dict(model.view.get("agreements")).get(bloc_id))
    known = model.content.blocs.get(bloc_id)
    fallback = known.name if known is not None else bloc_id.replace("_", " ")
    return str(bloc.get("name") or fallback)


def agreement_text(model: MatchModel, agreement: Mapping[str, Any]) -> str:
    """An agreement the seat is in: its name and the other members."""
    kind = str(agreement.get("kind", "treaty"))
    name = str(agreement.get("name") or treaty_name(model, kind))
    members = [model.agency_name(str(a)) for a in agreement.get("members", []) if a != model.seat]
    return name + (f" with {', '.join(members)}" if members else "")


def order_text(model: MatchModel, order: Command) -> str:
    """An order in a player's words."""
    if isinstance(order, Research):
        return f"Research {tech_name(model, order.tech)}: ${order.amount:,}M"
    if isinstance(order, Fund):
        return f"Fund {program_name(model, order.program)}: ${order.amount:,}M"
    if isinstance(order, StartMission):
        module = model.content.modules.get(order.module) if order.module else None
        carrying = f" ({module.name})" if module is not None else ""
        bought = ", commercial launch" if order.commercial else ""
        return (
            f"Start {mission_name(model, order.mission_type)}{carrying} to "
            f"{place_name(model, order.site)}{bought}"
        )
    if isinstance(order, Propose):
        return f"Propose {proposal_subject(model, order.treaty, order.bloc, order.program)} to " + (
            model.agency_name(order.to)
        )
    if isinstance(order, Answer):
        info: Mapping[str, Any] = next(
            (p for p in model.view.get("proposals", []) if p.get("id") == order.proposal), {}
        )
        what = proposal_line(model, info) if info else "a proposal no longer waiting"
        return f"{'Accept' if order.accept else 'Decline'} {what}"
    if isinstance(order, BuyService):
        return f"Buy {service_name(order.service)}"
    if isinstance(order, Withdraw):
        agreement = _dict(_dict(model.view.get("agreements")).get(order.agreement))
        return "Withdraw from " + (
            agreement_text(model, agreement) if agreement else "an agreement that has ended"
        )
    if isinstance(order, SetAccess):
        station = _dict(_dict(model.view.get("stations")).get(order.station))
        return f"{station.get('name', 'A station')}: access for {order.access}"
    program = getattr(order, "program", "")
    if program:
        return f"{order.KIND.title()} {program_name(model, program)}"
    return order.KIND.replace("_", " ").capitalize()


def proposal_subject(model: MatchModel, treaty: str, bloc: str = "", program: str = "") -> str:
    """What a proposal offers: a treaty, membership of a bloc, a place in a program."""
    if treaty == "join_bloc":
        return f"joining the {bloc_name(model, bloc)}"
    if treaty == "joint_mission":
        return f"a partnership in {program_name(model, program)}"
    return f"a {treaty_name(model, treaty)} treaty"


def proposal_line(model: MatchModel, info: Mapping[str, Any]) -> str:
    """A waiting proposal: who offers what to whom."""
    sender = model.agency_name(str(info.get("sender", "?")))
    to = model.agency_name(str(info.get("to", "?")))
    if info.get("treaty") == "joint_mission":
        mission = _dict(info.get("mission"))
        name = mission.get("name") or program_name(model, str(info.get("program", "")))
        what = (
            f"a partnership in {name}" if mission else "a partnership in a program that has ended"
        )
        if mission.get("site"):
            what += f" to {place_name(model, str(mission['site']))}"
    else:
        what = proposal_subject(model, str(info.get("treaty", "")), str(info.get("bloc", "")))
    return f"{sender} to {to}: {what}"


def problem_text(model: MatchModel, problem: Mapping[str, Any]) -> str:
    """A refusal from the server, naming the order it is about in words."""
    message = str(problem.get("message", "refused"))
    index = problem.get("index", -1)
    if isinstance(index, int) and 0 <= index < len(model.draft):
        order = model.draft[index]
        message = message.replace(str(order), "this order")
        return f"{order_text(model, order)}: {message}"
    return message


def term_effects(model: MatchModel) -> dict[str, str]:
    """What each term of an agreement does, with the scenario's numbers."""
    joint = float(model.content.rule("diplomacy").joint_reliability)
    rescue = float(model.content.rule("crew").assistance)
    return {
        "alliance": "shares a presence victory: allied owners hold a station's claim together",
        "joint_program": f"+{joint:.0%} reliability on each step of programs flown together",
        "docking": "use each other's stations open to partners",
        "emergency_assistance": f"+{rescue:.0%} crew survival when a partner flies crew",
        "tech_sharing": "technologies the other knows cost you less to learn",
        "transparency": "see each other's exact money, research and programs",
        "data_release": "a tenth of each other's mission science",
        "leo_science": "science each turn from the International Space Station",
    }


def terms_text(model: MatchModel, terms: list[str] | tuple[str, ...]) -> str:
    """An agreement's terms and what they do, one after the other."""
    effects = term_effects(model)
    return "; ".join(
        f"{term.replace('_', ' ')}: {effects.get(term, 'as the rules say')}" for term in terms
    )
