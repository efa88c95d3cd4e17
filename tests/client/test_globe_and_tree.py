"""The Moon's projection, the tech tree's layout, and the charts' ticks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from game.client.charts import nice_step
from game.client.globe import Camera, MoonGlobe
from game.client.techtree import layout_tree, tech_depths
from game.rules import load_content


def test_site_under_the_centre_of_the_disc_projects_to_the_centre():
    globe = MoonGlobe((400, 300), Camera(lat=-45.0, lon=120.0))
    x, y, visible = globe.project(-45.0, 120.0)
    assert visible
    assert (x, y) == pytest.approx((200.0, 150.0))


def test_far_side_sites_are_hidden_from_the_near_side():
    globe = MoonGlobe((400, 400), Camera(lat=0.0, lon=0.0))
    assert not globe.project(0.0, 180.0)[2]
    assert globe.project(0.0, 60.0)[2]


@pytest.mark.parametrize("lat, lon", [(-89.0, 40.0), (10.0, -30.0), (44.0, 170.0)])
def test_unproject_inverts_project(lat, lon):
    globe = MoonGlobe((500, 500), Camera(lat=lat - 5.0, lon=lon + 5.0, zoom=1.5))
    x, y, visible = globe.project(lat, lon)
    assert visible
    back = globe.unproject(x, y)
    assert back is not None
    assert back[0] == pytest.approx(lat, abs=1e-6)
    assert back[1] == pytest.approx(lon, abs=1e-6)


def test_south_pole_view_puts_the_pole_in_the_middle():
    globe = MoonGlobe((200, 200), Camera(lat=-90.0, lon=0.0))
    x, y, visible = globe.project(-90.0, 0.0)
    assert visible and (x, y) == pytest.approx((100.0, 100.0))


def test_render_is_a_disc_on_a_transparent_square():
    import pygame

    globe = MoonGlobe((120, 100))
    image = globe.render()
    assert image.get_size() == (120, 100)
    assert globe.render() is image  # cached while the camera does not move
    for draft in (False, True):
        backdrop = pygame.Surface((120, 100))
        backdrop.fill((200, 0, 0))
        backdrop.blit(globe.render(draft=draft), (0, 0))
        assert backdrop.get_at((1, 1))[:3] == (200, 0, 0)  # the sky shows through
        moon = backdrop.get_at((60, 50))
        assert moon.r == pytest.approx(moon.g, abs=30) and moon.g > 20  # grey, not sky
    globe.camera.rotate(10.0, 0.0)
    assert globe.render() is not image
    assert isinstance(image, pygame.Surface)


@dataclass
class _Tech:
    id: str
    name: str
    branch: str
    requires: tuple[str, ...] = ()


def test_tech_depth_is_one_more_than_the_deepest_prerequisite():
    techs = {
        "a": _Tech("a", "A", "x"),
        "b": _Tech("b", "B", "x", ("a",)),
        "c": _Tech("c", "C", "y", ("a", "b")),
        "d": _Tech("d", "D", "y"),
    }
    assert tech_depths(techs) == {"a": 0, "b": 1, "c": 2, "d": 0}


def test_tech_cycle_is_reported():
    techs = {"a": _Tech("a", "A", "x", ("b",)), "b": _Tech("b", "B", "x", ("a",))}
    with pytest.raises(ValueError, match="cycle"):
        tech_depths(techs)


def test_real_tree_layout_keeps_prerequisites_left_and_branches_apart():
    content = load_content("2021")
    layout = layout_tree(content.techs, list(content.branches))
    assert set(layout.nodes) == set(content.techs)
    for req, tid in layout.edges:
        assert layout.nodes[req][0] < layout.nodes[tid][0]
    bands = {branch: (top, top + height) for branch, top, height in layout.bands}
    for tid, (_x, y) in layout.nodes.items():
        top, bottom = bands[content.techs[tid].branch]
        assert top <= y <= bottom
    positions = list(layout.nodes.values())
    assert len(positions) == len(set(positions))


@pytest.mark.parametrize("span, step", [(10, 2.0), (95, 20.0), (4000, 1000.0), (0.7, 0.2)])
def test_chart_ticks_are_round(span, step):
    assert nice_step(span) == step
