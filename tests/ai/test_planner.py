"""The planner: how it values a rollout, how it spends its worlds, and what it orders."""

from __future__ import annotations

from game import rules
from game.ai.greedy import GreedyBot
from game.ai.planner import (
    CONFIDENCE,
    VARIANTS,
    WIN_BONUS,
    PlannerBot,
    choose,
    halve,
    outlook,
    prestige_pace,
)
from game.rules import Outcome, State, Termination, final_scores


def played(seed: int, turns: int) -> State:
    """A match after `turns` turns of greedy play everywhere."""
    state = rules.new_match(seed=seed)
    bots = {a: GreedyBot(a, seed) for a in state.agencies}
    for _ in range(turns):
        orders = {
            a: bot.decide(rules.view(state, a), rules.legal_commands(state, a))
            for a, bot in bots.items()
        }
        state, _ = rules.resolve_turn(state, orders)
    return state


def ended(state: State, winners: tuple[str, ...]) -> State:
    """The same state, with the match over and won by `winners`."""
    over = state.clone()
    over.outcome = Outcome(
        Termination.SUSTAINED_PRESENCE, winners, over.turn, final_scores(over), "s1"
    )
    return over


def test_a_win_is_worth_its_score_plus_a_bonus_shared_among_the_winners():
    state = played(3, 10)
    pace = prestige_pace(state)
    total = final_scores(state)["nasa"]["total"]
    alone = outlook(ended(state, ("nasa",)), "nasa", 0.01, pace)
    shared = outlook(ended(state, ("nasa", "esa", "jaxa", "csa")), "nasa", 0.01, pace)
    lost = outlook(ended(state, ("cnsa",)), "nasa", 0.01, pace)
    assert alone == total + WIN_BONUS
    assert shared == total + WIN_BONUS / 4
    assert lost == total


def test_ending_the_match_early_forfeits_the_turns_still_to_play():
    state = played(3, 12)
    pace = prestige_pace(state)
    assert pace["nasa"] > 0
    going_on = outlook(state, "nasa", 0.0, pace)
    won_now = outlook(ended(state, ("nasa", "esa")), "nasa", 0.0, pace)
    # Thirty turns at NASA's pace are worth more than half a win now.
    assert going_on > won_now
    assert going_on >= final_scores(state)["nasa"]["total"] + pace["nasa"] * 28


def test_a_rival_standing_ahead_lowers_the_outlook():
    state = played(6, 12)  # CNSA still has a chance of winning here
    pace = prestige_pace(state)
    before = outlook(state, "cnsa", 0.0, pace)
    ahead = state.clone()
    ahead.agency["nasa"].prestige = dict(ahead.agency["nasa"].prestige)
    ahead.agency["nasa"].prestige["firsts"] += 1500
    assert outlook(ahead, "cnsa", 0.0, pace) < before
    # Only the chance of winning moved: CNSA's own projection is the same.
    assert before - outlook(ahead, "cnsa", 0.0, pace) < WIN_BONUS


def test_halving_keeps_the_usual_choice_and_the_better_half():
    results = [[0.0] * 4, [1.0] * 4, [-5.0] * 4, [3.0] * 4, [-1.0] * 4, [2.0] * 4]
    assert halve(results, [0, 1, 2, 3, 4, 5]) == [0, 3, 5, 1]
    assert halve(results, [0, 3]) == [0, 3]


def test_the_usual_choice_stands_unless_a_gain_clears_the_noise():
    steady = [[10.0, 20.0, 30.0, 40.0], [12.0, 22.0, 32.0, 42.0]]
    assert choose(steady, [0, 1]) == 1
    # A mean gain of 1 with a standard error of 10 is noise.
    noisy = [[0.0, 0.0, 0.0, 0.0], [21.0, -19.0, 21.0, -19.0]]
    assert CONFIDENCE > 0.1
    assert choose(noisy, [0, 1]) == 0
    assert choose([[0.0, 0.0], [-3.0, -1.0]], [0, 1]) == 0


def test_successive_halving_spends_fewer_rollouts_than_every_candidate_in_every_world():
    state = played(5, 8)
    view, legal = rules.view(state, "nasa"), rules.legal_commands(state, "nasa")
    bot = PlannerBot("nasa", 7, samples=8, horizon=2, first=2)
    orders = bot.decide(view, legal)
    assert rules.validate(state, "nasa", orders) == []
    assert bot.last_worlds == 8
    assert 3 <= bot.last_candidates <= len(VARIANTS)
    # 2 worlds for all, then halved at 2 and 4 worlds.
    assert bot.last_rollouts < bot.last_candidates * bot.last_worlds
    assert bot.last_rollouts >= 2 * bot.last_candidates + 6 * 2
    assert 0 <= bot.last_choice < bot.last_candidates


def test_the_planner_sometimes_orders_other_than_the_usual_choice():
    state = played(6, 6)
    choices = []
    for agency in ("nasa", "cnsa", "esa"):
        bot = PlannerBot(agency, 2, samples=4, horizon=4)
        bot.decide(rules.view(state, agency), rules.legal_commands(state, agency))
        choices.append(bot.last_choice)
    assert any(choice > 0 for choice in choices)
