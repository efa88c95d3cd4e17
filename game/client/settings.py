"""The player's settings, kept in the user's config folder as `settings.json`.

`Settings` holds what the player chooses once and keeps: the name shown in rooms, the UI
scale, the window, sound, whether ending a turn asks first, and the colour-blind-safe agency
palette. `Settings.load()` never fails: a missing or damaged file, or a value out of range,
gives the default for that entry. `apply(app)` puts the settings into effect on a running
window; the scenes read the rest (`confirm_end_turn`, `volume`, `muted`) when they need it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from game.client import folders, theme

if TYPE_CHECKING:
    from game.client.app import App

FILE_NAME = "settings.json"
UI_SCALES = (0.75, 1.0, 1.25, 1.5, 2.0)  # besides None: fit the window
WINDOW_SIZES = ((1280, 800), (1440, 900), (1680, 1050), (1920, 1200))
MIN_WINDOW = (640, 400)
MAX_NAME = 32


@dataclass
class Settings:
    """Every setting with its default."""

    name: str = "Player"
    ui_scale: float | None = None  # None: the scale follows the window size
    window: tuple[int, int] = (1280, 800)
    fullscreen: bool = False
    volume: float = 0.75  # 0 to 1
    muted: bool = False
    confirm_end_turn: bool = True  # ask before the turn is ended
    colour_blind: bool = False  # agency colours told apart with every kind of colour vision
    server: str = "ws://127.0.0.1:8765"  # the last server joined

    # -- reading and writing ----------------------------------------------------------------
    @staticmethod
    def path() -> Path:
        return folders.config_folder() / FILE_NAME

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """The saved settings; defaults for anything missing or not usable."""
        data = folders.read_json(path or cls.path())
        return cls.from_dict(data if isinstance(data, dict) else {})

    def save(self, path: Path | None = None) -> Path:
        path = path or self.path()
        folders.write_json(path, self.to_dict())
        return path

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["window"] = list(self.window)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Settings from a file's contents; a wrong entry falls back to its default."""
        out = cls()
        known = {f.name for f in fields(cls)}
        for key, value in data.items():
            if key not in known:
                continue
            checked = _CHECKS[key](value)
            if checked is not None:
                setattr(out, key, checked)
        return out

    # -- what the settings mean -------------------------------------------------------------
    def scale_for(self, size: tuple[int, int]) -> float:
        """The UI scale for a window of `size`: the chosen one, or the one that fits."""
        return self.ui_scale if self.ui_scale is not None else theme.ui_scale(size)

    @property
    def loudness(self) -> float:
        """The volume sounds play at: 0 when muted."""
        return 0.0 if self.muted else self.volume


def _name(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()[:MAX_NAME]
    return None


def _scale(value: Any) -> float | None:
    # None in the file means "fit the window", which is also the default.
    if isinstance(value, int | float) and not isinstance(value, bool) and value in UI_SCALES:
        return float(value)
    return None


def _window(value: Any) -> tuple[int, int] | None:
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and value[0] >= MIN_WINDOW[0]
        and value[1] >= MIN_WINDOW[1]
    ):
        return (int(value[0]), int(value[1]))
    return None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _volume(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    return None


def _server(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("ws://", "wss://")) and len(value) < 200:
        return value
    return None


_CHECKS = {
    "name": _name,
    "ui_scale": _scale,
    "window": _window,
    "fullscreen": _flag,
    "volume": _volume,
    "muted": _flag,
    "confirm_end_turn": _flag,
    "colour_blind": _flag,
    "server": _server,
}


def apply(app: App, settings: Settings) -> None:
    """Put `settings` into effect on a running window: size, full screen, palette, scale."""
    app.settings = settings
    app.sounds.use(settings)
    theme.use_colour_blind_palette(settings.colour_blind)
    flags = pygame.RESIZABLE | (pygame.FULLSCREEN if settings.fullscreen else 0)
    fullscreen_now = bool(app.window.get_flags() & pygame.FULLSCREEN)
    if app.window.get_size() != settings.window or fullscreen_now != settings.fullscreen:
        app.window = pygame.display.set_mode(settings.window, flags)
    app.rebuild()
