"""Replay files: one format to record a match, read it back, and re-check it turn by turn.

A replay is UTF-8 JSON lines (gzip-compressed when the file name ends in `.gz`), written
down in docs/replays.md:

    line 1      {"record": "header", "format": "lunar-race-replay", "format_version": 1,
                 "game_version", "content_hash", "scenario", "seed", "turn_limit",
                 "agencies", "seats", "bots", "initial_hash", "chain"}
    one a turn  {"record": "turn", "turn", "orders": {agency: [command, ...]}, "faults",
                 "hash", "chain"}
    last line   {"record": "end", "turns", "outcome", "final_hash", "chain"}

`hash` is `state_hash` after the turn resolved. `chain` is a running SHA-256 over every
record so far, so an edited, removed or inserted line is caught by reading alone, and the
line that breaks the chain is named. `verify_replay` then re-simulates the match from the
seed and the recorded orders and compares the state hash after every turn.

Every problem is a `ReplayError` whose `problem` is one of PROBLEMS and whose message says
where and what: a file that is not JSON lines (corrupt), that stops early (truncated), that
was written by another format version or game version (wrong_version), whose checksums do
not hold (tampered), that was made with other content (content_changed), or that does not
re-simulate to the recorded hashes (mismatch).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game import __version__

FORMAT = "lunar-race-replay"
FORMAT_VERSION = 1
PROBLEMS = ("corrupt", "truncated", "wrong_version", "tampered", "content_changed", "mismatch")


class ReplayError(Exception):
    """A replay that cannot be read or does not check out. `problem` is one of PROBLEMS."""

    def __init__(self, problem: str, message: str, *, line: int | None = None) -> None:
        assert problem in PROBLEMS
        self.problem = problem
        self.line = line
        super().__init__(f"{problem}: {message}")


@dataclass
class TurnRecord:
    """One turn: the orders each agency's seat submitted, its faults, the hash afterwards."""

    turn: int
    orders: dict[str, list[dict[str, Any]]]
    faults: list[dict[str, Any]]
    hash: str


@dataclass
class Replay:
    """Everything needed to re-play a match exactly and to check it."""

    game_version: str
    content_hash: str
    scenario: str
    seed: int
    turn_limit: int | None
    agencies: list[str]
    seats: dict[str, str]  # agency -> bot spec
    bots: dict[str, str]  # agency -> the bot's own name
    initial_hash: str
    content_version: int | None = None  # None: recorded before replays named it
    intel_secret: int | None = None  # None: the match's secret followed from its seed
    turns: list[TurnRecord] = field(default_factory=list)
    outcome: dict[str, Any] | None = None
    final_hash: str = ""


# -- writing ------------------------------------------------------------------------------


