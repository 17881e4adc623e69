"""`revisit check-config [FILE]`: validate a config and the call scripts, all problems at once."""

from __future__ import annotations

import argparse

from revisit_tui.config import ConfigError, load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="config file (default: ./config.toml)")


def run(args: argparse.Namespace) -> int:
    problems: list[str] = []
    try:
        load_settings(args.file or args.config)
    except ConfigError as exc:
        problems += [f"{exc.source}: {problem}" for problem in exc.problems]
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found")
        return 1
    print("configuration OK")
    return 0
