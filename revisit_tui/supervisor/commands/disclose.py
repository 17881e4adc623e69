"""`revisit disclose`: QA review of one record needs one identifier in full (seed 002 §十.1):
the record's customer's mobile, landline, ID number or the task's account number, for a
stated reason. The server audits the disclosure before it answers (docs/api.md).

    revisit disclose OUTCOME-ID mobile --reason "QA 2026-10: the call names another number"
"""

from __future__ import annotations

import argparse
import uuid
from collections.abc import Sequence

from revisit_tui.domain.models import SHORT_TEXT_MAX, MaskedField
from revisit_tui.supervisor import script
from revisit_tui.supervisor.commandline import Parser, describe
from revisit_tui.supervisor.messages import Messages


def add_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "disclose")
    script.add_connection(parser)
    parser.add_argument("outcome", type=uuid.UUID, help=say("help.disclose.outcome"))
    parser.add_argument(
        "field", choices=[field.value for field in MaskedField], help=say("help.disclose.field")
    )
    parser.add_argument(
        "--reason",
        required=True,
        type=script.bounded_text(SHORT_TEXT_MAX),
        help=say("help.disclose.reason", limit=SHORT_TEXT_MAX),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("disclose", argv)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    return script.run(args, lambda say: _run(args, say))


def _run(args: argparse.Namespace, say: Messages) -> int:
    api = script.connect(args, script.settings(args))
    shown = api.disclose(args.outcome, MaskedField(args.field), args.reason)
    field = say.value("masked_field", shown.field)
    if shown.value is None:
        print(say("disclose.none", field=field, outcome=args.outcome, id=shown.reveal_id))
    else:
        print(say("disclose.shown", field=field, value=shown.value, id=shown.reveal_id))
    return 0
