"""Replays and tournaments as web pages: one self-contained file each, holding what the
chosen perspective saw turn by turn, the leaderboard, the crosstable and links to games."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from game.cli import main
from game.replay import write_replay
from game.runner.match import run_match
from game.runner.pages import crosstable, replay_page
from game.runner.results import GameRecord, SeatResult

TURNS = 5


@pytest.fixture(scope="module")
def replay():
    return run_match(bot="random", seed=12, turns=TURNS).replay


def embedded(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    assert found, "the page holds its data"
    return json.loads(found.group(1))


def test_a_replay_page_holds_every_turn_and_fetches_nothing(replay):
    page = replay_page(replay)
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no request leaves the page
    data = embedded(page)
    assert len(data["frames"]) == TURNS + 1
    assert [f["turn"] for f in data["frames"]] == list(range(TURNS + 1))
    assert data["outcome"] == replay.outcome
    assert data["sites"]["shackleton"]["lat"] < -89
    assert all("me" not in f for f in data["frames"])  # the public view by default


def test_an_agencys_replay_page_shows_its_own_money_and_news_only_it_saw(replay):
    public = embedded(replay_page(replay))
    esa = embedded(replay_page(replay, "esa"))
    assert esa["perspective"] == "esa"
    assert all(isinstance(f["me"]["treasury"], int) for f in esa["frames"])
    public_news = sum(len(f["news"]) for f in public["frames"])
    assert sum(len(f["news"]) for f in esa["frames"]) > public_news


def test_text_in_the_data_cannot_end_the_script_that_holds_it(replay):
    replay.bots = {**replay.bots, "nasa": "</script><script>alert(1)</script>"}
    page = replay_page(replay)
    assert page.count("</script>") == 2  # the data's and the page script's own
    assert embedded(page)["bots"]["nasa"].startswith("</script>")


def test_replay_export_writes_the_page_from_the_command_line(replay, tmp_path: Path):
    source = tmp_path / "m.jsonl.gz"
    write_replay(source, replay)
    target = tmp_path / "m.html"
    assert main(["replay", "export", str(source), "--html", str(target), "--as", "cnsa"]) == 0
    assert embedded(target.read_text(encoding="utf-8"))["perspective"] == "cnsa"
    assert main(["replay", "export", str(source), "--html", str(target), "--as", "isro"]) == 2


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium to open the page in")
@pytest.mark.timeout(120)
def test_the_page_runs_in_a_browser_without_a_console_message(replay, tmp_path: Path):
    target = tmp_path / "m.html"
    target.write_text(replay_page(replay, "nasa"), encoding="utf-8")
    shown = subprocess.run(
        [str(CHROMIUM), *HEADLESS, "--dump-dom", target.as_uri() + "?turn=2"],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    console = [line for line in shown.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    # The script ran: it wrote the turn asked for and drew the Moon and the chart.
    assert re.search(r'id="date">[^<]*\(turn 2\)<', shown.stdout)
    assert shown.stdout.count("<polyline") == len(replay.agencies)


def seat(agency: str, bot: str, score: float) -> SeatResult:
    return SeatResult(agency, bot, score, False)


def test_the_crosstable_counts_boards_won_against_each_other_bot():
    records = [
        GameRecord(0, 7, "turn_limit", 3, [], 0.0, [seat("nasa", "a", 10), seat("esa", "b", 5)]),
        GameRecord(1, 7, "turn_limit", 3, [], 0.0, [seat("nasa", "b", 8), seat("esa", "a", 9)]),
    ]
    table = crosstable(records)
    assert table["a"]["b"] == (2, 2)  # a beat b at NASA (10 > 8) and at ESA (9 > 5)
    assert table["b"]["a"] == (0, 2)


def test_a_tournament_report_links_each_games_replay_page(tmp_path: Path):
    report, replays = tmp_path / "t.html", tmp_path / "replays"
    command = ["tournament", "random", "greedy", "--games", "2", "--turns", "2", "--workers", "1"]
    command += ["--out", str(tmp_path / "t.sqlite"), "--replays", str(replays), "--quiet"]
    assert main([*command, "--report", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    assert "Crosstable" in page and "Leaderboard" in page
    links = re.findall(r'href="(replays/game-\d+\.html)"', page)
    assert len(links) == 2 and all((tmp_path / link).exists() for link in links)
