"""Reading a view: the facts and estimates a bot works from, computed once per decision.

A `Reading` wraps one agency's view with the public content (the same data files every
player can read) and answers the questions the greedy and planner bots ask: how many turns
are left, what a milestone is still worth to this agency, how likely a mission is to
succeed with the agency's hardware (by the rules' own `step_odds`), which techs stand
between it and a mission type. It only estimates; what is allowed is always decided by
`legal_commands` and the rules.
"""

from __future__ import annotations

from functools import cached_property

from game.rules import (
    ORBIT,
    Content,
    FlightOdds,
    MissionType,
    OwnAgency,
    ProgramView,
    Site,
    StationView,
    View,
    load_content,
    step_bonus,
    step_odds,
)

_NOBODY: frozenset[str] = frozenset()
# What another agency's national hardware costs to reach: more than any budget.
FOREIGN_HARDWARE = 10**9


class Reading:
    """One agency's view, with the content and the estimates derived from it."""

    def __init__(self, view: View) -> None:
        self.view = view
        self.content: Content = load_content(view["scenario"])
        self.me: OwnAgency = view["me"]
        self.agency: str = self.me["agency"]
        self.turn: int = view["turn"]
        self.last_turn: int = view["last_turn"]
        self.definition = self.content.agencies[self.agency]
        self.decay: list[float] = list(self.content.rule("prestige").decay)
        self._worth: dict[tuple[str, str, bool], float] = {}
        self._chance: dict[tuple[object, ...], float] = {}

    # -- time and money -----------------------------------------------------------------

    @property
    def turns_left(self) -> int:
        """Turns after this one."""
        return self.last_turn - self.turn

    @property
    def income(self) -> int:
        """A turn's income, less the dues of its blocs and treaties."""
        return int(self.me["income"]) - int(self.me.get("dues", 0))

    def trait(self, name: str) -> float:
        return self.definition.trait(name)

    # -- programs and stations ----------------------------------------------------------

    @cached_property
    def own_programs(self) -> list[ProgramView]:
        return [p for p in self.view["programs"].values() if p["agency"] == self.agency]

    @cached_property
    def partner_programs(self) -> list[ProgramView]:
        return [p for p in self.view["programs"].values() if p["agency"] != self.agency]

    @cached_property
    def stations_by_site(self) -> dict[str, StationView]:
        return {st["site"]: st for st in self.view["stations"].values() if st["site"] != ORBIT}

    def station(self, target: str) -> StationView | None:
        """The station a target names: a station id, or the station at a surface site."""
        stations = self.view["stations"]
        if target in stations:
            return stations[target]
        return self.stations_by_site.get(target)

    def site_of(self, target: str) -> Site | None:
        if target in self.content.sites:
            return self.content.sites[target]
        st = self.view["stations"].get(target)
        if st is not None:
            return self.content.sites.get(st["site"])
        return None

    def agreed_terms(self, other: str) -> set[str]:
        terms: set[str] = set()
        for g in self.view["agreements"].values():
            if self.agency in g["members"] and other in g["members"]:
                terms.update(g["terms"])
        return terms

    def relation(self, other: str) -> int:
        return int(self.view["relations"].get(self.agency, {}).get(other, 0))

    # -- milestones ---------------------------------------------------------------------

    @cached_property
    def claimed(self) -> dict[str, set[str]]:
        """Milestone -> the agencies that have reached it."""
        return {m: {r[0] for r in recs} for m, recs in self.view["milestones"].items()}

    @cached_property
    def pursued(self) -> set[str]:
        """Milestones this agency's own programs are already built to reach."""
        out: set[str] = set()
        for p in self.own_programs:
            mtype = self.content.missions[p["mission_type"]]
            site = self.site_of(p["site"])
            for milestone, _after, _when in mtype.milestones:
                if self.milestone_fits(milestone, site):
                    out.add(milestone)
        return out

    @cached_property
    def representative_sites(self) -> list[Site]:
        """One site for each kind of place milestones tell apart (south pole, far side,
        ice), the one with the most science."""
        best: dict[tuple[bool, bool, bool], Site] = {}
        for site in self.content.sites.values():
            kind = (site.south_pole, site.far_side, site.ice >= 2)
            held = best.get(kind)
            if held is None or site.science > held.science:
                best[kind] = site
        return list(best.values())

    def milestone_fits(self, milestone: str, site: Site | None) -> bool:
        where = self.content.milestones[milestone].where
        if site is None:
            return where == "any"
        return site.matches(where)

    def milestone_worth(self, milestone: str, site: Site | None, *, pursued: bool = True) -> float:
        """Prestige this agency would still earn by reaching a milestone at a site."""
        key = (milestone, site.id if site is not None else "", pursued)
        worth = self._worth.get(key)
        if worth is None:
            worth = self._worth[key] = self._milestone_worth(milestone, site, pursued)
        return worth

    def _milestone_worth(self, milestone: str, site: Site | None, pursued: bool) -> float:
        if not self.milestone_fits(milestone, site):
            return 0.0
        reached = self.claimed.get(milestone, _NOBODY)
        if self.agency in reached or (pursued and milestone in self.pursued):
            return 0.0
        rank = len(reached) + 1
        prestige = self.content.milestones[milestone].prestige
        return prestige * self.decay[min(rank, len(self.decay)) - 1]

    def science_estimate(self, mtype: MissionType, target: str) -> float:
        """Science a successful flight of this type to a target would bring this agency:
        less for each earlier success of the type there, as the rules count repeats."""
        science = self.content.rule("science")
        done = sum(
            1
            for f in self.view["flights"]
            if f["result"] == "success" and f["mission_type"] == mtype.id and f["site"] == target
        )
        repeat = max(science.repeat_floor, science.repeat**done) if done else 1.0
        site = self.site_of(target)
        place = site.science if site is not None else 1.0
        return mtype.science * place * repeat * self.trait("science")

    # -- hardware -----------------------------------------------------------------------

    @cached_property
    def robotic_bonus(self) -> float:
        """What the agency's techs add to robotic steps, summed as the rules sum it."""
        total = 0.0
        for tech in self.me["known"]:
            value = self.content.techs[tech].effects.get("robotic_reliability")
            if isinstance(value, int | float):
                total = total + value
        return total

    def odds(
        self,
        mtype: MissionType,
        site: Site | None,
        systems: dict[str, float],
        *,
        commercial: bool,
        station: bool = False,
        staying: bool = False,
        tests: int = 0,
        rushes: int = 0,
    ) -> FlightOdds:
        """The odds of a flight this agency leads, step by step, with the hardware
        reliabilities `systems` (a family at 0 is hardware it lacks)."""
        bonus = step_bonus(
            self.content,
            self.definition,
            mtype,
            tests=tests,
            rushes=rushes,
            robotic=self.robotic_bonus,
        )
        held = {system: value for system, value in systems.items() if value > 0.0}
        return step_odds(
            self.content,
            mtype,
            site,
            held,
            bonus,
            commercial=commercial,
            station=station,
            staying=staying,
        )

    def program_chance(self, program: ProgramView) -> float:
        """The chance the program's flight succeeds: the rules' odds once it is ready, an
        estimate by the same rule while it is being built."""
        odds = program.get("odds")
        if odds is not None:
            return float(odds["chance"])
        mtype = self.content.missions[program["mission_type"]]
        station = self.station(program["site"])
        staying = (
            mtype.crewed
            and station is not None
            and station["crew_count"] + mtype.crew <= station["capacity"]
        )
        return self.chance(
            mtype,
            self.site_of(program["site"]),
            program["reliability"],
            commercial=program["commercial"],
            station=station is not None,
            staying=staying,
            tests=program["tests"],
            rushes=program["rushes"],
        )

    def chance(
        self,
        mtype: MissionType,
        site: Site | None,
        systems: dict[str, float],
        *,
        commercial: bool,
        station: bool = False,
        staying: bool = False,
        tests: int = 0,
        rushes: int = 0,
    ) -> float:
        """The chance that every step succeeds (0 when a system is missing)."""

        def worked_out() -> float:
            return self.odds(
                mtype,
                site,
                systems,
                commercial=commercial,
                station=station,
                staying=staying,
                tests=tests,
                rushes=rushes,
            ).chance

        if systems is not self.me["systems"]:
            return worked_out()
        # The agency's own hardware is asked about many times a turn: remember its answers.
        key = (mtype.id, site.id if site else "", commercial, station, staying, tests, rushes)
        known = self._chance.get(key)
        if known is None:
            known = self._chance[key] = worked_out()
        return known

    # -- research -----------------------------------------------------------------------

    @cached_property
    def system_techs(self) -> dict[str, list[str]]:
        """Hardware family -> the techs that provide it, cheapest first."""
        out: dict[str, list[str]] = {}
        for tech in sorted(self.content.techs.values(), key=lambda t: t.cost):
            if tech.system:
                out.setdefault(tech.system, []).append(tech.id)
        return out

    def has_system(self, system: str) -> bool:
        return system in self.me["systems"]

    def missing_techs(
        self, mtype: MissionType, site: Site | None = None, module: str = ""
    ) -> set[str]:
        """Unknown techs a mission type needs: its requirements and its hardware."""
        known = self.me["known"]
        need = {t for t in mtype.requires if t not in known}
        for step in mtype.steps:
            if not self.has_system(step.system):
                options = self.system_techs.get(step.system, [])
                if options and not any(t in known for t in options):
                    need.add(options[0])
        if site is not None and site.requires and site.requires not in known:
            need.add(site.requires)
        if module:
            required = self.content.modules[module].requires
            if required and required not in known:
                need.add(required)
        return need

    def frontier(self, tech: str) -> set[str]:
        """The techs one can research now on the way to `tech` (itself if it is open)."""
        techs = self.me["techs"]
        status = techs[tech]["status"]
        if status == "known":
            return set()
        if status == "available":
            return {tech}
        out: set[str] = set()
        for req in self.content.techs[tech].requires:
            out |= self.frontier(req)
        return out

    def path_cost(self, tech: str, seen: set[str] | None = None) -> int:
        """What is left to pay to know `tech`, prerequisites included (past any budget for
        another agency's national hardware)."""
        seen = set() if seen is None else seen
        if tech in seen or tech in self.me["known"]:
            return 0
        builders = self.content.techs[tech].agencies
        if builders and self.agency not in builders:
            return FOREIGN_HARDWARE
        seen.add(tech)
        entry = self.me["techs"][tech]
        cost = max(0, int(entry["cost"]) - int(entry["paid"]))
        for req in self.content.techs[tech].requires:
            cost += self.path_cost(req, seen)
        return cost
