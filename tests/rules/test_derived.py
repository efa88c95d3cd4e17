"""Questions asked in bulk, or remembered, get the answers of asking them one at a time.

Views and legal lists ask about every tech and every hardware family of an agency at once,
and reliabilities are remembered between questions. These tests hold the quick answers to
the plain ones, on states from random matches and on states edited after a question.
"""

from __future__ import annotations

from game.rules import Rng, State, new_match, random_orders, resolve_turn
from game.rules import queries as q
from tests.rules.builders import learn


def states(seed: int, every: int = 5) -> list[State]:
    state = new_match(seed=seed)
    rng = Rng(seed)
    out = []
    while state.outcome is None:
        if state.turn % every == 0:
            out.append(state)
        state, _ = resolve_turn(state, {a: random_orders(state, a, rng) for a in state.agencies})
    return out


SAMPLED = states(17) + states(23)


def test_the_research_table_is_each_techs_research_terms():
    for state in SAMPLED:
        for agency in state.agencies:
            table = q.research_table(state, agency)
            assert list(table) == list(state.content.techs)
            for tech in state.content.techs:
                target, limit = q.research_terms(state, agency, tech)
                assert table[tech] == (target, limit)
                assert target == q.research_target(state, agency, tech)
                assert limit == q.research_limit(state, agency, tech)


def test_every_hardware_familys_reliability_at_once_is_each_asked_alone():
    for state in SAMPLED:
        for agency in state.agencies:
            known = state.agency[agency].known
            techs = state.content.techs
            families = q.system_reliabilities(state, agency)
            for system in sorted(state.content.systems):
                best = max(
                    (
                        q.tech_reliability(state, agency, t)
                        for t in known
                        if techs[t].system == system
                    ),
                    default=0.0,
                )
                alone = 0.0
                if best:
                    ceiling = state.content.rule("reliability").ceiling
                    experience = state.agency[agency].experience.get(system, 0.0)
                    alone = min(ceiling, best + experience)
                assert (
                    families.get(system, 0.0)
                    == alone
                    == q.system_reliability(state, agency, system)
                )
                assert q.has_system(state, agency, system) == any(
                    techs[t].system == system for t in known
                )


def test_a_remembered_reliability_follows_new_knowledge_and_experience():
    state = new_match(seed=4)
    agency = state.agencies[0]
    before = q.system_reliabilities(state, agency)
    fresh = next(t for t in state.content.techs.values() if t.system and t.system not in before)
    learn(state, agency, fresh.id)
    learned = q.system_reliabilities(state, agency)
    assert learned[fresh.system] > 0.0 and fresh.system not in before
    state.agency[agency].experience[fresh.system] = 0.05
    flown = q.system_reliabilities(state, agency)
    assert flown[fresh.system] > learned[fresh.system]
    flown[fresh.system] = 0.0  # what a caller does with its answer is its own business
    assert q.system_reliabilities(state, agency)[fresh.system] > 0.0


def test_summed_tech_effects_are_each_effect_summed_alone():
    for state in SAMPLED[::3]:
        for agency in state.agencies:
            effects = q.tech_effects(state, agency)
            techs = state.content.techs
            for key in {k for t in techs.values() for k in t.effects}:
                alone = 0.0
                for tech in state.agency[agency].known:
                    value = techs[tech].effects.get(key)
                    if isinstance(value, int | float):
                        alone += value
                assert effects.get(key, 0.0) == alone == q.tech_effect(state, agency, key)


def test_a_rules_constant_is_the_contents():
    state = new_match(seed=1)
    for section in ("economy", "reliability", "diplomacy", "intel"):
        for name, value in state.content.rule(section).as_dict().items():
            assert q.constant(state, section, name) == value
