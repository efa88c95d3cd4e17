"""Doctrines: what each agency's AI values, how it spends, and whom it courts.

A doctrine is the personality of the greedy player for one agency, drawn from its history:
NASA flies crews and leads the Gateway with its partners; Roscosmos builds cheap, robust
hardware and the ILRS with CNSA; CNSA leads in robotic exploration and the far side; ESA,
JAXA and CSA fly with others and earn most as partners. Agencies a scenario adds without a
doctrine of their own play the balanced DEFAULT.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Doctrine:
    """How one agency's greedy player weighs its choices."""

    # Multipliers on the value of mission types (missing = 1.0).
    missions: dict[str, float] = field(default_factory=dict)
    research_share: float = 0.3  # share of income for research
    partner_share: float = 0.1  # share of income paid into partners' programs
    launch_floor: float = 0.7  # fly when the chance of success is at least this, else test
    crew_floor: float = 0.8  # the same for crewed missions
    friends: tuple[str, ...] = ()  # courted for treaties and invited into programs
    rivals: tuple[str, ...] = ()  # their proposals are declined
    blocs: tuple[str, ...] = ()  # blocs it asks to join
    treaties: tuple[str, ...] = ("docking", "emergency_assistance", "tech_sharing")
    station: str = ""  # "orbit" or "surface": the station it builds toward
    home_sites: tuple[str, ...] = ("shackleton", "shoemaker", "cabeus")  # for a surface base
    # Founds a surface base at a south-pole ice site and invites its allies in, for the
    # presence victory (the others join an ally's base rather than found their own).
    pole_base: bool = False
    min_value: float = 0.02  # expected prestige per $M below which a mission is not started


DEFAULT = Doctrine()

DOCTRINES: dict[str, Doctrine] = {
    "nasa": Doctrine(
        missions={
            "crewed_landing": 1.5,
            "orbital_crew": 1.4,
            "orbital_module": 1.3,
            "crewed_flyby": 1.2,
            "resupply": 1.2,
            "lander": 1.1,
        },
        research_share=0.3,
        partner_share=0.05,
        launch_floor=0.72,
        crew_floor=0.82,
        friends=("esa", "jaxa", "csa"),
        rivals=("cnsa",),
        treaties=("alliance", "docking", "emergency_assistance", "tech_sharing"),
        station="orbit",
        home_sites=("shackleton", "de_gerlache", "haworth"),
        pole_base=True,
    ),
    "roscosmos": Doctrine(
        missions={
            "lander": 1.3,
            "orbiter": 1.2,
            "surface_module": 1.3,
            "resource_demo": 1.2,
            "orbital_crew": 1.1,
        },
        research_share=0.3,
        partner_share=0.08,
        launch_floor=0.62,
        crew_floor=0.75,
        friends=("cnsa", "esa"),
        treaties=("alliance", "docking", "tech_sharing", "emergency_assistance"),
        station="surface",
        home_sites=("shackleton", "cabeus", "shoemaker"),
    ),
    "cnsa": Doctrine(
        missions={
            "rover": 1.3,
            "sample_return": 1.4,
            "hopper": 1.3,
            "relay": 1.2,
            "surface_module": 1.3,
            "resource_demo": 1.2,
        },
        research_share=0.32,
        partner_share=0.05,
        launch_floor=0.7,
        crew_floor=0.8,
        friends=("roscosmos", "esa"),
        rivals=("nasa",),
        treaties=("alliance", "tech_sharing", "docking", "emergency_assistance"),
        station="surface",
        home_sites=("shoemaker", "cabeus", "shackleton"),
        pole_base=True,
    ),
    "esa": Doctrine(
        missions={"orbiter": 1.2, "lander": 1.2, "resource_demo": 1.3, "orbital_module": 1.2},
        research_share=0.3,
        partner_share=0.3,
        launch_floor=0.72,
        friends=("nasa", "jaxa", "csa", "roscosmos"),
        treaties=("tech_sharing", "docking", "emergency_assistance"),
        station="orbit",
    ),
    "jaxa": Doctrine(
        missions={"lander": 1.3, "rover": 1.3, "resupply": 1.3, "orbiter": 1.1},
        research_share=0.3,
        partner_share=0.3,
        launch_floor=0.75,
        friends=("nasa", "esa", "csa"),
        blocs=("artemis_accords",),
        treaties=("tech_sharing", "docking", "emergency_assistance"),
        station="orbit",
    ),
    "csa": Doctrine(
        missions={"rover": 1.3, "orbiter": 1.2, "orbital_module": 1.2},
        research_share=0.25,
        partner_share=0.45,
        launch_floor=0.75,
        friends=("nasa", "esa", "jaxa"),
        blocs=("artemis_accords",),
        treaties=("tech_sharing", "docking", "emergency_assistance"),
        station="orbit",
    ),
}


def doctrine_for(agency: str) -> Doctrine:
    return DOCTRINES.get(agency, DEFAULT)
