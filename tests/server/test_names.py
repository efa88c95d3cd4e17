"""Names: printable, trimmed, and unique where they are shown side by side."""

from __future__ import annotations

import pytest

from game.protocol.errors import ProtocolError
from server.names import clean_name, folded, unique_name


@pytest.mark.parametrize("raw", ["Ada\x00", "\u202eAda", "A\u200dda", "Ada\u2028", "\t \u3000"])
def test_a_name_that_could_disguise_itself_is_refused(raw: str) -> None:
    with pytest.raises(ProtocolError):
        clean_name(raw)


def test_spaces_are_trimmed_and_runs_of_them_made_one() -> None:
    assert clean_name("  Ada \u00a0  Lovelace ") == "Ada Lovelace"


def test_a_name_in_use_gets_the_next_free_number_ignoring_case_and_width() -> None:
    used = {folded("Ada"), folded("ada 2")}
    assert unique_name("ADA", used) == "ADA 3"
    assert unique_name("\uff21da", {folded("Ada")}) == "\uff21da 2"  # full-width A
    assert unique_name("Bo", used) == "Bo"
    assert len(unique_name("x" * 32, {folded("x" * 32)})) == 32
