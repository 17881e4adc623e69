"""The layers hold: the import contracts in pyproject.toml ([tool.importlinter]) are kept and
fail on a forbidden import, and the commands load only the stack they need."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import tomllib
import urllib.request
from importlib.metadata import packages_distributions
from pathlib import Path

import grimp
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from revisit_tui.app.session import remember_agent
from revisit_tui.cli import COMMANDS
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import Agent
from revisit_tui.server.process import free_port
from tests.app.factory import AGENT_ID, make_queue

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = {
    contract["id"]: contract["name"]
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
}
SERVER_STACK = ("revisit_tui.server", "fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn")
APP_STACK = ("textual", "revisit_tui.app")
# commands that run the agent app (and so load Textual) by design
APP_COMMANDS = {"tui", "demo"}


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the package found first on the path under `root`."""
    code = "import sys; from importlinter.cli import lint_imports; "
    code += "sys.exit(lint_imports(no_cache=True, no_logo=True))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


# Runs a module (`-m name`) or a script with the given arguments, then writes the names in
# sys.modules to the file named first: every module loaded, however it was imported.
RUN_AND_LIST_MODULES = """
import atexit, runpy, sys
out, target, *args = sys.argv[1:]
atexit.register(lambda: open(out, "w").write("\\n".join(sys.modules)))
if target.startswith("-m"):
    sys.argv = [target, *args]
    runpy.run_module(target[2:], run_name="__main__", alter_sys=True)
else:
    sys.argv = [target, *args]
    runpy.run_path(target, run_name="__main__")
"""


def list_modules_command(out: Path, target: str, *args: str) -> list[str]:
    return [sys.executable, "-c", RUN_AND_LIST_MODULES, str(out), target, *args]


def loaded(modules: set[str], stack: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == s or m.startswith(s + ".") for s in stack))


def test_the_import_contracts_are_kept() -> None:
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in run.stdout


def test_every_imported_package_is_a_declared_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    declared = {
        canonicalize_name(Requirement(text).name)
        for text in [*project["dependencies"], *extras["server"], *extras["postgres"]]
    }
    graph = grimp.build_graph("revisit_tui", include_external_packages=True, cache_dir=None)
    imported = {
        name
        for name in graph.modules
        if not name.startswith("revisit_tui") and name not in sys.stdlib_module_names
    }
    distributions = packages_distributions()
    undeclared = {
        name: distributions.get(name)
        for name in imported
        if not {canonicalize_name(d) for d in distributions.get(name, [])} & declared
    }
    assert "textual" in imported
    assert undeclared == {}


# one forbidden import per contract, added to a copy of the package
FORBIDDEN = {
    "domain-pure": ("domain/masking.py", "from revisit_tui.config import Settings"),
    "app-not-server": ("app/messages.py", "import revisit_tui.server.process"),
    "server-headless": ("server/problems.py", "import httpx"),
    "client-below-app": ("client/durable.py", "from revisit_tui.app import i18n"),
    "supervisor-headless": ("supervisor/table.py", "import textual.app"),
    "wallboard-client-only": ("wallboard/snapshot.py", "import revisit_tui.server.process"),
}


@pytest.mark.parametrize("contract", sorted(CONTRACTS))
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, contract: str) -> None:
    shutil.copytree(
        ROOT / "revisit_tui",
        tmp_path / "revisit_tui",
        ignore=shutil.ignore_patterns("__pycache__", "*.tcss", "*.toml"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    module, line = FORBIDDEN[contract]
    with (tmp_path / "revisit_tui" / module).open("a") as source:
        source.write(f"\n{line}\n")
    run = lint_imports(tmp_path)
    assert run.returncode == 1, run.stdout
    assert f"{CONTRACTS[contract]} BROKEN" in run.stdout
    assert f"Contracts: {len(CONTRACTS) - 1} kept, 1 broken." in run.stdout


def modules_loaded_by(tmp_path: Path, target: str, *args: str) -> set[str]:
    out = tmp_path / "modules.txt"
    run = subprocess.run(
        list_modules_command(out, target, *args),
        cwd=tmp_path,
        env={**os.environ, "REVISIT_CONFIG": os.devnull},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return set(out.read_text().split())


@pytest.mark.parametrize(
    "command", [[], *[[name] for name in COMMANDS if name not in APP_COMMANDS]], ids=str
)
def test_revisit_help_paths_do_not_load_textual(tmp_path: Path, command: list[str]) -> None:
    modules = modules_loaded_by(tmp_path, "-mrevisit_tui.cli", *command, "--help")
    assert {"revisit_tui", *(COMMANDS[name] for name in command)} <= modules
    assert loaded(modules, APP_STACK) == []


@pytest.mark.parametrize("script", sorted(p.name for p in (ROOT / "scripts").glob("*.py")))
def test_supervisor_scripts_do_not_load_textual_or_the_server(tmp_path: Path, script: str) -> None:
    modules = modules_loaded_by(tmp_path, str(ROOT / "scripts" / script), "--help")
    assert "revisit_tui.supervisor.script" in modules
    assert loaded(modules, APP_STACK + SERVER_STACK) == []


def test_revisit_serve_does_not_load_textual_or_the_client(tmp_path: Path) -> None:
    port = free_port()
    out = tmp_path / "modules.txt"
    command = list_modules_command(out, "-mrevisit_tui.cli", "serve", "--port", str(port))
    command += ["--db", f"sqlite:///{tmp_path / 'r.db'}"]
    env = {**os.environ, "REVISIT_CONFIG": os.devnull}
    with subprocess.Popen(command, cwd=tmp_path, env=env) as server:
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=1):
                        break
                except OSError:
                    assert server.poll() is None and time.monotonic() < deadline
                    time.sleep(0.1)
        finally:
            server.send_signal(signal.SIGINT)  # SIGTERM would end it before atexit
    modules = set(out.read_text().split())
    assert "revisit_tui.server.app" in modules
    assert loaded(modules, (*APP_STACK, "httpx", "revisit_tui.client")) == []


FIRST_PAINT = textwrap.dedent(
    """
    import asyncio, sys
    from revisit_tui.app.command import build_app
    from revisit_tui.config import load_settings

    async def main():
        app = build_app(load_settings(), "zh-CN", offline=sys.argv[1] == "offline")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "QueueScreen", app.screen
            print("\\n".join(sys.modules))

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("mode", ["offline", "online"])
def test_the_apps_first_paint_does_not_load_the_server_stack(tmp_path: Path, mode: str) -> None:
    server = f"http://127.0.0.1:{free_port()}"  # nothing listens: the sync only fails
    remember_agent(tmp_path, server, Agent(id=AGENT_ID, name="Agent"), "server-1")
    with AgentStore.open(tmp_path, "server-1", AGENT_ID) as store:
        store.save_queue(make_queue(20), "v1")
    env = {
        **os.environ,
        "REVISIT_CONFIG": os.devnull,
        "REVISIT_CLIENT_DATA_DIR": str(tmp_path),
        "REVISIT_CLIENT_SERVER_URL": server,
        "REVISIT_CLIENT_TOKEN": "token",
    }
    run = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT, mode],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    modules = set(run.stdout.split())
    assert "revisit_tui.app.app" in modules
    assert loaded(modules, SERVER_STACK) == []
