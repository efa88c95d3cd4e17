"""The greedy bot: a heuristic player that follows its agency's doctrine one turn at a time.

Each turn, from its own view only, it:

1. answers proposals by what they are worth to it (`game.ai.diplomacy`), countering a
   declined treaty with one worth signing;
2. launches ready programs whose chance of success clears its doctrine's floor, and tests
   the others (a turn's delay raises reliability);
3. researches what blocks its programs, then funds its programs on schedule (rushing one
   that would miss the end of the match), then pays its share into partners' programs;
4. researches toward the mission types its doctrine values, refining the hardware its
   programs will fly;
5. opens the mission with the best expected prestige per $M that it can afford to build:
   firsts still open to it, science, station modules toward its orbital or surface
   station, crews to stations that have berths;
6. leaves an agreement that no longer pays, asks to join the bloc worth most, offers the
   treaty worth most, and invites friends into its programs;
7. spends what would otherwise pile up on more research or commercial station visits.

`Knobs` let the planner try variations of the same doctrine.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from itertools import groupby
from operator import attrgetter
from typing import Any, NamedTuple

from game.ai import worth as value_of
from game.ai.base import Bot
from game.ai.diplomacy import Diplomat
from game.ai.doctrine import Doctrine, doctrine_for
from game.ai.objectives import objective_worth
from game.ai.opportunities import base_sites, bounty_starts, bounty_worth, standard_research
from game.ai.reading import Reading
from game.rules import (
    ORBIT,
    Answer,
    BuyService,
    Command,
    Delay,
    Fund,
    Launch,
    MissionType,
    OrderSheet,
    ProgramView,
    Propose,
    Research,
    Rush,
    Scrub,
    Site,
    StartMission,
    StationView,
    View,
    flight_conditions,
)

# Rough prestige values of things that are not milestones, in the rules' own units.
ENABLER_STATION = 30.0  # founding or crewing the station a doctrine builds toward
ENABLER_BERTHS = 25.0  # the first berths on a station, so crews can stay
RESUPPLY_VALUE = 20.0  # keeping a crewed station supplied
RELAY_VALUE = 15.0  # far-side coverage for a doctrine that flies there
MIN_RESEARCH = 25  # $M: smaller research payments are not worth an order
PRESENCE_VALUE = 40.0  # a crew toward a permanently crewed station (which can win outright)
ORBITAL_PRESENCE = 0.6  # share of that for a station that cannot win (in orbit, no ice)
BLOCK_VALUE = 60.0  # a crew at the pole while a rival's claim is on its last call
COALITION_VALUE = 30.0  # a share of an allied claim that makes this agency one of its holders
HELD_CLAIM = 2.5  # times the presence value of a crew for a claim its coalition holds
RELIEF_SLACK = 0.08  # lower launch floor for a relief crew that keeps a held claim crewed
CREW_PIPELINE = 3  # crewed programs under way at once toward a claim of one's own at the pole
LOGISTICS_SCORE = 1.0  # research score of the techs that keep a station of one's own supplied


@dataclass(frozen=True)
class Knobs:
    """Variations on a doctrine, for the planner to compare."""

    research_share: float | None = None  # None: the doctrine's
    mission_rank: int = 0  # open the n-th best mission rather than the best
    start: bool = True  # open a new mission at all
    caution: float = 0.0  # added to the launch floors
    diplomacy: bool = True  # make proposals
    thrift: float = 1.0  # times the price put on money: below 1 opens more missions
    boost: tuple[tuple[str, float], ...] = ()  # (mission type, factor) on top of the doctrine
    rush: bool = False  # rush every program that can bear it, whatever the treasury


class GreedyPlayer:
    """The turn-planning logic of the greedy bot, reusable with other knobs."""

    def __init__(self, doctrine: Doctrine, knobs: Knobs | None = None) -> None:
        self.doctrine = doctrine
        self.knobs = knobs or Knobs()

    def orders(self, view: View, legal: list[Command]) -> list[Command]:
        if view.get("outcome") is not None or "me" not in view:
            return []
        return _Turn(self, Reading(view), legal).plan()


class GreedyBot(Bot):
    """The greedy player as a bot. `blunder` (0-1) makes it drop orders at random."""

    name = "greedy"

    def __init__(self, agency: str, seed: int, blunder: float = 0.0, doctrine: str = "") -> None:
        super().__init__(agency, seed)
        if not 0.0 <= blunder <= 1.0:
            raise ValueError("blunder is a chance between 0 and 1")
        self.blunder = blunder
        self.player = GreedyPlayer(doctrine_for(doctrine or agency))

    def decide(self, view: View, legal: list[Command]) -> list[Command]:
        orders = self.player.orders(view, legal)
        if self.blunder <= 0:
            return orders
        kept = [c for c in orders if isinstance(c, Answer) or self.rng.random() >= self.blunder]
        # Funding twice the schedule needs the rush that came with it.
        rushed = {c.program for c in kept if isinstance(c, Rush)}
        lost = {c.program for c in orders if isinstance(c, Rush)} - rushed
        return [c for c in kept if not (isinstance(c, Fund) and c.program in lost)]


_type_and_target = attrgetter("mission_type", "site")


class _Place(NamedTuple):
    """A mission target as this turn sees it."""

    site: Site | None
    closed: bool  # its site needs a tech the agency lacks
    far_side: bool
    station: StationView | None
    kind: tuple[bool, bool, bool] | None  # south pole, far side, ice: what milestones see
    science: float  # the site's science less its difficulty


class _Turn:
    """One turn's planning: the reading, the legal commands grouped, and the order sheet."""

    def __init__(self, player: GreedyPlayer, reading: Reading, legal: list[Command]) -> None:
        self.doctrine = player.doctrine
        self.knobs = player.knobs
        self.reading = reading
        self.sheet = OrderSheet.for_view(reading.view)
        self.starts: list[StartMission] = []
        self.research_offers: dict[str, Research] = {}
        self.fund_offers: dict[str, Fund] = {}
        self.proposals: list[Propose] = []
        others: list[Command] = []
        for cmd in legal:
            if isinstance(cmd, StartMission):
                self.starts.append(cmd)
            elif isinstance(cmd, Research):
                self.research_offers[cmd.tech] = cmd
            elif isinstance(cmd, Fund):
                self.fund_offers[cmd.program] = cmd
            else:
                others.append(cmd)
                if isinstance(cmd, Propose):
                    self.proposals.append(cmd)
        # The other legal orders, to ask whether one may be given. New programs, research
        # and funding are chosen from `starts` and the offers only (many of them to hash).
        self.legal = set(others)
        self._relay_ready: dict[int, bool] = {}
        self._places: dict[str, _Place] = {}
        self._start_types: dict[str, tuple[MissionType, bool, bool]] = {}
        share = (
            self.knobs.research_share
            if self.knobs.research_share is not None
            else self.doctrine.research_share
        )
        self.research_budget = int(share * reading.income) if reading.turns_left > 2 else 0
        self.partner_budget = int(self.doctrine.partner_share * reading.income)
        self._wanted: list[str] | None = None
        self.boosts = dict(self.knobs.boost)
        self.own_targets = Counter((p["mission_type"], p["site"]) for p in reading.own_programs)
        self.builds_base = self.doctrine.pole_base
        self._allied: dict[str, bool] = {}
        self.own_types = {p["mission_type"] for p in reading.own_programs}
        self.diplomat = Diplomat(reading, self.doctrine, self.legal)

    def weight(self, mission_type: str) -> float:
        """How much the doctrine (and the knobs) value a mission type."""
        return self.doctrine.missions.get(mission_type, 1.0) * self.boosts.get(mission_type, 1.0)

    def plan(self) -> list[Command]:
        self.answer()
        self.fly_or_test()
        self.research(self.blockers(), self.sheet.left)
        self.fund_own()
        self.fund_partners()
        self.research(self.wanted(), self.research_budget)
        self.refine(self.research_budget)
        if self.knobs.start:
            self.open_mission()
            self.claim_bounty()
        if self.knobs.diplomacy:
            self.court()
        self.set_access()
        self.spend_surplus()
        return self.sheet.orders

    # -- 1. answers -------------------------------------------------------------------------

    def answer(self) -> None:
        """Each proposal weighed by what it is worth (`Diplomat.answer`); a declined treaty
        may be met with a counter-proposal."""
        for proposal in self.reading.view["proposals"]:
            if proposal["to"] != self.reading.agency:
                continue
            accept, counter = self.diplomat.answer(proposal)
            cmd = Answer(proposal["id"], accept)
            if cmd in self.legal:
                self.sheet.add(cmd)
                if counter is not None and self.knobs.diplomacy and counter in self.legal:
                    self.sheet.add(counter)

    # -- 2. launches --------------------------------------------------------------------------

    def fly_or_test(self) -> None:
        economy = self.reading.content.rule("economy")
        for program in self.reading.own_programs:
            if program["phase"] != "ready":
                continue
            launch, delay = Launch(program["id"]), Delay(program["id"])
            if launch not in self.legal:
                continue  # held: e.g. no relay or no berths yet; it waits on the pad
            if self.holds(program):
                continue
            chance = self.reading.program_chance(program)
            testing = (
                chance < self.launch_floor(program) - self.relief_slack(program)
                and program["tests"] < economy.max_tests
                and self.reading.turns_left >= 1
                and delay in self.legal
                and self.sheet.fits(delay)
            )
            self.sheet.add(delay if testing else launch)

    def holds(self, program: ProgramView) -> bool:
        """Whether a ready program waits on the pad for its turn: a relief crew until the
        crew aboard is about to leave (it lands a turn before they go, so the station never
        empties), a cargo ship while its supplies would not fit aboard."""
        reading = self.reading
        station = reading.station(program["site"])
        if station is None or reading.turns_left <= 1:
            return False
        mtype = reading.content.missions[program["mission_type"]]
        if mtype.supplies:
            return (
                station["supplies"] + mtype.supplies > station["storage"] + station["supply_need"]
                and self.supply_margin(station, 2) > 0
            )
        if not (mtype.crewed and self.ours(station)):
            return False
        if station["capacity"] < mtype.crew:
            return self.berths_coming(station)  # a crew that would only visit waits for them
        if not station["crew"] or self.claim_threats():
            return False  # a rival's claim is on its last call: land now
        return max(c[2] for c in station["crew"]) > reading.turn + 1

    def relief_slack(self, program: ProgramView) -> float:
        """How much lower the launch floor is for a relief crew to a held claim at the
        pole that would otherwise be left empty: a turn of testing breaks the counter."""
        station = self.reading.station(program["site"])
        mtype = self.reading.content.missions[program["mission_type"]]
        if station is None or not mtype.crewed or not station["claim"]["held"]:
            return 0.0
        if not self.ours(station) or station["capacity"] < mtype.crew:
            return 0.0
        leaving = max((c[2] for c in station["crew"]), default=0)
        return RELIEF_SLACK if leaving <= self.reading.turn + 1 else 0.0

    def launch_floor(self, program: ProgramView) -> float:
        """The chance of success below which the doctrine would rather test than fly."""
        crewed = self.reading.content.missions[program["mission_type"]].crewed
        floor = self.doctrine.crew_floor if crewed else self.doctrine.launch_floor
        return floor + self.knobs.caution

    # -- 3. programs ------------------------------------------------------------------------

    def fund_own(self) -> None:
        """Pay own programs on schedule, soonest to finish first, keeping the research share.

        A program that would miss the end of the match is rushed (or scrubbed if even that
        cannot save it); so is one that can bear the reliability a rush costs when money
        would otherwise be lost over the treasury cap.
        """
        reading = self.reading
        economy = reading.content.rule("economy")
        overflowing = (
            reading.me["treasury"] + reading.income
            > 0.9 * economy.treasury_cap * reading.me["budget"]
        )
        building = [p for p in reading.own_programs if p["phase"] == "building"]
        building.sort(key=lambda p: p["remaining"])
        reserve = min(self.research_budget, self.sheet.left // 3)
        for program in building:
            if self.lost_race(program) or self.no_longer_pays(program):
                self.sheet.add(Scrub(program["id"]))  # a rival took its site or its first
                continue
            offer = self.fund_offers.get(program["id"])
            if offer is None:
                continue
            schedule = max(1, program["schedule"])
            late = math.ceil(program["remaining"] / schedule) > reading.turns_left
            if late and math.ceil(program["remaining"] / (2 * schedule)) > reading.turns_left:
                self.sheet.add(Scrub(program["id"]))  # cannot fly before the end
                continue
            hasty = (
                (overflowing or self.knobs.rush)
                and program["remaining"] > schedule
                and self.reading.program_chance(program) - economy.rush_penalty
                >= self.launch_floor(program)
            )
            if late or hasty:
                rush = Rush(program["id"])
                if rush in self.legal and self.sheet.fits(rush):
                    money = self.sheet.left - self.sheet.cost(rush)
                    amount = min(2 * schedule, program["remaining"], money)
                    if amount > schedule and self.sheet.add(rush):
                        self.sheet.add(Fund(program["id"], amount))
                        continue
            amount = min(offer.amount, self.sheet.left - reserve)
            if self.leaves_to_partners(program):
                amount = min(amount, schedule // 2)
            if amount > 0:
                self.sheet.add(replace(offer, amount=amount))

    def leaves_to_partners(self, program: ProgramView) -> bool:
        """Whether to pay only half the schedule of a module of one's own claim at the pole,
        so that allied partners, paying in proportion to their offers, come to hold enough
        of it to share the win."""
        if not program["module"] or not program["partners"]:
            return False
        site = self.reading.site_of(program["site"])
        if site is None or not site.south_pole or site.ice < self.claim_ice:
            return False
        station = self.reading.station(program["site"])
        if station is not None and (
            station["owner"] != self.reading.agency or station["claim"]["held"]
        ):
            return False
        return any(self.allied(a) for a in program["partners"])

    def no_longer_pays(self, program: ProgramView) -> bool:
        """Whether a robotic program of this agency's own choosing to a site is worth less
        finished than scrubbed: a rival took the first it was built for, or flew there
        first and left little science."""
        mtype = self.reading.content.missions[program["mission_type"]]
        if (
            program["build_turns"]
            or mtype.crewed
            or mtype.target != "surface"
            or program["module"]
            or Scrub(program["id"]) not in self.legal
        ):
            return False  # the scenario's programs fly as history has them
        chance = self.reading.program_chance(program)
        if chance <= 0:
            return False  # its hardware is still being researched: judged once it can fly
        loss = self.reading.content.rule("prestige").failure + 2.0
        worth = value_of.robotic_program_worth(self.reading, program, mtype)
        expected = self.weight(mtype.id) * (chance * worth - (1 - chance) * loss)
        gain = value_of.scrub_gain(
            self.reading, self.doctrine, program, expected, self.money_price()
        )
        return gain > value_of.SCRUB_MARGIN

    def lost_race(self, program: ProgramView) -> bool:
        """Whether a program founding a surface base lost its site to a rival's station."""
        if not program["module"] or not self.reading.content.modules[program["module"]].founding:
            return False
        station = self.reading.stations_by_site.get(program["site"])
        return (
            station is not None
            and not self.allied(station["owner"])
            and Scrub(program["id"]) in self.legal
        )

    def fund_partners(self) -> None:
        programs = [p for p in self.reading.partner_programs if p["phase"] == "building"]
        if not programs:
            return
        # A module for an ally's claim at the pole, while this agency holds too little of
        # the station to be one of its coalition: its full schedule, within half of what is
        # left (the lead pays alongside, and each pays in proportion).
        for p in programs:
            offer = self.fund_offers.get(p["id"])
            if offer is not None and self.joins_claim(p):
                amount = min(offer.amount, self.sheet.left // 2)
                if amount > 0:
                    self.sheet.add(replace(offer, amount=amount))
        programs = [p for p in programs if not self.sheet.has(Fund(p["id"], 1))]
        if not programs:
            return
        # The rest of the partner budget goes where it returns soonest: the programs nearest to
        # flying first, each up to its schedule, so no money waits in a program that flies
        # after the match or spreads too thin to carry any of them.
        budget = min(self.partner_budget, self.sheet.left)
        for p in sorted(programs, key=lambda p: (p["remaining"], p["id"])):
            offer = self.fund_offers.get(p["id"])
            amount = min(budget, offer.amount) if offer is not None else 0
            if offer is not None and amount > 0:
                self.sheet.add(replace(offer, amount=amount))
                budget -= amount

    # -- 4. research -------------------------------------------------------------------------

    def blockers(self) -> list[str]:
        """Techs that stand between own programs and their launch."""
        out: dict[str, float] = {}
        for p in self.reading.own_programs:
            mtype = self.reading.content.missions[p["mission_type"]]
            site = self.reading.site_of(p["site"])
            for tech in self.reading.missing_techs(mtype, site, p["module"]):
                for step in self.reading.frontier(tech):
                    out[step] = out.get(step, 0) + 1
        return sorted(out, key=lambda t: (-out[t], t))

    def wanted(self) -> list[str]:
        """Open techs toward the mission types this doctrine values, best first."""
        if self._wanted is None:
            self._wanted = self._rank_research()
        return self._wanted

    def _rank_research(self) -> list[str]:
        if self.reading.turns_left < 4:
            return []
        scores: dict[str, float] = {}
        known = self.reading.me["known"]
        # With every site's requirement known, a mission type needs no tech wherever it
        # goes, and what it is worth does not matter.
        sites_open = all(
            not s.requires or s.requires in known for s in self.reading.content.sites.values()
        )
        for mtype in self.reading.content.missions.values():
            if sites_open and not self.reading.missing_techs(mtype):
                continue
            weight = self.weight(mtype.id)
            worth, site = self.potential(mtype)
            if worth <= 0:
                continue
            missing = self.reading.missing_techs(mtype, site)
            if not missing:
                continue
            seen: set[str] = set()
            cost = sum(self.reading.path_cost(t, seen) for t in missing)
            research_turns = cost / max(1, self.research_budget)
            if research_turns + mtype.build_turns + 1 > self.reading.turns_left:
                continue
            value = weight * worth / (cost + mtype.cost)
            for tech in missing:
                for step in self.reading.frontier(tech):
                    scores[step] = scores.get(step, 0.0) + value
        for tech, value in (self.logistics() | standard_research(self.reading)).items():
            for step in self.reading.frontier(tech):
                scores[step] = scores.get(step, 0.0) + value
        effects = value_of.effect_scores(self.reading, self.doctrine, self.research_budget)
        for tech, value in effects.items():
            scores[tech] = scores.get(tech, 0.0) + value
        for tech in scores:
            if self.reading.me["techs"][tech]["paid"] > 0:
                scores[tech] *= 1.3  # money already sunk into it
        return sorted(scores, key=lambda t: (-scores[t], t))

    def logistics(self) -> dict[str, float]:
        """Techs that keep a station this agency has a stake in crewed: the cargo vehicle
        for any station with berths (or a crew on its way), regolith processing (the ISRU
        plant) for a base at a south-pole ice site."""
        reading = self.reading
        wanted = {t for t in ("cargo_vehicle", "regolith_processing") if t in reading.me["techs"]}
        wanted -= set(reading.me["known"])
        out: dict[str, float] = {}
        for station in reading.view["stations"].values():
            if not wanted or not (reading.agency in station["contributions"] or self.ours(station)):
                continue
            crewed = station["capacity"] or station["crew_count"] or self.crew_bound(station)
            if crewed and "cargo_vehicle" in wanted:
                out["cargo_vehicle"] = LOGISTICS_SCORE * max(0.3, self.stake(station))
            if self.ours(station) and "regolith_processing" in wanted:
                out["regolith_processing"] = LOGISTICS_SCORE
        return out

    def potential(self, mtype: MissionType) -> tuple[float, Site | None]:
        """What a mission type could still earn this agency at its best site."""
        reading = self.reading
        if mtype.target == "surface" and not mtype.builds_module:
            best, best_site = 0.0, None
            science = reading.trait("science")
            site: Site | None
            for site in reading.representative_sites:
                worth = 0.0
                for milestone, _after, _when in mtype.milestones:
                    worth += reading.milestone_worth(milestone, site)
                worth += mtype.science * site.science * science
                if worth > best:
                    best, best_site = worth, site
            return best, best_site
        if mtype.builds_module:
            location = "orbit" if mtype.id == "orbital_module" else "surface"
            milestone = "orbital_station" if location == "orbit" else "surface_station"
            worth = reading.milestone_worth(milestone, None)
            if self.doctrine.station == location:
                worth += ENABLER_STATION
            site = (
                reading.content.sites.get(self.doctrine.home_sites[0])
                if location == "surface"
                else None
            )
            return worth, site
        worth = sum(reading.milestone_worth(m, None) for m, _a, _w in mtype.milestones)
        worth += mtype.science * reading.trait("science")
        if mtype.id == "relay" and self.wants_far_side():
            worth += RELAY_VALUE
        return worth, None

    def research(self, techs: list[str], budget: int) -> None:
        budget = min(budget, self.sheet.left)
        for tech in techs:
            if budget <= 0:
                return
            offer = self.research_offers.get(tech)
            if offer is None or self.sheet.has(offer):
                continue
            amount = min(offer.amount, budget)
            if amount < min(offer.amount, MIN_RESEARCH):
                return  # crumbs: keep them for next turn
            if self.sheet.add(replace(offer, amount=amount)):
                budget -= amount

    def refine(self, budget: int) -> None:
        """Refine the hardware own programs will fly, least reliable first."""
        spent = sum(c.amount for c in self.sheet.orders if isinstance(c, Research))
        budget = min(budget - spent, self.sheet.left)
        if budget <= 0:
            return
        systems: dict[str, float] = {}
        for p in self.reading.own_programs:
            for system, value in p["reliability"].items():
                if value > 0:
                    systems[system] = min(systems.get(system, 1.0), value)
        techs = self.reading.me["techs"]
        order = []
        for system in sorted(systems, key=lambda s: (systems[s], s)):
            for tech in self.reading.system_techs.get(system, []):
                entry = techs[tech]
                if entry["status"] == "known" and entry.get("refinable"):
                    order.append(tech)
        self.research(order, budget)

    # -- 5. a new mission ------------------------------------------------------------------------

    def open_mission(self) -> None:
        """Open the missions with the best net value this agency can afford to build.

        A mission's net value is its expected prestige, less what its money could earn
        elsewhere (a price per $M that falls as the treasury fills toward its cap) and what
        its program slot could (a price per turn that rises as the slots fill up).
        """
        reading = self.reading
        economy = reading.content.rule("economy")
        slots = economy.max_programs - len(reading.own_programs)
        committed = sum(
            min(p["schedule"], p["remaining"])
            for p in reading.own_programs
            if p["phase"] == "building"
        )
        program_income = reading.income * max(
            0.2, 1 - self.doctrine.research_share - self.doctrine.partner_share
        )
        slack = max(0, reading.me["treasury"] - reading.income) / max(1, reading.turns_left)
        available = program_income + slack - committed
        if slots <= 0 or available <= 0:
            return  # no slot, or no money to build with: nothing to weigh
        price = self.money_price()
        slot_price = 2.0 * len(reading.own_programs) / economy.max_programs
        # Value every option without its chance of success first: that bounds its net
        # value from above, so only the few that could be best need the full estimate.
        bounded = []
        for cmd, mtype, option in self.distinct_starts():
            cost = self.cost(mtype, cmd)
            upkeep = price * cost + slot_price * (mtype.build_turns + 1)
            worth = self.worth(mtype, cmd, *option)
            if worth > 0:
                worth += objective_worth(reading, mtype, cmd, *option)
            bound = self.weight(mtype.id) * worth - upkeep
            if worth > 0 and bound > 0:
                bounded.append((bound, cmd, mtype, cost, worth, upkeep, option))
        bounded.sort(key=lambda o: (-o[0], o[1].mission_type, o[1].site, o[1].module))
        taken: set[tuple[str, str]] = set()
        skip = self.knobs.mission_rank
        while slots > 0 and available > 0 and bounded:
            best: tuple[float, int] | None = None
            for n, (bound, cmd, mtype, cost, worth, upkeep, option) in enumerate(bounded):
                if best is not None and bound < best[0]:
                    break
                turns_needed = max(mtype.build_turns, math.ceil(cost / available))
                if turns_needed + 1 > reading.turns_left or turns_needed > 2.5 * mtype.build_turns:
                    continue
                if (cmd.mission_type, cmd.site) in taken:
                    continue
                value = self.expected(cmd, mtype, worth, *option) - upkeep
                if value > 0 and (best is None or value > best[0]):
                    best = (value, n)
            if best is None:
                return
            chosen = bounded.pop(best[1])[1]
            if skip > 0:
                skip -= 1  # the planner asked for a lesser choice: pass over this one
                continue
            if not self.sheet.add(chosen):
                return
            taken.add((chosen.mission_type, chosen.site))
            mtype = reading.content.missions[chosen.mission_type]
            available -= self.cost(mtype, chosen) / mtype.build_turns
            slots -= 1

    def claim_bounty(self) -> None:
        """Open the program that claims a bounty in time, if it is worth its price and the
        treasury can build it on schedule: its deadline does not wait for money to free up
        the way other missions can."""
        opened = {(c.site, c.module) for c in self.sheet.orders if isinstance(c, StartMission)}
        for cmd in bounty_starts(self.reading, self.starts):
            if (cmd.site, cmd.module) in opened:
                return
            mtype = self.reading.content.missions[cmd.mission_type]
            place = self.place(cmd.site)
            cost = self.cost(mtype, cmd)
            worth = self.worth(mtype, cmd, place.site, place.station, False)
            value = self.expected(cmd, mtype, worth, place.site, place.station, False)
            if value >= self.doctrine.min_value * cost and self.sheet.left >= cost:
                self.sheet.add(cmd)
                return

    def money_price(self) -> float:
        """Prestige a $M is worth this turn: the least a mission must earn per $M, falling
        as the treasury fills toward its cap."""
        reading = self.reading
        economy = reading.content.rule("economy")
        abundance = min(
            1.0, max(0.0, reading.me["treasury"] / (economy.treasury_cap * reading.me["budget"]))
        )
        return self.knobs.thrift * self.doctrine.min_value * (1 - abundance) ** 2

    def distinct_starts(
        self,
    ) -> list[tuple[StartMission, MissionType, tuple[Site | None, StationView | None, bool]]]:
        """The start options worth valuing: of the surface sites that earn the same
        milestones, only the one with the most science."""
        best: dict[tuple[object, ...], tuple[StartMission, MissionType, Any, float]] = {}
        # What a start would be depends on its type and target only, and the legal starts
        # come a type and target at a time: worked out once per run of them.
        for (mission_type, site), cmds in groupby(self.starts, _type_and_target):
            target = self._start_target(mission_type, site)
            if target is None:
                continue
            mtype, option, where, science, own_rocket = target
            for cmd in cmds:
                if cmd.commercial and own_rocket:
                    continue  # own rocket is cheaper
                key = (mission_type, cmd.module, cmd.commercial, where)
                held = best.get(key)
                if held is None or science > held[3]:
                    best[key] = (cmd, mtype, option, science)
        return [(cmd, mtype, option) for cmd, mtype, option, _ in best.values()]

    def _start_target(
        self, mission_type: str, target: str
    ) -> tuple[MissionType, Any, object, float, bool] | None:
        """For `distinct_starts`, what opening a mission of a type at a target would be:
        the mission type; the site, the station and whether the crew stays; which sites
        it stands with; the site's science; whether the agency has its own rocket for it.
        None to never open it."""
        mtype, busy, own_rocket = self._start_types.get(mission_type) or self._start_type(
            mission_type
        )
        # One program per type and target at a time (per type, for robotic orbit missions),
        # but a pipeline of crews for a claim at the pole: each relieves the one before.
        place = self._places.get(target) or self.place(target)
        under_way = self.own_targets[(mission_type, target)]
        if busy or (
            under_way
            and not (
                under_way < CREW_PIPELINE
                and mtype.crewed
                and place.station is not None
                and place.station["capacity"]
                and self.ours(place.station)
            )
        ):
            return None
        if place.closed or (place.far_side and not self.relay_ready(mtype.build_turns)):
            return None
        station = place.station
        # Crews aboard now will have gone home by the time a new crew is built; the berths
        # being built for a claim at the pole will be there.
        staying = (
            station is not None
            and mtype.crewed
            and (
                mtype.crew <= station["capacity"]
                or (self.ours(station) and self.berths_coming(station))
            )
        )
        where: object = target
        if place.site is not None and station is None and not mtype.builds_module:
            where = place.kind
        return mtype, (place.site, station, staying), where, place.science, own_rocket

    def _start_type(self, mission_type: str) -> tuple[MissionType, bool, bool]:
        """For `_start_target`, once per mission type: the type, whether a program of it
        under way rules out another anywhere (robotic orbit missions), and whether the
        agency has its own rocket for it."""
        mtype = self.reading.content.missions[mission_type]
        busy = mission_type in self.own_types and not mtype.crewed and mtype.target != "surface"
        own_rocket = self.reading.has_system(mtype.steps[0].system)
        found = self._start_types[mission_type] = (mtype, busy, own_rocket)
        return found

    def place(self, target: str) -> _Place:
        """What this turn's missions need to know of a target, worked out once."""
        place = self._places.get(target)
        if place is None:
            reading = self.reading
            site = reading.site_of(target)
            place = self._places[target] = _Place(
                site=site,
                closed=site is not None
                and bool(site.requires)
                and site.requires not in reading.me["known"],
                far_side=site is not None and site.far_side,
                station=reading.station(target),
                kind=None if site is None else (site.south_pole, site.far_side, site.ice >= 2),
                science=_science(site),
            )
        return place

    def expected(
        self,
        cmd: StartMission,
        mtype: MissionType,
        worth: float,
        site: Site | None,
        station: StationView | None,
        staying: bool,
    ) -> float:
        """Expected prestige of opening this program, weighted by the doctrine."""
        reading = self.reading
        chance = reading.chance(
            mtype,
            site,
            reading.me["systems"],
            commercial=cmd.commercial,
            station=station is not None,
            staying=staying,
        )
        if chance <= 0.0:
            return float("-inf")
        prestige = reading.content.rule("prestige")
        loss = prestige.failure + 2.0
        if mtype.crewed:
            loss += prestige.crew_lost * (1 - reading.content.rule("crew").survival)
        expected = chance * worth - (1 - chance) * loss
        return self.weight(mtype.id) * expected

    def cost(self, mtype: MissionType, cmd: StartMission) -> int:
        reading = self.reading
        base = float(reading.me["mission_costs"][mtype.id])
        if cmd.module:
            base += reading.content.modules[cmd.module].cost * reading.trait("cost")
        if cmd.commercial:
            com = reading.content.rule("commercial")
            heavy = mtype.steps[0].system == "heavy_launcher"
            base *= 1 + (com.heavy_fee if heavy else com.launch_fee)
        return max(1, int(base))

    def worth(
        self,
        mtype: MissionType,
        cmd: StartMission,
        site: Site | None,
        station: StationView | None,
        staying: bool,
    ) -> float:
        """Prestige the mission should bring if it succeeds."""
        reading = self.reading
        worth = 0.0
        conditions = flight_conditions(mtype, station=station is not None, staying=staying)
        for milestone, _after, when in mtype.milestones:
            if conditions[when]:
                worth += reading.milestone_worth(milestone, site)
        worth += (
            mtype.science * (site.science if site is not None else 1.0) * reading.trait("science")
        )
        finish = reading.turn + mtype.build_turns + 1
        remaining = max(0, reading.last_turn - finish)
        if mtype.builds_module:
            modules = self.module_worth(mtype, cmd, station, remaining)
            return worth + modules if modules is not None else 0.0
        if mtype.crewed and mtype.target == "station":
            if station is None or not staying:
                return 0.0
            crewed_turn = reading.content.rule("prestige").crewed_turn
            rotation = reading.content.rule("stations").rotation_turns
            worth += crewed_turn * rotation * station["shares"].get(reading.agency, 0.5)
            return worth + self.presence_value(station)
        if mtype.crewed and staying and station is not None:
            worth += self.presence_value(station)
            if station["claim"]["counts"] and station["owner"] not in self.claim_threats():
                worth += BLOCK_VALUE * bool(self.claim_threats())
            return worth
        if mtype.id == "resupply":
            if station is None or not (station["crew_count"] or self.crew_bound(station)):
                return 0.0
            # It lands when built: would the crews aboard and their reliefs run short by then?
            if self.supply_margin(station, mtype.build_turns + 2) >= 1.0:
                return 0.0
            value = PRESENCE_VALUE if self.ours(station) else RESUPPLY_VALUE
            return worth + value * max(0.3, self.stake(station))
        if mtype.id == "relay" and self.wants_far_side() and not self.relay_ready(finish + 8):
            worth += RELAY_VALUE
        return worth

    def presence_value(self, station: StationView) -> float:
        """What a crew that stays aboard is worth toward the station's permanent presence:
        most for a claim at the pole its coalition already holds."""
        value = PRESENCE_VALUE * self.stake(station)
        return value * HELD_CLAIM if self.ours(station) and station["claim"]["held"] else value

    def supply_margin(self, station: StationView, horizon: int) -> float:
        """Supplies left aboard `horizon` turns from now with no cargo ship: the crews
        aboard eat until they leave, and the reliefs after them (or the crew on its way)
        run short by what they eat beyond what they bring."""
        reading = self.reading
        rules = reading.content.rule("stations")
        heads = station["crew_count"]
        per_head = station["supply_need"] / heads if heads else reading.trait("supply")
        bound = max(
            (
                self.reading.content.missions[p["mission_type"]].crew
                for p in self.reading.own_programs
                if p["site"] in (station["id"], station["site"])
            ),
            default=0,
        )
        heads = max(heads, bound)
        eaten, aboard = 0.0, 0
        for _agency, count, leaves in station["crew"]:
            stay = max(0, leaves - reading.turn)
            eaten += count * per_head * min(horizon, stay)
            aboard = max(aboard, stay)
        brought = rules.supplies_per_crew / rules.rotation_turns  # a head, a turn
        relief = max(heads, 1) * per_head * max(0.0, 1 - brought / per_head)
        eaten += relief * max(0, horizon - aboard)
        return station["supplies"] + station["supply_production"] * horizon - eaten

    def berths_coming(self, station: StationView) -> bool:
        """Whether a program in sight builds a module with berths for the station."""
        modules = self.reading.content.modules
        return any(
            p["module"]
            and modules[p["module"]].capacity
            and (p["site"] == station["site"] or p["site"] == station["id"])
            for p in self.reading.view["programs"].values()
        )

    def allied(self, other: str) -> bool:
        """Whether `other` shares this agency's wins: itself, or an alliance partner."""
        if other == self.reading.agency:
            return True
        found = self._allied.get(other)
        if found is None:
            found = self._allied[other] = "alliance" in self.reading.agreed_terms(other)
        return found

    def ours(self, station: StationView) -> bool:
        """Whether the station is a claim at the pole this agency would win with: at a
        south-pole ice site, its largest owner this agency or an ally."""
        return bool(station["claim"]["counts"] and station["owner"]) and self.allied(
            station["owner"]
        )

    def joins_claim(self, program: ProgramView) -> bool:
        """Whether a partner's program builds a module of an allied claim at the pole that
        this agency holds too little of to share its win."""
        if not program["module"] or not self.allied(program["agency"]):
            return False
        site = self.reading.site_of(program["site"])
        if site is None or not site.south_pole or site.ice < self.claim_ice:
            return False
        station = self.reading.station(program["site"])
        if station is None:
            return True  # its founding module
        share = station["shares"].get(self.reading.agency, 0.0)
        return self.ours(station) and share < self.coalition_share + 0.05

    @property
    def claim_ice(self) -> int:
        return int(self.reading.content.rule("stations").claim_ice)

    @property
    def coalition_share(self) -> float:
        return float(self.reading.content.rule("stations").coalition_share)

    def base_site(self) -> str:
        """Where this agency founds its surface base: the first of its home sites at the
        pole with no station yet; "" once it or an ally has a base there."""
        reading = self.reading
        modules = reading.content.modules
        for p in reading.view["programs"].values():
            site = reading.content.sites.get(p["site"])
            if (
                site is not None
                and p["module"]
                and modules[p["module"]].founding
                and self.allied(p["agency"])
            ):
                return ""  # a base is being founded
        for st in reading.view["stations"].values():
            if st["site"] == ORBIT:
                continue
            if self.ours(st) if self.builds_base else reading.agency in st["contributions"]:
                return ""  # it or an ally has one: build there
        if not self.builds_base and any(self.ours(st) for st in reading.view["stations"].values()):
            return ""  # an ally's claim at the pole: join it
        for site_id in base_sites(reading, list(self.doctrine.home_sites)):
            site = reading.content.sites.get(site_id)
            if site is None or site_id in reading.stations_by_site:
                continue
            if not self.builds_base or (site.south_pole and site.ice >= self.claim_ice):
                return site_id
        return ""

    def stake(self, station: StationView) -> float:
        """How much a crewed station's presence counts for this agency (its win is shared
        by its largest owner and that owner's allies who helped build it)."""
        reading = self.reading
        owner = station["owner"]
        if owner == reading.agency:
            return 1.0
        allied = "alliance" in reading.agreed_terms(owner)
        if allied and station["contributions"].get(reading.agency, 0) > 0:
            stake = 0.8
        else:
            stake = 0.4 if allied else 0.1
        # Only a coalition's station at a south-pole ice site can win outright.
        return stake if station["claim"]["counts"] else stake * ORBITAL_PRESENCE

    def claim_threats(self) -> set[str]:
        """Largest owners of rival claims on their last call: a crew of one's own at the
        pole holds their win open."""
        reading = self.reading
        return {
            st["owner"]
            for st in reading.view["stations"].values()
            if st["claim"]["last_call"]
            and reading.agency not in st["claim"]["coalition"]
            and st["owner"] != reading.agency
            and "alliance" not in reading.agreed_terms(st["owner"])
        }

    def crew_bound(self, station: StationView) -> bool:
        """Whether one of this agency's crewed programs is on its way to the station."""
        for p in self.reading.own_programs:
            if self.reading.content.missions[p["mission_type"]].crewed and (
                p["site"] == station["id"] or p["site"] == station["site"] != ORBIT
            ):
                return True
        return False

    def module_worth(
        self,
        mtype: MissionType,
        cmd: StartMission,
        station: StationView | None,
        remaining: int,
    ) -> float | None:
        """What a station module adds, or None if this agency should not build it."""
        reading = self.reading
        location = "orbit" if mtype.id == "orbital_module" else "surface"
        module = reading.content.modules[cmd.module]
        mine = self.doctrine.station == location
        if station is None:
            if location == "surface" and cmd.site != self.base_site():
                return None  # one base, at home (at the pole, for a claim)
            if location == "orbit" and any(
                st["site"] == ORBIT
                for st in reading.view["stations"].values()
                if reading.agency in st["contributions"]
            ):
                return None  # already building one there
            founds = mine or (location == "surface" and self.builds_base)
            return reading.content.rule("prestige").module + (ENABLER_STATION if founds else 0.0)
        cost = self.cost(mtype, cmd)
        total = sum(station["contributions"].values())
        share = cost / (total + cost)
        claim = self.ours(station)
        mine = mine or claim
        worth = reading.content.rule("prestige").module * share
        crewed = 1.0 if mine and station["capacity"] else 0.5  # a station with berths gets crews
        science = module.science * crewed * remaining * share * reading.trait("science")
        worth += science * value_of.module_science_bonus(reading, station)
        if module.supplies and (station["crew_count"] or self.crew_bound(station)):
            # It arrives packed: worth a cargo ship where the crews would run short.
            short = self.supply_margin(station, mtype.build_turns + 2) < module.supplies
            value = PRESENCE_VALUE if self.ours(station) else RESUPPLY_VALUE
            worth += value * max(0.3, self.stake(station)) * (1.0 if short else 0.3)
        # Permanent presence needs berths for two crews (one arrives before the other
        # leaves) and room for their supplies.
        if module.capacity and station["capacity"] == 0:
            worth += ENABLER_BERTHS if mine else 5.0
        elif module.capacity and station["capacity"] < 8:
            worth += 0.8 * ENABLER_BERTHS * self.stake(station) if mine else 3.0
        if module.storage and station["capacity"] and station["storage"] < 24:
            worth += 0.4 * ENABLER_BERTHS * self.stake(station) if mine else 3.0
        if module.production and station["site"] != ORBIT:
            worth += 10.0
        if claim:
            # A claim at the pole needs berths, its own supplies and a coalition.
            stake = self.stake(station)
            if module.capacity and station["capacity"] == 0:
                worth += PRESENCE_VALUE * stake
            if module.production and not station["supply_production"]:
                worth += PRESENCE_VALUE * stake
            elif module.production and station["supply_production"] >= station["capacity"]:
                return None  # it makes enough for every berth
            held = station["shares"].get(reading.agency, 0.0)
            if station["owner"] != reading.agency and held < self.coalition_share:
                paid = station["contributions"].get(reading.agency, 0) + cost
                worth += COALITION_VALUE * min(1.0, paid / (total + cost) / self.coalition_share)
        worth += bounty_worth(reading, module.id, station, reading.turn + mtype.build_turns + 1)
        built = [m[0] for m in station["modules"]]
        if module.id in built and not module.science:
            worth *= 0.3  # a second one of a module that adds no science helps little
        return worth if mine or share > 0.2 else worth * 0.5

    def wants_far_side(self) -> bool:
        return self.doctrine.missions.get("relay", 1.0) > 1.0

    def relay_ready(self, within: int) -> bool:
        """Whether far-side coverage will still be there `within` turns from now."""
        ready = self._relay_ready.get(within)
        if ready is None:
            ready = self._relay_ready[within] = self._relay_covers(self.reading.turn + within)
        return ready

    def _relay_covers(self, turn: int) -> bool:
        for owner, until in self.reading.view["relays"].items():
            if until >= turn and (owner == self.reading.agency or self.reading.agreed_terms(owner)):
                return True
        return False

    # -- 6. diplomacy -----------------------------------------------------------------------------

    def court(self) -> None:
        reading = self.reading
        leave = self.diplomat.withdrawal()
        if leave is not None:
            self.sheet.add(leave)
        join = self.diplomat.bloc_to_join(self.proposals)
        if join is not None and leave is None:
            self.sheet.add(join)
        # Invite friends into programs, the friend with the fewest partnerships first.
        partnered = {f: 0 for f in self.doctrine.friends}
        for p in reading.own_programs:
            for partner in p["partners"]:
                if partner in partnered:
                    partnered[partner] += 1
        invites = 0
        self.invite_coalition()
        for p in reading.own_programs:
            if p["phase"] != "building" or p["partners"] or invites >= 2:
                continue
            for friend in sorted(partnered, key=lambda f: (partnered[f], f)):
                cmd = Propose(friend, "joint_mission", program=p["id"])
                if cmd in self.legal and reading.relation(friend) >= 0 and self.sheet.add(cmd):
                    partnered[friend] += 1
                    invites += 1
                    break
        for cmd in self.diplomat.treaties_to_offer(1):
            self.sheet.add(cmd)

    def invite_coalition(self) -> None:
        """Invite allies into the modules of a claim at the pole this agency leads, the
        ally with the least of the station first, until two allies could hold it."""
        reading = self.reading
        allies = sorted(
            a
            for a in reading.view["relations"].get(reading.agency, {})
            if a != reading.agency and self.allied(a)
        )
        if not allies:
            return
        for p in reading.own_programs:
            site = reading.site_of(p["site"])
            if (
                p["phase"] != "building"
                or not p["module"]
                or site is None
                or not site.south_pole
                or site.ice < self.claim_ice
            ):
                continue
            station = reading.station(p["site"])
            shares = station["shares"] if station is not None else {}
            if station is not None and (
                station["owner"] != reading.agency or station["claim"]["held"]
            ):
                continue
            for ally in sorted(allies, key=lambda a: (shares.get(a, 0.0), a)):
                if ally in p["partners"]:
                    break
                cmd = Propose(ally, "joint_mission", program=p["id"])
                if cmd in self.legal and reading.relation(ally) >= -20 and self.sheet.add(cmd):
                    break

    def set_access(self) -> None:
        """Close a claim at the pole to rivals who could dock under the default rule; open
        an orbital station this agency will not crew soon to every crew."""
        reading = self.reading
        for station in reading.view["stations"].values():
            if station["owner"] != reading.agency:
                continue
            rivals_dock = any(
                "docking" in reading.agreed_terms(other) and not self.allied(other)
                for other in reading.view["relations"].get(reading.agency, {})
                if other != reading.agency and other not in station["contributions"]
            )
            rule = value_of.access_rule(reading, station, rivals_dock, self.crew_bound(station))
            order = value_of.access_order(station, rule)
            if order is not None and order in self.legal:
                self.sheet.add(order)

    # -- 7. money that would pile up -----------------------------------------------------------

    def spend_surplus(self) -> None:
        reading = self.reading
        cap = reading.content.rule("economy").treasury_cap * reading.me["budget"]
        keep = reading.income  # a turn's worth in hand for what comes
        if reading.me["treasury"] + reading.income > cap or self.reading.turns_left <= 2:
            keep = reading.income // 4
        surplus = self.sheet.left - keep
        if surplus <= 0:
            return
        service = BuyService("leo_station_access")
        if (
            service in self.legal
            and self.sheet.fits(service)
            and value_of.leo_access_worth(self.reading, self.doctrine) > 0
        ):
            self.sheet.add(service)
            surplus = self.sheet.left - keep
        if surplus > 0 and self.reading.turns_left > 2:
            self.research(self.wanted(), surplus)
            self.refine(self.research_budget + surplus)


def _science(site: Site | None) -> float:
    return site.science - site.difficulty if site is not None else 0.0
