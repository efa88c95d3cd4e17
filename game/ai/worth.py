"""What the greedy player's choices beyond new missions are worth to one agency.

Everything here is counted in prestige over the turns left, money at the price greedy puts
on it (`money_price`: prestige a $M would earn elsewhere), so that it weighs against the
missions greedy opens:

- a technology's lasting effect (docs/rules.md, section 4): what it saves or earns from the
  turn it would be learned to the end, against what is left to pay for it;
- a visit to the commercial station in low Earth orbit: the science and support it still
  earns and the surface training it gives crews about to land, against its price;
- a program under way: whether finishing it still pays, or scrubbing it (a quarter of what
  was paid comes back) does better;
- a station's access rule: closed to rivals at a contested pole, open to all in orbit when
  other crews would keep it crewed.
"""

from __future__ import annotations

import math

from game.ai.doctrine import Doctrine
from game.ai.reading import Reading
from game.rules import ORBIT, MissionType, ProgramView, SetAccess, StationView

ROBOTIC_FLIGHT = 30.0  # prestige a robotic flight of one's own plan is worth, on average
CREWED_LANDING = 120.0  # prestige a crewed landing of one's own plan is worth, on average
SUPPORT_YEARS = 3.0  # years a point of support keeps lifting the budget (it drifts back)
SCRUB_MARGIN = 5.0  # prestige: scrub only a program that clearly no longer pays
SCRUB_SUPPORT = 1.0  # support the lead loses for a scrub (docs/rules.md, section 5)


def money_price(doctrine: Doctrine) -> float:
    """Prestige a $M is worth: twice the least a mission must earn per $M to be opened."""
    return 2.0 * doctrine.min_value


def support_worth(reading: Reading, doctrine: Doctrine, points: float) -> float:
    """Prestige a change of support is worth: the budget it moves over a few years."""
    span = float(reading.content.rule("economy").budget_span)
    base = reading.definition.budget
    years = min(SUPPORT_YEARS, reading.turns_left / 2)
    return points / 100 * span * base * years * money_price(doctrine)


def program_money(reading: Reading, doctrine: Doctrine) -> float:
    """$M a turn this agency puts into programs of its own."""
    share = max(0.2, 1 - doctrine.research_share - doctrine.partner_share)
    return reading.income * share


def _plan_shares(reading: Reading) -> tuple[float, float, int, int]:
    """From the programs under way: the share of their money that is crewed, the share
    that is station modules, and how many robotic and crewed-landing programs there are."""
    total = crewed = modules = 0.0
    robotic = landings = 0
    for p in reading.own_programs:
        mtype = reading.content.missions[p["mission_type"]]
        total += p["cost"]
        if mtype.crewed:
            crewed += p["cost"]
            landings += mtype.id == "crewed_landing"
        else:
            robotic += 1
        if p["module"]:
            modules += reading.content.modules[p["module"]].cost * reading.trait("cost")
    if total <= 0:
        return 0.0, 0.0, robotic, landings
    return crewed / total, modules / total, robotic, landings


def _crew_heads(reading: Reading) -> int:
    """This agency's crew aboard stations, or the most one of its crewed programs carries."""
    aboard = sum(
        count
        for st in reading.view["stations"].values()
        for agency, count, _leaves in st["crew"]
        if agency == reading.agency
    )
    bound = max(
        (
            reading.content.missions[p["mission_type"]].crew
            for p in reading.own_programs
            if reading.content.missions[p["mission_type"]].crewed
        ),
        default=0,
    )
    return max(aboard, bound)


def _surface_science(reading: Reading) -> float:
    """This agency's share of the science its surface stations' modules make a crewed turn."""
    modules = reading.content.modules
    out = 0.0
    for st in reading.view["stations"].values():
        share = st["shares"].get(reading.agency, 0.0)
        if st["site"] == ORBIT or share <= 0:
            continue
        kinds: dict[str, int] = {}
        for entry in st["modules"]:
            kinds[entry[0]] = kinds.get(entry[0], 0) + 1
        if st["crew_count"] or st["capacity"]:
            share *= 1 + reading.content.rule("science").crew_bonus * min(st["capacity"], 4)
        made = sum(
            modules[k].science * sum(1 / n for n in range(1, c + 1)) for k, c in kinds.items()
        )
        out += made * share
    return out


def module_science_bonus(reading: Reading, station: StationView) -> float:
    """What the agency's science techs and a crewed surface base add to a module's science:
    a base at the pole is kept crewed, and each head aboard adds a quarter."""
    effects: dict[str, float] = {}
    for tech in reading.me["known"]:
        for key, value in reading.content.techs[tech].effects.items():
            if isinstance(value, int | float):
                effects[key] = effects.get(key, 0.0) + value
    bonus = 1 + effects.get("science", 0.0)
    if station["site"] != ORBIT:
        bonus += effects.get("surface_science", 0.0)
        if station["capacity"]:
            crew_bonus = reading.content.rule("science").crew_bonus
            bonus *= 1 + crew_bonus * min(station["capacity"], 4)
    return bonus


