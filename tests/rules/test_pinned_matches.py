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
    100: "427cd940318625304adb6247dcd64d819b540c8499ee643a3c06deb322026d67",
    101: "694511c26fc98df7053a50cb062d42bd544ba4aebe1a1833e0673305af0dfd76",
    102: "63b5215c43a62ccbb96f939c9412488069785e92a304b8dd920dab21d43181a6",
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
