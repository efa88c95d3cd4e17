"""Rooms and the lobby without sockets: seats and tokens, readiness, the order of checks on
orders, when a turn is due, and the AI standing in for absent players."""

from __future__ import annotations

from typing import Any

import pytest

from game import rules
from game.protocol.codec import decode_trusted
from game.protocol.errors import ErrorCode, ServerError
from game.protocol.messages import ClientType, Control, Phase, parse
from server import turns, work
from server.limits import Limits
from server.lobby import Lobby
from server.room import Room, RoomSettings
from server.seats import SeatBots
from server.snapshot import decode_state
from tests.server.tables import plain

NOW = 1_000_000.0


def create(lobby: Lobby, **fields: Any) -> tuple[Room, str, str | None]:
    message = parse(
        {
            "t": "create",
            "name": "test",
            "turns": 3,
            "deadline": 10,
            "ai_level": "random",
            "seed": 5,
            **fields,
        }
    )
    assert message.type is ClientType.CREATE
    return lobby.create(message.fields, address="198.51.100.7", now=NOW)


def code_of(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(ServerError) as caught:
        call(*args, **kwargs)
    return str(caught.value.code)


@pytest.fixture
def lobby() -> Lobby:
    return Lobby(Limits())


def started(lobby: Lobby) -> tuple[Room, dict[str, str]]:
    """A room with humans in esa and jaxa, the other seats to the AI, match started."""
    room, _host, _key = create(lobby)
    tokens = {}
    for agency, conn in (("esa", 10), ("jaxa", 11)):
        _room, seat, token = lobby.join(room.id, agency, None, agency.upper(), conn)
        room.set_ready(seat.agency, True)
        tokens[agency] = token
    room.start(NOW)
    return room, tokens


def test_a_new_room_has_an_open_seat_per_agency(lobby: Lobby) -> None:
    room, host_token, key = create(lobby)
    assert key is None
    assert list(room.seats) == list(rules.new_match("2021", seed=0).agencies)
    assert all(s.control is Control.OPEN for s in room.seats.values())
    assert room.id in {r["id"] for r in lobby.listing()}
    assert host_token not in repr(room.summary())


def test_unknown_scenarios_agencies_and_levels_are_malformed(lobby: Lobby) -> None:
    assert code_of(create, lobby, scenario="1969") == ErrorCode.MALFORMED
    assert code_of(create, lobby, scenario="../content/techs") == ErrorCode.MALFORMED
    assert code_of(create, lobby, seats=["nasa", "starfleet"]) == ErrorCode.MALFORMED
    assert code_of(create, lobby, seats=["nasa"]) == ErrorCode.MALFORMED
    assert code_of(create, lobby, ai_level="os:system") == ErrorCode.MALFORMED


def test_each_seat_may_have_its_own_ai_level(lobby: Lobby) -> None:
    room, _host, _key = create(lobby, ai_level="easy", ai_levels={"esa": "hard", "csa": "random"})
    levels = {s["agency"]: s["ai_level"] for s in room.summary()["seats"]}
    assert levels["esa"] == "hard" and levels["csa"] == "random" and levels["nasa"] == "easy"
    bots = SeatBots(work.Workers(0), timeout=5.0)
    assert type(bots.bot(room, "esa")).__name__ == "PlannerBot"
    assert type(bots.bot(room, "csa")).__name__ == "RandomBot"
    assert getattr(bots.bot(room, "nasa"), "blunder", 0) > 0  # easy: greedy with blunders
    again = RoomSettings.from_wire(plain(room.settings.to_wire()))  # as the store keeps it
    assert again == room.settings
    old = {k: v for k, v in room.settings.to_wire().items() if k != "ai_levels"}
    assert RoomSettings.from_wire(old).level_for("esa") == "easy"  # stored before levels
    for wrong in (
        {"starfleet": "hard"},  # not a seat
        {"esa": "os:system"},  # not a level
        {"esa": 3},  # not a string
        ["esa", "hard"],  # not a map
    ):
        assert code_of(create, lobby, ai_levels=wrong) == ErrorCode.MALFORMED


def test_private_rooms_need_their_key_and_are_not_listed(lobby: Lobby) -> None:
    room, _host, key = create(lobby, visibility="private")
    assert key is not None
    assert room.id not in {r["id"] for r in lobby.listing()}
    assert code_of(lobby.join, room.id, None, None, "Ada", 1) == ErrorCode.UNAUTHORISED
    assert code_of(lobby.join, room.id, None, "x" * 32, "Ada", 1) == ErrorCode.UNAUTHORISED
    _room, seat, _token = lobby.join(room.id, None, key, "Ada", 1)
    assert seat.player == "Ada"


def test_a_taken_seat_and_a_full_room_are_refused(lobby: Lobby) -> None:
    room, _host, _key = create(lobby, seats=["nasa", "esa"])
    lobby.join(room.id, "esa", None, "Ada", 1)
    assert code_of(lobby.join, room.id, "esa", None, "Bo", 2) == ErrorCode.SEAT_TAKEN
    assert code_of(lobby.join, room.id, "cnsa", None, "Bo", 2) == ErrorCode.UNKNOWN_SEAT
    lobby.join(room.id, None, None, "Bo", 2)
    assert code_of(lobby.join, room.id, None, None, "Cy", 3) == ErrorCode.ROOM_FULL


def test_a_token_works_only_for_its_own_seat(lobby: Lobby) -> None:
    room, _host, _key = create(lobby)
    _r, _s, esa = lobby.join(room.id, "esa", None, "Ada", 1)
    _r, _s, jaxa = lobby.join(room.id, "jaxa", None, "Bo", 2)
    assert lobby.seat(room.id, "esa", esa)[1].agency == "esa"
    assert code_of(lobby.seat, room.id, "esa", jaxa) == ErrorCode.UNAUTHORISED
    assert code_of(lobby.seat, "otherroom", "esa", esa) == ErrorCode.UNAUTHORISED
    assert code_of(lobby.seat, room.id, "esa", "nonsense") == ErrorCode.UNAUTHORISED


def test_tokens_are_kept_only_as_digests(lobby: Lobby) -> None:
    room, host_token, _key = create(lobby)
    _r, seat, token = lobby.join(room.id, "esa", None, "Ada", 1)
    assert token not in repr(seat) and token not in repr(lobby.tokens)
    assert host_token != room.host_hash and host_token not in repr(room)


def test_leaving_in_the_lobby_opens_the_seat_and_revokes_the_token(lobby: Lobby) -> None:
    room, _host, _key = create(lobby)
    _r, seat, token = lobby.join(room.id, "esa", None, "Ada", 1)
    lobby.release(room, "esa")
    assert seat.control is Control.OPEN
    assert code_of(lobby.seat, room.id, "esa", token) == ErrorCode.UNAUTHORISED


def test_the_host_starts_only_when_every_player_is_ready(lobby: Lobby) -> None:
    room, host, _key = create(lobby)
    lobby.join(room.id, "esa", None, "Ada", 1)
    assert code_of(room.check_host, "wrong") == ErrorCode.UNAUTHORISED
    room.check_host(host)
    assert code_of(room.start, NOW) == ErrorCode.NOT_READY
    room.set_ready("esa", True)
    room.start(NOW)
    assert room.phase is Phase.PLAYING
    assert room.seats["nasa"].control is Control.AI  # open seats went to the AI
    assert room.deadline == NOW + room.settings.first_deadline
    assert code_of(room.start, NOW) == ErrorCode.ALREADY_STARTED
    assert code_of(lobby.join, room.id, "nasa", None, "Late", 9) == ErrorCode.ALREADY_STARTED


def test_orders_are_checked_in_protocol_order(lobby: Lobby) -> None:
    room, tokens = started(lobby)
    esa = tokens["esa"]
    version = room.version
    check = lobby.check_orders
    # seat token before room: a wrong token learns nothing about the room
    assert code_of(check, "nosuchroom", "esa", esa, version, [], True) == "unauthorised"
    assert code_of(check, room.id, "jaxa", esa, version, [], True) == "unauthorised"
    assert code_of(check, room.id, "esa", esa, version, [{"kind": "warp"}], True) == "malformed"
    over_budget = [{"kind": "research", "tech": "heavy_launcher", "amount": 10**9}]
    with pytest.raises(ServerError) as caught:
        check(room.id, "esa", esa, version, over_budget, True)
    assert caught.value.code is ErrorCode.ILLEGAL
    assert caught.value.errors and caught.value.errors[0]["code"]
    # a legal order quoting an old version is stale; an illegal one is illegal first
    assert code_of(check, room.id, "esa", esa, version + 1, [], True) == "stale"
    assert code_of(check, room.id, "esa", esa, version + 1, over_budget, True) == "illegal"
    submission = check(room.id, "esa", esa, version, [], True)
    assert submission.agency == "esa" and submission.final


def test_a_finished_match_refuses_orders_as_over_before_anything_else(lobby: Lobby) -> None:
    room, tokens = started(lobby)
    room.phase = Phase.OVER
    code = code_of(lobby.check_orders, room.id, "esa", tokens["esa"], 999, [{"kind": "x"}], True)
    assert code == ErrorCode.MATCH_OVER


def test_a_seat_given_up_mid_match_is_played_by_the_ai(lobby: Lobby) -> None:
    room, tokens = started(lobby)
    lobby.release(room, "esa")
    assert room.seats["esa"].control is Control.AI
    assert "esa" in room.needs_ai()
    assert (
        code_of(lobby.check_orders, room.id, "esa", tokens["esa"], room.version, [], True)
        == ErrorCode.UNAUTHORISED
    )


def test_the_turn_is_due_when_every_seat_is_final_or_at_the_deadline(lobby: Lobby) -> None:
    room, _tokens = started(lobby)
    assert not room.is_due(NOW)
    for agency in room.seats:
        room.record(agency, [], final=agency != "esa")
    assert not room.is_due(NOW)  # esa has only a draft
    assert room.is_due(room.deadline or 0)
    room.record("esa", [], final=True)
    assert room.is_due(NOW)


def test_the_ai_stands_in_after_the_grace_period_and_hands_the_seat_back(lobby: Lobby) -> None:
    room, _tokens = started(lobby)
    room.attach("esa", 10)
    room.detach(10, NOW)
    assert room.stand_ins_due(NOW + 1, grace=30) == []
    assert "esa" not in room.needs_ai()
    assert room.stand_ins_due(NOW + 30, grace=30) == ["esa"]
    assert "esa" in room.needs_ai()
    room.record("esa", [], final=True, by_ai=True)
    room.attach("esa", 12)
    assert not room.seats["esa"].stand_in
    assert "esa" not in room.final  # the AI's orders stay as a draft the player may replace
    assert "esa" in room.orders


def test_resolving_a_turn_moves_the_version_on_and_filters_events(lobby: Lobby) -> None:
    room, _tokens = started(lobby)
    before = room.version
    plan = room.plan()
    assert room.resolving
    assert set(plan.orders) == set(room.seats)
    state, events = rules.resolve_turn(plan.state, plan.orders)
    resolved = turns.resolve(plan.snapshot, plan.orders, ["esa"])
    room.conclude(decode_state(resolved.snapshot), resolved, NOW + 5)
    assert rules.state_hash(room.state) == rules.state_hash(state) == resolved.state_hash
    assert room.version > before
    assert room.turn == 1
    assert room.deadline == NOW + 5 + room.settings.deadline
    assert not room.orders and not room.final
    assert room.events_for(None) == rules.events_for(events, None)
    assert room.events_for("esa") == rules.events_for(events, "esa")


def test_orders_checked_in_one_turn_are_checked_afresh_in_the_next(lobby: Lobby) -> None:
    """A room remembers single-command checks for the turn, never beyond it."""
    room, tokens = started(lobby)
    research = next(c for c in rules.legal_commands(room.state, "esa") if c.KIND == "research")
    orders = [research.to_wire()]
    assert lobby.check_orders(room.id, "esa", tokens["esa"], room.version, orders, False)
    paid = room.state.clone()  # the tech is paid for in full: nothing more may go into it
    paid.agency["esa"].research[research.tech] = 10**6
    room.begin_turn(paid, {}, NOW, 10.0)
    with pytest.raises(ServerError) as caught:
        lobby.check_orders(room.id, "esa", tokens["esa"], room.version, orders, False)
    assert caught.value.code is ErrorCode.ILLEGAL
    assert caught.value.errors[0]["code"] == "bad_amount"


def test_spectators_get_the_public_view_and_no_legal_commands(lobby: Lobby) -> None:
    room, _tokens = started(lobby)
    public = decode_trusted(room.turn_message(None, NOW))
    assert public["view"] == plain(rules.view(room.state, None))
    assert "legal" not in public and "orders" not in public
    own = decode_trusted(room.turn_message("esa", NOW))
    assert own["view"] == plain(rules.view(room.state, "esa"))
    assert own["legal"] == [c.to_wire() for c in rules.legal_commands(room.state, "esa")]
    assert (own["seat"], own["version"], own["phase"]) == ("esa", room.version, "playing")
