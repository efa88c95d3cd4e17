"""Playing through the client: a local match against the AI to the end screen, and an online
room with two clients on a real server on loopback (with a dropped connection)."""

from __future__ import annotations

import pygame
import pytest

from game.client import readout
from game.client.end_screen import EndScene
from game.client.game_screen import GameScene
from game.client.lobby import BrowserScene
from game.client.match import MatchModel
from game.client.net_link import NetLink
from game.client.new_game import NewGameScene
from game.client.session import MatchSession
from game.rules import load_content
from tests.client.conftest import (
    click,
    end_turn,
    find,
    frames,
    open_room,
    press,
    scroll_into_view,
    shot,
    wait_until,
)
from tests.timing import scaled


def _click_first(app, name: str):  # returns the button clicked, or None
    try:
        element = find(app, name)
    except AssertionError:
        return None
    scroll_into_view(app, element, app.scene.layout["body"])
    click(app, element, settle=2)
    return element


def test_local_match_played_through_the_ui_to_the_end_screen(app):
    setup = NewGameScene(app)
    app.show(setup)
    frames(app)
    for rival in ("esa", "jaxa", "csa"):
        click(app, find(app, f"#rival_{rival}"))
    click(app, find(app, "#level_easy"))
    click(app, find(app, "#level_cnsa_normal"))  # one rival plays better than the other
    click(app, find(app, "#length_10"))
    click(app, find(app, "#start"))
    scene = app.scene
    assert isinstance(scene, GameScene), "the local game did not start"
    model = scene.model
    wait_until(app, lambda: bool(model.history) and bool(model.legal))
    wait_until(app, lambda: bool(model.seat_info("cnsa")))
    assert model.seat_info("cnsa")["ai_level"] == "normal"
    assert model.seat_info("roscosmos")["ai_level"] == "easy"
    # First turn: allocate budget, start a mission, propose an alliance.
    press(app, pygame.K_b)
    assert _click_first(app, "#act_research") or _click_first(app, "#act_fund")
    press(app, pygame.K_m)
    started = _click_first(app, "#act_start_mission")
    assert started is not None
    assert "@primary" in started.class_ids  # the chosen order shows at once
    press(app, pygame.K_d)
    proposed = _click_first(app, "#act_propose")
    kinds = {c.KIND for c in model.draft}
    assert "start_mission" in kinds and kinds & {"research", "fund"}
    if proposed:
        assert "propose" in kinds
    wait_until(app, lambda: model.draft_checked)
    shot(app, "local_game_orders")
    assert not model.problems, model.problems
    turns_played = 0
    while model.outcome is None:
        turn = model.turn
        end_turn(app)  # no orders, or money to waste: yes, end it
        wait_until(app, lambda t=turn: model.turn != t or model.outcome is not None, 20)
        turns_played += 1
        if scene.overlay == "report" and model.outcome is None:
            press(app, pygame.K_ESCAPE)
        assert turns_played <= 12
    wait_until(app, lambda: scene.overlay == "report")
    shot(app, "local_game_report")
    press(app, pygame.K_RETURN, settle=2)
    assert isinstance(app.scene, EndScene)
    shot(app, "local_game_end")


def test_two_clients_meet_in_an_online_room_and_survive_a_drop(app, server):
    browser, room_id = open_room(app, server, "nasa")

    other = NetLink(server.url, "Grace")
    other.open()
    try:
        seat = other.request(lambda c: c.join(room_id, "esa"))
        other.request(lambda c: c.ready(seat))
        wait_until(app, lambda: any(s.get("player") == "Grace" for s in browser.room["seats"]))
        shot(app, "online_room")
        click(app, find(app, "#ready"))
        wait_until(
            app,
            lambda: all(
                s.get("ready") for s in browser.room["seats"] if s.get("control") == "human"
            ),
        )
        click(app, find(app, "#start"))
        wait_until(app, lambda: isinstance(app.scene, GameScene), 15)
        scene = app.scene
        assert scene.model.seat == "nasa" and scene.model.view

        their = MatchSession(other, MatchModel(load_content("2021"), "esa", room_id), seat)
        their.chat("good luck")
        wait_until(app, lambda: any(line.text == "good luck" for line in scene.model.chat))

        scene.session.link.drop()
        wait_until(app, lambda: scene.session.connection == "lost", 10)
        frames(app, 2)
        shot(app, "online_connection_lost")
        wait_until(app, lambda: scene.session.connection == "online", 15)
        wait_until(app, lambda: scene.model.seat_info("nasa").get("connected"), 10)
        assert scene.session.seat is not None and not scene.session.kicked
    finally:
        other.close()


def test_a_spectator_watches_a_running_match_in_the_public_view(app, server):
    host = NetLink(server.url, "Ada")
    host.open()
    try:
        # The host holds the first turn (a deadline no test waits for) until the spectator
        # is watching, then ends it: the turn moves on when the spectator can see it do so.
        created = host.request(
            lambda c: c.create_room(
                "Open race",
                turns=3,
                deadline=scaled(600),
                first_deadline=scaled(600),
                ai_level="random",
            )
        )
        room_id = created["room"]
        seat = host.request(lambda c: c.join(room_id, "esa"))
        host.request(lambda c: c.ready(seat))
        host.request(lambda c: c.start(room_id, created["host_token"]))

        browser = BrowserScene(app, url=server.url, name="Watcher", auto_connect=True)
        app.show(browser)
        wait_until(app, lambda: any(r["id"] == room_id for r in browser.rooms), scaled(10))
        click(app, find(app, f"#watch_{room_id}"))
        wait_until(app, lambda: isinstance(app.scene, GameScene), scaled(15))
        scene = app.scene
        model = scene.model
        wait_until(app, lambda: bool(model.history), scaled(10))
        assert model.seat is None and not model.view.get("me")
        assert scene.session.seat is None and not scene.session.can_act
        press(app, pygame.K_b, settle=2)
        notes = [e.text for e in app.ui.get_sprite_group().sprites() if hasattr(e, "text")]
        assert any("Watching: the public view" in str(n) for n in notes)
        with pytest.raises(AssertionError):
            find(app, "#act_research")  # nothing to order
        assert not scene.chat_entry.is_enabled  # room chat is for the players
        summary = [text for text, _colour in readout.orders_summary(model)]
        assert "give no orders" in summary[1] and "Press E" not in " ".join(summary)
        shot(app, "spectating")
        turn = model.turn
        host.request(lambda c: c.submit(seat, model.version, [], final=True))
        wait_until(app, lambda: model.turn > turn, scaled(15))  # the match goes on, and the view
        assert not model.view.get("me")
    finally:
        host.close()
