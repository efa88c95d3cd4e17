"""The match's random generator: SplitMix64, held as one integer in the state.

Python's `random` module is not used: its state is large and its algorithms may change between
versions. SplitMix64 is a few integer operations, passes the usual statistical tests, and gives
the same numbers on every machine, so a seed and the orders fix the whole match.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

MASK = (1 << 64) - 1


def seed_state(seed: int) -> int:
    """Turn any integer seed into a generator state.

    The seed goes through SplitMix64's mixing step, so neighbouring seeds start far apart:
    a plain linear map would make seed n + 1's stream seed n's shifted by one draw.
    """
    z = (seed + 0x632BE59BD9B4E019) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class Rng:
    """A SplitMix64 generator; `state` is read back into the match state after use."""

    __slots__ = ("state",)

    def __init__(self, state: int) -> None:
        self.state = state & MASK

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def random(self) -> float:
        """A float in [0, 1) with 53 random bits."""
        return (self.next_u64() >> 11) * (1.0 / (1 << 53))

    def below(self, n: int) -> int:
        """An integer in [0, n)."""
        if n <= 0:
            raise ValueError("n must be positive")
        return self.next_u64() % n

    def choice(self, items: list[T]) -> T:
        return items[self.below(len(items))]

    def weighted(self, weights: list[int]) -> int:
        """An index picked with the given integer weights (at least one positive)."""
        total = sum(weights)
        roll = self.below(total)
        for i, w in enumerate(weights):
            if roll < w:
                return i
            roll -= w
        raise ValueError("weights must have a positive sum")
