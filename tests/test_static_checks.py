"""The code stays formatted, lint-free and typed: ruff, mypy on the package, and `mypy --strict`
on the pure domain and the agent client, as part of the suite so a change cannot skip them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# one test per tool: the two mypy runs share a cache, so they run one after the other
CHECKS = {
    "ruff": [
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        [sys.executable, "-m", "ruff", "check", "."],
    ],
    "mypy": [
        [sys.executable, "-m", "mypy"],
        [sys.executable, "-m", "mypy", "--strict", "revisit_tui/domain", "revisit_tui/client"],
    ],
}


@pytest.mark.parametrize("tool", list(CHECKS))
def test_static_checks_pass(tool: str) -> None:
    for command in CHECKS[tool]:
        run = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=600
        )
        assert run.returncode == 0, " ".join(command[2:]) + "\n" + run.stdout[-4000:] + run.stderr
