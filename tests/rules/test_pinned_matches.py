"""Known matches end exactly where they always have.

The rules are made faster from time to time; none of that may change a single result, since
replays are hash-chained and a recorded match must play back the same. These matches of
random legal orders are pinned to a digest of their final state and of every turn's events,
taken before any of that work. The content's own hash is left out of the digest, so that
editing a content file's comments does not unpin them; a change to the rules or their numbers
does, and is then pinned again on purpose.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from game.rules import Rng, new_match, random_orders, resolve_turn

PINNED = {
    100: "12d7cd7263c87ec870bb0143c9d8324dcfa5b973c2e511eafbf659c654d6dc20",
    101: "ee3a35ad77b3e499ef46b47ad306aeb7552bc5cb20e70bc9c683569f176df05b",
    102: "ccb42946bfc30e2ff683024d2ab70f5071f6a8b271b627f1c1dc30f6cf4cf982",
}


def match_digest(seed: int) -> str:
    """A digest of a whole match of random orders: every turn's events and the final state."""
    state = new_match(seed=seed)
    rng = Rng(seed)
    digest = hashlib.sha256()
    while state.outcome is None:
        orders = {a: random_orders(state, a, rng) for a in state.agencies}
        state, events = resolve_turn(state, orders)
        for event in events:
            digest.update(json.dumps(event.to_wire(), sort_keys=True).encode())
    final = state.to_wire()
    del final["content_hash"]
    digest.update(json.dumps(final, sort_keys=True).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("seed", sorted(PINNED))
def test_a_pinned_match_ends_as_it_always_has(seed: int) -> None:
    assert match_digest(seed) == PINNED[seed]
