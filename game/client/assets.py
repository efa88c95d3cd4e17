"""Where the client's data files are: the checkout's assets/, or the installed game.assets."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def asset_file(*parts: str) -> Path:
    """A file under assets/ (e.g. `asset_file("moon", "surface.toml")`)."""
    here = Path(__file__).resolve().parents[2] / "assets"
    if here.is_dir():
        return here.joinpath(*parts)
    return Path(str(resources.files("game.assets").joinpath(*parts)))
