"""A host's settings: the TOML file, the environment over it, the flags over both; every
limit settable without code; mistakes named where they were made."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from game.cli import build_parser
from game.cli.serve import settings
from server import config
from server.config import ConfigError, HostSettings, env_name
from server.limits import Limits


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lunar-race.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _serve_args(*argv: str) -> tuple[HostSettings, Limits]:
    return settings(build_parser().parse_args(["serve", *argv]))


def _other_value(value: object) -> object:
    """A value of the same type as `value`, different from it."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value * 2 + 1
    if isinstance(value, tuple):
        return (*value, "10.0.0.1", "10.0.0.2")
    return f"{value}-other"


def _env_text(value: object) -> str:
    """`value` as an environment variable writes it (a list with commas)."""
    return ",".join(value) if isinstance(value, tuple) else str(value)


def test_every_limit_can_be_set_in_the_file_and_in_the_environment(tmp_path: Path) -> None:
    defaults = Limits()
    for field in dataclasses.fields(Limits):
        value = _other_value(getattr(defaults, field.name))
        path = _write(tmp_path, f"[limits]\n{field.name} = {config._toml(value)}\n")
        assert getattr(config.load(path, env={}).limits, field.name) == value, field.name
        from_env = config.load(None, env={env_name(field.name): _env_text(value)})
        assert getattr(from_env.limits, field.name) == value, field.name


def test_the_environment_wins_over_the_file_and_the_flags_over_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(
        tmp_path,
        '[server]\nport = 9000\nhost = "0.0.0.0"\n[limits]\nmax_rooms = 40\nrate = 5\n',
    )
    monkeypatch.setenv("LUNAR_RACE_PORT", "9100")
    monkeypatch.setenv("LUNAR_RACE_MAX_ROOMS", "41")
    host, limits = _serve_args("--config", str(path), "--max-rooms", "42")
    assert (host.host, host.port) == ("0.0.0.0", 9100)
    assert limits.max_rooms == 42
    assert limits.rate == 5.0
    assert limits.burst == Limits().burst


def test_without_a_file_the_defaults_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    for field in [*dataclasses.fields(Limits), *dataclasses.fields(HostSettings)]:
        monkeypatch.delenv(env_name(field.name), raising=False)
    host, limits = _serve_args()
    assert host == HostSettings()
    assert limits == Limits()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[limits]\nmax_romos = 3\n", "max_romos"),
        ("[limits]\nmax_rooms = 'many'\n", "max_rooms"),
        ("[limits]\nrate = true\n", "rate"),
        ("[server]\nlog_level = 'loud'\n", "log_level"),
        ("[servers]\nport = 1\n", "servers"),
        ("[server\n", "not valid TOML"),
    ],
)
def test_a_mistake_in_the_file_is_named(tmp_path: Path, text: str, named: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=named) as caught:
        config.load(path, env={})
    assert str(path) in str(caught.value)


def test_a_mistake_in_the_environment_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="LUNAR_RACE_MAX_ROOMS"):
        config.load(None, env={"LUNAR_RACE_MAX_ROOMS": "lots"})
    assert config.load(None, env={"LUNAR_RACE_DURABLE": "yes"}).host.durable is True


def test_print_config_writes_a_file_serve_reads_back(tmp_path: Path) -> None:
    path = _write(tmp_path, '[server]\nadmin_token = "s3cret-token"\n[limits]\ngrace = 12.5\n')
    shown = subprocess.run(
        [sys.executable, "-m", "game", "serve", "--config", str(path), "--print-config"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "", "PYTHONPATH": ":".join(sys.path)},
    ).stdout
    assert "s3cret-token" not in shown
    assert tomllib.loads(shown)["limits"]["grace"] == 12.5
    again = _write(tmp_path, shown)
    loaded = config.load(again, env={})
    assert loaded.limits == dataclasses.replace(Limits(), grace=12.5)
    assert loaded.host.admin_token == ""


def test_a_bad_file_stops_serve_with_its_reason(tmp_path: Path) -> None:
    path = _write(tmp_path, "[limits]\nmax_romos = 3\n")
    done = subprocess.run(
        [sys.executable, "-m", "game", "serve", "--config", str(path), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "", "PYTHONPATH": ":".join(sys.path)},
    )
    assert done.returncode == 2
    assert "max_romos" in done.stderr and "Traceback" not in done.stderr


def test_the_hosting_guide_names_every_setting() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "hosting.md").read_text()
    for field in [*dataclasses.fields(HostSettings), *dataclasses.fields(Limits)]:
        assert f"`{field.name}`" in guide or f"\n{field.name} = " in guide, field.name
