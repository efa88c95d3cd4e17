"""The environment's tests import PettingZoo through the game first, so that the process's
audio driver (the client tests' dummy one) is kept."""

import game.rl  # noqa: F401
