"""`revisit serve`: run the central API with uvicorn (access log off: URLs may name customers)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from revisit_tui.config import CONFIG_ENV, ConfigError, load_settings
from revisit_tui.server.logs import LOG_CONFIG
from revisit_tui.supervisor.commandline import Parser

# longer than the agent app's polling interval, so a poll never races the server closing an
# idle connection (uvicorn's default is 5 s, the app polls every 5 s)
KEEP_ALIVE_SECONDS = 75
# prometheus-client's multiprocess mode: the workers' metrics add up through files here
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def add_arguments(parser: Parser) -> None:
    say = parser.say
    parser.add_argument("--db", help=say("help.server.db"))
    parser.add_argument("--host", help=say("help.serve.host"))
    parser.add_argument("--port", type=int, help=say("help.serve.port"))
    parser.add_argument("--workers", type=int, help=say("help.serve.workers"))
    parser.add_argument("--no-migrate", action="store_true", help=say("help.serve.no_migrate"))


# uvicorn's h11 parser reads request headers up to this size; the app answers 431 to those
# over MAX_HEADER_BYTES (server/app.py), past this one the parser closes the connection
HEADER_READ_LIMIT = 256 * 1024


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from revisit_tui.server import migrate

    # The workers build their app from the environment, so the flags travel there.
    if args.config:
        os.environ[CONFIG_ENV] = args.config
    if args.db:
        os.environ["REVISIT_SERVER_DB"] = args.db
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"revisit serve: {exc}", file=sys.stderr)
        return 2
    server = settings.server
    host = args.host or server.host
    port = args.port or server.port
    workers = args.workers or server.workers
    if workers > 1 and server.db.startswith("sqlite"):
        print("revisit serve: several workers need PostgreSQL; using 1", file=sys.stderr)
        workers = 1
    try:
        if not args.no_migrate:
            migrate.upgrade(server.db)
        migrate.require_current(server.db)
    except migrate.SchemaMismatch as exc:
        print(f"revisit serve: refusing to serve: {exc}", file=sys.stderr)
        return 3
    with metrics_directory():
        uvicorn.run(
            "revisit_tui.server.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
            log_config=LOG_CONFIG,
            server_header=False,
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            timeout_graceful_shutdown=5,
            h11_max_incomplete_event_size=HEADER_READ_LIMIT,
        )
    return 0


@contextmanager
def metrics_directory() -> Iterator[None]:
    """A fresh PROMETHEUS_MULTIPROC_DIR for this run's workers, set before any of them imports
    prometheus-client: a configured one is emptied of an earlier run's files, else a temporary
    one is made and removed afterwards."""
    configured = os.environ.get(MULTIPROCESS_ENV)
    if configured:
        for stale in Path(configured).glob("*.db"):
            stale.unlink()
        yield
        return
    directory = tempfile.mkdtemp(prefix="revisit-metrics-")
    os.environ[MULTIPROCESS_ENV] = directory
    try:
        yield
    finally:
        del os.environ[MULTIPROCESS_ENV]
        shutil.rmtree(directory, ignore_errors=True)
