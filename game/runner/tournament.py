"""Tournaments: many headless matches between bots, in worker processes, resumable.

Seats rotate so that every bot plays every agency equally often: the games come in blocks of
as many games as there are bots; each block shuffles the seat order with the tournament seed,
and game `g` of a block seats bot `(i + g) mod k` in the i-th seat. The games of a block share
one match seed (a "duplicate" format, as in bridge): each bot meets the same starting dice and
events in each agency's seat, so luck weighs less on the comparison. Seeds derive from the
tournament seed and the block's number, so a game is the same whichever worker plays it and
whenever; an interrupted tournament resumes by playing only the games missing from its
results file (`game.runner.results`).

Games are played by any `concurrent.futures.Executor` (a Ray cluster's included,
`game.runner.cluster`), by a pool of local worker processes, or one by one. A tournament can
also be cut into shards (`TournamentPlan.shard`): shard K of N plays the games whose number
is K-1 modulo N, each into its own results file, which `ResultsStore.merge` puts together;
a game's number and seed come from the plan alone, so shards never collide.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import random
import signal
import time
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from game.runner.host import TimeLimits
from game.runner.results import GameRecord, ResultsStore, SeatResult


@dataclass(frozen=True)
class TournamentPlan:
    """What a tournament plays. Everything but `games` must match to resume a results file."""

    bots: tuple[str, ...]
    games: int
    seed: int = 1
    scenario: str = "2021"
    turns: int | None = None
    agencies: tuple[str, ...] | None = None
    limits: TimeLimits = field(default_factory=TimeLimits)
    shard: tuple[int, int] | None = None  # (K, N): only the games g with g % N == K - 1

    def __post_init__(self) -> None:
        if self.shard is not None and not 1 <= self.shard[0] <= self.shard[1]:
            raise ValueError(f"shard {self.shard[0]}/{self.shard[1]}: K must be 1 to N")

    def settings(self) -> dict[str, Any]:
        out = {
            "bots": list(self.bots),
            "seed": self.seed,
            "scenario": self.scenario,
            "turns": self.turns,
            "agencies": list(self.agencies) if self.agencies else None,
            "limits": asdict(self.limits),
        }
        if self.shard is not None:
            out["shard"] = list(self.shard)
        return out

    def plays(self, game: int) -> bool:
        """Whether this plan (or its shard) plays game number `game`."""
        return self.shard is None or game % self.shard[1] == self.shard[0] - 1


def game_seed(seed: int, block: int) -> int:
    """The match seed of the games of block `block` of a tournament with seed `seed`."""
    digest = hashlib.sha256(f"tournament/{seed}/{block}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def game_seats(
    bots: Sequence[str], agencies: Sequence[str], seed: int, game: int
) -> dict[str, str]:
    """Which bot plays which agency in game number `game`."""
    block, offset = divmod(game, len(bots))
    order = list(agencies)
    random.Random(game_seed(seed, -1 - block)).shuffle(order)
    return {agency: bots[(i + offset) % len(bots)] for i, agency in enumerate(order)}


@dataclass(frozen=True)
class GameJob:
    """One game to play, small enough to send to a worker process."""

    game: int
    seed: int
    seats: dict[str, str]
    scenario: str
    turns: int | None
    agencies: tuple[str, ...]
    limits: TimeLimits
    replays: str | None


def play_game(job: GameJob) -> GameRecord:
    """Play one tournament game (in a worker process or this one)."""
    from game.replay import write_replay
    from game.runner.match import run_match

    result = run_match(
        job.seats,
        seed=job.seed,
        scenario=job.scenario,
        turns=job.turns,
        agencies=list(job.agencies),
        limits=job.limits,
    )
    if job.replays:
        write_replay(Path(job.replays) / f"game-{job.game:05d}.jsonl.gz", result.replay)
    winners = set(result.winners)
    return GameRecord(
        game=job.game,
        seed=job.seed,
        termination=result.termination,
        turns=result.turns,
        winners=sorted(winners),
        wall=result.wall_time,
        seats=[
            SeatResult(
                agency=agency,
                bot=job.seats[agency],
                score=result.score(agency),
                won=agency in winners,
                faults=len(summary.faults),
                think=sum(summary.think),
                decisions=len(summary.think),
                breakdown=result.breakdown(agency),
            )
            for agency, summary in result.seats.items()
        ],
    )


def _quiet_worker() -> None:
    # Ctrl-C goes to the whole process group; only the main process should handle it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The pool stops its workers with SIGTERM; leaving through SystemExit lets the match
    # close its seats, so no bot program outlives the tournament.
    signal.signal(signal.SIGTERM, _leave)


def _leave(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _context() -> Any:
    # Workers are forked from a fresh single-threaded server that has the game imported
    # (fast, and no lock held by another thread of this process is inherited half-taken);
    # where there is no fork server, spawn.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["game.runner.tournament"])
    return context


def plan_jobs(
    plan: TournamentPlan, total: int, done: set[int], replays: str | None
) -> list[GameJob]:
    """The games of a plan still to be played, in game order."""
    from game import rules

    agencies = plan.agencies or tuple(rules.new_match(plan.scenario, seed=0).agencies)
    return [
        GameJob(
            game=g,
            seed=game_seed(plan.seed, g // len(plan.bots)),
            seats=game_seats(plan.bots, agencies, plan.seed, g),
            scenario=plan.scenario,
            turns=plan.turns,
            agencies=tuple(agencies),
            limits=plan.limits,
            replays=replays,
        )
        for g in range(total)
        if g not in done and plan.plays(g)
    ]


def _played(
    jobs: list[GameJob], workers: int, executor: Executor | None
) -> Generator[GameRecord, None, None]:
    """The records of the jobs' games as they finish."""
    if executor is not None:
        futures = [executor.submit(play_game, job) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()  # interrupted: drop the games not yet started
        return
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield play_game(job)
        return
    pool = _context().Pool(min(workers, len(jobs)), initializer=_quiet_worker)
    try:
        yield from pool.imap_unordered(play_game, jobs)
        pool.close()  # every game is in: let the workers leave on their own
    except BaseException:
        pool.terminate()  # interrupted: stop the games under way
        raise
    finally:
        pool.join()


@dataclass
class TournamentRun:
    """Where a tournament stands after `run_tournament` returns."""

    total: int
    played_now: int
    records: list[GameRecord]
    plan: dict[str, Any]
    wall_time: float


def run_tournament(
    plan: TournamentPlan,
    out: str | Path,
    *,
    workers: int = 1,
    executor: Executor | None = None,
    replays: str | Path | None = None,
    on_game: Callable[[GameRecord, int, int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> TournamentRun:
    """Play the games of `plan` missing from the results file `out`, then return them all.

    Games are played by `executor` if one is given, else by `workers` local processes.
    `on_start(total, already_done)` is called once before play, `on_game(record, done,
    total)` after each game is stored. Interrupting (KeyboardInterrupt) leaves every finished
    game in the file; calling again with the same plan plays the rest.
    """
    started = time.perf_counter()
    if replays is not None:
        Path(replays).mkdir(parents=True, exist_ok=True)
    with ResultsStore(out) as store:
        store.adopt_plan(plan.settings(), plan.games)
        stored_plan = store.plan()
        total = sum(1 for g in range(int(stored_plan["games"])) if plan.plays(g))
        done = store.finished()
        jobs = plan_jobs(
            plan, int(stored_plan["games"]), done, str(replays) if replays is not None else None
        )
        if on_start is not None:
            on_start(total, len(done))
        finished = len(done)

        def keep(record: GameRecord) -> None:
            nonlocal finished
            store.add(record)
            finished += 1
            if on_game is not None:
                on_game(record, finished, total)

        # Closed here, not whenever the generator is collected: an interrupted run stops its
        # workers before the interruption goes on.
        with contextlib.closing(_played(jobs, workers, executor)) as played:
            for record in played:
                keep(record)
        return TournamentRun(
            total=total,
            played_now=len(jobs),
            records=store.records(),
            plan=stored_plan,
            wall_time=time.perf_counter() - started,
        )
