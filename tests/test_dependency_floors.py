"""The oldest releases pyproject.toml admits run the product.

pip keeps a release already installed when it meets the floor, so a floor below what the code
needs breaks only where an older release was there first: CI's Python had pydantic 2.13.4,
which cannot serialise a deferred-build model inside Any, and every supervisors' listing of
accounts and briefs answered 500 there (29 tests) while the suite passed on 2.14 here. uv
installs exactly the floors (`--resolution lowest-direct`); the product's own tests, one of
each part, run on them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from itertools import chain
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent

# one module of each part, chosen for the libraries they lean on: pydantic's serialisation in
# every listing (the privacy walk), holidays (working days), SQLAlchemy on both databases,
# httpx and TinyDB (the client), Textual (the app), argparse and the supervisors' commands
AT_THE_FLOORS = (
    "tests/domain/test_workdays.py",
    "tests/server/test_privacy_walk.py",
    "tests/server/test_supervision.py",
    "tests/server/test_contention.py",
    "tests/supervisor/test_build_queue.py",
    "tests/client/test_sync.py",
    "tests/app/test_call_server.py",
)


_PRINT_VERSIONS = (
    "import sys, importlib.metadata as m; print(*(m.version(n) for n in sys.argv[1:]))"
)


def _floors() -> dict[str, Version]:
    """Each direct dependency (the package's and every extra's) → the lowest release it admits."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *chain(*project["optional-dependencies"].values())]
    floors = {}
    for requirement in map(Requirement, declared):
        lowest = [s.version for s in requirement.specifier if s.operator in (">=", "==")]
        if requirement.name != project["name"] and lowest:
            floors[requirement.name] = Version(lowest[0])
    return floors


def _uv(*arguments: str, env: dict[str, str]) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "uv", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, f"uv {' '.join(arguments)}\n{run.stderr[-3000:]}"


@pytest.mark.timeout(900)
def test_the_product_runs_on_the_oldest_releases_it_declares(tmp_path: Path) -> None:
    venv = tmp_path / "floors"
    python = venv / "bin" / "python"
    env = {**os.environ, "VIRTUAL_ENV": str(venv)}
    env.pop("PYTHONPATH", None)
    _uv("venv", "--quiet", "--python", sys.executable, str(venv), env=env)
    _uv(
        *("pip", "install", "--quiet", "--python", str(python)),
        *("--resolution", "lowest-direct", "-e", ".[dev]"),
        env=env,
    )
    floors = _floors()
    installed = subprocess.run(
        [str(python), "-c", _PRINT_VERSIONS, *floors],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    found = dict(zip(floors, map(Version, installed.stdout.split()), strict=True))
    above = {name: str(found[name]) for name, floor in floors.items() if found[name] != floor}
    assert not above, f"these floors cannot be installed together; the lowest are {above}"
    run = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", *AT_THE_FLOORS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
