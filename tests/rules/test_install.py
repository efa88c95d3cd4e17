"""The rules work from a plain, non-editable install in a fresh venv, outside the checkout.

Slow (it builds the package and installs its dependencies), so it runs only with LR_SLOW=1:

    LR_SLOW=1 .venv/bin/python -m pytest tests/rules/test_install.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOT_SHIPPED = (".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "out")
CHECK = """
import game.rules as rules
state = rules.new_match(seed=1)
print(rules.__file__)
same = rules.content_hash(state) == rules.load_content("2021").hash
print(same, state.date, len(state.content.techs))
"""


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("LR_SLOW") != "1", reason="installs a package; LR_SLOW=1")
def test_the_rules_import_and_load_their_content_after_pip_install_in_a_fresh_venv(tmp_path):
    # Install from a copy so the build leaves nothing behind in the checkout.
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*NOT_SHIPPED))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(source)], check=True, timeout=1200
    )
    shutil.rmtree(source)  # the installed copy must stand on its own
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [str(python), "-c", CHECK],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    where, facts = out.stdout.strip().splitlines()
    assert where.startswith(str(venv)) and "site-packages" in where
    assert facts.startswith("True 2021 H1")
