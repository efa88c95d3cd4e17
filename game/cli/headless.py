"""`lunar-race match`, `lunar-race tournament` and `lunar-race replay`: headless play.

    lunar-race match [AGENCY=BOT ...] [--bot BOT] [--seed N] [--turns N] [--replay FILE]
                     [--json]
    lunar-race tournament BOT [BOT ...] [--games N] [--workers N] [--seed N] [--out FILE]
                          [--export FILE.csv|FILE.json ...] [--backend local|ray]
                          [--address HOST:PORT] [--shard K/N] [--merge FILE ...]
    lunar-race replay verify FILE | show FILE | view FILE [--as AGENCY]
                      | export FILE --html OUT [--as AGENCY]

`replay view` opens the game's window, which is `game.cli.play`'s business: this module hands
it the file and never imports pygame or `game.client` itself.

Bots are specs understood by `game.ai.create_bot` (random, greedy, planner, easy, normal,
hard, module:Class, with /key=value options) or `cmd:PROGRAM ARGS` for a program speaking
the JSON-lines protocol of docs/bots.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

DEFAULT_RESULTS = "tournament.sqlite"


def register(sub: Any) -> None:
    """Add the match, tournament and replay sub-commands."""
    _register_match(sub)
    _register_tournament(sub)
    _register_replay(sub)


def _add_game_options(parser: argparse.ArgumentParser, *, defaults: bool = True) -> None:
    parser.add_argument(
        "--scenario", default="2021" if defaults else None, help="scenario name (default 2021)"
    )
    parser.add_argument(
        "--turns",
        type=_positive,
        default=None,
        help="end after this many turns (default: the scenario's end)",
    )
    parser.add_argument(
        "--agencies",
        type=_agency_list,
        default=None,
        metavar="A,B,...",
        help="play with only these agencies (default: all of the scenario's)",
    )
    parser.add_argument(
        "--time-limit",
        type=_positive,
        default=1000 if defaults else None,
        metavar="MS",
        help="per-turn limit for cmd: bots (default 1000)",
    )
    parser.add_argument(
        "--overage",
        type=_non_negative,
        default=10000 if defaults else None,
        metavar="MS",
        help="overage bank per cmd: bot per match (default 10000)",
    )


def _register_match(sub: Any) -> None:
    p = sub.add_parser(
        "match",
        help="play one headless match between bots",
        description="Play one match between bots with no screen and report the result.",
    )
    p.add_argument(
        "seats",
        nargs="*",
        metavar="AGENCY=BOT",
        help="who plays an agency, e.g. nasa=planner 'esa=cmd:python3 mybot.py'",
    )
    p.add_argument("--bot", default="greedy", help="bot for every other seat (default greedy)")
    p.add_argument("--seed", type=int, default=None, help="match seed (default: random, shown)")
    _add_game_options(p)
    p.add_argument("--replay", metavar="FILE", help="write the replay here (.gz compresses)")
    p.add_argument("--json", action="store_true", help="print only the result as one JSON document")
    p.set_defaults(handler=_match)


def _register_tournament(sub: Any) -> None:
    p = sub.add_parser(
        "tournament",
        help="play many matches between bots and rate them",
        description="Play many headless matches with rotating seats, store every result, "
        "and rate the bots. Stopped tournaments resume from their results file: run the "
        "same command again (or just `lunar-race tournament --out FILE`).",
    )
    p.add_argument("bots", nargs="*", metavar="BOT", help="bots to compare")
    p.add_argument("--games", type=_positive, default=None, help="games in all (default 120)")
    p.add_argument(
        "--workers", type=_positive, default=None, help="worker processes (default: one per core)"
    )
    p.add_argument("--seed", type=int, default=None, help="tournament seed (default 1)")
    p.add_argument(
        "--out",
        default=DEFAULT_RESULTS,
        help=f"SQLite results file, resumed if it exists (default {DEFAULT_RESULTS})",
    )
    _add_game_options(p, defaults=False)
    p.add_argument("--replays", metavar="DIR", help="also save every game's replay here")
    p.add_argument(
        "--export",
        action="append",
        default=[],
        metavar="FILE",
        help="write the tables as .json or .csv (may be repeated)",
    )
    p.add_argument(
        "--rate-by",
        choices=("board", "par", "score"),
        default="board",
        help="what ratings rank: each seat's bots on the same seed (board, the default), "
        "seats against the agency's par, or the match result (score)",
    )
    p.add_argument(
        "--backend",
        choices=("local", "ray"),
        default="local",
        help="where games are played: local worker processes (default) or a Ray cluster",
    )
    p.add_argument(
        "--address",
        metavar="HOST:PORT",
        default=None,
        help="the Ray cluster to join (default: start Ray on this machine)",
    )
    p.add_argument(
        "--shard",
        type=_shard,
        default=None,
        metavar="K/N",
        help="play only shard K of N (games numbered K-1 modulo N), e.g. one job of a "
        "Slurm array; put the shards together with --merge",
    )
    p.add_argument(
        "--merge",
        nargs="+",
        default=[],
        metavar="FILE",
        help="add the games of these results files (shards of one tournament) to --out, "
        "then report on them all, without playing",
    )
    p.add_argument(
        "--report",
        metavar="FILE.html",
        default=None,
        help="also write the tables, a crosstable and the games as a web page (with "
        "--replays, each game's replay page is linked)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=_tournament)


def _register_replay(sub: Any) -> None:
    p = sub.add_parser(
        "replay",
        help="check, print or watch a replay file",
        description="Work with replay files written by `match --replay`.",
    )
    actions = p.add_subparsers(dest="replay_action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="re-simulate and check the hash of every turn")
    verify.add_argument("file")
    verify.add_argument(
        "--any-version",
        action="store_true",
        help="check a replay recorded with another game version anyway",
    )
    verify.set_defaults(handler=_replay_verify)
    show = actions.add_parser("show", help="print the match turn by turn")
    show.add_argument("file")
    show.add_argument(
        "--as",
        dest="perspective",
        metavar="AGENCY",
        help="show the news as this agency saw it (default: spectator)",
    )
    show.add_argument("--any-version", action="store_true")
    show.set_defaults(handler=_replay_show)
    export = actions.add_parser(
        "export",
        help="write the replay as a web page",
        description="Write one self-contained HTML page of the match - timeline, the Moon "
        "with its sites and stations, the prestige chart, the news - that opens in any "
        "browser, without the game and after its content changes.",
    )
    export.add_argument("file")
    export.add_argument("--html", required=True, metavar="FILE", help="the page to write")
    export.add_argument(
        "--as",
        dest="perspective",
        metavar="AGENCY",
        help="what this agency saw, its own money and programs included (default: the public view)",
    )
    export.set_defaults(handler=_replay_export)
    view = actions.add_parser("view", help="watch the replay in the game's window")
    view.add_argument("file")
    view.add_argument(
        "--as",
        dest="perspective",
        metavar="AGENCY",
        help="watch as this agency (default: spectator)",
    )
    view.set_defaults(handler=_replay_view)


# -- argument types ---------------------------------------------------------------------------


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, not {text}")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def _shard(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    try:
        shard = int(k), int(n)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not K/N, e.g. 3/8") from None
    if not 1 <= shard[0] <= shard[1]:
        raise argparse.ArgumentTypeError(f"{text!r}: K must be 1 to N")
    return shard


def _agency_list(text: str) -> list[str]:
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one agency")
    return names


def parse_seats(items: list[str]) -> dict[str, str]:
    """`["nasa=planner", "esa=cmd:./bot"]` -> {"nasa": "planner", "esa": "cmd:./bot"}."""
    seats: dict[str, str] = {}
    for item in items:
        agency, sep, bot = item.partition("=")
        agency = agency.strip().lower()
        if not sep or not agency or not bot.strip():
            raise ValueError(f"seat {item!r} is not AGENCY=BOT (e.g. nasa=planner)")
        if agency in seats:
            raise ValueError(f"{agency} is seated twice")
        seats[agency] = bot.strip()
    return seats


def _limits(args: argparse.Namespace) -> Any:
    from game.runner.host import TimeLimits

    return TimeLimits(turn=args.time_limit / 1000, overage=args.overage / 1000)


def _fail(message: str, code: int = 2) -> int:
    print(f"lunar-race: {message}", file=sys.stderr)
    return code


# -- match ------------------------------------------------------------------------------------


def _match(args: argparse.Namespace) -> int:
    import secrets

    from game.ai.base import BotSpecError
    from game.replay import write_replay
    from game.runner.match import run_match

    try:
        seats = parse_seats(args.seats)
    except ValueError as exc:
        return _fail(str(exc))
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    try:
        result = run_match(
            seats,
            bot=args.bot,
            seed=seed,
            scenario=args.scenario,
            turns=args.turns,
            agencies=args.agencies,
            limits=_limits(args),
        )
    except (BotSpecError, ValueError) as exc:
        return _fail(str(exc))
    if args.replay:
        write_replay(args.replay, result.replay)
    if args.json:
        document = result.to_json()
        if args.replay:
            document["replay"] = args.replay
        print(json.dumps(document, indent=2))
    else:
        print(render_match(result))
        if args.replay:
            print(f"replay written to {args.replay}")
    return 0


def render_match(result: Any) -> str:
    """A readable summary of a match: the end, then one row per seat."""
    from game import __version__
    from game.runner.ratings import _table

    winners = ", ".join(result.winners) or "nobody"
    lines = [
        f"Lunar Race {__version__}  scenario {result.scenario}  seed {result.seed}  "
        f"{result.turns} turns  ended by {result.termination}  in {result.wall_time:.2f} s",
        f"winner: {winners}",
        "",
    ]
    parts: list[str] = []
    for agency in result.seats:
        for key in result.breakdown(agency):
            if key not in parts:
                parts.append(key)
    header = ("agency", "bot", "score", "standing", *parts, "faults", "think ms mean/max")
    rows = []
    for agency, seat in result.seats.items():
        breakdown = result.breakdown(agency)
        think = seat.to_json()["think_time"]
        rows.append(
            (
                agency + (" *" if agency in result.winners else ""),
                _seat_label(seat.spec, seat.name),
                _number(result.score(agency)),
                _percent(result.standing(agency)),
                *(_number(breakdown.get(p, 0)) for p in parts),
                str(len(seat.faults)),
                f"{think['mean_ms']:.1f}/{think['max_ms']:.1f}",
            )
        )
    lines.append(_table(header, rows))
    faults = [f"  {agency}: {f}" for agency, s in result.seats.items() for f in s.faults]
    if faults:
        lines += ["", "faults:", *faults[:20]]
        if len(faults) > 20:
            lines.append(f"  ... and {len(faults) - 20} more")
    return "\n".join(lines)


def _seat_label(spec: str, name: str) -> str:
    """A seat's bot as shown in tables: a program by the name it gave itself."""
    if spec.startswith("cmd:"):
        return f"cmd: {name}" if name != " ".join(spec[4:].split()) else spec[:40]
    return spec


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _number(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value)) if isinstance(value, int | float) else str(value)