def effect_gain(reading: Reading, doctrine: Doctrine, tech: str, turns: int) -> float:
    """Prestige a technology's lasting effects earn this agency over `turns` turns, at the
    pace of its plan (its programs under way, its crews and stations, its science so far)."""
    effects = reading.content.techs[tech].effects
    if turns <= 0 or not effects:
        return 0.0
    price = money_price(doctrine)
    money = program_money(reading, doctrine) * turns
    crewed_share, module_share, robotic, _landings = _plan_shares(reading)
    gain = 0.0
    for key, value in effects.items():
        if key == "mission_cost":
            gain -= value * money * price
        elif key == "crewed_cost":
            gain -= value * money * crewed_share * price
        elif key == "module_cost":
            gain -= value * money * module_share * price
        elif key == "robotic_reliability":
            # Each of a robotic flight's four steps is that much surer.
            flights = robotic * turns / 4
            gain += flights * 4 * value * ROBOTIC_FLIGHT
        elif key == "crew_survival":
            prestige = reading.content.rule("prestige")
            support = reading.content.rule("support")
            lost = prestige.crew_lost + support_worth(reading, doctrine, support.crew_lost)
            flights = sum(
                1
                for p in reading.own_programs
                if reading.content.missions[p["mission_type"]].crewed
            )
            failing = 1 - doctrine.crew_floor  # the least sure crewed flight greedy flies
            gain += flights * turns / 5 * failing * value * lost
        elif key == "supply_use":
            resupply = reading.content.missions["resupply"]
            per_supply = reading.me["mission_costs"]["resupply"] / max(1, resupply.supplies)
            eaten = _crew_heads(reading) * reading.trait("supply")  # a head eats 1 a turn
            gain -= value * eaten * turns * per_supply * price
        elif key == "surface_science":
            gain += value * _surface_science(reading) * turns * reading.trait("science")
        elif key == "science":
            earned = reading.view["agencies"][reading.agency]["score"].get("science", 0)
            gain += value * earned / max(1, reading.turn + 1) * turns
    return gain


def effect_scores(reading: Reading, doctrine: Doctrine, research_budget: int) -> dict[str, float]:
    """Research scores (prestige per $M, as greedy ranks research) of the effect techs that
    pay for themselves before the end, credited to the techs open on the way to each."""
    price = money_price(doctrine)
    out: dict[str, float] = {}
    for tech in reading.content.techs.values():
        if not tech.effects or tech.id in reading.me["known"]:
            continue
        if "unlock_module" in tech.effects:
            continue  # the module it unlocks is valued where stations are
        cost = reading.path_cost(tech.id)
        if cost <= 0:
            continue
        learning = max(tech.min_turns, math.ceil(cost / max(1, research_budget)))
        gain = effect_gain(reading, doctrine, tech.id, reading.turns_left - learning)
        if gain <= cost * price:
            continue
        for step in reading.frontier(tech.id):
            out[step] = out.get(step, 0.0) + gain / cost
    return out


def leo_access_worth(reading: Reading, doctrine: Doctrine) -> float:
    """Net prestige of a visit to the commercial station in low Earth orbit this turn: the
    science and support it still earns, and the training of crews about to land, less its
    price."""
    com = reading.content.rule("commercial")
    novelty = float(reading.me["leo_novelty"])
    price = reading.view["prices"].get("leo_station_access", 0)
    worth = novelty * (
        com.leo_access_science * reading.trait("science")
        + support_worth(reading, doctrine, com.leo_access_support)
    )
    if novelty > 0:
        _crewed, _modules, _robotic, landings = _plan_shares(reading)
        worth += landings * com.leo_training * CREWED_LANDING
    return worth - price * money_price(doctrine)


def robotic_program_worth(reading: Reading, program: ProgramView, mtype: MissionType) -> float:
    """Prestige a robotic program to a site still brings if it flies well: the milestones
    still open to it (its own pursuit of them aside) and its science, repeats counted."""
    site = reading.site_of(program["site"])
    worth = sum(
        reading.milestone_worth(milestone, site, pursued=False)
        for milestone, _after, _when in mtype.milestones
    )
    return worth + reading.science_estimate(mtype, program["site"])


def scrub_gain(
    reading: Reading, doctrine: Doctrine, program: ProgramView, expected: float, price: float
) -> float:
    """How much better scrubbing a program does than finishing it: the quarter of what this
    agency paid that comes back, less the support a scrub costs, against the prestige
    finishing is expected to bring (`expected`) less the money still to pay, both at the
    `price` greedy puts on money when it opens a program."""
    economy = reading.content.rule("economy")
    paid = program["contributions"].get(reading.agency, 0)
    scrubbing = economy.scrub_refund * paid * price - support_worth(
        reading, doctrine, SCRUB_SUPPORT
    )
    finishing = expected - program["remaining"] * price
    return scrubbing - finishing


def access_rule(
    reading: Reading, station: StationView, rivals_dock: bool, crew_coming: bool
) -> str:
    """The access rule this agency, the station's largest owner, wants for it.

    A claim at the pole is kept from rivals who could use it under the default rule
    (`owners`); an orbital station nobody of this agency's will crew soon is opened to all,
    so that other crews keep it crewed (its crewed turns pay its owners); otherwise the
    default `partners`."""
    if station["claim"]["counts"]:
        return "owners" if rivals_dock else "partners"
    if station["site"] == ORBIT and station["capacity"] and not crew_coming:
        return "open"
    return "partners"


def access_order(station: StationView, rule: str) -> SetAccess | None:
    """The order that sets `rule`, or None if the station already has it."""
    if station["access"] == rule:
        return None
    return SetAccess(station["id"], rule)
