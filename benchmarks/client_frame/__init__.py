"""Client frame time: the game screen with a late-game state, and startup to the first frame.

A match is played headless with the `greedy` bots to its last turns; the game screen then
shows it from one agency's view (through the replay viewer's session, which feeds the screen
exactly the views that agency received) while the mouse moves over the Moon, which shows
tooltips and hover outlines. Frame time is one whole `App.step`: events, update, drawing the
globe, markers, panels and widgets, and the flip. A second measure drags the globe, which
re-renders it every frame at draft quality. A third switches between the panel's tabs, each
built anew from the state. Startup is measured in a fresh interpreter, from its start to the
first drawn frame of the title screen. Idle is a quick local game (CSA against five normal
AIs, its server in the same process) left alone once every rival has ended its first turn:
the process's CPU time over the wall time of `App.run`, the loop a player's window runs.

Run with SDL's dummy video driver (set here), so the flip costs what a software window
costs; a desktop compositor may add to it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from benchmarks.harness import Result

SIZES = ((1280, 800), (2560, 1440))
FRAME_GOAL_MS = 8.0
TAB_GOAL_MS = 100.0  # a click answered within a tenth of a second feels immediate
STARTUP_GOAL_S = 2.0
IDLE_GOAL = 5.0  # % of one core while nothing happens on screen
IDLE_SECONDS = 6.0
MATCH_TURNS = 24


def _late_game_frames():
    from game.client.replay_viewer import ReplayFrames

    return ReplayFrames.play(seed=7, turns=MATCH_TURNS, bot="greedy")


def _frame_times(size: tuple[int, int], frames_data, count: int, *, drag: bool) -> list[float]:
    import pygame

    from game.client.app import App
    from game.client.game_screen import GameScene
    from game.client.replay_viewer import ReplaySession

    app = App(size)
    session = ReplaySession(frames_data, frames_data.agencies[0])
    session.jump(session.length - 2)  # the last turn before the end: the fullest screen
    scene = GameScene(app, session)
    app.show(scene)
    main = scene.layout["main"]
    for _ in range(10):  # warm the caches (globe render, fonts, labels)
        app.step(1 / 60)
    times = []
    for n in range(count):
        x = main.x + 40 + (n * 7) % max(1, main.width - 80)
        y = main.y + main.height // 2 + (n * 5) % 60 - 30
        buttons = (1, 0, 0) if drag else (0, 0, 0)
        if drag and n == 0:
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x, y), button=1))
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=(x, y), rel=(7, 0), buttons=buttons)
        )
        start = time.perf_counter()
        app.step(1 / 60)
        times.append(time.perf_counter() - start)
    app.close()
    pygame.display.quit()
    return times


def _tab_switches(frames_data, runs: int) -> dict[str, float]:
    """Seconds from pressing a panel's tab to the next drawn frame, per tab (median)."""
    from game.client.app import App
    from game.client.game_screen import TABS, GameScene
    from game.client.replay_viewer import ReplaySession

    app = App((1280, 800))
    session = ReplaySession(frames_data, frames_data.agencies[0])
    session.jump(session.length - 2)
    scene = GameScene(app, session)
    app.show(scene)
    for _ in range(5):
        app.step(1 / 60)
    times: dict[str, list[float]] = {key: [] for key, _name, _k in TABS}
    for _ in range(runs):
        for key, _name, _k in TABS:
            scene.set_tab("budget" if key != "budget" else "news")
            app.step(1 / 60)
            start = time.perf_counter()
            scene.set_tab(key)
            app.step(1 / 60)
            times[key].append(time.perf_counter() - start)
    app.close()
    return {key: statistics.median(values) for key, values in times.items()}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


STARTUP_SCRIPT = """
import os, sys, time
start = float(sys.argv[1])
from game.client.app import App
from game.client.title import TitleScene
app = App((1280, 800))
app.show(TitleScene(app))
app.step(1 / 60)
print(time.time() - start)
"""


def _startup() -> float:
    env = dict(
        os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1"
    )
    out = subprocess.run(
        [sys.executable, "-c", STARTUP_SCRIPT, repr(time.time())],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _idle_share(seconds: float) -> float:
    """% of a core the client (with its local server) uses while the player only looks."""
    from game.client.app import App
    from game.client.new_game import GameSetup
    from server.local import LocalServer

    app = App((1280, 800), local_host=LocalServer)
    rivals = ["nasa", "roscosmos", "cnsa", "esa", "jaxa"]
    assert app.router.local_game(GameSetup(agency="csa", rivals=rivals, seed=2021))
    model = app.scene.model  # type: ignore[union-attr]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        model.history and sum(bool(s.get("submitted")) for s in model.seats) >= len(rivals)
    ):
        app.step(1 / 60)
        time.sleep(0.01)
    app.step(1 / 60)
    wall, cpu = time.perf_counter(), time.process_time()
    app.run(seconds=seconds)  # closes the window and the local server at the end
    return 100 * (time.process_time() - cpu) / (time.perf_counter() - wall)


def run(runs: int) -> list[Result]:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    frames_data = _late_game_frames()
    results = []
    count = max(120, 40 * runs)
    for w, h in SIZES:
        p95s = [
            _p95(_frame_times((w, h), frames_data, count, drag=False)) * 1000
            for _ in range(max(1, runs // 3))
        ]
        value = statistics.median(p95s)
        goal = w == 1280
        results.append(
            Result(
                f"game screen frame p95 {w}x{h}",
                value,
                "ms",
                goal=f"<= {FRAME_GOAL_MS:g}" if goal else "",
                met=(value <= FRAME_GOAL_MS) if goal else None,
                note=f"turn {MATCH_TURNS - 1} of a greedy match, {count} frames, hovering",
            )
        )
    drag = _p95(_frame_times((1280, 800), frames_data, count, drag=True)) * 1000
    results.append(
        Result(
            "globe drag frame p95 1280x800",
            drag,
            "ms",
            note="re-renders the globe every frame (draft quality)",
        )
    )
    switches = _tab_switches(frames_data, max(3, runs))
    slowest = max(switches, key=lambda k: switches[k])
    results.append(
        Result(
            "panel tab switch, slowest tab",
            switches[slowest] * 1000,
            "ms",
            goal=f"<= {TAB_GOAL_MS:g}",
            met=switches[slowest] * 1000 <= TAB_GOAL_MS,
            note=f"{slowest}; "
            + ", ".join(f"{k} {v * 1000:.0f}" for k, v in switches.items() if k != slowest)
            + f" ms; turn {MATCH_TURNS - 1}",
        )
    )
    idle = statistics.median(_idle_share(IDLE_SECONDS) for _ in range(max(1, min(runs, 3))))
    results.append(
        Result(
            "game screen idle CPU share",
            idle,
            "% core",
            goal=f"<= {IDLE_GOAL:g}",
            met=idle <= IDLE_GOAL,
            note=f"local game, CSA vs 5 normal AIs, {IDLE_SECONDS:g} s untouched after their "
            "turn, server included",
        )
    )
    startups = [_startup() for _ in range(max(1, min(runs, 5)))]
    start = statistics.median(startups)
    results.append(
        Result(
            "startup to first interactive frame",
            start,
            "s",
            goal=f"<= {STARTUP_GOAL_S:g}",
            met=start <= STARTUP_GOAL_S,
            note="fresh interpreter to the title screen's first frame",
        )
    )
    return results
