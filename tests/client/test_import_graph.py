"""The client's imports run one way: it never imports the server, scenes never import one
another (the router is the only way between them), and the headless commands never load the
client or pygame."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import game.cli
import game.client

CLIENT = Path(game.client.__file__).parent
CLI = Path(game.cli.__file__).parent
CLIENT_MODULES = sorted(CLIENT.glob("*.py"))
SCENE_MODULES = {
    f"game.client.{name}"
    for name in ("title", "new_game", "lobby", "session", "game_screen", "end_screen")
} | {"game.client.replay_viewer", "game.client.settings_screen", "game.client.saved_games"}
ROUTER = "router.py"


def imports(path: Path, *, with_type_checking: bool = True) -> set[str]:
    """Every module `path` imports, at any depth (in functions too); `with_type_checking`
    False leaves out the imports under `if TYPE_CHECKING:`, which never run."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if (
            not with_type_checking
            and isinstance(node, ast.If)
            and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING"
        ):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


@pytest.mark.parametrize("path", CLIENT_MODULES, ids=lambda p: p.name)
def test_no_client_module_imports_the_server(path: Path):
    assert not {m for m in imports(path) if m.split(".")[0] == "server"}


@pytest.mark.parametrize(
    "path", [p for p in CLIENT_MODULES if p.name != ROUTER], ids=lambda p: p.name
)
def test_only_the_router_imports_a_scene_module(path: Path):
    assert not imports(path, with_type_checking=False) & SCENE_MODULES


def test_the_headless_commands_import_neither_pygame_nor_the_client():
    found = imports(CLI / "headless.py")
    assert not {m for m in found if m.split(".")[0] == "pygame" or m.startswith("game.client")}
    code = (
        "import sys\n"
        "from game.cli import build_parser\n"
        "build_parser()\n"
        "loaded = [m for m in sys.modules if m == 'pygame' or m.startswith('game.client')]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
