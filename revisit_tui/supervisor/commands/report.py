"""`revisit report`: the day's and the month's figures per agent and per kind of task
(attempts, reach rate, dispositions, average satisfaction, escalations open and overdue at the
period's end), with the month's satisfaction ranking; days are the centre's ([supervisor]
timezone). As tables on the terminal and, with --csv, as a CSV file.

    revisit report                          # today and this month
    revisit report --day 2026-11-24 --csv report.csv
    revisit report --agent wang             # every figure of one agent
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from revisit_tui.supervisor import script
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.report import HEADERS, Figures, gather, table_rows
from revisit_tui.supervisor.table import render

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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    script.add_connection(parser)
    parser.add_argument(
        "--day",
        type=script.day,
        default=None,
        help="the day (default today in the centre's time zone); its month too",
    )
    parser.add_argument("--agent", metavar="ID", help="only this agent's figures, every row")
    parser.add_argument(
        "--min-ratings",
        type=int,
        default=None,
        metavar="N",
        help="ratings an agent needs to be ranked (default [supervisor] min_ratings)",
    )
    parser.add_argument("--csv", metavar="FILE", help="also write every figure to this CSV file")


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser(__doc__ or "")
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    return script.run(args, lambda say: _run(args, say))


def _run(args: argparse.Namespace, say: Messages) -> int:
    config = script.settings(args)
    min_ratings = config.supervisor.min_ratings if args.min_ratings is None else args.min_ratings
    if min_ratings < 1:
        raise script.BadInput(f"--min-ratings: {min_ratings} is less than 1")
    api = script.connect(args, config)
    if args.agent and args.agent not in {agent.id for agent in api.agents()}:
        raise script.BadInput(f"--agent: unknown agent {args.agent}")
    zone = config.supervisor.timezone
    day = args.day or script.today(config)
    figures = gather(api, day, tz=zone, min_ratings=min_ratings, agent=args.agent)
    for period in dict.fromkeys(f.period for f in figures):
        for by in ("agent", "kind"):
            rows = [f for f in figures if f.period == period and f.by == by]
            title = say("report.section", period=period, by=say(f"report.by_{by}"), zone=zone)
            _print_section(title, rows, say)
    if args.csv:
        script.write_csv_file(args.csv, HEADERS, [f.row() for f in figures])
        print(say("common.wrote_rows", count=len(figures), path=args.csv))
    return 0


def _print_section(title: str, figures: Sequence[Figures], say: Messages) -> None:
    print(f"\n{title}")
    headers = [say(f"report.{key}") for key in TABLE_KEYS]
    print(render(headers, table_rows(figures)) if figures else say("common.no_records"))
