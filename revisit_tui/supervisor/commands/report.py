"""`revisit report`: the day's and the month's figures per agent and per kind of task
(attempts, reach rate, dispositions, average satisfaction, escalations open and overdue at the
period's end), with the month's satisfaction ranking, the month's escalation history
(first resolution, reopens and why, the follow-up's verdict) and why customers closed their
accounts (seed 000 §一, from the closure revisits); days are the centre's
([supervisor] timezone). As tables on the terminal and, with --csv, as CSV files.

    revisit report                          # today and this month
    revisit report --day 2026-11-24 --csv report.csv --escalations-csv escalations.csv
    revisit report --agent wang             # every figure of one agent
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import timedelta
from functools import partial

from revisit_tui.domain.models import ClosureReport
from revisit_tui.supervisor import script
from revisit_tui.supervisor.commandline import Parser, describe
from revisit_tui.supervisor.escalation_history import HEADER_KEYS as HISTORY_KEYS
from revisit_tui.supervisor.escalation_history import handled_within
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.progress import Progress
from revisit_tui.supervisor.report import HEADERS, Figures, gather, month_of, table_rows
from revisit_tui.supervisor.table import render

TEXT_WIDTH = 24  # resolutions and reasons on the terminal; the CSV has them whole
TABLE_KEYS = [
    "id",
    "name",
    "attempts",
    "reached",
    "reach",
    "satisfaction",
    "esc_open",
    "esc_overdue",
    "rank",
]


def add_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "report")
    script.add_connection(parser)
    parser.add_argument(
        "--day",
        type=script.day,
        default=None,
        help=say("help.report.day"),
    )
    parser.add_argument("--agent", metavar="ID", help=say("help.report.agent"))
    parser.add_argument(
        "--min-ratings",
        type=int,
        default=None,
        metavar="N",
        help=say("help.report.min_ratings"),
    )
    parser.add_argument("--csv", metavar="FILE", help=say("help.report.csv"))
    parser.add_argument(
        "--escalations-csv",
        metavar="FILE",
        help=say("help.report.escalations_csv"),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("report", argv)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    return script.run(args, lambda say: _run(args, say))


def _run(args: argparse.Namespace, say: Messages) -> int:
    config = script.settings(args)
    min_ratings = config.supervisor.min_ratings if args.min_ratings is None else args.min_ratings
    if min_ratings < 1:
        raise script.BadInput("errors.min_ratings", value=min_ratings)
    api = script.connect(args, config)
    zone = config.supervisor.timezone
    day = args.day or script.today(config)
    first = day.replace(day=1)
    last = first.replace(month=first.month % 12 + 1, year=first.year + first.month // 12)
    with Progress("report.progress"):
        if args.agent and args.agent not in {agent.id for agent in api.agents()}:
            raise script.BadInput("errors.unknown_agent", agent=args.agent)
        figures = gather(api, day, tz=zone, min_ratings=min_ratings, agent=args.agent)
        history = handled_within(api, first, last - timedelta(days=1), zone, args.agent)
    for period in dict.fromkeys(f.period for f in figures):
        for by in ("agent", "kind"):
            rows = [f for f in figures if f.period == period and f.by == by]
            title = say("report.section", period=period, by=say(f"report.by_{by}"), zone=zone)
            _print_section(title, rows, say)
    local = partial(script.local_time, config=config)
    print(f"\n{say('report.escalations', period=month_of(day), zone=zone)}")
    headers = [say(f"escalations.{key}") for key in HISTORY_KEYS]
    history_rows = [row.cells(local, say, width=TEXT_WIDTH) for row in history]
    print(render(headers, history_rows) if history_rows else say("common.no_records"))
    month = month_of(day)
    closures = api.closure_report(month=month, tz=zone, agent=args.agent)
    _print_closures(closures, month, zone, say)
    if args.csv:
        script.write_csv_file(args.csv, HEADERS, [f.row() for f in figures])
        print(say("common.wrote_rows", count=len(figures), path=args.csv))
    if args.escalations_csv:
        full = [row.cells(local, say) for row in history]
        script.write_csv_file(args.escalations_csv, HISTORY_KEYS, full)
        print(say("common.wrote_rows", count=len(full), path=args.escalations_csv))
    return 0


def _print_closures(report: ClosureReport, month: str, zone: str, say: Messages) -> None:
    """The month's closure reasons, each with its share of the reached closure revisits."""
    title = say("report.closures", period=month, reached=report.reached, zone=zone)
    print(f"\n{title}")
    counts = [(say(f"closure_reason.{r.value}"), n) for r, n in report.reasons.items()]
    counts.append((say("report.closure_not_recorded"), report.not_recorded))
    rows = [[name, n, 100 * n / report.reached if report.reached else 0.0] for name, n in counts]
    keys = ("closure_reason", "closure_count", "closure_share")
    print(render([say(f"report.{key}") for key in keys], rows))


def _print_section(title: str, figures: Sequence[Figures], say: Messages) -> None:
    print(f"\n{title}")
    headers = [say(f"report.{key}") for key in TABLE_KEYS]
    rows = table_rows(figures, lambda f: say.value("kind", f.id) if f.by == "kind" else f.name)
    print(render(headers, rows) if figures else say("common.no_records"))
