"""The Moon panel's south-pole view, and the replay viewer showing only what a replay has."""

from __future__ import annotations

import itertools

import pygame
import pytest

from game.client.game_screen import GameScene
from game.client.globe import Camera, MoonGlobe
from game.client.moon_view import POLE_VIEW
from game.client.replay_viewer import ReplayFrames, ReplaySession
from game.rules import load_content
from tests.client.conftest import click, find, frames, press, shot

POLAR_SITES = {s.name for s in load_content("2021").sites.values() if s.lat < -80.0}


@pytest.fixture(scope="module")
def frames_2021() -> ReplayFrames:
    return ReplayFrames.play(seed=4, turns=2)


@pytest.fixture
def replay(app, frames_2021) -> GameScene:
    app.router.game(ReplaySession(frames_2021, "esa"))
    frames(app)
    assert isinstance(app.scene, GameScene)
    return app.scene


def _no_overlaps(labels: list[tuple[str, pygame.Rect]]) -> None:
    rects = [rect for _text, rect in labels]
    for n, rect in enumerate(rects):
        assert rect.collidelist(rects[n + 1 :]) < 0, f"{labels[n][0]} is covered"


def test_p_zooms_the_globe_to_the_south_pole_and_names_every_site(app, replay):
    moon = replay.moon
    frames(app)
    assert moon.globe.camera.zoom < 2.0
    press(app, pygame.K_p, settle=2)
    camera = moon.globe.camera
    assert (camera.lat, camera.lon, camera.zoom) == POLE_VIEW
    labels = moon.drawn_labels["globe"]
    assert {text for text, _ in labels} >= POLAR_SITES
    _no_overlaps(labels)
    for _text, rect in labels:
        assert moon.rect.contains(rect)
    shot(app, "south_pole_view")
    press(app, pygame.K_HOME, settle=2)
    assert moon.globe.camera.zoom == 1.0
    shot(app, "near_side")


def test_the_inset_names_every_polar_site_in_full(app, replay):
    frames(app)
    labels = replay.moon.drawn_labels["inset"]
    texts = {text for text, _ in labels}
    assert "de Gerlache" in texts  # not cut to "de"
    assert len(texts) == len(POLAR_SITES)
    _no_overlaps(labels)
    inset = replay.moon.inset_rect
    for _text, rect in labels:
        assert inset.contains(rect)


def test_crater_floors_shade_off_smoothly_when_zoomed_in():
    """At the south-pole view's zoom a crater's edge is a ramp, not a stair of big pixels."""
    globe = MoonGlobe((500, 500), Camera(*POLE_VIEW))
    image = globe.render()
    cabeus = load_content("2021").sites["cabeus"]
    x, y, visible = globe.project(cabeus.lat, cabeus.lon)
    assert visible
    line = [image.get_at((int(x) + dx, int(y)))[0] for dx in range(0, 200)]
    steps = [abs(b - a) for a, b in itertools.pairwise(line)]
    assert max(line) - min(line) > 60  # the dark floor and the bright plain are both there
    assert max(steps) < 0.2 * (max(line) - min(line))


def test_a_replay_has_no_chat_and_its_menu_speaks_of_the_replay(app, replay):
    with pytest.raises(AssertionError):
        find(app, "#chat")
    press(app, pygame.K_c)  # nothing to type in
    press(app, pygame.K_ESCAPE, settle=2)
    assert replay.overlay == "menu"
    text = find(app, "#menu_text").html_text
    assert "recorded match" in text and "AI" not in text
    shot(app, "replay_menu")
    press(app, pygame.K_ESCAPE)
    press(app, pygame.K_F1, settle=2)
    help_text = find(app, "#help_text").html_text
    assert "PageUp" in help_text and "end the turn" not in help_text and "chat" not in help_text


def test_the_replay_file_dialog_asks_for_the_format_the_game_writes(app):
    app.router.title()
    frames(app)
    press(app, pygame.K_r, settle=2)
    dialog = app.scene._dialog
    assert dialog is not None and dialog.alive()
    assert ".json.gz" in dialog.window_display_title
    click(app, find(app, "#close_button"))


def test_dragging_the_pole_close_up_keeps_its_look():
    """The draft frames drawn while the globe moves use the same fine polar map."""
    import numpy as np

    globe = MoonGlobe((300, 300), Camera(*POLE_VIEW))
    still = pygame.surfarray.array2d(globe.render()).astype(int)
    moving = pygame.surfarray.array2d(globe.render(draft=True)).astype(int)
    assert float(np.abs(still - moving).mean()) < 4.0
