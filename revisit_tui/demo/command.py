"""`revisit demo [--locale zh-CN|en] [--offline] [--keep] [--port P]`: the whole system at once.

Starts the reference API on 127.0.0.1 with a fresh SQLite database, creates the demo agent
and a supervisor, loads generated demo data through the API, then opens the agent app signed
in as the demo agent. Quitting the app (or Ctrl+C, or an error) stops the API. Without
`--keep` everything lives in a temporary directory that is removed at the end; with `--keep`
it lives in REVISIT_DEMO_DIR or the user's data directory and the next `--keep` run reuses it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from revisit_tui.config import ConfigError, Settings, find_config_file, load_settings
from revisit_tui.demo.data import DEMO_AGENT_ID
from revisit_tui.domain.models import Agent, Language
from revisit_tui.supervisor.commandline import Parser

if TYPE_CHECKING:
    from revisit_tui.server.process import ServerProcess

DEMO_DIR_ENV = "REVISIT_DEMO_DIR"
DB_FILE = "server.db"
TOKENS_FILE = "tokens.json"  # every demo principal's token (mode 0600): the demo's own keys
AGENT_TOKEN_FILE = "agent.token"  # the demo agent's token, as a bank would hand it out
STATE_FILE = "demo.json"  # the kept demo's port (its cache is per server address) and pid
CLIENT_DIR = "client"


def add_arguments(parser: Parser) -> None:
    say = parser.say
    parser.add_argument(
        "--locale", choices=[lang.value for lang in Language], help=say("help.tui.locale")
    )
    parser.add_argument("--offline", action="store_true", help=say("help.demo.offline"))
    parser.add_argument("--keep", action="store_true", help=say("help.demo.keep", env=DEMO_DIR_ENV))
    parser.add_argument("--port", type=int, help=say("help.demo.port"))
    parser.add_argument("--seed", type=int, default=2024, help=say("help.demo.seed"))
    parser.add_argument("--customers", type=int, default=300, help=say("help.demo.customers"))


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"revisit demo: configuration {exc.source}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    home = demo_home(args.keep)
    try:
        return _run_in(home, args, settings)
    except KeyboardInterrupt:
        return 130
    finally:
        if args.keep:
            print(f"revisit demo: the demo's data is kept in {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


def demo_home(keep: bool) -> Path:
    """Where the demo's database, tokens and agent cache live (created, mode 0700)."""
    if not keep:
        return Path(tempfile.mkdtemp(prefix="revisit-demo-"))
    if os.environ.get(DEMO_DIR_ENV):
        home = Path(os.environ[DEMO_DIR_ENV]).expanduser()
    else:
        from platformdirs import user_data_dir

        home = Path(user_data_dir("revisit-tui")) / "demo"
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    home.chmod(0o700)
    return home


def db_url(home: Path) -> str:
    """The SQLite URL of the demo's server database."""
    return f"sqlite:///{home / DB_FILE}"


def _run_in(home: Path, args: argparse.Namespace, settings: Settings) -> int:
    from revisit_tui.server.process import ServerProcess, ServerStartError

    running = _running_demo(home)
    if running is not None:
        print(
            f"revisit demo: the demo kept in {home} is still running (pid {running}): "
            f"quit it (Ctrl+Q in its terminal) or stop it (kill {running}), then start again",
            file=sys.stderr,
        )
        return 1
    fresh = not (home / TOKENS_FILE).is_file()  # written once the data is loaded
    if fresh:
        (home / DB_FILE).unlink(missing_ok=True)  # a half-made database from an interrupted run
    port = args.port or _kept_port(home)
    server = ServerProcess(db_url(home), port=port, config=find_config_file(args.config))
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, partial(_hang_up, server, None if args.keep else home))
    tokens = _create_principals(home) if fresh else _read_tokens(home)
    try:
        server.start()
    except ServerStartError as exc:
        print(f"revisit demo: the API did not start: {exc}", file=sys.stderr)
        return 1
    with server:  # stopped however this ends; its output file goes when it ends cleanly
        state = {"port": server.port, "pid": os.getpid()}
        _write_private(home / STATE_FILE, json.dumps(state))
        print(f"revisit demo: API on {server.url} (database {home / DB_FILE})")
        if fresh:
            _load(args, settings, server.url, tokens)
            _write_private(home / TOKENS_FILE, json.dumps(tokens))
        settings = _agent_settings(settings, home, server.url, tokens[DEMO_AGENT_ID])
        _sign_in(settings, home, server.url)
        if args.offline:
            _cache_queue(settings)
            server.stop()
            print("revisit demo: queue cached, API stopped: the app works from its cache")
        return _start_app(settings, args.locale or settings.ui.locale.value, args.offline)


