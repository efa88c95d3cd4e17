"""The keyboard and the windows of the game screen, driven by real events: the chat line owns
the keys while it is focused, windows scroll and stay put, each panel keeps its own scroll,
nothing explains itself over a window, and ending a turn that wastes it asks first."""

from __future__ import annotations

import pygame
import pytest

from game.client.end_screen import EndScene
from game.client.game_screen import GameScene
from game.client.new_game import GameSetup
from game.client.replay_viewer import ReplayFrames, ReplaySession
from game.client.widgets import Backdrop
from game.rules import PRESTIGE_CATEGORIES
from tests.client.conftest import click, find, frames, hover, press, shot, type_text, wait_until


@pytest.fixture(scope="module")
def played() -> ReplayFrames:
    return ReplayFrames.play(seed=5, turns=8, bot="random")


def _replay(app, played, at: int = -2) -> GameScene:
    session = ReplaySession(played, "nasa")
    session.jump(session.length + at)
    scene = GameScene(app, session)
    app.show(scene)
    frames(app, 3)
    return scene


def _local_game(app, agency: str = "csa", turns: int = 4) -> GameScene:
    setup = GameSetup(agency=agency, rivals=["nasa", "esa"], ai_level="easy", turns=turns, seed=3)
    assert app.router.local_game(setup)
    scene = app.scene
    assert isinstance(scene, GameScene)
    wait_until(app, lambda: bool(scene.model.history) and bool(scene.model.legal))
    return scene


def _wheel(app, pos: tuple[int, int], y: int) -> None:
    pygame.mouse.set_pos(pos)
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=y, flipped=False))
    frames(app)


# -- bug 1: typing in the chat plays the game -----------------------------------------------
def test_typing_in_the_chat_is_only_typing_and_shortcuts_return_after_sending(app):
    scene = _local_game(app)
    model = scene.model
    turn, tab = model.turn, scene.tab
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_c, mod=0, unicode="c"))
    pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="c"))
    frames(app)
    type_text(app, "hello rivals, ESA here! good game")
    frames(app, 3)
    assert scene.chat_entry.get_text() == "hello rivals, ESA here! good game"
    assert not model.final and model.turn == turn, "a letter ended the turn"
    assert scene.tab == tab and scene.overlay is None, "a letter switched panels or opened a window"
    press(app, pygame.K_RETURN)
    wait_until(app, lambda: any(line.text.startswith("hello rivals") for line in model.chat))
    assert scene.chat_entry.get_text() == ""
    press(app, pygame.K_m)  # the shortcuts work again at once, without a click
    assert scene.tab == "missions"
    # Clicking into the line and leaving it with Esc: the same.
    click(app, scene.chat_entry)
    type_text(app, "ready")
    assert scene.tab == "missions" and scene.overlay is None
    press(app, pygame.K_ESCAPE)
    assert scene.overlay is None, "Esc left the chat line and also opened the menu"
    press(app, pygame.K_d)
    assert scene.tab == "diplomacy"
    assert scene.chat_entry.get_text() == "ready"  # left, not lost


# -- bug 2: the turn report scrolls, and the screen does not rebuild while it is open ------
def _read_to(box) -> float:
    """How far down a text box is read: 0 at the top, 1 at the bottom."""
    bar = box.scroll_bar
    return bar.start_percentage / (1 - bar.visible_percentage)


