"""The package as pip installs it: every package listed, the core free of the client's
libraries, and a plain `pip install .` that serves, plays matches and seats bots.

The install itself is slow (it builds the package and fetches its dependencies), so it runs
only with LR_SLOW=1:

    LR_SLOW=1 .venv/bin/python -m pytest tests/test_packaging.py
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
NOT_SHIPPED = (".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "out")
# The libraries of the optional extras; the core (server, matches, bots) must not need them.
OPTIONAL = {"pygame", "pygame_gui", "numpy", "pettingzoo", "gymnasium", "ray"}
# Packages that are an extra's own and import its libraries: the client and the RL env.
EXTRA_PACKAGES = ("game/client", "game/rl")
MAX_INSTALL_MB = 60


def package_folders() -> dict[str, Path]:
    """Every package pip should install, by name, with the folder it comes from."""
    out: dict[str, Path] = {}
    for root in ("game", "server"):
        for folder in [REPO / root, *(p.parent for p in (REPO / root).rglob("*/__init__.py"))]:
            out[".".join(folder.relative_to(REPO).parts)] = folder
    for name, source in SETUPTOOLS["package-dir"].items():
        base = REPO / source
        out[name] = base
        for folder in (p for p in base.rglob("*") if p.is_dir() and p.name != "__pycache__"):
            if any(f.is_file() for f in folder.iterdir()):
                out[".".join([name, *folder.relative_to(base).parts])] = folder
    return out


def test_every_package_and_data_folder_is_listed_for_setuptools():
    # A folder missing from the list is left out of the wheel or warned about by setuptools.
    assert sorted(SETUPTOOLS["packages"]) == sorted(package_folders())


def module_level_imports(path: Path) -> set[str]:
    """The top-level packages a module imports when it is imported (not inside functions,
    nor under `if TYPE_CHECKING:`)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def core_modules() -> list[Path]:
    return [
        path
        for root in ("game", "server")
        for path in sorted((REPO / root).rglob("*.py"))
        if not any(path.is_relative_to(REPO / extra) for extra in EXTRA_PACKAGES)
    ]


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(REPO)))
def test_no_core_module_imports_an_optional_library_at_module_level(path: Path):
    assert module_level_imports(path) & OPTIONAL == set()


def test_the_core_dependencies_leave_out_the_client_and_cap_the_libraries_that_break():
    core = " ".join(PYPROJECT["project"]["dependencies"])
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert not any(name in core for name in ("pygame", "numpy", "ray", "pettingzoo"))
    assert "openskill>=6.0,<7" in core
    assert any(d.startswith("pygame_gui") and "<0.7" in d for d in extras["client"])
    assert {"test", "client", "rl", "cluster"} <= set(extras)
    inside = extras["dev"][0].partition("[")[2].rstrip("]").split(",")
    assert set(inside) == set(extras) - {"dev"}  # a checkout has everything the tests need


def installed_size_mb(venv: Path) -> float:
    return sum(f.stat().st_size for f in venv.rglob("*") if f.is_file()) / 1e6


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.skipif(os.environ.get("LR_SLOW") != "1", reason="installs a package; LR_SLOW=1")
def test_a_plain_pip_install_serves_plays_and_seats_bots_in_under_60_mb(tmp_path: Path):
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    build = subprocess.run(
        [str(python), "-m", "pip", "install", "-v", str(source)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    assert "is absent from the `packages` configuration" not in build.stdout + build.stderr
    shutil.rmtree(source)
    size = installed_size_mb(venv)
    assert size <= MAX_INSTALL_MB, f"{size:.1f} MB"
    lunar_race = venv / "bin" / "lunar-race"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(lunar_race), *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    match = run("match", "--seed", "3", "--turns", "3", "--json")
    assert match.returncode == 0, match.stderr
    assert json.loads(match.stdout)["turns"] == 3
    assert "Lunar Race" in run("rules").stdout
    assert "def choose" in run("example-bot").stdout
    play = run("play", "--quick")
    assert play.returncode == 2 and "lunar-race[client]" in play.stderr
    # A server on a free port, and a bot seated in a room there by the installed command.
    script = (REPO / "tests" / "net" / "installed_server_game.py").read_text(encoding="utf-8")
    (elsewhere / "game_on_server.py").write_text(script, encoding="utf-8")
    online = subprocess.run(
        [str(python), "game_on_server.py", str(lunar_race)],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert online.returncode == 0, online.stdout + online.stderr
    assert "outcome" in online.stdout


def test_the_documents_and_the_example_bots_come_with_the_game(tmp_path: Path, capsys):
    from game.cli import main

    assert main(["docs"]) == 0
    listed = capsys.readouterr().out.split()
    assert {"rules", "protocol", "bots", "schema"} <= set(listed)
    assert main(["docs", "schema"]) == 0
    assert "$defs" in json.loads(capsys.readouterr().out)
    assert main(["docs", "no-such-page"]) == 2
    assert main(["example-bot", "--lang", "js", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "bot.js", "kit.js"]
