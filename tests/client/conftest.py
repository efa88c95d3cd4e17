"""Shared pieces for the client tests: a headless window, real input events, screenshots.

The tests run with SDL's dummy video driver, post real `pygame.event.Event`s (mouse clicks at
a widget's centre, key presses) and step the app frame by frame. Screenshots go to the folder
in LUNAR_RACE_SHOTS (default: /tmp/lr-shots) so a person can look at them. Local games run on
`server.local.LocalServer`, handed to the app as `lunar-race play` does. Every test has a
home folder of its own (LUNAR_RACE_HOME) for settings, saved games and seat tokens.
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from collections.abc import Callable, Iterator
from pathlib import Path

import pygame
import pytest

from game.client.app import App
from game.client.lobby import BrowserScene
from server.local import LocalServer

SHOTS = Path(os.environ.get("LUNAR_RACE_SHOTS", "/tmp/lr-shots"))
FRAME = 1 / 60


@pytest.fixture(autouse=True)
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, saved games and seat tokens go to a folder of the test's own, never to
    the user's real folders."""
    home = tmp_path / "home"
    monkeypatch.setenv("LUNAR_RACE_HOME", str(home))
    return home


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A real server on 127.0.0.1, for the tests that go online."""
    local = LocalServer()
    local.start()
    yield local
    local.stop()


@pytest.fixture
def app() -> Iterator[App]:
    window = App((1280, 800), local_host=LocalServer)
    yield window
    window.close()
    pygame.quit()


def frames(app: App, n: int = 2, dt: float = FRAME) -> None:
    for _ in range(n):
        app.step(dt)


def find(app: App, object_id: str):
    """The live widget whose object id ends with `object_id` (e.g. "#start")."""
    for element in app.ui.get_sprite_group().sprites():
        ids = getattr(element, "object_ids", None) or []
        if ids and ids[-1] == object_id and element.alive():
            return element
    raise AssertionError(f"no widget {object_id} on screen")


def click(app: App, target, settle: int = 1) -> None:
    """A left click (press and release) at a widget's centre or at a position."""
    pos = target if isinstance(target, tuple) else target.rect.center
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    )
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    frames(app, settle)


def press(app: App, key: int, mod: int = 0, settle: int = 1) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode="", scancode=0))
    frames(app, settle)


def end_turn(app: App) -> None:
    """Press E as a player ends a turn, and say yes if the game asks first."""
    press(app, pygame.K_e)
    if getattr(app.scene, "overlay", None) == "confirm":
        press(app, pygame.K_RETURN)


def type_text(app: App, text: str, settle: int = 1) -> None:
    """Type `text` as a keyboard does: for each character a key press carrying it, the text
    input SDL sends with it, and the release."""
    marks = {" ": pygame.K_SPACE, ",": pygame.K_COMMA, "!": pygame.K_EXCLAIM}
    for char in text:
        key = marks.get(char) or pygame.key.key_code(char.lower())
        down = dict(key=key, mod=0, unicode=char, scancode=0)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, **down))
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=char))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, **down))
        frames(app, settle)


def hover(app: App, pos: tuple[int, int], settle: int = 1) -> None:
    """Move the mouse to `pos` (the pointer itself, and the motion event)."""
    pygame.mouse.set_pos(pos)
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
    )
    frames(app, settle)


def wait_until(
    app: App, condition: Callable[[], bool], seconds: float = 10.0, *, every_frame: bool = True
) -> None:
    """Step frames (in real time, the network works meanwhile) until `condition` holds.
    With `every_frame` False the app draws only the frames it would draw by itself."""
    import time

    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for the client")
        app.step(FRAME, always_draw=every_frame)
        time.sleep(0.005)


def shot(app: App, name: str) -> pygame.Surface:
    """Save the window as SHOTS/name.png and check it is a real picture."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    surface = app.window.copy()
    pygame.image.save(surface, str(SHOTS / f"{name}.png"))
    assert_not_blank(surface)
    return surface


def assert_not_blank(surface: pygame.Surface) -> None:
    """Fails for a surface of one colour, or one where a single colour covers nearly all."""
    small = pygame.transform.scale(surface, (128, 80))
    counts: dict[tuple[int, int, int], int] = {}
    for x in range(128):
        for y in range(80):
            colour = tuple(small.get_at((x, y)))[:3]
            counts[colour] = counts.get(colour, 0) + 1
    assert len(counts) > 12, f"the screen is (nearly) blank: {len(counts)} colours"
    assert max(counts.values()) < 0.9 * 128 * 80, "one colour covers over 90% of the screen"


def scroll_into_view(app: App, element, area: pygame.Rect, most: int = 200) -> None:
    """Roll the mouse wheel over `area` (a scrolling panel) until `element` lies inside it."""
    pygame.mouse.set_pos(area.center)
    for _ in range(most):
        if area.contains(element.rect):
            return
        step = -1 if element.rect.bottom > area.bottom else 1
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=area.center, rel=(0, 0), buttons=(0, 0, 0))
        )
        pygame.event.post(
            pygame.event.Event(
                pygame.MOUSEWHEEL, x=0, y=step, flipped=False, precise_x=0.0, precise_y=float(step)
            )
        )
        frames(app, 2)
    raise AssertionError(f"{element} never came into view")


def browse(app: App, server: LocalServer, name: str = "Ada") -> BrowserScene:
    """Open the lobby of `server` as the player `name`, and wait for its room list."""
    browser = BrowserScene(app, url=server.url, name=name, auto_connect=True)
    app.show(browser)
    wait_until(app, lambda: browser.stage == "rooms")
    return browser


def open_room(app: App, server: LocalServer, seat: str) -> tuple[BrowserScene, str]:
    """Create a room from the lobby with the mouse and take `seat` in it; the lobby scene
    and the room's id."""
    browser = browse(app, server)
    click(app, find(app, "#create"))
    click(app, find(app, "#create_go"))
    wait_until(app, lambda: browser.stage == "room")
    click(app, find(app, f"#take_{seat}"))
    wait_until(app, lambda: browser.seat is not None)
    assert browser.room is not None
    return browser, browser.room["id"]
