"""The tournament results file: an SQLite database that a tournament writes game by game.

Each finished game is committed at once, with its seats, so an interrupted tournament loses
at most the games that were being played, and running the same command again picks up where
it stopped. The file also holds the tournament's plan; a resume with different bots, seed,
scenario or turn limit is refused rather than mixing two tournaments in one table.

Tables: `plan(key, value)` (JSON values), `games(game, seed, termination, turns, winners,
wall, finished)` and `seats(game, agency, bot, score, won, faults, think, decisions,
breakdown)`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS plan (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS games (
    game INTEGER PRIMARY KEY,
    seed INTEGER NOT NULL,
    termination TEXT NOT NULL,
    turns INTEGER NOT NULL,
    winners TEXT NOT NULL,
    wall REAL NOT NULL,
    finished TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seats (
    game INTEGER NOT NULL REFERENCES games(game),
    agency TEXT NOT NULL,
    bot TEXT NOT NULL,
    score REAL NOT NULL,
    won INTEGER NOT NULL,
    faults INTEGER NOT NULL,
    think REAL NOT NULL,
    decisions INTEGER NOT NULL,
    breakdown TEXT NOT NULL,
    PRIMARY KEY (game, agency)
);
"""


@dataclass
class SeatResult:
    """How one seat did in one game."""

    agency: str
    bot: str
    score: float
    won: bool
    faults: int = 0
    think: float = 0.0  # seconds spent deciding over the whole game
    decisions: int = 0
    breakdown: dict[str, Any] = field(default_factory=dict)


@dataclass
class GameRecord:
    """One finished tournament game."""

    game: int
    seed: int
    termination: str
    turns: int
    winners: list[str]
    wall: float
    seats: list[SeatResult]


class ResultsMismatch(ValueError):
    """The results file belongs to a tournament with other settings."""


class ResultsStore:
    """Reads and writes one results file. Only the tournament's main process writes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(SCHEMA)
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the plan -----------------------------------------------------------------------

    def plan(self) -> dict[str, Any]:
        return {key: json.loads(value) for key, value in self.db.execute("SELECT * FROM plan")}

    def adopt_plan(self, settings: dict[str, Any], games: int) -> None:
        """Record the plan of a new file, or check that a resumed one matches it.

        `games` may grow between runs (to extend a tournament); every other setting must be
        the same as the one the file was started with.
        """
        stored = self.plan()
        if stored:
            different = [
                f"{key}: file has {stored.get(key)!r}, asked for {value!r}"
                for key, value in settings.items()
                if stored.get(key) != value
            ]
            if different:
                raise ResultsMismatch(
                    f"{self.path} holds a tournament with other settings ("
                    + "; ".join(different)
                    + "); use the same settings to resume, or another --out file"
                )
            games = max(games, int(stored.get("games", 0)))
        with self.db:
            for key, value in {**settings, "games": games}.items():
                self.db.execute(
                    "INSERT OR REPLACE INTO plan VALUES (?, ?)", (key, json.dumps(value))
                )

    # -- games --------------------------------------------------------------------------

    def finished(self) -> set[int]:
        return {row[0] for row in self.db.execute("SELECT game FROM games")}

    def add(self, record: GameRecord) -> None:
        with self.db:
            self.db.execute(
                "INSERT INTO games VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.game,
                    record.seed,
                    record.termination,
                    record.turns,
                    json.dumps(record.winners),
                    record.wall,
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                ),
            )
            self.db.executemany(
                "INSERT INTO seats VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        record.game,
                        s.agency,
                        s.bot,
                        s.score,
                        int(s.won),
                        s.faults,
                        s.think,
                        s.decisions,
                        json.dumps(s.breakdown, sort_keys=True),
                    )
                    for s in record.seats
                ],
            )

    def records(self) -> list[GameRecord]:
        """Every finished game, in game order (so ratings do not depend on finishing order)."""
        seats: dict[int, list[SeatResult]] = {}
        for row in self.db.execute("SELECT * FROM seats ORDER BY game, rowid"):
            game, agency, bot, score, won, faults, think, decisions, breakdown = row
            seats.setdefault(game, []).append(
                SeatResult(
                    agency, bot, score, bool(won), faults, think, decisions, json.loads(breakdown)
                )
            )
        return [
            GameRecord(game, seed, termination, turns, json.loads(winners), wall, seats[game])
            for game, seed, termination, turns, winners, wall, _ in self.db.execute(
                "SELECT * FROM games ORDER BY game"
            )
        ]

    # -- shards -------------------------------------------------------------------------

    def merge(self, other: ResultsStore) -> int:
        """Add the games of another results file of the same tournament (a shard of it, or
        a copy played elsewhere); returns how many were new. The plans must agree but for
        the shard; a game already here must have the same result there."""
        theirs = {k: v for k, v in other.plan().items() if k != "shard"}
        if not theirs:
            return 0
        ours = {k: v for k, v in self.plan().items() if k != "shard"}
        settings = {k: v for k, v in theirs.items() if k != "games"}
        if ours:
            self.adopt_plan({k: v for k, v in settings.items() if k in ours}, theirs["games"])
        else:
            self.adopt_plan(settings, int(theirs["games"]))
        mine = {r.game: r for r in self.records()}
        added = 0
        for record in other.records():
            known = mine.get(record.game)
            if known is None:
                self.add(record)
                added += 1
            elif _outcome(known) != _outcome(record):
                raise ResultsMismatch(
                    f"game {record.game} has another result in {other.path} than in {self.path}"
                )
        return added


def _outcome(record: GameRecord) -> tuple[Any, ...]:
    """What a game's result is, leaving out how long it took to play."""
    return (
        record.seed,
        record.termination,
        record.turns,
        record.winners,
        [(s.agency, s.bot, s.score, s.won, s.faults, s.breakdown) for s in record.seats],
    )
