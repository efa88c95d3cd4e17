"""The Moon's named features: the data file, and the globe's map drawn from it."""

from __future__ import annotations

import numpy as np
import pytest

from game.client.globe import make_albedo, shared_albedo
from game.client.moon_map import CRATER_LOOKS, Mare, MoonMap, load_moon_map, parse_moon_map

NEAR_SIDE_MARIA = (
    "Mare Imbrium",
    "Mare Serenitatis",
    "Mare Tranquillitatis",
    "Mare Crisium",
    "Mare Fecunditatis",
    "Mare Nectaris",
    "Mare Nubium",
    "Mare Humorum",
    "Oceanus Procellarum",
    "Mare Frigoris",
    "Mare Vaporum",
    "Mare Cognitum",
    "Mare Insularum",
    "Mare Smythii",
    "Mare Marginis",
    "Mare Australe",
    "Mare Orientale",
)
MAJOR_CRATERS = (
    "Tycho",
    "Copernicus",
    "Kepler",
    "Aristarchus",
    "Plato",
    "Clavius",
    "Grimaldi",
    "Langrenus",
    "Petavius",
    "Theophilus",
    "Shackleton",
    "de Gerlache",
)


def _at(albedo: np.ndarray, lat: float, lon: float) -> float:
    """The map's mean brightness in a 5x5 cell neighbourhood of a point."""
    height, width = albedo.shape
    row = int((90.0 - lat) / 180.0 * height)
    col = int((lon + 180.0) / 360.0 * width) % width
    return float(albedo[row - 2 : row + 3, col - 2 : col + 3].mean())


def test_the_surface_file_names_the_major_maria_and_craters():
    moon = load_moon_map()
    maria = {m.name for m in moon.maria}
    craters = {c.name for c in moon.craters}
    assert set(NEAR_SIDE_MARIA) <= maria
    assert set(MAJOR_CRATERS) <= craters


def test_sizes_are_read_in_kilometres_and_drawn_as_angles():
    imbrium = next(m for m in load_moon_map().maria if m.name == "Mare Imbrium")
    assert (imbrium.lat, imbrium.lon) == (32.8, -15.6)
    # 1146 km across on a Moon of radius 1737.4 km: 18.9 degrees of arc from centre to shore.
    assert imbrium.radius == pytest.approx(18.9, abs=0.05)
    tycho = load_moon_map().crater("tycho")
    assert tycho.look == "rays" and tycho.radius == pytest.approx(1.40, abs=0.01)


def test_every_feature_lies_on_the_sphere():
    moon = load_moon_map()
    for feature in (*moon.maria, *(d for m in moon.maria for d in m.lobes), *moon.craters):
        assert -90.0 <= feature.lat <= 90.0 and -180.0 <= feature.lon <= 180.0, feature
        assert 0.0 < feature.radius < 45.0, feature
    assert {c.look for c in moon.craters} <= set(CRATER_LOOKS)


def test_a_crater_of_unknown_look_is_refused_by_name():
    data = {
        "moon": {"radius_km": 1737.4},
        "craters": {
            "glow": {"name": "Glow", "lat": 0, "lon": 0, "diameter_km": 10, "look": "neon"}
        },
    }
    with pytest.raises(ValueError, match=r"\[craters.glow\]: look"):
        parse_moon_map(data)


def test_a_mare_darkens_the_map_where_the_data_puts_it():
    empty = MoonMap((), ())
    one = MoonMap((Mare("test", "Mare Testis", 0.0, 90.0, 10.0, 1.0),), ())
    bare = make_albedo(256, seed=5, moon=empty)
    with_mare = make_albedo(256, seed=5, moon=one)
    assert _at(with_mare, 0.0, 90.0) < _at(bare, 0.0, 90.0) - 0.25
    assert _at(with_mare, 0.0, -90.0) == pytest.approx(_at(bare, 0.0, -90.0), abs=0.02)


def test_the_near_side_maria_are_darker_than_the_highlands_around_them():
    albedo = shared_albedo()
    maria = [_at(albedo, m.lat, m.lon) for m in load_moon_map().maria if m.tone >= 0.9]
    highlands = [_at(albedo, lat, lon) for lat, lon in ((-30, 5), (-40, 30), (-5, 15), (50, 70))]
    assert max(maria) < min(highlands) - 0.1
