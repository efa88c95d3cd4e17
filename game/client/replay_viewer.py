"""The replay viewer: step through a recorded match with the game's own screens.

A replay holds the seed and every turn's orders; the viewer re-plays it through the rules
(checking the state hash of every turn, as `lunar-race replay verify` does) and keeps, for
the chosen perspective - the spectator's or any agency's - the same view and events that
seat saw during the match. The game screen then shows them read-only: PageUp / PageDown
(or , and .) step backwards and forwards, Home and End jump, V changes the perspective.

The router (`Router.replay`) opens a replay from the title screen; `lunar-race replay view
FILE [--as AGENCY]` opens one from the command line (`game.cli.play`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from game.client.match import MatchModel, TurnRecord
from game.rules import Command


@dataclass
class ReplayFrames:
    """Every turn of a re-played match: the states and events, for any perspective."""

    scenario: str
    agencies: list[str]
    states: list[Any]  # the state at the start of each turn, the final state last
    events: list[list[Any]]  # events[i] led to states[i] (empty for the first)
    outcome: Mapping[str, Any] | None
    orders: list[dict[str, list[Command]]] = field(default_factory=list)  # given at states[i]

    @classmethod
    def load(cls, path: str) -> ReplayFrames:
        """Read and re-play a replay file (raises OSError or ReplayError)."""
        from game import rules
        from game.replay import first_state, read_replay, simulate

        replay = read_replay(path)
        first = first_state(replay)
        states: list[Any] = [first]
        events: list[list[Any]] = [[]]
        orders: list[dict[str, list[Command]]] = []
        for step in simulate(replay, any_version=True):
            states.append(step.state)
            events.append(list(step.events))
            orders.append(
                {a: rules.orders_from_wire(wire) for a, wire in step.record.orders.items()}
            )
        return cls(replay.scenario, list(replay.agencies), states, events, replay.outcome, orders)

    @classmethod
    def play(
        cls, *, seed: int, turns: int, bot: str = "greedy", scenario: str = "2021"
    ) -> ReplayFrames:
        """Play a headless match with `bot` in every seat and keep its frames."""
        from game import rules
        from game.runner.match import run_match

        first = rules.new_match(scenario, seed=seed, turns=turns)
        states: list[Any] = [first]
        events: list[list[Any]] = [[]]
        orders: list[dict[str, list[Command]]] = []

        def keep(_turn: int, state: Any, turn_events: list[Any], given: Any) -> None:
            states.append(state)
            events.append(list(turn_events))
            orders.append({a: list(cmds) for a, cmds in given.items()})

        result = run_match(bot=bot, seed=seed, scenario=scenario, turns=turns, on_turn=keep)
        return cls(scenario, list(first.agencies), states, events, result.outcome, orders)

    def records(self, perspective: str | None) -> list[TurnRecord]:
        from game import rules

        out = []
        for n, (state, events) in enumerate(zip(self.states, self.events, strict=True)):
            view = rules.view(state, perspective)
            out.append(TurnRecord(int(state.turn), n, view, rules.events_for(events, perspective)))
        return out


class ReplaySession:
    """Plays the part of a live session for the game screen, from a replay."""

    replay: Literal[True] = True
    local = False
    connection = "online"
    kicked = False
    can_act = False
    seat = None

    def __init__(self, frames: ReplayFrames, perspective: str | None) -> None:
        from game.rules import load_content

        self.frames = frames
        self.content = load_content(frames.scenario)
        self.notices: list[tuple[str, str]] = []
        self.position = 0
        self.perspective = perspective
        self._records = frames.records(perspective)
        self.model = MatchModel(self.content, perspective)
        self._show()

    @property
    def length(self) -> int:
        return len(self._records)

    def _show(self) -> None:
        model = self.model
        model.history = self._records[: self.position + 1]
        at_end = self.position == len(self._records) - 1
        model.outcome = self.frames.outcome if at_end else None
        # The orders this agency gave at this point: what it decided, seen from its chair.
        given = self.frames.orders[self.position] if self.position < len(self.frames.orders) else {}
        model.draft = list(given.get(self.perspective, [])) if self.perspective else []
        model.changed += 1

    def step(self, delta: int) -> None:
        self.position = max(0, min(len(self._records) - 1, self.position + delta))
        self._show()

    def jump(self, position: int) -> None:
        self.position = max(0, min(len(self._records) - 1, position))
        self._show()

    def set_perspective(self, perspective: str | None) -> None:
        self.perspective = perspective
        self._records = self.frames.records(perspective)
        chat, seats = self.model.chat, self.model.seats
        self.model = MatchModel(self.content, perspective)
        self.model.chat, self.model.seats = chat, seats
        self._show()

    def next_perspective(self) -> None:
        order: list[str | None] = [None, *self.frames.agencies]
        here = order.index(self.perspective) if self.perspective in order else 0
        self.set_perspective(order[(here + 1) % len(order)])

    def poll(self, dt: float = 0.0) -> list[str]:
        return []

    def draft_changed(self) -> None:
        """Replays are read-only: nothing is sent anywhere."""

    def end_turn(self) -> None:
        self.step(1)

    def chat(self, text: str) -> None:
        self.notices.append(("warn", "A replay has no one to talk to."))

    def close(self) -> None:
        """Nothing to release: the frames are in memory."""
