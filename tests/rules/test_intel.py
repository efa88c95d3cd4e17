"""Intelligence that holds: rivals' private numbers stay hidden from whoever knows the seed."""

from __future__ import annotations

import json

import pytest

from game.rules import new_match, view
from game.rules.setup import seed_intel_secret, yearly_budget
from game.rules.state import State, state_hash

SEED = 4242


def secret_match(secret: int) -> State:
    return new_match(seed=SEED, intel_secret=secret)


def test_knowing_the_seed_does_not_give_back_a_rivals_treasury():
    # Whoever knows the seed can build the same match with the secret the seed would give,
    # read the error their copy shows, and take it out of what the real match shows.
    known = new_match(seed=SEED)
    guessed_error = view(known, "esa")["intel"]["nasa"]["treasury"] - known.agency["nasa"].treasury
    recovered = 0
    for secret in range(1, 41):
        match = secret_match(secret)
        shown = view(match, "esa")["intel"]["nasa"]["treasury"]
        recovered += shown - guessed_error == match.agency["nasa"].treasury
    assert recovered <= 2


def test_a_rivals_budget_does_not_follow_from_its_public_support():
    # The formula of section 3 applied to the public support gives only the middle of a
    # private spread: the year's appropriation is keyed by the secret.
    economy = new_match(seed=SEED).content.rule("economy")
    budgets = []
    for secret in range(1, 41):
        match = secret_match(secret)
        d = match.content.agencies["nasa"]
        formula = yearly_budget(d.budget, match.agency["nasa"].support, economy)
        budget = match.agency["nasa"].budget
        assert abs(budget - formula) <= economy.appropriation_spread * formula + 1
        budgets.append(budget)
    assert sum(b == formula for b in budgets) <= 2
    assert len(set(budgets)) >= 30


def test_different_secrets_give_different_estimates_of_the_same_match():
    shown = {view(secret_match(s), "esa")["intel"]["nasa"]["budget"] for s in range(1, 21)}
    assert len(shown) >= 10


def test_the_secret_is_part_of_the_state_but_never_of_a_view():
    secret = 0x1234_5678_9ABC_DEF0_0FED_CBA9_8765_4321
    state = secret_match(secret)
    assert state.to_wire()["intel_secret"] == f"{secret:032x}"
    assert State.from_wire(state.to_wire()).intel_secret == secret
    assert state.clone().intel_secret == secret
    assert state_hash(state) != state_hash(secret_match(secret + 1))
    for seat in [*state.agencies, None]:
        text = json.dumps(view(state, seat))
        assert str(secret) not in text and f"{secret:x}" not in text and "secret" not in text


def test_without_a_secret_the_match_follows_from_its_seed_alone():
    assert new_match(seed=SEED).intel_secret == seed_intel_secret(SEED)
    assert state_hash(new_match(seed=SEED)) == state_hash(new_match(seed=SEED))


@pytest.mark.parametrize("bad", [-1, 2**128, True, "7"])
def test_an_intel_secret_must_be_a_128_bit_number(bad):
    with pytest.raises(ValueError, match="intel secret"):
        new_match(seed=SEED, intel_secret=bad)


def test_small_counts_are_shown_as_bands_that_hide_the_truth():
    state = new_match(seed=SEED)
    width = state.content.rule("intel").count_band
    exact_hits = 0
    tries = 0
    for secret in range(200):
        state.intel_secret = secret
        for agency, intel in view(state, "csa")["intel"].items():
            if intel["exact"]:
                continue
            real = sum(1 for p in state.programs.values() if p.agency == agency)
            low, high = intel["programs_range"]
            assert low <= real <= high and high - low == 2 * width and low >= 0
            assert intel["programs"] == (low + high) // 2
            low, high = intel["techs_range"]
            assert low <= len(state.agency[agency].known) <= high
            exact_hits += intel["programs"] == real
            tries += 1
    # The truth sits anywhere in the band, so the middle of it is right about one time in
    # 2 * width + 1 (a little more for counts near zero, where the band cannot go lower).
    assert exact_hits / tries < 0.4


def test_a_transparency_partner_sees_counts_as_single_point_bands():
    state = new_match(seed=SEED)
    intel = view(state, "nasa")["intel"]["jaxa"]
    assert intel["exact"] is True
    assert intel["techs_range"] == [intel["techs"], intel["techs"]]
    assert intel["programs_range"] == [intel["programs"], intel["programs"]]
