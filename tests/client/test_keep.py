"""What the client keeps: settings, local games continued from the title screen, seats that
survive the client, and a lobby that stays current without the player asking."""

from __future__ import annotations

import json
import sqlite3
import time

import pygame
import pytest

from game import rules
from game.client import theme
from game.client.app import App
from game.client.game_screen import GameScene
from game.client.lobby import BrowserScene
from game.client.net_link import NetLink
from game.client.new_game import GameSetup, NewGameScene
from game.client.saved_games import SavedGamesScene
from game.client.saves import latest_in_progress, saved_games
from game.client.seat_book import SeatBook
from game.client.settings import Settings
from game.client.settings_screen import SettingsScene
from game.client.title import TitleScene
from server.local import LocalServer
from tests.client.conftest import (
    browse,
    click,
    end_turn,
    find,
    frames,
    open_room,
    press,
    shot,
    wait_until,
)
from tests.timing import scaled


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


def state_hash_served(session) -> str:
    """The hash of the state the local server holds for the session's room."""
    room = session.server.game.lobby.rooms[session.model.room]
    return rules.state_hash(room.state)


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
    press(app, pygame.K_j)  # the name is the one rooms will show
    assert isinstance(app.scene, BrowserScene) and app.scene.name == "Valentina"
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
    assert "Continue on the title screen" in find(app, "#menu_text").html_text
    click(app, find(app, "#settings"), settle=2)
    assert isinstance(app.scene, SettingsScene)
    press(app, pygame.K_ESCAPE, settle=2)
    assert app.scene is game


# -- saves ------------------------------------------------------------------------------------
def test_a_local_game_closed_mid_match_continues_from_the_title_at_the_same_state(app):
    app.show(NewGameScene(app))
    frames(app)
    click(app, find(app, "#length_10"))
    click(app, find(app, "#start"))
    scene = app.scene
    assert isinstance(scene, GameScene)
    model = scene.model
    wait_until(app, lambda: bool(model.history) and bool(model.legal))
    end_turn(app)
    wait_until(app, lambda: model.turn == 1, scaled(20))
    turn, version, view = model.turn, model.version, model.view
    before = state_hash_served(scene.session)
    kept = latest_in_progress()
    assert kept is not None and kept.turn == turn and kept.seat == scene.session.seat
    app.close()  # the window closes mid-match; its local server stops with it
    # ... and the player comes back after the turn's deadline (a week) has passed.
    with sqlite3.connect(kept.folder / "lunar-race.sqlite") as db:
        db.execute("UPDATE snapshots SET deadline = ?", (time.time() - 3600,))

    window = App((1280, 800), local_host=LocalServer)
    try:
        window.show(TitleScene(window))
        frames(window)
        shot(window, "title_continue")
        click(window, find(window, "#continue"), settle=2)
        resumed = window.scene
        assert isinstance(resumed, GameScene), "the game did not continue"
        again = resumed.model
        assert (again.turn, again.version) == (turn, version)
        assert again.view == view
        assert state_hash_served(resumed.session) == before
        assert resumed.session.can_act
        # Back after the turn's deadline had passed, the player still has time to play it.
        assert (again.seconds_left() or 0) > 86400
        # It goes on: the next turn resolves and the save follows it.
        end_turn(window)
        wait_until(window, lambda: again.turn == turn + 1, scaled(20))
        wait_until(window, lambda: saved_games()[0].turn == turn + 1, scaled(5))
    finally:
        window.close()


def test_the_list_of_games_shows_games_in_progress_and_continues_one(app):
    app.show(NewGameScene(app))
    frames(app)
    click(app, find(app, "#start"))
    assert isinstance(app.scene, GameScene)
    wait_until(app, lambda: bool(app.scene.model.history))
    app.scene.leave_game()
    assert isinstance(app.scene, TitleScene)
    press(app, pygame.K_l)
    assert isinstance(app.scene, SavedGamesScene)
    (game,) = saved_games()
    frames(app)
    shot(app, "saved_games")
    click(app, find(app, f"#continue_{game.id}"), settle=2)
    assert isinstance(app.scene, GameScene)
    assert app.scene.model.turn == 0


def test_a_finished_local_game_keeps_its_result_and_replay_and_opens_it(app):
    assert app.router.local_game(GameSetup(agency="esa", rivals=["cnsa"], turns=2, seed=9))
    model = app.scene.model
    wait_until(app, lambda: bool(model.history))
    while model.outcome is None:
        turn = model.turn
        end_turn(app)
        wait_until(app, lambda t=turn: model.turn != t or model.outcome is not None, scaled(20))
    wait_until(app, lambda: saved_games()[0].has_replay, scaled(10))
    (game,) = saved_games()
    assert game.over and game.result and latest_in_progress() is None
    app.scene.leave_game()
    frames(app)
    with pytest.raises(AssertionError):
        find(app, "#continue")  # nothing left to continue
    press(app, pygame.K_l)
    frames(app)
    click(app, find(app, f"#delete_{game.id}"), settle=2)
    assert saved_games(), "one press only asks"
    click(app, find(app, f"#replay_{game.id}"), settle=2)
    assert isinstance(app.scene, GameScene) and app.scene.replay
    assert app.scene.model.seat == "esa"


