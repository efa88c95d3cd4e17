"""A newcomer's whole match, as a player makes it: `lunar-race play --quick --agency csa`
against five normal AIs for 20 turns, only clicks and typed keys, chatting on the way, to the
end screen, and no turn ends that the player did not mean to end."""

from __future__ import annotations

import pygame
import pytest

from game.client.end_screen import EndScene
from game.client.game_screen import GameScene
from game.client.new_game import GameSetup
from tests.client.conftest import click, find, frames, press, shot, type_text
from tests.client.conftest import wait_until as wait_for_every_frame

RIVALS = ["nasa", "roscosmos", "cnsa", "esa", "jaxa"]
TURNS = 20
# Lines full of the game's shortcut letters (e ends a turn, r g c open windows, b m t d s n
# switch panels) and digits.
CHAT = {
    0: "hello rivals, CSA here: the Canadarm is ready for the Gateway",
    3: "ESA, shall we research together? reply soon",
    9: "good game so far, 2 more years to the station",
    15: "remember: Canada reaches the south pole by 2030",
}


def wait_until(app, condition, seconds: float = 10.0) -> None:
    """Wait as the player's window does: drawing only what changes."""
    wait_for_every_frame(app, condition, seconds, every_frame=False)


def _try_click(app, name: str) -> bool:
    try:
        element = find(app, name)
    except AssertionError:
        return False
    if not element.is_enabled:
        return False
    click(app, element, settle=2)
    return True


def _chat(app, scene: GameScene, text: str, *, by_mouse: bool) -> None:
    model = scene.model
    before = (model.turn, model.final, scene.tab, scene.overlay)
    if by_mouse:
        click(app, scene.chat_entry)
    else:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_c, mod=0, unicode="c"))
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text="c"))
        frames(app)
    type_text(app, text, settle=0)  # a quick typist: the whole line within one frame
    frames(app)
    assert scene.chat_entry.get_text() == text
    press(app, pygame.K_RETURN)
    wait_until(app, lambda: any(line.text == text for line in model.chat))
    assert (model.turn, model.final, scene.tab, scene.overlay) == before, "the chat played"


@pytest.mark.timeout(600)  # a whole match: about 20 s of one core, longer on a busy machine
def test_a_newcomer_plays_twenty_turns_as_csa_by_clicks_and_keys(app):
    setup = GameSetup(agency="csa", rivals=RIVALS, ai_level="normal", turns=TURNS, seed=2021)
    assert app.router.local_game(setup)  # what `lunar-race play --quick --agency csa` does
    scene = app.scene
    assert isinstance(scene, GameScene)
    model = scene.model
    wait_until(app, lambda: bool(model.history) and bool(model.legal), 20)
    ended = 0
    for turn in range(TURNS):
        assert model.turn == turn == ended, "a turn ended that the player did not end"
        if turn in CHAT:
            _chat(app, scene, CHAT[turn], by_mouse=turn % 2 == 1)
        press(app, pygame.K_b, settle=2)
        _try_click(app, "#act_research") or _try_click(app, "#act_fund")
        if turn % 4 == 0:
            press(app, pygame.K_m, settle=2)
            _try_click(app, "#act_start_mission")
        wait_until(app, lambda: model.draft_checked)
        if turn == 1:
            shot(app, "newcomer_game_1280")
        press(app, pygame.K_e)
        if scene.overlay == "confirm":  # the player reads the question and means it
            press(app, pygame.K_RETURN)
        ended += 1
        wait_until(app, lambda t=turn: model.turn > t or model.outcome is not None, 60)
        if model.outcome is not None:
            break
        wait_until(app, lambda: scene.overlay == "report")
        press(app, pygame.K_END)  # read the report to its end, then close it
        press(app, pygame.K_ESCAPE)
        assert scene.overlay is None
    wait_until(app, lambda: model.outcome is not None)
    assert model.turn == ended or model.outcome.get("termination") != "scenario_end"
    assert sum(line.seat == "csa" for line in model.chat) == len(CHAT)
    wait_until(app, lambda: scene.overlay == "report")
    press(app, pygame.K_RETURN, settle=2)
    assert isinstance(app.scene, EndScene)
    shot(app, "newcomer_end")
