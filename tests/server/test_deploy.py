"""The files a host deploys with: the container's entry command starts a server that its own
health check passes, the systemd unit's command line is one `serve` accepts, and every
LUNAR_RACE_ variable they set is a setting the server reads."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from game.cli import build_parser
from server.config import HostSettings, env_name
from server.limits import Limits
from server.process import stop, wait_for_port
from tests.server.conftest import scaled

ROOT = Path(__file__).resolve().parents[2]
PROXY_ONLY = {"LUNAR_RACE_DOMAIN", "LUNAR_RACE_UPSTREAM"}  # read by Caddy, not the server


def _dockerfile() -> tuple[dict[str, str], list[str], list[str]]:
    """The Dockerfile's final environment, entry point and health check command."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    final = text.rsplit("\nFROM ", 1)[1]
    env: dict[str, str] = {}
    for line in final.splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                name, value = pair.split("=", 1)
                env[name] = value
    return env, _json_after("ENTRYPOINT ", final), _json_after("CMD ", final)


def _json_after(instruction: str, text: str) -> list[str]:
    found = re.search(rf"{instruction}(\[.*\])$", text, re.MULTILINE)
    assert found is not None, instruction
    return list(json.loads(found[1]))


def _unit() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / "lunar-race.service").read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_every_variable_the_deployment_sets_is_a_setting() -> None:
    known = {
        env_name(f.name) for f in [*dataclasses.fields(HostSettings), *dataclasses.fields(Limits)]
    }
    for name in ("Dockerfile", "compose.yaml", "deploy/lunar-race.service", "deploy/Caddyfile"):
        used = set(re.findall(r"LUNAR_RACE_[A-Z_]+", (ROOT / name).read_text()))
        assert used - PROXY_ONLY <= known, (name, used - PROXY_ONLY - known)


def test_the_systemd_unit_runs_a_command_serve_accepts_with_hardening() -> None:
    unit = _unit()
    program, *argv = shlex.split(unit["ExecStart"][0])
    assert program.endswith("/lunar-race")
    args = build_parser().parse_args(argv)
    assert args.command == "serve" and args.config == Path("/etc/lunar-race/lunar-race.toml")
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "KillSignal": "SIGTERM",
        "CapabilityBoundingSet": "",
    }.items():
        assert unit[key] == [value], key
    assert "AF_UNIX" in unit["RestrictAddressFamilies"][0]  # the worker processes talk so


def test_the_container_entry_command_serves_and_passes_its_health_check(tmp_path: Path) -> None:
    env, entry, check = _dockerfile()
    assert entry[:2] == ["lunar-race", "serve"]
    assert env["LUNAR_RACE_DATA"] == "/var/lib/lunar-race"
    # The image's settings, but on loopback, on any free port and in a temporary folder.
    env |= {
        "LUNAR_RACE_HOST": "127.0.0.1",
        "LUNAR_RACE_PORT": "0",
        "LUNAR_RACE_DATA": str(tmp_path / "data"),
        "LUNAR_RACE_WORKERS": "0",
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": ":".join(sys.path),
    }
    port_file = tmp_path / "port"
    command = [sys.executable, "-m", "game", *entry[1:], "--port-file", str(port_file)]
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        port = wait_for_port(port_file, proc, scaled(30))
        assert check[0] == "python"
        health = subprocess.run(
            [sys.executable, *check[1:]],
            env=env | {"LUNAR_RACE_PORT": str(port)},
            timeout=scaled(20),
        )
        assert health.returncode == 0
        assert (tmp_path / "data" / "lunar-race.sqlite").exists()
    finally:
        code = stop(proc, scaled(20))
        log.close()
    assert code == 0