# -- seats that survive -------------------------------------------------------------------------
def test_a_client_killed_during_an_online_match_gets_its_seat_back_from_the_lobby(app, server):
    browser, room_id = open_room(app, server, "nasa")
    click(app, find(app, "#ready"))
    wait_until(app, lambda: any(s.get("ready") for s in browser.room["seats"]))
    click(app, find(app, "#start"))
    wait_until(app, lambda: isinstance(app.scene, GameScene), scaled(15))
    token = app.scene.session.seat.token
    app.close()  # nothing of the client is left but what it wrote down

    window = App((1280, 800), local_host=LocalServer)
    try:
        window.router.browser(url=server.url, name="Ada", auto_connect=True)
        lobby = window.scene
        wait_until(window, lambda: lobby.stage == "rooms" and bool(lobby.rooms))
        frames(window, 2)
        shot(window, "lobby_rejoin")
        assert find(window, f"#enter_{room_id}").text == "Rejoin"
        click(window, find(window, f"#rejoin_{room_id}"), settle=2)
        wait_until(window, lambda: isinstance(window.scene, GameScene), scaled(15))
        session = window.scene.session
        wait_until(window, lambda: bool(session.model.history), scaled(10))
        assert session.seat.seat == "nasa" and session.seat.token == token
        assert session.can_act and window.scene.model.view.get("me")
    finally:
        window.close()


def test_a_seat_given_up_is_crossed_out_of_the_book(app, server):
    _, room_id = open_room(app, server, "esa")
    held = SeatBook().get(server.url, room_id)
    assert held is not None and held.seat is not None and held.host_token
    click(app, button_with_text(app, "Leave seat"), settle=2)
    held = SeatBook().get(server.url, room_id)
    assert held is not None and held.seat is None  # the host token stays


# -- a lobby that stays current ---------------------------------------------------------------
def test_one_client_sees_another_take_a_seat_without_doing_anything(app, server):
    browser = browse(app, server)
    other = NetLink(server.url, "Grace")
    other.open()
    try:
        created = other.request(lambda c: c.create_room("Grace's race", seats=["nasa", "esa"]))
        room_id = created["room"]
        # The new room shows in the list by itself.
        wait_until(app, lambda: any(r["id"] == room_id for r in browser.rooms), scaled(5))
        click(app, find(app, f"#enter_{room_id}"), settle=2)
        wait_until(app, lambda: browser.stage == "room")
        assert find(app, "#take_esa")
        other.request(lambda c: c.join(room_id, "esa"))
        # No event is posted from here on: the frames only run.
        wait_until(
            app,
            lambda: any(
                s["agency"] == "esa" and s.get("player") == "Grace" for s in browser.room["seats"]
            ),
            scaled(5),
        )
        frames(app, 2)
        with pytest.raises(AssertionError):
            find(app, "#take_esa")
        assert find(app, "#take_nasa")
    finally:
        other.close()


def test_an_unlisted_room_is_opened_by_its_id_and_a_private_one_with_its_key(app, server):
    other = NetLink(server.url, "Grace")
    other.open()
    try:
        hidden = other.request(lambda c: c.create_room("Quiet", visibility="unlisted"))
        private = other.request(lambda c: c.create_room("Closed", visibility="private"))
        browser = BrowserScene(app, url=server.url, name="Ada", auto_connect=True)
        app.show(browser)
        wait_until(app, lambda: browser.stage == "rooms")
        assert not browser.rooms  # neither is listed
        type_into(app, find(app, "#room_id"), hidden["room"])
        wait_until(app, lambda: browser.stage == "room")
        assert browser.room["id"] == hidden["room"]
        click(app, find(app, "#take_cnsa"))
        wait_until(app, lambda: browser.seat is not None)
        press(app, pygame.K_ESCAPE, settle=2)  # back to the rooms: the seat is given up
        wait_until(app, lambda: browser.stage == "rooms")
        type_into(app, find(app, "#room_id"), private["room"], enter=False)
        type_into(app, find(app, "#room_key"), private["key"], enter=False)
        shot(app, "lobby_join_by_id")
        click(app, find(app, "#open_by_id"), settle=2)
        wait_until(app, lambda: browser.stage == "room" and browser.room["id"] == private["room"])
        click(app, find(app, "#take_jaxa"))
        wait_until(app, lambda: browser.seat is not None)
        assert browser.seat.room == private["room"]
    finally:
        other.close()


def test_the_visibility_choice_says_who_can_join(app, server):
    browser = browse(app, server)
    click(app, find(app, "#create"))
    click(app, find(app, "#visibility_private"))
    frames(app)
    shot(app, "lobby_create_private")
    click(app, find(app, "#create_go"))
    wait_until(app, lambda: browser.stage == "room")
    assert browser.room["visibility"] == "private" and browser.room_key
    frames(app, 2)
    texts = [str(getattr(e, "text", "")) for e in app.ui.get_sprite_group().sprites()]
    assert f"Key: {browser.room_key}" in texts
    shot(app, "lobby_room_private")
