"""The `revisit` command: tui (the default), serve, demo, admin, db, check-config.

Each sub-command's arguments and action live beside the code they run (a `command` module in
each sub-package), imported only when chosen, so `revisit serve` never loads Textual and
`revisit` never loads FastAPI.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# sub-command -> module with `add_arguments(parser)` and `run(args) -> int`
COMMANDS: dict[str, tuple[str, str]] = {
    "tui": ("revisit_tui.app.command", "start the agent app (the default)"),
    "serve": ("revisit_tui.server.command_serve", "run the central API"),
    "admin": ("revisit_tui.server.command_admin", "manage agents, supervisors and service tokens"),
    "db": ("revisit_tui.server.command_db", "database migrations"),
    "demo": (
        "revisit_tui.demo.command",
        "start a local API with demo data and the agent app on it",
    ),
    "check-config": ("revisit_tui.checkconfig", "validate a config file and the call scripts"),
    "queue": ("revisit_tui.supervisor.commands.queue", "supervisors: build the day's queue"),
    "assign": ("revisit_tui.supervisor.commands.assign", "supervisors: assign the open tasks"),
    "report": ("revisit_tui.supervisor.commands.report", "supervisors: figures per agent, kind"),
    "qa": ("revisit_tui.supervisor.commands.qa", "supervisors: the month's quality sample"),
    "disclose": (
        "revisit_tui.supervisor.commands.disclose",
        "supervisors: one identifier of one reviewed record, in full (audited)",
    ),
    "purge": ("revisit_tui.supervisor.commands.purge", "supervisors: retention purge"),
    "escalations": (
        "revisit_tui.supervisor.commands.escalations",
        "supervisors: escalations waiting, resolve, reopen",
    ),
    "agents": ("revisit_tui.supervisor.commands.agents", "supervisors: the roster"),
    "tasks": (
        "revisit_tui.supervisor.commands.tasks",
        "supervisors: move, unassign or park tasks by hand",
    ),
    "wallboard": ("revisit_tui.wallboard.command", "supervisors: the live wallboard of the floor"),
    "store-reports": (
        "revisit_tui.supervisor.commands.store_reports",
        "supervisors: what agents' apps discarded, handed over or could not recover",
    ),
}


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; only the sub-command named in argv loads its module for its arguments."""
    parser = argparse.ArgumentParser(
        prog="revisit", description="Customer-revisit workstation and its central API."
    )
    parser.add_argument("--config", metavar="FILE", help="config file (default: ./config.toml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        command_parser.set_defaults(module=module_name)
        if name in _requested(argv):
            importlib.import_module(module_name).add_arguments(command_parser)
    return parser


def _requested(argv: Sequence[str]) -> set[str]:
    return {arg for arg in argv if arg in COMMANDS}


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not any(arg in COMMANDS for arg in args_list) and not {"-h", "--help"} & set(args_list):
        args_list.append("tui")
    args = build_parser(args_list).parse_args(args_list)
    module = importlib.import_module(args.module)
    return int(module.run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