def test_the_turn_report_scrolls_by_wheel_keys_and_drag(app, played):
    scene = _replay(app, played)
    press(app, pygame.K_r)
    box = find(app, "#report_text")
    assert box.scroll_bar is not None, "this report fits its window: pick a longer one"
    _wheel(app, box.rect.center, -2)
    after_wheel = _read_to(box)
    assert after_wheel > 0
    press(app, pygame.K_DOWN)
    assert _read_to(box) > after_wheel
    press(app, pygame.K_PAGEDOWN)
    press(app, pygame.K_END)
    assert _read_to(box) == pytest.approx(1.0, abs=0.01)
    shot(app, "report_bottom_1280")
    press(app, pygame.K_HOME)
    assert _read_to(box) == 0
    x, y = box.rect.centerx - 40, box.rect.centery
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x, y), button=1))
    for step in range(1, 4):
        pos = (x, y - 30 * step)
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, -30), buttons=(1, 0, 0))
        )
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(x, y - 90), button=1))
    frames(app)
    assert _read_to(box) > 0, "dragging the text up did not scroll it"
    assert find(app, "#report_text") is box
    assert scene.session.position == scene.session.length - 2  # PageDown scrolled, not stepped


def test_the_report_a_new_turn_opens_is_built_once(app):
    scene = _local_game(app)
    model = scene.model
    app.settings.confirm_end_turn = False
    press(app, pygame.K_e)
    wait_until(app, lambda: scene.overlay == "report", 20)
    box = find(app, "#report_text")
    frames(app, 10)
    assert find(app, "#report_text") is box, "the screen rebuilt itself under the report"
    assert model.turn == 1


# -- bug 7: tabs, the charts' Close button, tooltips over windows, the end screen's columns --
def test_each_panel_opens_at_its_own_scroll_position(app, played):
    scene = _replay(app, played)
    press(app, pygame.K_6, settle=2)  # the news: a long panel
    bar = scene._panel.vert_scroll_bar
    assert bar is not None, "the news panel fits: pick a longer match"
    hover(app, scene._panel.rect.center)
    for _ in range(6):
        _wheel(app, scene._panel.rect.center, -3)
    frames(app, 3)
    scrolled = scene._panel.vert_scroll_bar.start_percentage
    assert scrolled > 0
    press(app, pygame.K_4, settle=2)
    bar = scene._panel.vert_scroll_bar
    assert bar is None or bar.start_percentage == 0, "diplomacy opened at the news' scroll"
    press(app, pygame.K_6, settle=2)
    assert scene._panel.vert_scroll_bar.start_percentage == pytest.approx(scrolled)


def test_the_charts_window_shows_its_close_button(app, played):
    scene = _replay(app, played)
    press(app, pygame.K_g, settle=2)
    close = find(app, "#close_overlay")
    on_screen = app.window.subsurface(close.rect).copy()
    drawn = close.image
    same = sum(
        on_screen.get_at((x, y))[:3] == drawn.get_at((x, y))[:3]
        for x in range(0, close.rect.width, 4)
        for y in range(0, close.rect.height, 4)
    )
    total = len(range(0, close.rect.width, 4)) * len(range(0, close.rect.height, 4))
    assert same > 0.9 * total, "the charts are drawn over their own Close button"
    click(app, close)
    assert scene.overlay is None


def test_nothing_under_an_open_window_shows_a_tooltip(app, played):
    scene = _replay(app, played)
    scene.moon.look_at("pole")
    frames(app, 2)
    site = played.states[0].content.sites["shackleton"]
    x, y, _visible = scene.moon.globe.project(site.lat, site.lon)
    main = scene.layout["main"]
    spot = (int(main.x + x), int(main.y + y))
    hover(app, spot)
    assert app.tooltips.under(spot) is not None  # with no window open, the site explains itself
    press(app, pygame.K_F1)
    hover(app, spot, settle=30)
    assert scene.overlay == "help"
    assert app.tooltips.under(spot) is None, "a site's tooltip would cover the help window"


