"""The rules are pure: no I/O, no clock, no global random, no engine or network imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import game.rules

RULES = Path(game.rules.__file__).parent
MODULES = sorted(RULES.glob("*.py"))
FORBIDDEN_IMPORTS = {
    "pygame",
    "asyncio",
    "websockets",
    "msgpack",
    "random",
    "time",
    "datetime",
    "socket",
    "os",
    "subprocess",
    "threading",
}
# content.py reads the packaged data files: the one documented exception to "no I/O".
MAY_OPEN = {"content.py"}


def impurities(source: str, filename: str) -> list[str]:
    """Every forbidden import, `open(` and `print(` in a module's source."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in FORBIDDEN_IMPORTS:
                found.append(f"{filename}:{node.lineno}: imports {name}")
        if isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called == "print" or (called == "open" and filename not in MAY_OPEN):
                found.append(f"{filename}:{node.lineno}: calls {called}(")
    return found


def test_the_rules_package_has_its_modules():
    names = {p.name for p in MODULES}
    assert {"__init__.py", "resolve.py", "legal.py", "state.py", "content.py"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_rules_module_imports_no_io_clock_random_or_engine_and_does_no_io(path: Path):
    assert impurities(path.read_text(encoding="utf-8"), path.name) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "import random",
        "import os.path",
        "from time import monotonic",
        "from datetime import date",
        "import pygame as pg",
        "from asyncio import sleep",
        "import msgpack",
        "open('x')",
        "Path('x').open()",
        "print('hello')",
    ],
)
def test_the_purity_scan_catches_each_kind_of_impurity(snippet: str):
    assert impurities(snippet, "resolve.py")


def test_the_purity_scan_lets_content_read_its_files_and_allows_relative_imports():
    assert impurities("open('techs.toml')", "content.py") == []
    assert impurities("from .time_table import x\nimport tomllib", "state.py") == []
