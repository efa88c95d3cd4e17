"""Sound: which events call for which cue, the made sounds and their licence, mute and volume."""

from __future__ import annotations

import re

import numpy as np
import pygame
import pytest

from game.client import sound
from game.client.assets import asset_file
from game.client.settings import Settings
from game.client.sound import CUES, MUSIC, SoundBoard, turn_cues
from game.client.sound_recipes import RATE, RECIPES
from tests.client.conftest import click, end_turn, find, frames, press


def _flight(agency: str, result: str, steps: list[list[object]], partners=()) -> dict:
    data = {"result": result, "steps": steps, "partners": list(partners)}
    return {"kind": "mission_flown", "agency": agency, "data": data}


LANDED = [["launch", 0.9, True], ["cruise", 0.9, True], ["descent", 0.8, True]]
ORBITED = [["launch", 0.9, True], ["orbit insertion", 0.9, True]]
LOST = [["launch", 0.9, True], ["descent", 0.8, False]]


def test_a_turn_sounds_its_chime_first():
    assert turn_cues([], "esa") == ["turn"]


def test_the_seats_own_landing_sounds_a_launch_then_a_landing():
    assert turn_cues([_flight("esa", "success", LANDED)], "esa") == ["turn", "launch", "landing"]


def test_an_orbiter_launches_without_landing():
    assert turn_cues([_flight("esa", "success", ORBITED)], "esa") == ["turn", "launch"]


def test_a_failed_flight_sounds_the_failure():
    assert turn_cues([_flight("esa", "failure", LOST)], "esa") == ["turn", "launch", "failure"]


def test_a_partners_flight_is_the_seats_own_and_a_rivals_is_not():
    joint = _flight("nasa", "success", LANDED, partners=["esa"])
    assert "landing" in turn_cues([joint], "esa")
    assert turn_cues([_flight("cnsa", "success", LANDED)], "esa") == ["turn"]
    assert "landing" in turn_cues([_flight("cnsa", "success", LANDED)], None)  # spectator


def test_only_a_first_achieved_sounds_the_fanfare():
    first = {"kind": "milestone", "agency": "cnsa", "data": {"rank": 1}}
    second = {"kind": "milestone", "agency": "nasa", "data": {"rank": 2}}
    assert "first" in turn_cues([first], "esa")
    assert "first" not in turn_cues([second], "esa")


def test_a_proposal_sounds_only_for_the_seat_it_is_addressed_to():
    offer = {"kind": "proposal_made", "agency": "nasa", "data": {"proposal": {"to": "esa"}}}
    assert turn_cues([offer], "esa")[-1] == "proposal"
    assert "proposal" not in turn_cues([offer], "jaxa")
    assert "proposal" not in turn_cues([offer], None)


def test_many_events_make_one_of_each_cue_in_story_order():
    events = [
        {"kind": "proposal_made", "agency": "nasa", "data": {"proposal": {"to": "esa"}}},
        {"kind": "milestone", "agency": "esa", "data": {"rank": 1}},
        _flight("esa", "success", LANDED),
        _flight("esa", "success", LANDED),
    ]
    assert turn_cues(events, "esa") == ["turn", "launch", "landing", "first", "proposal"]


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_every_recipe_makes_a_clean_sound(name):
    samples = RECIPES[name]()
    assert samples.dtype == np.float32
    assert 0.5 * RATE < len(samples) < 60 * RATE
    assert np.abs(samples).max() <= 1.0
    assert float(np.sqrt(np.mean(samples**2))) > 0.02, "(nearly) silent"
    assert abs(samples[0]) < 0.02 and abs(samples[-1]) < 0.02, "starts or ends with a click"


def test_every_sound_file_ships_with_its_origin_and_licence():
    folder = asset_file("sounds")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert re.search(r"licen[cs]e", readme, re.IGNORECASE)
    shipped = {p.name for p in folder.iterdir() if p.name != "README.md"}
    assert shipped == {f"{name}.ogg" for name in (*CUES, MUSIC)}
    for name in shipped:
        assert f"`{name}`" in readme, f"{name} has no origin written beside it"


def test_no_audio_device_means_silence_not_a_crash(monkeypatch):
    def no_device(*_args, **_kwargs):
        raise pygame.error("no audio device")

    monkeypatch.setattr(pygame.mixer, "get_init", lambda: None)
    monkeypatch.setattr(pygame.mixer, "init", no_device)
    board = SoundBoard(Settings())
    assert not board.available
    board.turn_resolved("room", 1, [_flight("esa", "success", LANDED)], "esa")
    board.update(10.0)
    assert board.played == []
    assert board.toggle_mute() is False


def test_cues_sound_in_turn_at_the_players_volume_and_not_when_muted():
    board = SoundBoard(Settings(volume=0.4))
    assert board.available, "SDL's dummy audio driver gives a mixer"
    board.turn_resolved("room", 3, [_flight("esa", "success", LANDED)], "esa")
    board.turn_resolved("room", 3, [], "esa")  # the same turn again: no second chime
    board.update(0.1)
    assert board.played == ["turn"]
    board.update(5.0)
    assert board.played == ["turn", "launch", "landing"]
    assert board.sounds["landing"].get_volume() == pytest.approx(0.4, abs=0.01)
    assert pygame.mixer.music.get_volume() == pytest.approx(0.4 * sound.MUSIC_LEVEL, abs=0.01)
    board.toggle_mute()
    assert pygame.mixer.music.get_volume() == 0.0
    board.turn_resolved("room", 4, [], "esa")
    board.update(5.0)
    assert board.played == ["turn", "launch", "landing"]
    board.close()


def test_m_mutes_where_the_screen_has_no_use_for_it_but_not_while_typing(app):
    app.router.title()
    frames(app)
    assert not app.sounds.settings.muted
    press(app, pygame.K_m)
    assert app.sounds.settings.muted
    press(app, pygame.K_m)
    assert not app.sounds.settings.muted
    app.router.browser()
    frames(app)
    entry = find(app, "#url")
    click(app, entry)
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="m"))
    press(app, pygame.K_m)
    assert not app.sounds.settings.muted, "typing an m in a field muted the game"
    press(app, pygame.K_m, mod=pygame.KMOD_CTRL)
    assert not app.sounds.settings.muted, "Ctrl+M in a text field"


def test_a_turn_resolved_in_a_local_game_sounds_its_chime(app):
    from game.client.game_screen import GameScene
    from game.client.new_game import NewGameScene
    from tests.client.conftest import wait_until

    app.show(NewGameScene(app))
    frames(app)
    click(app, find(app, "#length_10"))
    click(app, find(app, "#start"))
    scene = app.scene
    assert isinstance(scene, GameScene)
    model = scene.model
    wait_until(app, lambda: bool(model.history) and bool(model.legal))
    assert "turn" not in app.sounds.played  # the opening view is no resolved turn
    end_turn(app)
    wait_until(app, lambda: model.turn == 1, 20)
    wait_until(app, lambda: "turn" in app.sounds.played, 2)


def test_the_board_closes_quietly_after_the_mixer_has_stopped():
    board = SoundBoard(Settings())
    board.play("turn")
    pygame.mixer.quit()
    board.update(1.0)  # the cue falls silent instead of raising
    board.toggle_mute()
    board.close()
    assert board.played == []


def test_every_shipped_cue_plays_through_pygame():
    SoundBoard(Settings())  # starts the mixer
    for cue in CUES:
        length = pygame.mixer.Sound(str(asset_file("sounds", f"{cue}.ogg"))).get_length()
        assert 0.5 < length < 5.0, cue
