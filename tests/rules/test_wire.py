"""Wire forms: states, commands, events and outcomes round-trip losslessly; bad ones are refused."""

from __future__ import annotations

import dataclasses
from typing import Any

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import game.rules
from game.rules import (
    COMMAND_KINDS,
    Command,
    CommandFormatError,
    Event,
    Outcome,
    Rng,
    State,
    StateFormatError,
    Termination,
    new_match,
    orders_from_wire,
    orders_to_wire,
    random_orders,
    resolve_turn,
    state_hash,
)
from game.rules.commands import _KINDS


def packed(data: Any) -> Any:
    return msgpack.unpackb(msgpack.packb(data), raw=False)


@pytest.fixture(scope="module")
def played() -> tuple[list[State], list[Event]]:
    """A whole match with random legal orders: every state and every event along the way."""
    state = new_match(seed=21)
    rng = Rng(21)
    states = [state]
    events: list[Event] = []
    while state.outcome is None:
        state, new = resolve_turn(state, {a: random_orders(state, a, rng) for a in state.agencies})
        states.append(state)
        events += new
    return states, events


# --- states -------------------------------------------------------------------------------------


def test_state_round_trips_through_its_wire_form_at_every_turn(played):
    states, _ = played
    for state in states:
        wire = state.to_wire()
        again = State.from_wire(wire)
        assert again.to_wire() == wire
        assert state_hash(again) == state_hash(state)


def test_state_round_trips_through_msgpack(played):
    states, _ = played
    for state in [*states[::5], states[-1]]:
        wire = state.to_wire()
        again = State.from_wire(packed(wire))
        assert again.to_wire() == wire
        assert state_hash(again) == state_hash(state)


def test_a_round_tripped_state_plays_on_exactly_like_the_original(played):
    states, _ = played
    state = states[12]
    copy = State.from_wire(packed(state.to_wire()))
    orders = {a: random_orders(state, a, Rng(5)) for a in state.agencies}
    first, events_a = resolve_turn(state, orders)
    second, events_b = resolve_turn(copy, orders)
    assert state_hash(first) == state_hash(second)
    assert [e.to_wire() for e in events_a] == [e.to_wire() for e in events_b]


def test_state_wire_form_holds_only_plain_data(played):
    states, _ = played

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or isinstance(value, str | int | float | bool)

    assert plain(states[-1].to_wire())


def test_a_state_that_is_not_a_mapping_is_refused():
    with pytest.raises(StateFormatError):
        State.from_wire(["format", 1])


def test_a_state_of_another_format_version_is_refused():
    wire = new_match(seed=1).to_wire()
    wire["format"] = 99
    with pytest.raises(StateFormatError, match="format"):
        State.from_wire(wire)


def test_a_state_made_with_other_content_is_refused():
    wire = new_match(seed=1).to_wire()
    wire["content_hash"] = "0" * 64
    with pytest.raises(StateFormatError, match="different content"):
        State.from_wire(wire)


def test_a_state_of_a_scenario_not_installed_is_refused():
    wire = new_match(seed=1).to_wire()
    wire["scenario"] = "1969"
    with pytest.raises(StateFormatError):
        State.from_wire(wire)


@pytest.mark.parametrize(
    "damage",
    [
        lambda w: w.pop("agency"),
        lambda w: w.pop("rng"),
        lambda w: w["agency"].__setitem__("nasa", 5),
        lambda w: w["agency"]["esa"].pop("known"),
        lambda w: w["programs"]["m1"].pop("cost"),
        lambda w: w.__setitem__("outcome", {"termination": "surrender"}),
        lambda w: w.__setitem__("stations", [1, 2]),
    ],
    ids=[
        "no agencies",
        "no generator",
        "agency not a mapping",
        "agency without research",
        "program without cost",
        "unknown termination",
        "stations not a mapping",
    ],
)
def test_a_damaged_state_is_refused(damage):
    wire = new_match(seed=1).to_wire()
    damage(wire)
    with pytest.raises(StateFormatError):
        State.from_wire(wire)


# --- commands -----------------------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=64)
_INT = st.integers(min_value=-(2**63), max_value=2**63 - 1)
_FIELD = {"str": _TEXT, "int": _INT, "bool": st.booleans()}


def _command_strategy(cls: type[Command]) -> st.SearchStrategy[Command]:
    fields = {f.name: _FIELD[str(f.type)] for f in dataclasses.fields(cls)}
    return st.builds(cls, **fields)


