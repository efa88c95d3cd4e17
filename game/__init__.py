"""Lunar Race: a multiplayer strategy game about the new race to the Moon, 2021-2040."""

__version__ = "0.1.0"
