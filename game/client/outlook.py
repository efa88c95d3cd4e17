"""Honest numbers before the player commits: what a mission costs, how likely it is to fly
well and what it can still earn.

Nothing here is a rule of its own. The price is the rules' `mission_cost` (modules and a
bought launch's fee included) worked out on a state sampled from the seat's own view, whose
own numbers are exact; the odds are the rules' `step_odds`, through the bots' `Reading`,
or the rules' own odds for a program ready to fly; the firsts, science and objectives a
mission can bring are read the way the bots read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.ai.objectives import objectives_met
from game.ai.reading import Reading
from game.client.match import MatchModel
from game.client.widgets import escape
from game.client.wording import percent
from game.rules import (
    FlightOddsView,
    MissionType,
    Site,
    StartMission,
    State,
    flight_conditions,
    fund_limit,
    mission_cost,
    sample_state,
)


@dataclass(frozen=True)
class Earnings:
    """What a successful flight can still bring the seat."""

    firsts: tuple[tuple[str, int, int], ...]  # (milestone name, rank it would take, prestige)
    science: float
    objectives: tuple[tuple[str, int], ...]  # (objective name, prestige)

    @property
    def prestige(self) -> float:
        return (
            sum(p for _n, _r, p in self.firsts) + self.science + sum(p for _n, p in self.objectives)
        )


class Outlook:
    """The numbers for one view of one seat, worked out once and kept while the view lasts."""

    def __init__(self, model: MatchModel) -> None:
        self.model = model
        self.view = model.view  # the view these numbers are for
        self.reading = Reading(model.view)
        self._state: State | None = None
        self._prices: dict[tuple[str, str, bool], int] = {}

    @property
    def state(self) -> State:
        """A state sampled from the view: the seat's own numbers and programs are exact."""
        if self._state is None:
            self._state = sample_state(self.view, seed=0)
        return self._state

    # -- prices -----------------------------------------------------------------------------
    def price(self, cmd: StartMission) -> int:
        """The full price of the program the order opens, fees included ($M)."""
        key = (cmd.mission_type, cmd.module, cmd.commercial)
        found = self._prices.get(key)
        if found is None:
            mtype = self.model.content.missions[cmd.mission_type]
            found = mission_cost(self.state, self.reading.agency, mtype, cmd.module, cmd.commercial)
            self._prices[key] = found
        return found

    def fund_limit(self, program: str, rushed: bool, standard: int) -> int:
        """The most a program may take this turn, rushed or not, by the rules' own limit
        (`standard`, the amount the server offered, if the program is not in the view)."""
        found = self.state.programs.get(program)
        return fund_limit(self.state, found, rushed) if found is not None else standard

    # -- odds -------------------------------------------------------------------------------
    def _situation(self, mtype: MissionType, target: str) -> tuple[Site | None, bool, bool]:
        """The site a flight goes to, whether a station is there, whether its crew stays."""
        station = self.reading.station(target)
        staying = (
            mtype.crewed
            and station is not None
            and station["crew_count"] + mtype.crew <= station["capacity"]
        )
        return self.reading.site_of(target), station is not None, staying

    def start_odds(self, cmd: StartMission) -> FlightOddsView:
        """The odds of the flight a new program would fly, with the seat's hardware today."""
        mtype = self.model.content.missions[cmd.mission_type]
        site, station, staying = self._situation(mtype, cmd.site)
        odds = self.reading.odds(
            mtype,
            site,
            self.reading.me["systems"],
            commercial=cmd.commercial,
            station=station,
            staying=staying,
        )
        return odds.to_wire()

    def program_odds(self, program: dict[str, Any]) -> FlightOddsView:
        """A program's odds: the rules' own once it is ready, worked out by the same rule
        from its hardware while it is being built."""
        ready = program.get("odds")
        if isinstance(ready, dict):
            return ready  # type: ignore[return-value]
        mtype = self.model.content.missions[str(program["mission_type"])]
        site, station, staying = self._situation(mtype, str(program["site"]))
        odds = self.reading.odds(
            mtype,
            site,
            dict(program.get("reliability", {})),
            commercial=bool(program.get("commercial")),
            station=station,
            staying=staying,
            tests=int(program.get("tests", 0)),
            rushes=int(program.get("rushes", 0)),
        )
        return odds.to_wire()

    # -- what a flight can earn -------------------------------------------------------------
    def earnings(self, cmd: StartMission) -> Earnings:
        reading = self.reading
        content = self.model.content
        mtype = content.missions[cmd.mission_type]
        site, station, staying = self._situation(mtype, cmd.site)
        holds = flight_conditions(mtype, station=station, staying=staying)
        firsts = []
        for milestone, _after, when in mtype.milestones:
            worth = reading.milestone_worth(milestone, site, pursued=False)
            if worth > 0 and holds.get(when, False):
                rank = len(reading.claimed.get(milestone, ())) + 1
                firsts.append((content.milestones[milestone].name, rank, round(worth)))
        met = objectives_met(reading, mtype, cmd, site, reading.station(cmd.site), staying)
        return Earnings(
            tuple(firsts),
            reading.science_estimate(mtype, cmd.site),
            tuple((o.name, o.prestige) for o in met),
        )


_KEPT: list[Outlook] = []


def of(model: MatchModel) -> Outlook:
    """The outlook for the model's current view: kept until the view changes."""
    if not _KEPT or _KEPT[0].model is not model or _KEPT[0].view is not model.view:
        _KEPT[:] = [Outlook(model)]
    return _KEPT[0]


def odds_steps_html(odds: FlightOddsView) -> str:
    """Each step of a flight with its chance, the weakest marked."""
    weakest = odds.get("weakest", "")
    parts = []
    for step in odds.get("steps", []):
        text = f"{escape(str(step['step']))} {percent(float(step['chance']))}"
        if step.get("bought"):
            text += " (bought)"
        if step["step"] == weakest:
            text = f"<font color='#f0c060'><b>{text}</b></font>"
        parts.append(text)
    return " &gt; ".join(parts)


def missing_hardware(odds: FlightOddsView) -> str:
    """The hardware families a flight has no reliability for (its steps cannot succeed)."""
    missing = [
        str(step["system"]).replace("_", " ")
        for step in odds.get("steps", [])
        if float(step["chance"]) <= 0.0 and not step.get("bought")
    ]
    return ", ".join(dict.fromkeys(missing))


def earnings_text(earned: Earnings) -> str:
    """What a flight can bring, in a line."""
    parts = [f"{name} ({_ordinal(rank)}, +{prestige})" for name, rank, prestige in earned.firsts]
    if earned.science >= 0.5:
        parts.append(f"science +{earned.science:.0f}")
    parts.extend(f"objective {name} (+{prestige})" for name, prestige in earned.objectives)
    return ", ".join(parts) if parts else "no open first or objective; little science"


def _ordinal(rank: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(rank, f"{rank}th")