# -- tournament -------------------------------------------------------------------------------


def _tournament(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from game.ai.base import BotSpecError, parse_spec, resolve_class
    from game.runner.host import TimeLimits
    from game.runner.progress import Progress
    from game.runner.ratings import agency_table, export, render_agencies, render_standings
    from game.runner.results import ResultsMismatch, ResultsStore
    from game.runner.seats import COMMAND_PREFIX
    from game.runner.tournament import TournamentPlan, TournamentRun, run_tournament

    if args.merge:
        added = 0
        with ResultsStore(args.out) as store:
            for path in args.merge:
                if not Path(path).exists():
                    return _fail(f"no results file {path}")
                with ResultsStore(path) as shard:
                    try:
                        added += store.merge(shard)
                    except ResultsMismatch as exc:
                        return _fail(str(exc))
        print(f"merged {added} games into {args.out}", file=sys.stderr)
    stored: dict[str, Any] = {}
    if Path(args.out).exists():
        with ResultsStore(args.out) as store:
            stored = store.plan()
    bots = tuple(args.bots) or tuple(stored.get("bots", ()))
    if not bots:
        return _fail("name the bots to compare, e.g. `lunar-race tournament random greedy`")
    for spec in bots:
        if spec.startswith(COMMAND_PREFIX):
            continue
        try:
            from game.ai.base import LEVELS

            name, _ = parse_spec(spec)
            if name not in LEVELS:
                resolve_class(name)
        except BotSpecError as exc:
            return _fail(str(exc))

    def pick(value: Any, key: str, default: Any) -> Any:
        return value if value is not None else stored.get(key, default)

    limits = stored.get("limits", {})
    agencies = pick(args.agencies, "agencies", None)
    plan = TournamentPlan(
        bots=bots,
        games=pick(args.games, "games", 120),
        seed=pick(args.seed, "seed", 1),
        scenario=pick(args.scenario, "scenario", "2021"),
        turns=pick(args.turns, "turns", None),
        agencies=tuple(agencies) if agencies else None,
        shard=args.shard or (tuple(stored["shard"]) if "shard" in stored else None),
        limits=TimeLimits(
            turn=args.time_limit / 1000 if args.time_limit else limits.get("turn", 1.0),
            overage=args.overage / 1000
            if args.overage is not None
            else limits.get("overage", 10.0),
        ),
    )
    workers = args.workers or os.cpu_count() or 1
    progress: Progress | None = None

    def on_start(total: int, done: int) -> None:
        nonlocal progress
        if done:
            print(f"resuming {args.out}: {done} of {total} games already played", file=sys.stderr)
        if not args.quiet and done < total:
            progress = Progress(total, done=done)
            progress.start()

    def on_game(record: Any, done: int, total: int) -> None:
        if progress is not None:
            progress.advance(note=f"game {record.game} won by {','.join(record.winners) or '-'}")

    executor = None
    if args.backend == "ray" and not args.merge:
        from game.runner.cluster import RayExecutor

        executor = RayExecutor(args.address, num_cpus=args.workers)
    try:
        if args.merge:  # report on the merged games; play none
            with ResultsStore(args.out) as store:
                done_games = store.records()
                run = TournamentRun(len(done_games), 0, done_games, store.plan(), 0.0)
        else:
            run = run_tournament(
                plan,
                args.out,
                workers=workers,
                executor=executor,
                replays=args.replays,
                on_game=on_game,
                on_start=on_start,
            )
    except ResultsMismatch as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        if progress is not None:
            progress.finish()
        with ResultsStore(args.out) as store:
            done = len(store.finished())
        print(
            f"\ninterrupted: {done} games are saved in {args.out}; run the same command "
            "again to play the rest",
            file=sys.stderr,
        )
        return 130
    finally:
        if executor is not None:
            executor.shutdown()
    if progress is not None:
        progress.finish()
    from game.runner.ratings import standings

    table = standings(run.records, list(bots), by=args.rate_by)
    agencies_rows = agency_table(run.records)
    print(
        f"{len(run.records)} games ({run.played_now} played now in {run.wall_time:.1f} s, "
        f"{_backend(args, workers)}), results in {args.out}"
    )
    print()
    ranked = {
        "board": "the bots that played each seat on the same seed",
        "par": "each game's seats by score against the agency's par",
        "score": "each game's seats by result",
    }[args.rate_by]
    print(f"Bots (OpenSkill Plackett-Luce rating ranking {ranked}; 95% intervals)")
    print(render_standings(table))
    print()
    print("Agencies (a seat wins when its agency is among the winners)")
    print(render_agencies(agencies_rows))
    for path in args.export:
        export(path, table, agencies_rows, run.plan)
        print(f"exported {path}")
    if args.report:
        from game.runner.pages import tournament_page, write_replay_pages

        report = Path(args.report)
        links = write_replay_pages(Path(args.replays), run.records, report) if args.replays else {}
        report.write_text(
            tournament_page(run.plan, table, agencies_rows, run.records, links), encoding="utf-8"
        )
        print(f"wrote {report}")
    return 0


def _backend(args: argparse.Namespace, workers: int) -> str:
    if args.backend == "ray":
        return f"on Ray at {args.address}" if args.address else "on Ray on this machine"
    return f"{workers} worker{'s' if workers != 1 else ''}"


# -- replay -----------------------------------------------------------------------------------


def _load(path: str) -> Any:
    from game.replay import read_replay

    return read_replay(path)


def _replay_verify(args: argparse.Namespace) -> int:
    from game.replay import ReplayError, verify_replay

    try:
        replay = _load(args.file)
        report = verify_replay(replay, any_version=args.any_version)
    except OSError as exc:
        return _fail(f"{args.file}: {exc.strerror or exc}")
    except ReplayError as exc:
        print(f"{args.file}: FAILED: {exc}", file=sys.stderr)
        return 1
    winners = ", ".join((report.outcome or {}).get("winners", [])) or "nobody"
    print(
        f"{args.file}: OK - {report.turns} turns re-simulated, every state hash matches; "
        f"seed {replay.seed}, winner {winners}"
    )
    return 0


def _replay_show(args: argparse.Namespace) -> int:
    try:
        return _print_replay(args)
    except BrokenPipeError:  # e.g. piped into `head`: the reader has all it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps the exit flush quiet
        return 0


def _print_replay(args: argparse.Namespace) -> int:
    from game import rules
    from game.replay import ReplayError, simulate
    from game.runner.match import split_score, standing_percent

    try:
        replay = _load(args.file)
    except OSError as exc:
        return _fail(f"{args.file}: {exc.strerror or exc}")
    except ReplayError as exc:
        return _fail(f"{args.file}: {exc}", 1)
    if args.perspective and args.perspective not in replay.agencies:
        return _fail(f"{args.perspective} is not in this match ({', '.join(replay.agencies)})")
    print(
        f"Replay of a {replay.scenario} match, seed {replay.seed}, game version "
        f"{replay.game_version}"
    )
    for agency in replay.agencies:
        print(
            f"  {agency:10} {replay.seats.get(agency, '?')}"
            + (
                f" ({replay.bots[agency]})"
                if replay.bots.get(agency, "") not in ("", replay.seats.get(agency))
                else ""
            )
        )
    try:
        for step in simulate(replay, any_version=args.any_version):
            print()
            print(f"== turn {step.record.turn} ==")
            for agency in replay.agencies:
                orders = step.record.orders.get(agency, [])
                text = "; ".join(_order_text(o) for o in orders) or "(no orders)"
                print(f"  {agency:10} {text}")
            for fault in step.record.faults:
                print(f"  fault      {fault.get('agency')}: {fault['kind']}: {fault['detail']}")
            for event in rules.events_for(step.events, args.perspective):
                print(f"  news       {event.get('text', event.get('kind'))}")
    except ReplayError as exc:
        return _fail(f"{args.file}: {exc}", 1)
    outcome = replay.outcome or {}
    print()
    print(
        f"ended by {outcome.get('termination')}; winners: "
        f"{', '.join(outcome.get('winners', [])) or 'nobody'}"
    )
    scores = outcome.get("scores", {})
    for agency in [a for a in replay.agencies if a in scores]:
        total, breakdown = split_score(scores[agency])
        parts = ", ".join(f"{k} {v}" for k, v in breakdown.items())
        standing = _percent(standing_percent(outcome, agency))
        print(f"  {agency:10} {total:>6} {standing:>7}  ({parts})")
    return 0


def _order_text(wire: dict[str, Any]) -> str:
    fields = " ".join(f"{k}={v}" for k, v in wire.items() if k != "kind" and v not in ("", False))
    return f"{wire.get('kind')} {fields}".strip()


def _replay_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from game.replay import ReplayError
    from game.runner.pages import replay_page

    try:
        text = replay_page(_load(args.file), args.perspective)
    except (OSError, ReplayError) as exc:
        return _fail(f"replay export: {args.file}: {exc}", 1)
    except ValueError as exc:
        return _fail(f"replay export: {exc}")
    Path(args.html).write_text(text, encoding="utf-8")
    print(f"wrote {args.html}")
    return 0


def _replay_view(args: argparse.Namespace) -> int:
    # The window belongs to `play`; this module stays free of pygame and the client.
    from game.cli.play import view_replay

    return view_replay(args.file, args.perspective)
