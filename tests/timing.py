"""The one time factor of the whole suite: every wait, deadline and timeout in the tests is
multiplied by SCALE. Set LUNAR_RACE_TEST_SCALE to slow them all down on a loaded machine."""

from __future__ import annotations

import os

SCALE = float(os.environ.get("LUNAR_RACE_TEST_SCALE", "1.0"))


def scaled(seconds: float) -> float:
    """`seconds`, in the suite's time."""
    return seconds * SCALE
