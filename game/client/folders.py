"""Where the client keeps things on this machine: the config folder and the data folder.

Settings live in the user's config folder; local games, their replays and the seat tokens
for online rooms live in the user's data folder. platformdirs gives each operating system's
usual places (`~/.config/lunar-race` and `~/.local/share/lunar-race` on Linux, the
Application Support folder on macOS, AppData on Windows). `LUNAR_RACE_HOME`, when set, puts
both under one folder instead (`config/` and `data/` inside it): for a portable install, and
for tests, which must never write to the real folders.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "lunar-race"
HOME_VARIABLE = "LUNAR_RACE_HOME"


def _home() -> Path | None:
    home = os.environ.get(HOME_VARIABLE, "").strip()
    return Path(home).expanduser() if home else None


def config_folder() -> Path:
    """The folder the settings file lives in (not created here)."""
    home = _home()
    if home is not None:
        return home / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_folder() -> Path:
    """The folder saved games and seat tokens live in (not created here)."""
    home = _home()
    if home is not None:
        return home / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def write_json(path: Path, data: Any, *, private: bool = False) -> None:
    """Write `data` as JSON all at once (a new file renamed over the old one), so that a
    crash halfway leaves the old file whole. `private`: only the owner may read it (files
    that hold seat tokens)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    tmp.touch(mode=0o600 if private else 0o644)
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> Any:
    """The JSON in `path`, or None when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
