"""`revisit store-reports`: what agents' apps took out of their outboxes or could not recover
from a damaged file, as the apps reported it (issue 17): a refused item an agent discarded or
handed over (with the agent's reason and the server's refusal), and each file of an agent's
store kept aside at start-up (how many items were recovered, how many were lost, and where
the damaged copy is on the agent's machine). Newest first, on the centre's clock; numbers in
the texts are masked by the server.

    revisit store-reports
    revisit store-reports --agent a1 --kind recovery
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from functools import partial

from revisit_tui.domain.models import AgentStoreReport, StoreReportKind
from revisit_tui.supervisor import script
from revisit_tui.supervisor.commandline import Parser, describe
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.progress import Progress
from revisit_tui.supervisor.table import render

TEXT_WIDTH = 40
HEADER_KEYS = ["received", "agent", "kind", "what", "reason"]


def add_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "store_reports")
    script.add_connection(parser)
    parser.add_argument("--agent", metavar="ID", help=say("help.store_reports.agent"))
    parser.add_argument(
        "--kind",
        choices=[kind.value for kind in StoreReportKind],
        help=say("help.store_reports.kind"),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("store_reports", argv)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    return script.run(args, lambda say: _run(args, say))


def _run(args: argparse.Namespace, say: Messages) -> int:
    config = script.settings(args)
    api = script.connect(args, config)
    local = partial(script.local_time, config=config)
    kind = StoreReportKind(args.kind) if args.kind else None
    with Progress("common.reading") as bar:
        listed = list(bar.track(api.store_reports(agent=args.agent, kind=kind)))
    rows = [
        [
            local(entry.received_at),
            entry.agent_id,
            say.value("store_report_kind", entry.report.kind),
            _what(entry, say),
            _cut(entry.report.reason),
        ]
        for entry in listed
    ]
    zone = config.supervisor.timezone
    print(render([say(f"store_reports.{key}", zone=zone) for key in HEADER_KEYS], rows))
    print(say("store_reports.count", count=len(listed)))
    return 0


def _what(entry: AgentStoreReport, say: Messages) -> str:
    """The item taken out (its kind, task and the server's refusal), or the file recovered."""
    report = entry.report
    if report.kind is StoreReportKind.RECOVERY:
        if report.recovered is None:
            return say("store_reports.cache", file=report.file)
        return say(
            "store_reports.recovered",
            file=report.file,
            recovered=report.recovered,
            lost=report.lost,
        )
    return say(
        "store_reports.item",
        kind=report.item_kind,
        task=report.task_id or "-",
        status=report.refusal_status or "-",
        refusal=_cut(report.refusal),
    )


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 1] + "…"
