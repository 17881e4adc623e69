#!/usr/bin/env python3
"""The day's and the month's figures per agent and per kind of task (attempts, reach rate,
dispositions, average satisfaction, escalations open and overdue), with the month's
satisfaction ranking; as tables on the terminal and, with --csv, as a CSV file.

    python scripts/report.py                      # today and this month
    python scripts/report.py --day 2026-11-24 --csv report.csv
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from revisit_tui.supervisor import script
from revisit_tui.supervisor.report import (
    HEADERS,
    TABLE_HEADERS,
    Figures,
    gather,
    table_rows,
)
from revisit_tui.supervisor.table import render


def build_parser() -> argparse.ArgumentParser:
    parser = script.parser(__doc__ or "")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--day",
        type=script.day,
        default=None,
        help="the day (default today in the centre's time zone, [supervisor] timezone); its"
        " month too",
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return script.run(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
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
            _print_section(f"{period} by {by} ({zone})", rows)
    if args.csv:
        script.write_csv_file(args.csv, HEADERS, [f.row() for f in figures])
        print(f"wrote {len(figures)} rows to {args.csv}")
    return 0


def _print_section(title: str, figures: Sequence[Figures]) -> None:
    print(f"\n{title}")
    print(render(TABLE_HEADERS, table_rows(figures)) if figures else "(no records)")


if __name__ == "__main__":
    raise SystemExit(main())
