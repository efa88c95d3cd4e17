"""The menu scenes start, answer real input events and draw something."""

from __future__ import annotations

import pygame

from game.client.new_game import NewGameScene
from game.client.settings import Settings
from game.client.title import TitleScene
from tests.client.conftest import click, find, frames, press, shot


def test_title_screen_draws_and_opens_new_game_with_n(app):
    app.show(TitleScene(app))
    frames(app)
    shot(app, "title")
    press(app, pygame.K_n)
    assert isinstance(app.scene, NewGameScene)


def test_new_game_choices_follow_clicks(app):
    scene = NewGameScene(app)
    app.show(scene)
    frames(app)
    click(app, find(app, "#agency_esa"))
    assert scene.setup.agency == "esa"
    assert "esa" not in scene.setup.rivals and "nasa" in scene.setup.rivals
    click(app, find(app, "#rival_cnsa"))
    assert "cnsa" not in scene.setup.rivals
    click(app, find(app, "#level_hard"))
    assert scene.setup.ai_level == "hard"
    click(app, find(app, "#level_jaxa_easy"))
    assert scene.setup.level_of("jaxa") == "easy" and scene.setup.level_of("csa") == "hard"
    shot(app, "new_game_levels")
    click(app, find(app, "#level_normal"))  # every rival again
    assert {scene.setup.level_of(a) for a in scene.setup.rivals} == {"normal"}
    click(app, find(app, "#length_10"))
    assert scene.setup.turns == 10
    shot(app, "new_game")
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.scene, TitleScene)


def test_window_resize_rescales_the_layout(app):
    app.show(TitleScene(app))
    frames(app)
    small = find(app, "#title_0").rect.width
    app.window = pygame.display.set_mode((2560, 1440), pygame.RESIZABLE)
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(2560, 1440), w=2560, h=1440))
    frames(app)
    assert app.scale == 1.75
    assert find(app, "#title_0").rect.width > small * 1.5
    shot(app, "title_2560")
    # The next start opens the window at the size the player dragged it to.
    assert Settings.load().window == (2560, 1440)


def test_title_r_opens_the_replay_picker(app):
    scene = TitleScene(app)
    app.show(scene)
    frames(app)
    press(app, pygame.K_r)
    assert scene._dialog is not None and scene._dialog.alive()


def test_play_command_is_registered_with_its_options():
    from game.cli import build_parser

    args = build_parser().parse_args(
        [
            "play",
            "--connect",
            "ws://127.0.0.1:9",
            "--quick",
            "--agency",
            "esa",
            "--turns",
            "4",
            "--size",
            "1024x640",
        ]
    )
    assert args.connect == "ws://127.0.0.1:9" and args.agency == "esa"
    assert args.turns == 4 and args.size == (1024, 640)
    assert callable(args.handler)


def test_new_game_shows_the_chosen_agencys_objectives(app):
    scene = NewGameScene(app)
    app.show(scene)
    frames(app)
    click(app, find(app, "#agency_esa"))
    texts = [
        str(getattr(e, "html_text", ""))
        for e in app.ui.get_sprite_group().sprites()
        if e.alive() and hasattr(e, "html_text")
    ]
    assert any(
        "Europe&#x27;s drill finds ice" in t or "Europe's drill finds ice" in t for t in texts
    )
    assert not any("Artemis astronauts" in t for t in texts)
    shot(app, "new_game_objectives")
