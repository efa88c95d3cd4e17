"""What the client keeps: the player's settings."""

from __future__ import annotations

import json

import pygame

from game.client import theme
from game.client.app import App
from game.client.game_screen import GameScene
from game.client.new_game import NewGameScene
from game.client.settings import Settings
from game.client.settings_screen import SettingsScene
from game.client.title import TitleScene
from server.local import LocalServer
from tests.client.conftest import click, find, frames, press, shot


def button_with_text(app: App, text: str):
    for element in app.ui.get_sprite_group().sprites():
        if getattr(element, "text", None) == text and element.alive():
            return element
    raise AssertionError(f"no button {text!r} on screen")


def type_into(app: App, widget, text: str, *, enter: bool = True) -> None:
    """Click into a text field, type `text` as key presses would, and press Enter."""
    click(app, widget)
    widget.set_text("")  # as select-all and delete would
    frames(app)
    for char in text:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=char))
    frames(app, 2)
    if enter:
        press(app, pygame.K_RETURN, settle=2)


# -- settings ---------------------------------------------------------------------------------
def test_settings_are_written_read_back_and_applied(app, own_home):
    app.show(TitleScene(app))
    frames(app)
    press(app, pygame.K_s)
    assert isinstance(app.scene, SettingsScene)
    type_into(app, find(app, "#setting_name"), "Valentina")
    click(app, find(app, "#setting_colour_blind_True"), settle=2)
    click(app, find(app, "#setting_muted_True"), settle=2)
    click(app, find(app, "#setting_confirm_end_turn_False"), settle=2)
    click(app, button_with_text(app, "50%"), settle=2)
    shot(app, "settings")
    click(app, button_with_text(app, "125%"), settle=2)
    click(app, button_with_text(app, "1440x900"), settle=2)

    written = json.loads((own_home / "config" / "settings.json").read_text())
    assert written["name"] == "Valentina" and written["window"] == [1440, 900]
    back = Settings.load()
    assert back == app.settings
    assert (back.ui_scale, back.volume, back.muted) == (1.25, 0.5, True)
    assert back.confirm_end_turn is False and back.colour_blind is True
    assert back.loudness == 0.0
    # Applied: the window, the scale of every widget, the palette.
    assert app.window.get_size() == (1440, 900)
    assert app.scale == 1.25 and app.fonts.scale == 1.25
    assert theme.agency_colour("roscosmos") == theme.COLOUR_BLIND_AGENCY_COLOURS["roscosmos"]
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.scene, TitleScene)
    # A window opened later starts from the same settings.
    app.close()
    again = App(back.window, local_host=LocalServer, settings=Settings.load())
    try:
        assert again.scale == 1.25 and again.settings.name == "Valentina"
        assert theme.agency_colour("nasa") == theme.COLOUR_BLIND_AGENCY_COLOURS["nasa"]
    finally:
        again.close()
        theme.use_colour_blind_palette(False)


def test_a_damaged_settings_file_gives_the_defaults_for_what_is_wrong(own_home):
    path = own_home / "config" / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"name": "Yuri", "volume": 7, "window": [10, 10], "ui_scale": 0.3}))
    settings = Settings.load()
    assert settings.name == "Yuri"
    assert (settings.volume, settings.window, settings.ui_scale) == (0.75, (1280, 800), None)
    path.write_text("{not json")
    assert Settings.load() == Settings()


def test_the_settings_open_from_the_in_game_menu_and_lead_back_to_the_game(app):
    app.show(NewGameScene(app))
    frames(app)
    click(app, find(app, "#length_10"))
    click(app, find(app, "#start"))
    game = app.scene
    assert isinstance(game, GameScene)
    press(app, pygame.K_ESCAPE)
    click(app, find(app, "#settings"), settle=2)
    assert isinstance(app.scene, SettingsScene)
    press(app, pygame.K_ESCAPE, settle=2)
    assert app.scene is game
