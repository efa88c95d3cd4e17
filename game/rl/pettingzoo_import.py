"""PettingZoo, imported without its side effect on the rest of the process.

Importing `pettingzoo` sets SDL's audio driver to Linux's old `dsp` for the whole process,
which leaves a pygame window in the same process without sound (`dsp` is rarely there).
Importing it through this module keeps the driver the process had chosen.
"""

from __future__ import annotations

import os

_AUDIO = "SDL_AUDIODRIVER"
_chosen = os.environ.get(_AUDIO)

import pettingzoo  # noqa: E402  (the driver is read above, before the import changes it)

if _chosen is None:
    os.environ.pop(_AUDIO, None)
else:
    os.environ[_AUDIO] = _chosen

__all__ = ["pettingzoo"]
