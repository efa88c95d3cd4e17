"""What greedy puts on effect technologies, LEO visits, scrubs and station access."""

from __future__ import annotations

from game.ai import worth
from game.ai.doctrine import doctrine_for
from game.ai.greedy import GreedyPlayer, _Turn
from game.ai.reading import Reading
from game.rules import BuyService, Scrub, SetAccess, State, legal_commands, view
from game.rules.content import ORBIT
from tests.rules.builders import add_program, add_station, learn, leo_open, opening


def _turn(state: State, agency: str) -> _Turn:
    return _Turn(
        GreedyPlayer(doctrine_for(agency)),
        Reading(view(state, agency)),
        legal_commands(state, agency),
    )


def test_an_effect_tech_is_worth_learning_early_and_not_at_the_end():
    reading = Reading(view(opening(), "nasa"))
    early = worth.effect_scores(reading, doctrine_for("nasa"), 1000)
    assert early.get("reusable_boosters", 0.0) > 0  # saves a tenth of every mission
    late = opening()
    late.turn = late.last_turn - 3
    late_scores = worth.effect_scores(Reading(view(late, "nasa")), doctrine_for("nasa"), 1000)
    assert "reusable_boosters" not in late_scores


def test_an_effect_saving_grows_with_the_turns_left():
    reading = Reading(view(opening(), "nasa"))
    doctrine = doctrine_for("nasa")
    short = worth.effect_gain(reading, doctrine, "reusable_boosters", 4)
    long = worth.effect_gain(reading, doctrine, "reusable_boosters", 20)
    assert 0 < short < long
    assert worth.effect_gain(reading, doctrine, "reusable_boosters", 0) == 0.0


def test_greedy_ranks_effect_techs_among_its_research():
    turn = _turn(opening(), "nasa")
    assert "reusable_boosters" in turn.wanted()


def test_a_leo_visit_pays_while_there_is_something_to_learn():
    state = leo_open()
    doctrine = doctrine_for("nasa")
    assert worth.leo_access_worth(Reading(view(state, "nasa")), doctrine) > 0
    com = state.content.rule("commercial")
    cap = state.content.rule("reliability").experience_cap
    state.agency["nasa"].experience[com.leo_training_system] = cap
    assert worth.leo_access_worth(Reading(view(state, "nasa")), doctrine) < 0
    assert BuyService("leo_station_access") not in _turn(state, "nasa").plan()


def test_greedy_scrubs_a_robotic_program_whose_firsts_and_science_are_gone():
    state = opening()
    learn(state, "jaxa", "robotic_lander", "precision_landing", "ascent_stage", "heat_shield")
    learn(state, "jaxa", "sample_return_capsule")
    state.agency["jaxa"].treasury = 0  # money is dear
    program = add_program(state, "jaxa", "sample_return", "shackleton", ready=False)
    program.paid = program.contributions["jaxa"] = program.cost // 5
    turn = _turn(state, "jaxa")
    assert not turn.no_longer_pays(view(state, "jaxa")["programs"][program.id])
    for milestone in (
        "robotic_landing",
        "south_pole_landing",
        "sample_return",
        "south_pole_sample_return",
    ):
        records = state.milestones.setdefault(milestone, [])
        for rival in ("cnsa", "nasa", "roscosmos", "esa", "csa"):
            records.append([rival, 0, len(records) + 1])
    for n in range(4):
        state.flights.append(
            {
                "program": f"x{n}",
                "name": "Earlier sample return",
                "agency": "cnsa",
                "mission_type": "sample_return",
                "site": "shackleton",
                "turn": 0,
                "result": "success",
                "steps": 6,
            }
        )
    turn = _turn(state, "jaxa")
    assert turn.no_longer_pays(view(state, "jaxa")["programs"][program.id])
    assert Scrub(program.id) in turn.plan()


def test_scrubbing_gives_back_a_quarter_of_what_was_paid():
    reading = Reading(view(opening(), "jaxa"))
    doctrine = doctrine_for("jaxa")
    program = {"contributions": {"jaxa": 400}, "remaining": 0}
    gain = worth.scrub_gain(reading, doctrine, program, 0.0, 0.02)  # type: ignore[arg-type]
    support = worth.support_worth(reading, doctrine, worth.SCRUB_SUPPORT)
    assert gain == 0.25 * 400 * 0.02 - support


def test_greedy_closes_its_claim_at_the_pole_to_rivals_who_could_dock():
    state = opening()
    # Roscosmos keeps docking with NASA through the ISS partnership, and is no ally.
    station = add_station(state, "shackleton", ["surface_power", "surface_habitat"], {"nasa": 2000})
    orders = _turn(state, "nasa").plan()
    assert SetAccess(station.id, "owners") in orders


def test_greedy_opens_an_orbital_station_it_will_not_crew_soon():
    state = opening()
    station = add_station(state, ORBIT, ["power_propulsion", "habitat"], {"esa": 1500})
    assert SetAccess(station.id, "open") in _turn(state, "esa").plan()
    station.access = "open"
    assert not any(isinstance(c, SetAccess) for c in _turn(state, "esa").plan())
