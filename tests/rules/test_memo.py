"""The rules' bounded memories keep what they are given, up to their size."""

from __future__ import annotations

from game.rules.memo import Memo


def test_a_memo_keeps_answers_and_starts_over_when_full():
    memo: Memo[int, str] = Memo(3)
    assert [memo.keep(n, str(n)) for n in range(3)] == ["0", "1", "2"]
    assert memo == {0: "0", 1: "1", 2: "2"}
    assert memo.keep(3, "3") == "3"
    assert memo == {3: "3"}  # full: forgot everything, kept the new answer
    assert memo.get(0) is None
