"""The PettingZoo environment: PettingZoo's own conformance tests, and the turn as a run of
choices - legal commands one at a time, amounts in buckets, the mask, the end of the turn."""

from __future__ import annotations

import numpy as np
from pettingzoo.test import api_test, parallel_api_test, parallel_seed_test

from game.rl import END_TURN, LunarRaceEnv, aec_env
from game.rl.env import ACTIONS, BUCKETS, OBSERVATION_SIZE
from game.rules import standings

SHORT = 3  # turns: enough for the conformance tests to see turns resolve and the end


def action_of(info: dict, kind: str, bucket: int = -1) -> int:
    """The action that takes the first legal command of a kind, at an amount bucket."""
    slot = next(i for i, c in enumerate(info["legal"]) if c["kind"] == kind)
    return 1 + slot * len(BUCKETS) + (bucket % len(BUCKETS))


def test_the_parallel_env_passes_pettingzoos_api_test():
    parallel_api_test(LunarRaceEnv(turns=SHORT), num_cycles=400)


def test_the_parallel_env_passes_pettingzoos_seed_test():
    parallel_seed_test(lambda: LunarRaceEnv(turns=SHORT), num_cycles=100)


def test_the_aec_form_passes_pettingzoos_api_test():
    api_test(aec_env(turns=SHORT, agents=["esa", "csa"], opponent="random"), num_cycles=300)


def test_observations_are_a_fixed_vector_and_a_mask_and_infos_carry_view_and_legal():
    env = LunarRaceEnv(turns=SHORT)
    observations, infos = env.reset(seed=7)
    assert env.agents == ["nasa", "roscosmos", "cnsa", "esa", "jaxa", "csa"]
    for agent in env.agents:
        observation = observations[agent]
        assert observation["observation"].shape == (OBSERVATION_SIZE,)
        assert observation["action_mask"].shape == (ACTIONS,)
        assert observation["action_mask"][END_TURN] == 1
        assert infos[agent]["view"]["seat"] == agent and infos[agent]["orders"] == []
        allowed = int(observation["action_mask"].sum()) - 1
        assert 0 < allowed <= len(infos[agent]["legal"]) * len(BUCKETS)


def test_a_research_order_takes_its_bucket_of_the_amount_and_cannot_be_given_twice():
    env = LunarRaceEnv(turns=SHORT)
    _, infos = env.reset(seed=7)
    action = action_of(infos["esa"], "research", bucket=0)
    listed = infos["esa"]["legal"][(action - 1) // len(BUCKETS)]
    observations, _, _, _, infos = env.step({"esa": action})
    (order,) = infos["esa"]["orders"]
    assert order["tech"] == listed["tech"]
    assert order["amount"] == max(1, round(listed["amount"] * BUCKETS[0]))
    mask = observations["esa"]["action_mask"]
    same = [
        1 + slot * len(BUCKETS) + b
        for slot, c in enumerate(infos["esa"]["legal"])
        if c["kind"] == "research" and c["tech"] == listed["tech"]
        for b in range(len(BUCKETS))
    ]
    assert not mask[same].any()  # one order per tech a turn
    assert env.state_of_match is not None and env.state_of_match.turn == 0  # not resolved yet


def test_the_turn_resolves_when_every_agent_has_ended_it_and_ended_agents_only_wait():
    env = LunarRaceEnv(turns=SHORT)
    _, infos = env.reset(seed=7)
    research = action_of(infos["esa"], "research")
    ended = {a: END_TURN for a in env.agents if a != "esa"}
    observations, _, _, _, _ = env.step({**ended, "esa": research})
    waiting = observations["nasa"]["action_mask"]
    assert waiting[END_TURN] == 1 and waiting.sum() == 1
    assert env.state_of_match.turn == 0
    _, _, _, _, infos = env.step(dict.fromkeys(env.agents, END_TURN))
    assert env.state_of_match.turn == 1
    assert infos["esa"]["view"]["turn"] == 1 and infos["esa"]["orders"] == []


def test_the_match_ends_with_a_reward_of_one_for_each_winner():
    env = LunarRaceEnv(turns=2, agents=["esa", "csa"], opponent="random")
    observations, _ = env.reset(seed=3)
    rng = np.random.default_rng(3)
    totals = {"esa": 0.0, "csa": 0.0}
    for _ in range(1000):
        if not env.agents:
            break
        actions = {
            a: int(rng.choice(np.flatnonzero(observations[a]["action_mask"]))) for a in env.agents
        }
        observations, rewards, terminations, _, _ = env.step(actions)
        for agent, reward in rewards.items():
            totals[agent] += reward
    assert not env.agents and all(terminations.values())
    winners = set(env.state_of_match.outcome.winners)
    assert totals == {a: 1.0 if a in winners else 0.0 for a in totals}


def test_shaping_pays_the_change_of_standing_each_turn():
    env = LunarRaceEnv(turns=SHORT, shaping=1.0)
    env.reset(seed=5)
    before = standings(env.state_of_match)
    _, rewards, _, _, _ = env.step(dict.fromkeys(env.agents, END_TURN))
    after = standings(env.state_of_match)
    assert rewards == {a: (after[a] - before[a]) / 1000 for a in env.possible_agents}
