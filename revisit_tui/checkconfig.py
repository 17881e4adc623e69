"""`revisit check-config [FILE]`: validate a config and the call scripts, all problems at once."""

from __future__ import annotations

import argparse
from pathlib import Path

from revisit_tui.callscripts import check_scripts
from revisit_tui.config import ConfigError, load_settings
from revisit_tui.supervisor.commandline import Parser


def add_arguments(parser: Parser) -> None:
    say = parser.say
    parser.add_argument("file", nargs="?", help=say("help.connection.config"))
    parser.add_argument(
        "--scripts", metavar="DIR", type=Path, help=say("help.check_config.scripts")
    )


def run(args: argparse.Namespace) -> int:
    problems: list[str] = []
    scripts: Path | None = args.scripts
    try:
        settings = load_settings(args.file or args.config)
        if scripts is None and settings.ui.scripts_dir:
            scripts = Path(settings.ui.scripts_dir)
        if settings.keymap:  # the bindings live in the app: Textual only when asked
            from revisit_tui.app.keymap import keymap_problems

            problems += keymap_problems(settings.keymap)
    except ConfigError as exc:
        problems += [f"{exc.source}: {problem}" for problem in exc.problems]
    problems += check_scripts(scripts)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found")
        return 1
    print("configuration and call scripts OK")
    return 0
