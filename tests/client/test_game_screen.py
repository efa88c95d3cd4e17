"""The game screen, the end screen and the replay viewer, on a real match played headless."""

from __future__ import annotations

import re

import pygame
import pygame_gui
import pytest

from game.client import panels, wording
from game.client.end_screen import EndScene
from game.client.game_screen import GameScene
from game.client.replay_viewer import ReplayFrames, ReplaySession
from tests.client.conftest import click, find, frames, press, shot


@pytest.fixture(scope="module")
def played() -> ReplayFrames:
    return ReplayFrames.play(seed=5, turns=6, bot="random")


def _open(app, played, perspective="nasa", at=-2):
    session = ReplaySession(played, perspective)
    session.jump(session.length + at if at < 0 else at)
    scene = GameScene(app, session)
    app.show(scene)
    frames(app, 3)
    return scene, session


def test_game_screen_shows_the_moon_and_every_panel(app, played):
    scene, _session = _open(app, played)
    shot(app, "game")
    for n, tab in enumerate(("budget", "missions", "tech", "diplomacy", "stations", "news")):
        press(app, pygame.K_1 + n, settle=2)
        assert scene.tab == tab
        if tab in ("tech", "diplomacy"):
            shot(app, "tech_tree" if tab == "tech" else "diplomacy")


def test_news_shows_the_newest_events_and_counts_the_older_ones(app, played, monkeypatch):
    monkeypatch.setattr(panels, "NEWS_SHOWN", 3)
    scene, _session = _open(app, played)
    press(app, pygame.K_6, settle=2)
    told = [r for r in scene.model.history if r.events]
    assert len(told) >= 2 and len(told[-1].events) >= 3
    news = find(app, "#log").html_text
    assert scene.model.date(told[-1].turn - 1) in news
    assert scene.model.date(told[0].turn - 1) not in news
    older = sum(len(r.events) for r in told) - 3
    notes = [
        e.text
        for e in app.ui.get_sprite_group().sprites()
        if isinstance(e, pygame_gui.elements.UILabel) and e.alive()
    ]
    assert f"{older} older events: the match's replay holds every turn's news." in notes


def test_clicking_a_site_selects_it_and_opens_missions(app, played):
    scene, _session = _open(app, played)
    scene.moon.look_at("pole")
    frames(app, 2)
    site = played.states[0].content.sites["shackleton"]
    x, y, visible = scene.moon.globe.project(site.lat, site.lon)
    assert visible
    main = scene.layout["main"]
    click(app, (int(main.x + x), int(main.y + y)), settle=2)
    assert scene.selected_site == "shackleton"
    assert scene.tab == "missions"


def test_help_and_report_windows_open_and_close_with_keys(app, played):
    scene, _session = _open(app, played)
    press(app, pygame.K_F1)
    assert scene.overlay == "help"
    press(app, pygame.K_ESCAPE)
    assert scene.overlay is None
    press(app, pygame.K_r)
    assert scene.overlay == "report"
    find(app, "#report_text")
    press(app, pygame.K_ESCAPE)
    press(app, pygame.K_g, settle=2)
    assert scene.overlay == "charts"
    shot(app, "charts")


def test_replay_steps_back_and_forth_and_changes_perspective(app, played):
    scene, session = _open(app, played, at=2)
    press(app, pygame.K_PAGEDOWN)
    assert session.position == 3
    press(app, pygame.K_PAGEUP)
    press(app, pygame.K_PAGEUP)
    assert session.position == 1
    click(app, find(app, "#replay_4"))
    assert session.perspective == "roscosmos"
    press(app, pygame.K_v)
    assert session.perspective == "cnsa"
    assert scene.model.seat == "cnsa"


def test_end_screen_has_scores_and_charts(app, played):
    session = ReplaySession(played, "esa")
    session.jump(session.length - 1)
    assert session.model.outcome is not None
    app.show(EndScene(app, session))
    frames(app, 2)
    shot(app, "end")
    press(app, pygame.K_RETURN)
    from game.client.title import TitleScene

    assert isinstance(app.scene, TitleScene)


@pytest.mark.parametrize("size", [(1024, 640), (3840, 2160)])
def test_game_screen_fits_small_and_4k_windows(app, played, size):
    app.window = pygame.display.set_mode(size, pygame.RESIZABLE)
    app.rebuild()
    scene, _session = _open(app, played)
    right = scene.layout["right"]
    assert right.right <= size[0] and scene.layout["orders"].bottom <= size[1]
    shot(app, f"game_{size[0]}")


def test_replay_file_opens_in_the_viewer_and_bad_files_are_refused(app, tmp_path):
    from game.cli.play import view_replay
    from game.replay import write_replay
    from game.runner.match import run_match

    path = tmp_path / "match.jsonl"
    write_replay(path, run_match(bot="random", seed=9, turns=3).replay)
    assert app.router.replay(str(path), "cnsa")
    scene = app.scene
    assert isinstance(scene, GameScene)
    frames(app, 2)
    assert scene.model.seat == "cnsa" and scene.session.length == 4
    broken = tmp_path / "broken.jsonl"
    broken.write_text(path.read_text()[:-40])
    assert not app.router.replay(str(broken), None)
    assert app.scene is scene
    assert view_replay(str(tmp_path / "missing.jsonl"), None) == 1
    assert view_replay(str(path), "isro") == 2


def test_every_order_of_a_match_reads_in_a_players_words():
    """Orders given in a match, told from each agency's chair: names, not ids (p18, t94) or
    field dumps."""
    played = ReplayFrames.play(seed=3, turns=14, bot="random")
    kinds = set()
    for agency in played.agencies:
        session = ReplaySession(played, agency)
        for position in range(len(played.orders)):
            session.jump(position)
            for order in session.model.draft:
                text = wording.order_text(session.model, order)
                kinds.add(order.KIND)
                assert "=" not in text and "_" not in text, (order, text)
                assert not re.search(r"\b[a-z]\d+\b", text), (order, text)
    assert {"research", "fund", "start_mission", "propose", "answer", "withdraw"} <= kinds


def _texts(app) -> list[str]:
    return [
        str(getattr(e, "html_text", ""))
        for e in app.ui.get_sprite_group().sprites()
        if e.alive() and isinstance(e, pygame_gui.elements.UITextBox)
    ]


def test_the_budget_panel_lists_every_agencys_objectives_and_their_state(app, played):
    scene, session = _open(app, played)
    press(app, pygame.K_1, settle=2)
    assert scene.tab == "budget"
    shot(app, "objectives")
    texts = _texts(app)
    for objective in session.model.view["objectives"]:
        assert any(objective["name"] in t for t in texts), objective["name"]
    assert any("open" in t and "Artemis astronauts at the south pole" in t for t in texts)
