"""`revisit qa`: draw a month's reproducible random sample of revisit records for quality
review (seed 002 §十.1) and export it with the checks: complete, compliant, handled in time.

    revisit qa --month 2026-10 --rate 0.05 --seed 7 --out sample.csv

The same month, rate and seed give the same records (a late record displaces at most its
share). The export holds customer names and masked account numbers: it is created readable
by its owner only; account numbers stay text in Excel. A full identifier of one record is
`revisit disclose OUTCOME FIELD --reason …` (audited).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from revisit_tui.supervisor import script
from revisit_tui.supervisor.commandline import BadValue, Parser, describe
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.progress import Progress
from revisit_tui.supervisor.qa import export, summarise


def rate(text: str) -> float:
    """An argparse type: a share of records, more than 0 and at most 1."""
    try:
        value = float(text)
    except ValueError:
        raise BadValue("errors.not_a_number", text=text) from None
    if not 0 < value <= 1:
        raise BadValue("errors.not_a_share", text=text)
    return value


def add_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "qa")
    script.add_connection(parser)
    parser.add_argument("--month", type=script.month, required=True, help=say("help.qa.month"))
    parser.add_argument("--rate", type=rate, required=True, help=say("help.qa.rate"))
    parser.add_argument("--seed", type=int, required=True, help=say("help.qa.seed"))
    parser.add_argument("--out", metavar="FILE", required=True, help=say("help.qa.out"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("qa", argv)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    return script.run(args, lambda say: _run(args, say))


def _run(args: argparse.Namespace, say: Messages) -> int:
    config = script.settings(args)
    api = script.connect(args, config)
    with Progress("qa.progress"):
        zone = config.supervisor.timezone
        records = api.qa_sample(args.month, args.rate, args.seed, tz=zone)
    try:
        export(records, args.out)
    except IsADirectoryError:
        raise script.BadInput("errors.out_is_folder", path=args.out) from None
    except OSError as exc:
        raise script.BadInput("errors.out_unwritable", path=args.out, reason=exc.strerror) from None
    summary = summarise(records)
    print(
        say(
            "qa.summary",
            month=args.month,
            sampled=summary.sampled,
            rate=args.rate,
            seed=args.seed,
            incomplete=summary.incomplete,
            non_compliant=summary.non_compliant,
            unhandled=summary.unhandled,
            path=args.out,
        )
    )
    return 0
