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
from datetime import UTC, datetime

from revisit_tui.supervisor import script
from revisit_tui.supervisor.report import (
    HEADERS,
    TABLE_HEADERS,
    Figures,
    gather,
    table_rows,
)
from revisit_tui.supervisor.table import render, write_csv


def build_parser() -> argparse.ArgumentParser:
    parser = script.parser(__doc__ or "")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--day",
        type=script.day,
        default=None,
        help="the day (default today, UTC: the server's periods are UTC days); its month too",
    )
    parser.add_argument("--agent", metavar="ID", help="only this agent's rows")
    parser.add_argument("--csv", metavar="FILE", help="also write every figure to this CSV file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return script.run(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    config = script.settings(args)
    api = script.connect(args, config)
    if args.agent and args.agent not in {agent.id for agent in api.agents()}:
        raise script.BadInput(f"--agent: unknown agent {args.agent}")
    figures = gather(api, args.day or datetime.now(UTC).date())
    if args.agent:
        figures = [f for f in figures if f.by == "kind" or f.id == args.agent]
    for period in dict.fromkeys(f.period for f in figures):
        for by in ("agent", "kind"):
            rows = [f for f in figures if f.period == period and f.by == by]
            _print_section(f"{period} by {by}", rows)
    if args.csv:
        write_csv(args.csv, HEADERS, [f.row() for f in figures])
        print(f"wrote {len(figures)} rows to {args.csv}")
    return 0


def _print_section(title: str, figures: Sequence[Figures]) -> None:
    print(f"\n{title}")
    print(render(TABLE_HEADERS, table_rows(figures)) if figures else "(no records)")


if __name__ == "__main__":
    raise SystemExit(main())
