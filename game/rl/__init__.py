"""Lunar Race as a PettingZoo environment, for reinforcement learning and search.

`LunarRaceEnv` is a `ParallelEnv` in which each agent is an agency; `aec_env()` is the
same game in PettingZoo's turn-by-turn (AEC) form. Needs the `rl` extra (pettingzoo,
gymnasium, numpy). The action space and the observation are described in `game.rl.env`.
"""

from game.rl import pettingzoo_import  # noqa: F401  (before env: keeps the audio driver)
from game.rl.env import END_TURN, LunarRaceEnv, aec_env

__all__ = ["END_TURN", "LunarRaceEnv", "aec_env"]
