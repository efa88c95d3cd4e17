"""Bounded memories of answers the rules work out again and again: costs by content, tables by
what an agency knows, the same command values every turn."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    """Answers by key, at most `most` of them. When full it starts over: the keys in use at
    any time are few, and an answer dropped is simply worked out again."""

    __slots__ = ("most",)

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most

    def keep(self, key: K, value: V) -> V:
        """Remember `value` for `key`, and return it."""
        if len(self) >= self.most:
            self.clear()
        self[key] = value
        return value
