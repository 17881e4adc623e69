"""`revisit wallboard [--server URL] [--token-file FILE] [--lang zh-CN|en]`: the live
wallboard for supervisors, refreshed every `[supervisor] wallboard_refresh_seconds`.

The token and the language are found as for every supervisor command (--token-file, the
REVISIT_SUPERVISOR_TOKEN variable or --token; --lang, the terminal's, `[ui] locale`); an
agent's token is refused by the server and the wallboard says so. Without a server it shows
the last snapshot, with its time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from revisit_tui.client.durable import DiskError
from revisit_tui.client.store import default_data_dir
from revisit_tui.config import ConfigError, Settings
from revisit_tui.supervisor import script
from revisit_tui.supervisor.commandline import BadValue, Parser, describe
from revisit_tui.wallboard.snapshot import snapshot_path


def add_arguments(parser: Parser) -> None:
    describe(parser, "wallboard")
    script.add_connection(parser)
    parser.add_argument(
        "--refresh",
        type=_seconds,
        metavar="SECONDS",
        help=parser.say("help.wallboard.refresh"),
    )


def _seconds(text: str) -> float:
    """An argparse type: a refresh period within the setting's bounds (1 s to an hour)."""
    try:
        value = float(text)
    except ValueError:
        raise BadValue("errors.not_seconds", text=text) from None
    if not 1 <= value <= 3600:
        raise BadValue("errors.seconds_range")
    return value


def run(args: argparse.Namespace) -> int:
    say = script.messages(args)
    try:
        settings = script.settings(args)
        api = script.connect(args, settings)
        snapshot_file = snapshot_path(_data_dir(settings), api.client.base_url)
    except ConfigError as exc:
        print(f"revisit wallboard: {say('errors.config_file', source=exc.source)}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return script.EXIT_BAD_INPUT
    except script.BadInput as exc:
        print(f"revisit wallboard: {exc.told(say)}", file=sys.stderr)
        return script.EXIT_BAD_INPUT
    except DiskError as exc:
        print(f"revisit wallboard: {exc}", file=sys.stderr)
        return script.EXIT_BAD_INPUT
    from revisit_tui.wallboard.app import WallboardApp

    app = WallboardApp(
        api.wallboard,
        timezone=settings.supervisor.timezone,
        locale=script.messages(args).locale,
        refresh_seconds=args.refresh or settings.supervisor.wallboard_refresh_seconds,
        snapshot_file=snapshot_file,
    )
    try:
        app.run()
    finally:
        api.client.close()
    return 0


def _data_dir(settings: Settings) -> Path:
    """`[client] data_dir`, else the user's data directory: the snapshots' folder is in it."""
    if settings.client.data_dir:
        return Path(settings.client.data_dir).expanduser()
    return default_data_dir()