def _canonical(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _link(previous: str, record: dict[str, Any]) -> str:
    return hashlib.sha256(previous.encode() + _canonical(record)).hexdigest()


def _records(replay: Replay) -> Iterator[dict[str, Any]]:
    yield {
        "record": "header",
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "game_version": replay.game_version,
        "content_hash": replay.content_hash,
        "content_version": replay.content_version,
        "intel_secret": None if replay.intel_secret is None else f"{replay.intel_secret:032x}",
        "scenario": replay.scenario,
        "seed": replay.seed,
        "turn_limit": replay.turn_limit,
        "agencies": replay.agencies,
        "seats": replay.seats,
        "bots": replay.bots,
        "initial_hash": replay.initial_hash,
    }
    for t in replay.turns:
        yield {
            "record": "turn",
            "turn": t.turn,
            "orders": t.orders,
            "faults": t.faults,
            "hash": t.hash,
        }
    yield {
        "record": "end",
        "turns": len(replay.turns),
        "outcome": replay.outcome,
        "final_hash": replay.final_hash,
    }


def dumps(replay: Replay) -> bytes:
    """The replay as JSON lines, each record carrying the running checksum."""
    chain = ""
    lines = []
    for record in _records(replay):
        chain = _link(chain, record)
        lines.append(_canonical({**record, "chain": chain}))
    return b"\n".join(lines) + b"\n"


def write_replay(path: str | os.PathLike[str], replay: Replay) -> None:
    """Write atomically: a reader never sees half a file under the final name."""
    target = Path(path)
    data = dumps(replay)
    if target.suffix == ".gz":
        data = gzip.compress(data, mtime=0)  # mtime 0: the same match gives the same bytes
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


# -- reading ------------------------------------------------------------------------------

_HEADER_FIELDS: dict[str, type | tuple[type, ...]] = {
    "game_version": str,
    "content_hash": str,
    "scenario": str,
    "seed": int,
    "turn_limit": (int, type(None)),
    "agencies": list,
    "seats": dict,
    "bots": dict,
    "initial_hash": str,
}
# Fields a replay of an earlier game version may lack.
_OPTIONAL_HEADER_FIELDS: dict[str, type | tuple[type, ...]] = {
    "content_version": (int, type(None)),
    "intel_secret": (str, type(None)),
}
_TURN_FIELDS: dict[str, type | tuple[type, ...]] = {
    "turn": int,
    "orders": dict,
    "faults": list,
    "hash": str,
}
_END_FIELDS: dict[str, type | tuple[type, ...]] = {
    "turns": int,
    "outcome": (dict, type(None)),
    "final_hash": str,
}


def _require(record: dict[str, Any], fields: dict[str, Any], where: str, line: int) -> None:
    for name, kind in fields.items():
        if name not in record:
            raise ReplayError("corrupt", f"{where}: field {name!r} is missing", line=line)
        value = record[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ReplayError("corrupt", f"{where}: field {name!r} has the wrong type", line=line)


def _decompress(data: bytes) -> bytes:
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        return gzip.decompress(data)
    except EOFError as exc:
        raise ReplayError("truncated", "the compressed file ends early") from exc
    except (OSError, zlib.error) as exc:
        raise ReplayError("corrupt", f"the compressed data is damaged ({exc})") from exc


def loads(data: bytes) -> Replay:
    """Read a replay, checking its structure and checksums (not yet the game itself)."""
    data = _decompress(data)
    if not data.strip():
        raise ReplayError("truncated", "the file is empty")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReplayError("corrupt", f"not UTF-8 text at byte {exc.start}") from exc
    complete = text.endswith("\n")
    lines = text.split("\n")
    if complete:
        lines.pop()
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == len(lines) and not complete:
                raise ReplayError(
                    "truncated", f"line {number} is cut off part-way", line=number
                ) from exc
            raise ReplayError(
                "corrupt", f"line {number} is not valid JSON ({exc.msg})", line=number
            ) from exc
        if not isinstance(record, dict):
            raise ReplayError("corrupt", f"line {number} is not a JSON object", line=number)
        records.append(record)
    return _from_records(records)


def _from_records(records: list[dict[str, Any]]) -> Replay:
    header = records[0]
    if header.get("format") != FORMAT or header.get("record") != "header":
        raise ReplayError("corrupt", "not a Lunar Race replay (line 1 is not its header)", line=1)
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ReplayError(
            "wrong_version",
            f"replay format version {version!r}; this build reads version {FORMAT_VERSION}",
            line=1,
        )
    chain = ""
    for number, record in enumerate(records, start=1):
        body = {k: v for k, v in record.items() if k != "chain"}
        chain = _link(chain, body)
        if record.get("chain") != chain:
            where = f"line {number}"
            if record.get("record") == "turn":
                where += f" (turn {record.get('turn')})"
            raise ReplayError(
                "tampered",
                f"{where} does not match its checksum: it, or a line before it, was edited, "
                "removed or inserted after the replay was written",
                line=number,
            )
    _require(header, _HEADER_FIELDS, "line 1 (header)", 1)
    _require(
        {k: header.get(k) for k in _OPTIONAL_HEADER_FIELDS},
        _OPTIONAL_HEADER_FIELDS,
        "line 1 (header)",
        1,
    )
    secret = header.get("intel_secret")
    try:
        intel_secret = None if secret is None else int(secret, 16)
    except ValueError:
        raise ReplayError(
            "corrupt", "line 1 (header): field 'intel_secret' is not hexadecimal", line=1
        ) from None
    replay = Replay(
        **{name: header[name] for name in _HEADER_FIELDS},
        content_version=header.get("content_version"),
        intel_secret=intel_secret,
    )
    for number, record in enumerate(records[1:], start=2):
        kind = record.get("record")
        if kind == "end":
            _require(record, _END_FIELDS, f"line {number} (end)", number)
            if number != len(records):
                raise ReplayError(
                    "corrupt", f"line {number + 1}: data after the end record", line=number + 1
                )
            if record["turns"] != len(replay.turns):
                raise ReplayError(
                    "corrupt",
                    f"the end record counts {record['turns']} turns, the file holds "
                    f"{len(replay.turns)}",
                    line=number,
                )
            replay.outcome = record["outcome"]
            replay.final_hash = record["final_hash"]
            return replay
        if kind != "turn":
            raise ReplayError("corrupt", f"line {number}: unknown record {kind!r}", line=number)
        _require(record, _TURN_FIELDS, f"line {number}", number)
        expected = len(replay.turns)
        if record["turn"] != expected:
            raise ReplayError(
                "corrupt",
                f"line {number}: turn {record['turn']} where turn {expected} belongs",
                line=number,
            )
        replay.turns.append(
            TurnRecord(record["turn"], record["orders"], record["faults"], record["hash"])
        )
    last = len(replay.turns) - 1
    after = f"after turn {last}" if last >= 0 else "after its header"
    raise ReplayError(
        "truncated",
        f"the file stops {after} (line {len(records)}) without its end record",
        line=len(records),
    )


def read_replay(path: str | os.PathLike[str]) -> Replay:
    """Read a replay file; a missing or unreadable file is an OSError, anything else a
    ReplayError."""
    return loads(Path(path).read_bytes())


# -- checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One re-simulated turn of a replay."""

    record: TurnRecord
    state: Any  # game.rules State after the turn
    events: list[Any]  # game.rules Event list of the turn


def content_hash(state: Any) -> str:
    """The hash of the content (assets) a match was played with."""
    return str(state.content.hash)


def content_version(state: Any) -> int:
    """The version number of the content a match was played with."""
    return int(state.content.version)


def first_state(replay: Replay) -> Any:
    """The match a replay starts from: its seed, seats, turn limit and intel secret."""
    from game import rules

    return rules.new_match(
        replay.scenario,
        seed=replay.seed,
        agencies=replay.agencies,
        turns=replay.turn_limit,
        intel_secret=replay.intel_secret,
    )


def content_problem(replay: Replay, version: int, digest: str) -> str | None:
    """Why a replay cannot be re-simulated on this content (its `version` and hash `digest`),
    or None if it was recorded on exactly this content."""
    if replay.content_hash == digest:
        return None
    recorded = replay.content_version
    if recorded is None:
        return (
            "recorded with content older than version 2 (before replays named their content); "
            f"this game has content {version}: it cannot be re-simulated"
        )
    if recorded != version:
        return (
            f"recorded with content {recorded}; this game has content {version}: "
            "it cannot be re-simulated"
        )
    return (
        f"recorded with content {recorded} ({replay.content_hash[:12]}), this game has content "
        f"{version} ({digest[:12]}): assets/ were changed without a new content version; "
        "it cannot be re-simulated"
    )


def simulate(replay: Replay, *, any_version: bool = False) -> Iterator[Step]:
    """Re-play a replay from its seed and orders, checking the state hash at every turn.

    Raises ReplayError (wrong_version, content_changed, corrupt or mismatch) at the first
    thing that does not hold; `any_version` tries a replay from another game version anyway.
    """
    from game import rules
    from game.rules import CommandFormatError, ContentError, load_content

    try:
        content = load_content(replay.scenario)
    except ContentError as exc:
        raise ReplayError("content_changed", f"scenario {replay.scenario!r}: {exc}") from exc
    problem = content_problem(replay, content.version, content.hash)
    if problem is not None:
        raise ReplayError("content_changed", problem)
    if replay.game_version != __version__ and not any_version:
        raise ReplayError(
            "wrong_version",
            f"recorded with game version {replay.game_version}, this is {__version__} "
            "(the rules may differ; check anyway with --any-version)",
        )
    try:
        state = first_state(replay)
    except ValueError as exc:
        raise ReplayError("corrupt", f"line 1 (header): {exc}", line=1) from exc
    if rules.state_hash(state) != replay.initial_hash:
        raise ReplayError("mismatch", "the starting state differs from the recorded one")
    for record in replay.turns:
        if rules.is_over(state):
            raise ReplayError(
                "mismatch", f"the match ended before turn {record.turn}, the replay goes on"
            )
        try:
            orders = {
                agency: rules.orders_from_wire(wire) for agency, wire in record.orders.items()
            }
        except CommandFormatError as exc:
            raise ReplayError("corrupt", f"turn {record.turn}: orders unreadable: {exc}") from exc
        state, events = rules.resolve_turn(state, orders)
        got = rules.state_hash(state)
        if got != record.hash:
            raise ReplayError(
                "mismatch",
                f"turn {record.turn}: the state hash after resolution is {got[:16]}, the "
                f"replay recorded {record.hash[:16]}",
            )
        yield Step(record, state, events)
    if not rules.is_over(state):
        raise ReplayError(
            "mismatch", f"the replay ends after {len(replay.turns)} turns but the match goes on"
        )
    assert state.outcome is not None  # is_over
    if state.outcome.to_wire() != replay.outcome:
        raise ReplayError("mismatch", "the re-played outcome differs from the recorded one")


@dataclass(frozen=True)
class VerifyReport:
    turns: int
    outcome: dict[str, Any] | None


def verify_replay(
    replay: Replay,
    *,
    any_version: bool = False,
    on_turn: Callable[[Step], None] | None = None,
) -> VerifyReport:
    """Re-simulate the whole replay; raises ReplayError at the first difference."""
    turns = 0
    for step in simulate(replay, any_version=any_version):
        turns += 1
        if on_turn is not None:
            on_turn(step)
    return VerifyReport(turns, replay.outcome)