def _hang_up(server: ServerProcess, scratch: Path | None, signum: int, _frame: object) -> None:
    """The terminal hung up (a dropped SSH link) or the demo was told to stop: stop the API
    and leave at once. Nothing typed is lost: the agent's store writes are atomic and synced."""
    server.stop()
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
    os._exit(128 + signum)


def _kept_state(home: Path) -> dict[str, int]:
    """The last run's port and process id ({} when unknown)."""
    try:
        state = json.loads((home / STATE_FILE).read_text())
        return {"port": int(state["port"]), "pid": int(state["pid"])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _running_demo(home: Path) -> int | None:
    """The process id of the last `revisit demo` on this directory if it still runs (say, in
    another terminal): a second one would find its store taken and its port busy."""
    pid = _kept_state(home).get("pid")
    if pid is None or pid == os.getpid():
        return None
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:  # gone (or not Linux: then the store's lock still refuses a second run)
        return None
    return pid if b"demo" in command else None


def _kept_port(home: Path) -> int | None:
    """The kept demo's port if the server can listen on it again. Probed as the server binds
    (SO_REUSEADDR): the last run's connections, closed less than a minute ago, linger in
    TIME_WAIT and would make a plain bind fail, and the demo move to a new port."""
    port = _kept_state(home).get("port")
    if port is None:
        return None
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return None
    return port


def _create_principals(home: Path) -> dict[str, str]:
    """A new database with the demo's agents and supervisor; their tokens."""
    from revisit_tui.demo.data import demo_agents
    from revisit_tui.server.admin import create_schema

    url = db_url(home)
    create_schema(url)
    return {agent.id: _add(url, agent) for agent in demo_agents()}


def _add(url: str, agent: Agent) -> str:
    from revisit_tui.server.admin import add_agent

    profile = agent.model_dump(exclude={"id", "name", "role"})
    return add_agent(url, agent.id, agent.name, agent.role, **profile)


def _read_tokens(home: Path) -> dict[str, str]:
    tokens: dict[str, str] = json.loads((home / TOKENS_FILE).read_text())
    return tokens


def _load(args: argparse.Namespace, settings: Settings, url: str, tokens: dict[str, str]) -> None:
    from revisit_tui.demo.data import generate
    from revisit_tui.demo.load import load

    data = generate(
        args.seed,
        customers=args.customers,
        policy=settings.policy,
        timezone=settings.supervisor.timezone,
    )
    summary = load(data, url, tokens)
    print(
        f"revisit demo: loaded {summary.customers} customers, {summary.accounts} accounts, "
        f"{summary.transactions} transactions, {summary.tasks} tasks, "
        f"{summary.escalations} escalations"
    )


def _agent_settings(settings: Settings, home: Path, url: str, token: str) -> Settings:
    """The app's settings: this server, the demo agent's token file, the demo's cache dir."""
    from revisit_tui.client.agent_token import TOKEN_ENV

    os.environ.pop(TOKEN_ENV, None)  # a real agent's token must not sign in to the demo
    token_file = home / AGENT_TOKEN_FILE
    _write_private(token_file, token)
    client = settings.client.model_copy(
        update={
            "server_url": url,
            "token": "",
            "token_file": str(token_file),
            "data_dir": str(home / CLIENT_DIR),
        }
    )
    return settings.model_copy(update={"client": client})


def _sign_in(settings: Settings, home: Path, url: str) -> None:
    """Remember the demo agent for this server, as a first sign-in would."""
    from revisit_tui.app.session import remember_agent
    from revisit_tui.client.api import ApiClient

    with ApiClient.from_settings(settings) as api:
        me = api.me()
    remember_agent(home / CLIENT_DIR, url, me.agent, me.server_id)


def _cache_queue(settings: Settings) -> None:
    """One sync round into the agent's store: the queue the offline app will show."""
    from revisit_tui.client.api import ApiClient
    from revisit_tui.client.store import AgentStore
    from revisit_tui.client.sync import SyncEngine

    data_dir = settings.client.data_dir
    with ApiClient.from_settings(settings) as api:
        server_id = api.me().server_id
        with AgentStore.open(data_dir, server_id, DEMO_AGENT_ID) as store:
            state = SyncEngine(api, store, settings.sync).sync_once()
    if not state.online:
        raise RuntimeError(f"could not cache the queue: {state.last_error}")


def _start_app(settings: Settings, locale: str, offline: bool) -> int:
    from revisit_tui.app.command import start

    return start(settings, locale, offline=offline)


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (tokens are secrets, even a demo's)."""
    with suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