def test_the_end_screen_orders_its_columns_alike_live_and_in_a_replay(app, tmp_path):
    from game.replay import write_replay
    from game.runner.match import run_match

    path = tmp_path / "match.jsonl"
    write_replay(path, run_match(bot="random", seed=9, turns=3).replay)
    assert app.router.replay(str(path), "esa")
    press(app, pygame.K_PAGEDOWN, mod=pygame.KMOD_CTRL, settle=2)
    scene = app.scene
    assert scene.model.outcome is not None
    press(app, pygame.K_RETURN, settle=2)
    assert isinstance(app.scene, EndScene)
    frames(app)
    header_y = app.scene.layout["table"].y + app.scene.px(14) + app.scene.px(34)
    cells = sorted(
        (rect.x, text.split(":")[0].lower())
        for rect, text in app.tooltips._areas
        if rect.y == header_y
    )
    columns = [name for _x, name in cells if name in PRESTIGE_CATEGORIES]
    assert columns == [c for c in PRESTIGE_CATEGORIES if c in columns]
    assert len(columns) >= 4


# -- end-turn safety -----------------------------------------------------------------------
def test_ending_a_turn_with_no_orders_asks_once_and_the_question_can_be_turned_off(app):
    scene = _local_game(app)
    model = scene.model
    assert not model.draft
    press(app, pygame.K_e)
    assert scene.overlay == "confirm" and not model.final
    assert "no orders" in find(app, "#confirm_text").html_text
    shot(app, "confirm_end_turn")
    press(app, pygame.K_ESCAPE)  # keep planning
    assert scene.overlay is None and not model.final
    press(app, pygame.K_e)  # asked once already for these same orders: this ends the turn
    wait_until(app, lambda: model.turn == 1, 20)
    wait_until(app, lambda: scene.overlay == "report")
    press(app, pygame.K_ESCAPE)
    app.settings.confirm_end_turn = False
    press(app, pygame.K_e)
    assert scene.overlay != "confirm"
    wait_until(app, lambda: model.turn == 2, 20)


def test_money_left_on_the_last_turn_is_named_before_ending(app):
    scene = _local_game(app, turns=1)
    model = scene.model
    press(app, pygame.K_b, settle=2)
    click(app, find(app, "#act_research"), settle=2)
    wait_until(app, lambda: model.draft_checked)
    left = model.view["me"]["treasury"] - model.spending()
    assert left > 0
    press(app, pygame.K_e)
    assert scene.overlay == "confirm" and not model.final
    text = find(app, "#confirm_text").html_text
    assert f"${left:,}M left unspent will be lost" in text and "last turn" in text
    assert "no orders" not in text
    click(app, find(app, "#confirm_end_turn"))
    wait_until(app, lambda: model.outcome is not None, 20)


# -- bug 8: idle costs nothing ---------------------------------------------------------------
def test_an_idle_game_screen_stops_drawing(app, played, monkeypatch):
    import time

    scene = _replay(app, played, at=-3)
    assert not scene.moon.animated  # nothing on this screen moves by itself
    flips: list[float] = []
    flip = pygame.display.flip
    monkeypatch.setattr(pygame.display, "flip", lambda: flips.append(time.monotonic()) or flip())
    hover(app, scene.layout["main"].center)
    start = time.monotonic()
    app.run(seconds=4.0)
    # Right after the mouse moved it draws (hover effects and tips settle), then nothing.
    assert flips and flips[0] - start < 1.0, "the frame after the mouse moved was not drawn"
    settled = [t for t in flips if t - start > 3.0]
    assert len(settled) <= 2, f"{len(settled)} frames drawn in the last second of idling"


def test_a_menu_screen_draws_only_when_its_moon_has_turned(app, monkeypatch):
    import time

    flips: list[float] = []
    flip = pygame.display.flip
    monkeypatch.setattr(pygame.display, "flip", lambda: flips.append(time.monotonic()) or flip())
    app.router.title()
    start = time.monotonic()
    app.run(seconds=3.0)
    last_second = [t for t in flips if t - start > 2.0]
    # The Moon behind the menu steps every Backdrop.STEP seconds: about 8 frames a second,
    # not the 60 of a frame loop that never sleeps; and it still turns.
    assert 3 <= len(last_second) <= 2 / Backdrop.STEP, f"{len(last_second)} frames in a second"