COMMANDS = st.one_of(*(_command_strategy(_KINDS[kind]) for kind in COMMAND_KINDS))


def test_every_command_kind_has_a_strategy():
    assert set(COMMAND_KINDS) == set(_KINDS) and len(COMMAND_KINDS) == 12


@settings(max_examples=300, deadline=None)
@given(COMMANDS)
def test_command_round_trips_through_its_wire_form_and_msgpack(cmd: Command):
    wire = cmd.to_wire()
    assert wire["kind"] == cmd.KIND
    assert Command.from_wire(wire) == cmd
    assert Command.from_wire(packed(wire)) == cmd


@settings(max_examples=100, deadline=None)
@given(COMMANDS)
def test_a_commands_repr_reads_back_as_the_same_command(cmd: Command):
    assert eval(repr(cmd), vars(game.rules)) == cmd


@settings(max_examples=50, deadline=None)
@given(st.lists(COMMANDS, max_size=10))
def test_orders_round_trip_as_a_list(orders: list[Command]):
    assert orders_from_wire(packed(orders_to_wire(orders))) == orders


def test_a_command_left_at_its_defaults_reads_back_without_them():
    assert Command.from_wire({"kind": "propose", "to": "esa", "treaty": "docking"}).to_wire() == {
        "kind": "propose",
        "to": "esa",
        "treaty": "docking",
        "bloc": "",
        "program": "",
    }


@pytest.mark.parametrize(
    "wire",
    [
        ["research", "heavy_launcher", 100],
        "research",
        None,
        {"tech": "heavy_launcher", "amount": 100},
        {"kind": "teleport"},
        {"kind": 7},
        {"kind": "research", "tech": "heavy_launcher"},
        {"kind": "research", "tech": "heavy_launcher", "amount": 1, "extra": 2},
        {"kind": "research", "tech": "heavy_launcher", "amount": "100"},
        {"kind": "research", "tech": "heavy_launcher", "amount": 1.5},
        {"kind": "research", "tech": "heavy_launcher", "amount": True},
        {"kind": "research", "tech": 5, "amount": 100},
        {"kind": "answer", "proposal": "p1", "accept": 1},
        {"kind": "launch", "program": "m" * 65},
    ],
    ids=[
        "a list",
        "a string",
        "nothing",
        "no kind",
        "unknown kind",
        "kind not a string",
        "missing field",
        "unexpected field",
        "amount a string",
        "amount a float",
        "amount a boolean",
        "tech an integer",
        "accept an integer",
        "name too long",
    ],
)
def test_a_malformed_command_raises_command_format_error(wire):
    with pytest.raises(CommandFormatError) as info:
        Command.from_wire(wire)
    assert info.value.code == "malformed"


def test_orders_that_are_not_a_list_or_too_many_are_malformed():
    with pytest.raises(CommandFormatError):
        orders_from_wire({"kind": "launch", "program": "m1"})
    with pytest.raises(CommandFormatError):
        orders_from_wire([{"kind": "launch", "program": "m1"}] * 65)
    with pytest.raises(CommandFormatError):
        orders_from_wire([{"kind": "launch", "program": "m1"}, {"kind": "launch"}])


# --- events and outcomes ------------------------------------------------------------------------


def test_every_event_of_a_match_round_trips_through_its_wire_form_and_msgpack(played):
    _, events = played
    assert len({e.kind for e in events}) >= 15
    for event in events:
        wire = event.to_wire()
        assert set(wire) == {"kind", "turn", "agency", "text", "data", "visible_to"}
        assert Event.from_wire(wire) == event
        assert Event.from_wire(packed(wire)) == event


def test_outcome_round_trips_through_its_wire_form_and_msgpack(played):
    states, _ = played
    outcome = states[-1].outcome
    assert outcome is not None
    assert Outcome.from_wire(outcome.to_wire()) == outcome
    assert Outcome.from_wire(packed(outcome.to_wire())) == outcome


def test_outcome_of_every_termination_round_trips():
    scores = {"nasa": {"firsts": 3, "total": 3}, "esa": {"firsts": 1, "total": 1}}
    for how in Termination:
        outcome = Outcome(how, ("nasa", "esa"), 17, scores, "s3")
        assert Outcome.from_wire(packed(outcome.to_wire())) == outcome
