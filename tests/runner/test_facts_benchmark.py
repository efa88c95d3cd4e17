"""The "facts that matter" benchmark: each fact taken out of the scenario's text, played."""

from __future__ import annotations

from benchmarks import facts
from game.rules import load_content, new_match


def test_each_fact_is_taken_out_of_the_content_and_nothing_else():
    base = load_content("2021")
    without_bar = load_content(facts.scenario_without("legal_bar"))
    assert base.forbidden and not without_bar.forbidden
    without_bounty = load_content(facts.scenario_without("airlock_bounty"))
    assert [b.bounty for b in without_bounty.beats if b.bounty] == []
    assert len(without_bounty.beats) == len(base.beats)
    without_drill = load_content(facts.scenario_without("luna27_drill"))
    luna27 = {p.name: p for p in without_drill.programs}["Luna 27"]
    assert luna27.mission_type == "lander"
    assert without_drill.missions == base.missions
    # Built once per process, and a match plays on it by its name.
    assert facts.scenario_without("luna27_drill") == without_drill.scenario
    assert new_match(without_drill.scenario, seed=3).content is without_drill


def test_two_games_give_one_table_row_per_fact(capsys):
    # Matches cut at 2029 H1, past the airlock's deadline, to keep the test short.
    assert facts.main(["--games", "2", "--workers", "1", "--turns", "16"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "/2 |" in line]
    assert len(rows) == len(facts.FACTS)
    assert "airlock bounty was claimed in" in out
