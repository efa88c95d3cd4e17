"""The Moon's named features: maria and craters at their published positions and sizes.

They are data, in `assets/moon/surface.toml`; the globe (game.client.globe) paints them into
its albedo map and the Moon panel labels them. Sizes are turned from kilometres into the
angle they cover on the sphere, which is what the globe draws with.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from game.client.assets import asset_file

CRATER_LOOKS = ("plain", "rays", "dark", "shadowed")


@dataclass(frozen=True)
class Disc:
    """A round patch of the surface: its centre and its angular radius in degrees."""

    lat: float
    lon: float
    radius: float


@dataclass(frozen=True)
class Mare:
    """A dark basaltic plain; irregular ones are the union of their lobes."""

    id: str
    name: str
    lat: float
    lon: float
    radius: float
    tone: float
    lobes: tuple[Disc, ...] = ()

    @property
    def discs(self) -> tuple[Disc, ...]:
        return (Disc(self.lat, self.lon, self.radius), *self.lobes)


@dataclass(frozen=True)
class Crater:
    id: str
    name: str
    lat: float
    lon: float
    radius: float
    look: str  # one of CRATER_LOOKS


@dataclass(frozen=True)
class MoonMap:
    maria: tuple[Mare, ...]
    craters: tuple[Crater, ...]

    def crater(self, crater_id: str) -> Crater:
        for crater in self.craters:
            if crater.id == crater_id:
                return crater
        raise KeyError(crater_id)


def _degrees(diameter_km: float, radius_km: float) -> float:
    """The angular radius, in degrees of arc, of a feature `diameter_km` across."""
    return math.degrees(diameter_km / 2.0 / radius_km)


def _number(table: dict[str, Any], key: str, where: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: {key} must be a number")
    return float(value)


def parse_moon_map(data: dict[str, Any]) -> MoonMap:
    """The features of a parsed surface file; ValueError names the first bad entry."""
    radius_km = _number(data.get("moon", {}), "radius_km", "[moon]")
    maria = []
    for mare_id, entry in data.get("maria", {}).items():
        where = f"[maria.{mare_id}]"
        lobes = []
        for lobe in entry.get("lobes", []):
            if len(lobe) != 3:
                raise ValueError(f"{where}: a lobe is [lat, lon, diameter_km]")
            lobes.append(Disc(float(lobe[0]), float(lobe[1]), _degrees(lobe[2], radius_km)))
        maria.append(
            Mare(
                mare_id,
                str(entry["name"]),
                _number(entry, "lat", where),
                _number(entry, "lon", where),
                _degrees(_number(entry, "diameter_km", where), radius_km),
                _number(entry, "tone", where),
                tuple(lobes),
            )
        )
    craters = []
    for crater_id, entry in data.get("craters", {}).items():
        where = f"[craters.{crater_id}]"
        look = str(entry.get("look", "plain"))
        if look not in CRATER_LOOKS:
            raise ValueError(f"{where}: look must be one of {', '.join(CRATER_LOOKS)}")
        craters.append(
            Crater(
                crater_id,
                str(entry["name"]),
                _number(entry, "lat", where),
                _number(entry, "lon", where),
                _degrees(_number(entry, "diameter_km", where), radius_km),
                look,
            )
        )
    return MoonMap(tuple(maria), tuple(craters))


@cache
def load_moon_map(path: Path | None = None) -> MoonMap:
    """The features in `path` (default: the game's own surface file), read once."""
    source = path or asset_file("moon", "surface.toml")
    with open(source, "rb") as f:
        return parse_moon_map(tomllib.load(f))
