"""`revisit db upgrade|current`: schema migrations of the central database."""

from __future__ import annotations

import argparse
import sys

from revisit_tui.config import ConfigError, load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["upgrade", "current"], help="what to do")
    parser.add_argument("--db", help="database URL (default: server.db of the config)")
    parser.add_argument("--revision", default="head", help="upgrade target (default: head)")


def run(args: argparse.Namespace) -> int:
    from revisit_tui.server import migrate

    try:
        db_url = args.db or load_settings(args.config).server.db
    except ConfigError as exc:
        print(f"revisit db: {exc}", file=sys.stderr)
        return 2
    if args.action == "upgrade":
        migrate.upgrade(db_url, args.revision)
        print(f"schema at {migrate.current(db_url)}")
    else:
        print(migrate.current(db_url) or "empty (run: revisit db upgrade)")
    return 0
