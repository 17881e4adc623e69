"""`revisit purge`: retention (seed 002 §八.3): records older than the configured years lose
their personal fields (the counts stay; the purge is audited by the server).

    revisit purge --dry-run   # count what would be purged (also without options)
    revisit purge --yes       # purge
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from revisit_tui.domain.models import PurgeRequest
from revisit_tui.supervisor import script
from revisit_tui.supervisor.commandline import Parser, describe
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.progress import Progress


def add_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "purge")
    script.add_connection(parser)
    parser.add_argument(
        "--years",
        type=int,
        default=None,
        help=say("help.purge.years"),
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--dry-run", action="store_true", help=say("help.purge.dry_run"))
    action.add_argument("--yes", action="store_true", help=say("help.purge.yes"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("purge", argv)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    return script.run(args, lambda say: _run(args, say))


def _run(args: argparse.Namespace, say: Messages) -> int:
    config = script.settings(args)
    years = config.retention.years if args.years is None else args.years
    if not 1 <= years <= 100:
        raise script.BadInput("errors.years", value=years)
    api = script.connect(args, config)
    with Progress("purge.progress"):
        result = api.purge(PurgeRequest(older_than_years=years, dry_run=not args.yes))
    counts = say(
        "purge.counts",
        outcomes=result.outcomes,
        escalations=result.escalations,
        reveals=result.reveals,
        sms=result.sms,
    )
    key = "purge.dry_run" if result.dry_run else "purge.purged"
    print(say(key, counts=counts, cutoff=result.cutoff))
    return 0
