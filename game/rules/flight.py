"""The odds of a flight, step by step: what a launch rolls against, and so what views show
and bots weigh.

`flight_odds(state, program)` is what resolution rolls a program's launch against.
`step_odds` is the same rule from the pieces a player can see in its own view (the best
reliability of each hardware family among the participants, and what traits, techs,
tests and rushes add to every step), so a bot or a client that estimates a flight not yet
ready counts exactly as the rules do. Each step succeeds with

    chance = clamp(reliability of its family + bonus [+ the site's difficulty on landing
             steps], floor, ceiling)

or the commercial provider's reliability for the steps a bought launch flies. Which steps
fly depends on the situation (`flight_conditions`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from game.rules import queries as q
from game.rules.content import AgencyDef, Content, MissionType, Site
from game.rules.shapes import FlightOddsView, StepOddsView
from game.rules.state import Program, State

# Step families whose chance the site's difficulty changes.
LANDING_SYSTEMS = frozenset(("landing", "crewed_landing", "hopper"))


@dataclass(frozen=True, slots=True)
class StepOdds:
    """One step of a flight and the chance it succeeds."""

    name: str
    system: str
    chance: float
    bought: bool = False  # flown by a commercial provider's launch

    def to_wire(self) -> StepOddsView:
        return {
            "step": self.name,
            "system": self.system,
            "chance": round(self.chance, 3),
            "bought": self.bought,
        }


@dataclass(frozen=True, slots=True)
class FlightOdds:
    """The steps a flight would fly, in order, with their odds, and the situation they
    were worked out for."""

    steps: tuple[StepOdds, ...]
    station: bool  # the target has a station
    founding: bool  # the flight carries a station's first module
    staying: bool  # a crew stays aboard that station rather than flying home

    @property
    def chance(self) -> float:
        """The chance that every step succeeds."""
        chance = 1.0
        for step in self.steps:
            chance *= step.chance
        return chance

    @property
    def weakest(self) -> StepOdds | None:
        """The step most likely to fail (the first of equals), None for no steps."""
        return min(self.steps, key=lambda step: step.chance, default=None)

    def holds(self, when: str) -> bool:
        """Whether a step or milestone that happens `when` happens on this flight."""
        return _holds(when, self.station, self.founding, self.staying)

    def to_wire(self) -> FlightOddsView:
        weakest = self.weakest
        return {
            "chance": round(self.chance, 3),
            "weakest": weakest.name if weakest is not None else "",
            "steps": [step.to_wire() for step in self.steps],
        }


def flight_conditions(mtype: MissionType, *, station: bool, staying: bool) -> dict[str, bool]:
    """Which `when` of a mission's steps and milestones hold: "always"; "sortie" when the
    crew flies home; "joining" when the target has a station to join; "founding" when a
    type that builds modules goes where there is none; "staying" when a crew stays aboard
    the station."""
    founding = mtype.builds_module and not station
    return {when: _holds(when, station, founding, staying) for when in WHENS}


WHENS = ("always", "sortie", "joining", "founding", "staying")


def _holds(when: str, station: bool, founding: bool, staying: bool) -> bool:
    if when == "always":
        return True
    if when == "sortie":
        return not staying
    if when == "joining":
        return station
    if when == "founding":
        return founding
    if when == "staying":
        return staying
    raise ValueError(f"no step condition {when!r}")


def step_bonus(
    content: Content,
    lead: AgencyDef,
    mtype: MissionType,
    *,
    tests: int,
    rushes: int,
    robotic: float,
) -> float:
    """What the lead agency's traits, techs, tests and rushes add to every step of a
    flight. `robotic`: the sum of the lead's techs' robotic reliability effects."""
    economy = content.rule("economy")
    bonus = lead.trait("reliability") + tests * economy.test_bonus - rushes * economy.rush_penalty
    if mtype.crewed:
        bonus += lead.trait("crewed")
    else:
        bonus += lead.trait("robotic") + robotic
    return bonus


def step_odds(
    content: Content,
    mtype: MissionType,
    site: Site | None,
    reliability: Mapping[str, float],
    bonus: float,
    *,
    commercial: bool,
    station: bool,
    staying: bool,
) -> FlightOdds:
    """The odds of each step of a flight of this type to this site.

    `reliability`: per hardware family, the best among the participants; a family missing
    from it is hardware nobody has, and its step cannot succeed. `bonus`: `step_bonus`.
    `commercial`: the launch is bought. `station`, `staying`: as in `flight_conditions`.
    """
    rules = content.rule("reliability")
    floor, ceiling = rules.floor, rules.ceiling
    bought_steps = q.commercial_steps(mtype) if commercial else 0
    if bought_steps:
        com = content.rule("commercial")
        heavy = mtype.steps[0].system == "heavy_launcher"
        provider = com.heavy_reliability if heavy else com.launch_reliability
    founding = mtype.builds_module and not station
    steps: list[StepOdds] = []
    for step in mtype.steps:
        if not _holds(step.when, station, founding, staying):
            continue
        bought = len(steps) < bought_steps
        if bought:
            chance = provider
        elif step.system not in reliability:
            steps.append(StepOdds(step.name, step.system, 0.0))
            continue
        else:
            chance = reliability[step.system] + bonus
            if site is not None and step.system in LANDING_SYSTEMS:
                chance += site.difficulty
        steps.append(StepOdds(step.name, step.system, max(floor, min(ceiling, chance)), bought))
    return FlightOdds(tuple(steps), station, founding, staying)


def flight_odds(
    state: State, program: Program, known: dict[str, dict[str, float]] | None = None
) -> FlightOdds:
    """The odds of each step of the program's flight if it launched now: what resolution
    rolls against. `known`: as for `queries.program_reliability_systems`."""
    content = state.content
    mtype = content.missions[program.mission_type]
    lead = program.agency
    station = q.target_station(state, program)
    staying = False
    if mtype.crewed and station is not None and q.may_use_station(state, station, lead):
        staying = q.crew_staying(state, station) + mtype.crew <= q.capacity(state, station)
    bonus = step_bonus(
        content,
        content.agencies[lead],
        mtype,
        tests=program.tests,
        rushes=program.rushes,
        robotic=0.0 if mtype.crewed else q.tech_effect(state, lead, "robotic_reliability"),
    )
    return step_odds(
        content,
        mtype,
        q.site_of(state, program.site),
        q.program_reliability_systems(state, program, known),
        bonus,
        commercial=program.commercial,
        station=station is not None,
        staying=staying,
    )
