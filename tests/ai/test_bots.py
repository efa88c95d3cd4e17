"""The bots: built from specs, deciding from their view only, legal, and each one stronger."""

from __future__ import annotations

from collections import Counter

import pytest

from game import rules
from game.ai import LEVELS, BotSpecError, create_bot, seat_seed
from game.ai.greedy import GreedyBot
from game.ai.planner import PlannerBot
from game.ai.random_bot import RandomBot
from game.rules import Propose, StartMission
from game.runner.match import run_match


def test_specs_build_the_builtin_bots_and_levels():
    assert isinstance(create_bot("random", "nasa", 1), RandomBot)
    assert isinstance(create_bot("greedy", "nasa", 1), GreedyBot)
    assert isinstance(create_bot("planner", "nasa", 1), PlannerBot)
    assert create_bot("easy", "esa", 1).blunder == 0.4
    assert create_bot("normal", "esa", 1).blunder == 0.0
    assert isinstance(create_bot("hard", "esa", 1), PlannerBot)
    assert set(LEVELS) == {"easy", "normal", "hard"}


def test_spec_options_reach_the_constructor():
    bot = create_bot("planner/samples=2/horizon=3/follow=1/ms=40", "cnsa", 5)
    assert (bot.samples, bot.horizon, bot.follow, bot.ms) == (2, 3, 1, 40)
    assert create_bot("greedy/blunder=0.25", "csa", 5).blunder == 0.25


def test_module_and_class_specs_load_any_bot():
    assert isinstance(create_bot("game.ai.random_bot:RandomBot", "jaxa", 3), RandomBot)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("warp", "unknown bot 'warp'"),
        ("no_such_module:Bot", "cannot import 'no_such_module'"),
        ("game.ai.base:Nothing", "has no bot class 'Nothing'"),
        ("greedy/fast", "is not key=value"),
        ("greedy/speed=3", "unexpected keyword argument"),
        ("greedy/blunder=2", "between 0 and 1"),
    ],
)
def test_a_bad_spec_says_what_is_wrong(spec, message):
    with pytest.raises((BotSpecError, ValueError), match=message):
        create_bot(spec, "nasa", 1)


def test_seat_seeds_differ_by_agency_and_match():
    seeds = {seat_seed(s, a) for s in range(20) for a in ("nasa", "esa", "csa")}
    assert len(seeds) == 60


def every_turn(seed: int, turns: int, bots: dict[str, object]):
    """Yield (state, agency, view, legal, orders) for each seat of each turn."""
    state = rules.new_match(seed=seed, turns=turns)
    while not rules.is_over(state):
        orders = {}
        for agency in state.agencies:
            view, legal = rules.view(state, agency), rules.legal_commands(state, agency)
            orders[agency] = bots[agency].decide(view, legal)
            yield state, agency, orders[agency]
        state, _ = rules.resolve_turn(state, orders)


@pytest.mark.parametrize("spec", ["random", "greedy", "easy"])
def test_bots_order_only_what_the_rules_accept_for_every_agency(spec):
    agencies = rules.new_match(seed=0).agencies
    bots = {a: create_bot(spec, a, seat_seed(17, a)) for a in agencies}
    kinds = Counter()
    for state, agency, orders in every_turn(17, 14, bots):
        assert rules.validate(state, agency, orders) == [], (agency, state.turn, orders)
        kinds.update(c.KIND for c in orders)
    assert kinds["research"] and kinds["fund"]  # they do play


def test_greedy_plays_coherently_for_every_agency():
    result = run_match(bot="greedy", seed=21, turns=16)
    state = result.state
    started = Counter(c["kind"] for t in result.replay.turns for c in t.orders["nasa"])
    assert started["start_mission"] and started["launch"] and started["research"]
    for agency in state.agencies:
        ag = state.agency[agency]
        assert ag.flights > 0 or any(agency in f.get("partners", []) for f in state.flights), agency
        talks = Counter(c["kind"] for t in result.replay.turns for c in t.orders[agency])
        assert talks["propose"] or talks["answer"], agency  # it takes part in diplomacy
    partners = [a for p in state.programs.values() for a in p.partners]
    partners += [a for f in state.flights for a in f.get("partners", [])]
    assert {"csa", "jaxa", "esa"} & set(partners)  # small agencies join others' programs
    assert state.stations, "NASA's Gateway or a surface base is built"


def test_greedy_courts_friends_and_never_its_rivals():
    view = rules.view(rules.new_match(seed=3), "nasa")
    legal = rules.legal_commands(rules.new_match(seed=3), "nasa")
    orders = create_bot("greedy", "nasa", 1).decide(view, legal)
    proposals = [c for c in orders if isinstance(c, Propose)]
    assert proposals and all(c.to != "cnsa" for c in proposals)


def test_greedy_opens_the_missions_its_doctrine_values():
    state = rules.new_match(seed=3)
    cnsa = create_bot("greedy", "cnsa", 1).decide(
        rules.view(state, "cnsa"), rules.legal_commands(state, "cnsa")
    )
    kinds = {c.mission_type for c in cnsa if isinstance(c, StartMission)}
    assert kinds & {"sample_return", "rover", "hopper", "relay"}


def test_greedy_outscores_random_in_the_same_seat():
    """Same seeds, same opponents: only the bot in ESA's seat changes."""
    for seed in (101, 202):
        scores = {
            spec: run_match({"esa": spec}, bot="greedy", seed=seed, turns=14).score("esa")
            for spec in ("random", "greedy")
        }
        assert scores["greedy"] > scores["random"] + 100


def test_the_planner_orders_what_the_rules_accept_with_or_without_following():
    state = rules.new_match(seed=12)
    for _ in range(3):
        state, _ = rules.resolve_turn(state, {})
    for spec in ("planner/samples=2/horizon=3", "planner/samples=1/horizon=2/follow=2"):
        for agency in ("nasa", "cnsa", "csa"):
            bot = create_bot(spec, agency, 3)
            orders = bot.decide(rules.view(state, agency), rules.legal_commands(state, agency))
            assert rules.validate(state, agency, orders) == []


def test_the_planner_is_deterministic_with_a_sample_budget():
    state = rules.new_match(seed=8)
    view, legal = rules.view(state, "jaxa"), rules.legal_commands(state, "jaxa")
    first = create_bot("planner/samples=2", "jaxa", 4).decide(view, legal)
    again = create_bot("planner/samples=2", "jaxa", 4).decide(view, legal)
    assert first == again


class SteppedClock:
    """A clock that moves a fixed step each time it is read, so a time budget is tested
    without depending on how busy the machine is."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_the_planner_keeps_to_a_time_budget_and_samples_more_with_more_time():
    state = rules.new_match(seed=8)
    view, legal = rules.view(state, "nasa"), rules.legal_commands(state, "nasa")
    worlds = {}
    for ms in (30, 200):
        bot = create_bot(f"planner/ms={ms}", "nasa", 4)
        bot.clock = SteppedClock(0.010)  # every world takes 10 ms of this clock
        bot.decide(view, legal)
        worlds[ms] = bot.last_worlds
    # The clock is read once at the start and once after each world: a 30 ms budget stops
    # after the world that crosses it, a 200 ms one after twenty.
    assert worlds[30] == 3
    assert worlds[200] == 20
