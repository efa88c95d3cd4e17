"""What an agency's open public objectives add to a mission it might start: the prestige of
each objective the mission would meet, if it can fly before the objective's year is out."""

from __future__ import annotations

from game.ai.reading import Reading
from game.rules import MissionType, Objective, Site, StartMission, StationView


def objective_worth(
    reading: Reading,
    mtype: MissionType,
    cmd: StartMission,
    site: Site | None,
    station: StationView | None,
    staying: bool,
) -> float:
    """Prestige of the open objectives this mission would meet if it succeeds on time."""
    worth = 0.0
    for objective in objectives_met(reading, mtype, cmd, site, station, staying):
        worth += objective.prestige
    return worth


def objectives_met(
    reading: Reading,
    mtype: MissionType,
    cmd: StartMission,
    site: Site | None,
    station: StationView | None,
    staying: bool,
) -> list[Objective]:
    """The agency's open objectives this mission would meet if it succeeds on time, one
    program toward a flight objective being enough."""
    open_ids = {
        o["id"]
        for o in reading.view["objectives"]
        if o["agency"] == reading.agency and o["status"] == "open"
    }
    if not open_ids:
        return []
    content = reading.content
    flies = reading.turn + mtype.build_turns + 1
    pursued = {p["mission_type"] for p in reading.own_programs}
    place = content.sites.get(station["site"]) if station is not None else site
    met = []
    for objective in content.objectives:
        if objective.id not in open_ids or flies > content.turn_of(objective.by, 2):
            continue
        if _meets(objective, mtype, cmd, place, station is not None or site is None, staying):
            if objective.kind == "flight" and pursued & set(objective.missions):
                continue  # one program toward it is enough
            met.append(objective)
    return met


def _meets(
    objective: Objective,
    mtype: MissionType,
    cmd: StartMission,
    place: Site | None,
    at_station: bool,
    staying: bool,
) -> bool:
    if not objective.at(place):
        return False
    if objective.kind == "flight":
        return mtype.id in objective.missions
    if objective.kind == "crew":
        return mtype.crewed and at_station and staying
    if objective.kind == "module":
        return mtype.builds_module and (not objective.module or cmd.module == objective.module)
    return False
