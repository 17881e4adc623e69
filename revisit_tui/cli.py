"""The `revisit` command: tui (the default), serve, demo, admin, db, check-config.

Each sub-command's arguments and action live beside the code they run (a `command` module in
each sub-package), imported only when chosen, so `revisit serve` never loads Textual and
`revisit` never loads FastAPI.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from revisit_tui.supervisor.commandline import Parser, locale_of
from revisit_tui.supervisor.messages import Messages

# sub-command -> module with `add_arguments(parser)` and `run(args) -> int`; each one's summary
# is `commands.<name>` of the command line's catalogue (revisit_tui/supervisor/locales)
COMMANDS: dict[str, str] = {
    "tui": "revisit_tui.app.command",
    "serve": "revisit_tui.server.command_serve",
    "admin": "revisit_tui.server.command_admin",
    "db": "revisit_tui.server.command_db",
    "demo": "revisit_tui.demo.command",
    "check-config": "revisit_tui.checkconfig",
    "queue": "revisit_tui.supervisor.commands.queue",
    "assign": "revisit_tui.supervisor.commands.assign",
    "report": "revisit_tui.supervisor.commands.report",
    "qa": "revisit_tui.supervisor.commands.qa",
    "disclose": "revisit_tui.supervisor.commands.disclose",
    "purge": "revisit_tui.supervisor.commands.purge",
    "escalations": "revisit_tui.supervisor.commands.escalations",
    "agents": "revisit_tui.supervisor.commands.agents",
    "tasks": "revisit_tui.supervisor.commands.tasks",
    "wallboard": "revisit_tui.wallboard.command",
    "store-reports": "revisit_tui.supervisor.commands.store_reports",
}
# commands that print in a supervisor's language (--lang, the terminal's, the config's); the
# others speak the agent app's (--locale, the config's)
SUPERVISORS = frozenset(
    name
    for name, module in COMMANDS.items()
    if module.startswith(("revisit_tui.supervisor.", "revisit_tui.wallboard."))
)


def build_parser(argv: Sequence[str] = ()) -> Parser:
    """The parser, in the language of the command argv names (known before it is built); only
    that sub-command loads its module for its arguments."""
    requested = _requested(argv)
    say = Messages(locale_of(argv, supervisor=bool(requested & SUPERVISORS)))
    parser = Parser(prog="revisit", description=say("commands.revisit"), say=say)
    parser.add_argument("--config", metavar="FILE", help=say("help.connection.config"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        summary = say(f"commands.{name.replace('-', '_')}")
        command_parser = sub.add_parser(name, help=summary, description=summary)
        command_parser.set_defaults(module=module_name)
        if name in requested:
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
