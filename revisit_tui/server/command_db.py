"""`revisit db upgrade|current|backup|restore`: schema migrations and backups of the central
database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from revisit_tui.config import ConfigError, load_settings
from revisit_tui.supervisor.commandline import Parser


def add_arguments(parser: Parser) -> None:
    say = parser.say
    parser.add_argument(
        "action", choices=["upgrade", "current", "backup", "restore"], help=say("help.db.action")
    )
    parser.add_argument("file", nargs="?", type=Path, help=say("help.db.file"))
    parser.add_argument("--db", help=say("help.server.db"))
    parser.add_argument("--revision", default="head", help=say("help.db.revision"))


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
