"""Content checking: the real files load, and each kind of break names its file and key."""

from __future__ import annotations

import pytest

from game.rules import ContentError, load_content, scenario_names
from game.rules.content import CONTENT_FILES, assets_root, build_content

SCENARIO = "scenarios/2021.toml"


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    """The real content files, keyed by their path under assets/."""
    root = assets_root()
    out = {
        f"content/{n}.toml": (root / "content" / f"{n}.toml").read_text("utf-8")
        for n in CONTENT_FILES
    }
    out[SCENARIO] = (root / SCENARIO).read_text("utf-8")
    return out


def broken(texts: dict[str, str], file: str, old: str, new: str) -> ContentError:
    """Build content with one edit to one file and return the error it raises."""
    assert texts[file].count(old) == 1, f"{old!r} is not one place in {file}"
    edited = dict(texts, **{file: texts[file].replace(old, new)})
    with pytest.raises(ContentError) as info:
        build_content("2021", edited)
    return info.value


def test_the_real_content_builds_and_is_the_loaded_content(texts):
    content = build_content("2021", texts)
    assert content.hash == load_content("2021").hash
    assert len(content.techs) >= 30 and len(content.branches) >= 6
    assert len(content.missions) >= 12 and len(content.sites) >= 12
    assert scenario_names() == ["2021"]


def test_a_toml_syntax_error_names_the_file(texts):
    error = broken(texts, "content/techs.toml", "[techs.heavy_launcher]", "[techs.heavy_launcher")
    assert (error.file, error.key) == ("content/techs.toml", "(syntax)")


def test_a_missing_key_names_the_file_and_key(texts):
    error = broken(
        texts, "content/missions.toml", 'name = "Orbiter"\ncost = 300\n', 'name = "Orbiter"\n'
    )
    assert (error.file, error.key, error.problem) == (
        "content/missions.toml",
        "missions.orbiter.cost",
        "is missing",
    )
    assert str(error) == "content/missions.toml: missions.orbiter.cost: is missing"


def test_a_value_of_the_wrong_type_names_the_file_and_key(texts):
    error = broken(
        texts,
        "content/missions.toml",
        "cost = 300\nbuild_turns = 3",
        'cost = 300\nbuild_turns = "3"',
    )
    assert (error.file, error.key) == ("content/missions.toml", "missions.orbiter.build_turns")
    assert "integer" in error.problem


def test_a_value_out_of_range_names_the_file_and_key(texts):
    error = broken(texts, "content/sites.toml", "lat = -89.9", "lat = -99.9")
    assert (error.file, error.key) == ("content/sites.toml", "sites.shackleton.lat")


def test_an_unknown_tech_in_requires_names_the_tech(texts):
    old = 'requires = ["cryogenic_upper_stage"]\ncost = 1600'
    error = broken(texts, "content/techs.toml", old, 'requires = ["warp_drive"]\ncost = 1600')
    assert (error.file, error.key) == ("content/techs.toml", "techs.heavy_launcher.requires")
    assert "warp_drive" in error.problem


def test_a_prerequisite_cycle_is_refused(texts):
    old = 'name = "Medium launcher"\nbranch = "launchers"\n'
    new = old + 'requires = ["heavy_launcher"]\n'
    error = broken(texts, "content/techs.toml", old, new)
    assert error.file == "content/techs.toml"
    assert error.key.endswith(".requires")
    assert "cycle" in error.problem and "heavy_launcher" in error.problem


def test_an_unknown_milestone_in_a_mission_names_it(texts):
    old = '[["lunar_orbiter", "orbit insertion"], ["ice_mapped", "survey"]]'
    new = '[["lunar_orbitr", "orbit insertion"], ["ice_mapped", "survey"]]'
    error = broken(texts, "content/missions.toml", old, new)
    assert (error.file, error.key) == ("content/missions.toml", "missions.orbiter.milestones[0]")
    assert "lunar_orbitr" in error.problem


def test_an_unknown_agency_in_a_bloc_names_it(texts):
    error = broken(
        texts, SCENARIO, 'members = ["nasa", "jaxa", "csa"]', 'members = ["nasa", "jaxa", "isro"]'
    )
    assert (error.file, error.key) == (SCENARIO, "blocs.artemis_accords.members")
    assert "isro" in error.problem


def test_a_misspelt_key_is_refused_as_a_typo(texts):
    old = 'name = "Orbiter"\n'
    error = broken(texts, "content/missions.toml", old, old + "sciense = 4\n")
    assert (error.file, error.key) == ("content/missions.toml", "missions.orbiter.sciense")
    assert "typo" in error.problem


def test_a_misspelt_rule_in_a_scenario_is_refused(texts):
    error = broken(texts, SCENARIO, "presence_turns = 8", "presense_turns = 8")
    assert (error.file, error.key) == (SCENARIO, "rules.stations.presense_turns")


def test_an_unknown_scenario_names_the_scenario_file():
    with pytest.raises(ContentError) as info:
        load_content("1969")
    assert info.value.file == "scenarios/1969.toml"
    assert "2021" in info.value.problem


def test_a_missing_content_file_is_named(texts):
    without = {k: v for k, v in texts.items() if k != "content/events.toml"}
    with pytest.raises(ContentError) as info:
        build_content("2021", without)
    assert info.value.file == "content/events.toml"


def test_a_step_with_a_system_no_tech_provides_is_refused(texts):
    old = '["survey", "spacecraft"]]'
    error = broken(texts, "content/missions.toml", old, '["survey", "telepathy"]]')
    assert error.key == "missions.orbiter.steps[3]" and "telepathy" in error.problem


def test_the_scenario_gives_every_agency_public_objectives(texts):
    content = build_content("2021", texts)
    assert {o.agency for o in content.objectives} == set(content.agencies)


def test_an_objective_of_an_unknown_kind_is_refused(texts):
    error = broken(texts, SCENARIO, 'kind = "milestone"\n', 'kind = "dream"\n')
    assert error.file == SCENARIO and error.key.endswith(".kind") and "dream" in error.problem


def test_an_objective_at_an_unknown_place_names_it(texts):
    error = broken(texts, SCENARIO, 'place = "south_pole"\nby = 2030', 'place = "mars"\nby = 2030')
    assert error.key.endswith(".place") and "mars" in error.problem


def test_a_flight_objective_without_missions_is_refused(texts):
    error = broken(texts, SCENARIO, 'missions = ["resource_demo", "resource_testbed"]\n', "")
    assert error.key.endswith(".missions") and "needed" in error.problem
