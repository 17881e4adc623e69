"""`revisit db upgrade|current|backup|restore`: schema migrations and backups of the central
database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from revisit_tui.config import ConfigError, load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", choices=["upgrade", "current", "backup", "restore"], help="what to do"
    )
    parser.add_argument(
        "file", nargs="?", type=Path, help="backup: the file to write; restore: the file to load"
    )
    parser.add_argument("--db", help="database URL (default: server.db of the config)")
    parser.add_argument("--revision", default="head", help="upgrade target (default: head)")


def run(args: argparse.Namespace) -> int:
    from revisit_tui.server import backup, migrate

    try:
        db_url = args.db or load_settings(args.config).server.db
    except ConfigError as exc:
        print(f"revisit db: {exc}", file=sys.stderr)
        return 2
    if args.action in ("backup", "restore") and args.file is None:
        print(f"revisit db {args.action}: name the backup file", file=sys.stderr)
        return 2
    try:
        if args.action == "upgrade":
            migrate.upgrade(db_url, args.revision)
            print(f"schema at {migrate.current(db_url)}")
        elif args.action == "current":
            print(migrate.current(db_url) or "empty (run: revisit db upgrade)")
        elif args.action == "backup":
            backup.backup(db_url, args.file)
            print(f"backed up to {args.file}")
        else:
            backup.restore(args.file, db_url)
            print(f"restored {args.file}; schema at {migrate.current(db_url)}")
    except backup.BackupError as exc:
        print(f"revisit db {args.action}: {exc}", file=sys.stderr)
        return 1
    return 0
