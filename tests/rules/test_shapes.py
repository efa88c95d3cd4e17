"""The view's written shape (`game.rules.shapes`) is the shape of the real view.

Views of every agency and of a spectator, taken at several turns of seeded matches, are
checked key by key and value by value against the `TypedDict`s: no key missing, none extra,
every value of its declared type. Every key a record may have must turn up somewhere in
these matches, so a field the view stops producing is noticed too.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any, Literal, Union

import pytest

from game.rules import (
    Event,
    EventWire,
    Launch,
    Rng,
    State,
    View,
    events_for,
    new_match,
    random_orders,
    resolve_turn,
    view,
)
from tests.rules.builders import add_program, learn, opening, resolve_until

SEEDS = (26, 49, 95)  # random matches in which stations get built
SAMPLED_TURNS = {0, 1, 6, 15, 30}


def is_typed_dict(kind: object) -> bool:
    return typing.is_typeddict(kind)


class ShapeChecker:
    """Checks plain data against a type, and remembers which keys of each record it met."""

    def __init__(self) -> None:
        self.seen: dict[type, set[str]] = {}

    def check(self, value: object, kind: Any, where: str) -> None:
        if kind is Any:
            return
        if is_typed_dict(kind):
            self.check_record(value, kind, where)
            return
        origin = typing.get_origin(kind)
        args = typing.get_args(kind)
        if origin in (Union, types.UnionType):
            self.check_union(value, args, where)
        elif origin is Literal:
            assert value in args, f"{where}: {value!r} is not one of {args}"
        elif origin is dict:
            assert isinstance(value, dict), f"{where}: {type(value).__name__}, not a dict"
            key_kind, value_kind = args
            for key, item in value.items():
                self.check(key, key_kind, f"{where} key {key!r}")
                self.check(item, value_kind, f"{where}[{key!r}]")
        elif origin is list:
            assert isinstance(value, list), f"{where}: {type(value).__name__}, not a list"
            for n, item in enumerate(value):
                self.check(item, args[0], f"{where}[{n}]")
        elif kind is type(None):
            assert value is None, f"{where}: {value!r}, not None"
        elif kind is float:
            # An int is a float as far as the type checker is concerned (PEP 484).
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            assert ok, f"{where}: {value!r} is not a float"
        elif kind is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
            assert ok, f"{where}: {value!r} is not an int"
        elif kind in (str, bool):
            assert isinstance(value, kind), f"{where}: {value!r} is not a {kind.__name__}"
        else:
            raise AssertionError(f"{where}: the checker does not know the type {kind!r}")

    def check_record(self, value: object, kind: Any, where: str) -> None:
        assert isinstance(value, dict), f"{where}: {type(value).__name__}, not a {kind.__name__}"
        hints = typing.get_type_hints(kind)
        missing = kind.__required_keys__ - value.keys()
        extra = value.keys() - hints.keys()
        assert not missing, f"{where}: {kind.__name__} lacks {sorted(missing)}"
        assert not extra, f"{where}: {kind.__name__} has no {sorted(extra)}"
        self.seen.setdefault(kind, set()).update(value)
        for key, item in value.items():
            self.check(item, hints[key], f"{where}.{key}")

    def check_union(self, value: object, kinds: tuple[Any, ...], where: str) -> None:
        problems = []
        for kind in kinds:
            trial = ShapeChecker()
            try:
                trial.check(value, kind, where)
            except AssertionError as exc:
                problems.append(str(exc))
                continue
            for record, keys in trial.seen.items():
                self.seen.setdefault(record, set()).update(keys)
            return
        raise AssertionError(f"{where}: fits none of {kinds}: {problems}")


def records(kind: Any) -> Iterator[Any]:
    """Every TypedDict reachable from a type, itself included."""
    if is_typed_dict(kind):
        yield kind
        for hint in typing.get_type_hints(kind).values():
            yield from records(hint)
    for arg in typing.get_args(kind):
        yield from records(arg)


def seeded_views() -> Iterator[tuple[str, State, list[Event]]]:
    """(label, state, the last turn's events) at the sampled turns of seeded random matches."""
    for seed in SEEDS:
        state = new_match(seed=seed)
        rng = Rng(seed)
        events: list[Event] = []
        while True:
            if state.turn in SAMPLED_TURNS or state.outcome is not None:
                yield f"seed {seed} turn {state.turn}", state, events
            if state.outcome is not None:
                break
            orders = {a: random_orders(state, a, rng) for a in state.agencies}
            state, events = resolve_turn(state, orders)
    yield "a crewed flight that loses its crew", *crew_lost()


def crew_lost() -> tuple[State, list[Event]]:
    """Random orders seldom fly crews: the one flight record they leave out."""
    state = opening()
    learn(state, "nasa", "heavy_launcher")
    program = add_program(state, "nasa", "crewed_flyby", "orbit")
    state.agency["nasa"].experience["crew"] = -1.0
    return resolve_until(
        state,
        {"nasa": [Launch(program.id)]},
        lambda _, events: any(e.data.get("crew_lost") for e in events),
    )


@pytest.fixture(scope="module")
def checked() -> ShapeChecker:
    checker = ShapeChecker()
    for label, state, events in seeded_views():
        for seat in [*state.agencies, None]:
            checker.check(view(state, seat), View, f"{label}, view of {seat}")
            for n, event in enumerate(events_for(events, seat)):
                checker.check(event, EventWire, f"{label}, event {n} for {seat}")
    return checker


def test_every_view_and_event_has_the_declared_shape(checked: ShapeChecker):
    assert View in checked.seen and EventWire in checked.seen


def test_every_declared_key_turns_up_in_some_view(checked: ShapeChecker):
    never = {
        kind.__name__: sorted(set(typing.get_type_hints(kind)) - checked.seen.get(kind, set()))
        for kind in {*records(View), EventWire}
    }
    assert {name: keys for name, keys in never.items() if keys} == {}


def test_the_checker_refuses_a_missing_an_extra_or_a_mistyped_key():
    state = new_match(seed=1)
    good = view(state, "nasa")
    checker = ShapeChecker()
    checker.check(good, View, "view")
    for damage in (
        lambda v: v.pop("turn"),
        lambda v: v.update(surprise=1),
        lambda v: v.update(turn="3"),
        lambda v: v["me"].update(treasury=1.5),
        lambda v: next(iter(v["agencies"].values())).pop("blocs"),
        lambda v: next(iter(v["intel"].values())).update(exact="yes"),
    ):
        broken = view(state, "nasa")
        damage(broken)
        with pytest.raises(AssertionError):
            checker.check(broken, View, "view")
