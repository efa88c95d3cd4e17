"""Openings the report's facts give a bot: a bounty to claim before its deadline, the
international docking standard to reach a station without a treaty, a site where water ice
was confirmed on the ground to found a base at.

Greedy asks these from its mission, research and base choices; each answer is worked out
from the agency's view (`Reading`) alone.
"""

from __future__ import annotations

from game.ai.reading import Reading
from game.rules import StartMission, StationView

STANDARD = "docking_standard"
# Research score of the docking standard when it opens a station's berths to this agency's
# crews, or other agencies' crews to this agency's station (on the scale of greedy's
# logistics scores).
STANDARD_SCORE = 0.05


def bounty_worth(reading: Reading, module: str, station: StationView, arrives: int) -> float:
    """Prestige and goodwill a bounty adds to delivering `module` to `station` on turn
    `arrives`: nothing if another agency's bounty is not for this station, or if the module
    would come too late."""
    worth = 0.0
    for bounty in reading.view["bounties"]:
        if (
            bounty["module"] == module
            and bounty["owner"] != reading.agency
            and station["owner"] == bounty["owner"]
            and arrives <= bounty["until"]
        ):
            # Relations with the owner are worth a little: they open treaties later.
            worth += bounty["prestige"] + 0.2 * bounty["relations"]
    return worth


def standard_research(reading: Reading) -> dict[str, float]:
    """The docking standard's research score, if it is open to this agency and would let
    crews through a station's `partners` access that no docking treaty opens."""
    entry = reading.me["techs"].get(STANDARD)
    if entry is None or entry["status"] != "available":
        return {}
    crews = [
        m
        for m in reading.content.missions.values()
        if m.crewed and m.target == "station" and not reading.missing_techs(m)
    ]
    score = 0.0
    for station in reading.view["stations"].values():
        if not station["capacity"] or station["access"] != "partners":
            continue
        if station["owner"] == reading.agency:
            score += STANDARD_SCORE  # visiting crews earn the owners their crewed turns
        elif crews and not _docking(reading, station["owner"]):
            score += 2 * STANDARD_SCORE
    return {STANDARD: score} if score else {}


def _docking(reading: Reading, other: str) -> bool:
    """Whether this agency and `other` share a docking term."""
    for agreement in reading.view["agreements"].values():
        members = agreement["members"]
        if reading.agency in members and other in members and "docking" in agreement["terms"]:
            return True
    return False


def base_sites(reading: Reading, sites: list[str]) -> list[str]:
    """Candidate base sites, those where water ice was confirmed on the ground first (an
    ISRU plant makes more there), otherwise in their given order."""
    confirmed = set(reading.view["ice_confirmed"])
    return sorted(sites, key=lambda site: site not in confirmed)


def bounty_starts(reading: Reading, starts: list[StartMission]) -> list[StartMission]:
    """Legal new programs that would claim another agency's bounty: its module, for the
    station its owner leads, built on schedule before the deadline, when no program of
    this agency is building that module already."""
    economy = reading.content.rule("economy")
    if len(reading.own_programs) >= economy.max_programs:
        return []
    out = []
    for bounty in reading.view["bounties"]:
        if bounty["owner"] == reading.agency:
            continue
        if any(p["module"] == bounty["module"] for p in reading.own_programs):
            continue
        for cmd in starts:
            station = reading.view["stations"].get(cmd.site)
            if cmd.module != bounty["module"] or station is None:
                continue
            mtype = reading.content.missions[cmd.mission_type]
            if station["owner"] == bounty["owner"] and (
                reading.turn + mtype.build_turns + 1 <= bounty["until"]
            ):
                out.append(cmd)
    return out
