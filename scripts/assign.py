#!/usr/bin/env python3
"""Spread the open unassigned tasks over the agents on shift (by capacity, language, skill,
branch and continuity, most urgent first), optionally after moving customers to a branch.

    python scripts/assign.py --dry-run            # print the plan, write nothing
    python scripts/assign.py --rebalance          # also move tasks held by absent agents
    python scripts/assign.py --transfer ids.txt --to-branch B2   # seed 003 transfers
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import Agent
from revisit_tui.supervisor import script
from revisit_tui.supervisor.assign import (
    UnknownAgent,
    choose_agents,
    make_plan,
    read_customer_ids,
    transfer,
    write_plan,
)
from revisit_tui.supervisor.planning import Plan, summarise
from revisit_tui.supervisor.table import render


def build_parser() -> argparse.ArgumentParser:
    parser = script.parser(__doc__ or "")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    parser.add_argument(
        "--rebalance",
        action="store_true",
        help="also re-assign the open tasks of agents who are not on shift",
    )
    parser.add_argument(
        "--agent",
        action="append",
        default=[],
        metavar="ID",
        help="assign only to these agents (repeatable; default: every agent on shift)",
    )
    parser.add_argument(
        "--transfer",
        metavar="CUSTOMERS_FILE",
        help="first move these customers (one id a line) to --to-branch",
    )
    parser.add_argument("--to-branch", metavar="BRANCH", help="the branch of --transfer")
    parser.add_argument(
        "--today", type=script.day, default=None, help="the day counted for 'overdue'"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if bool(args.transfer) != bool(args.to_branch):
        parser.error("--transfer and --to-branch go together")
    return script.run(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    config = script.settings(args)
    api = script.connect(args, config)
    today = args.today or date.today()
    if args.transfer:
        _transfer(api, args.transfer, args.to_branch, args.dry_run)
    try:
        agents = choose_agents(api.agents(), args.agent)
    except UnknownAgent as exc:
        raise script.BadInput(f"--agent: unknown agent {exc}") from None
    plan = make_plan(api, agents, rebalance=args.rebalance)
    _print_plan(plan, agents, today)
    if args.dry_run:
        print("dry run: nothing was written")
    else:
        updated = write_plan(api, plan)
        print(f"assigned {updated} tasks")
    return 0


def _transfer(api: SupervisorApi, path: str, to_branch: str, dry_run: bool) -> None:
    try:
        lines = read_customer_ids(path)
    except ValueError as exc:
        raise script.BadInput(f"--transfer: {exc}") from None
    if dry_run:
        print(f"dry run: would move {len(lines)} customers to branch {to_branch}")
        return
    try:
        moved = transfer(api, lines, to_branch)
    except ValueError as exc:
        raise script.BadInput(f"--transfer: {Path(path).name} {exc}") from None
    print(
        f"moved {moved.customers} customers to branch {to_branch};"
        f" {moved.tasks} open tasks are back for assignment"
    )


def _print_plan(plan: Plan, agents: Sequence[Agent], today: date) -> None:
    rows = [
        [
            row.agent_id,
            row.new,
            ", ".join(f"{kind.value} {n}" for kind, n in sorted(row.by_kind.items())),
            row.overdue,
            f"{row.load}/{row.capacity}",
        ]
        for row in summarise(plan, agents, today)
    ]
    print(render(["agent", "new", "by kind", "overdue", "load/capacity"], rows))
    print(f"{len(plan.placed)} tasks placed, {len(plan.unplaced)} fit nobody")
    for reason, count in Counter(u.reason for u in plan.unplaced).most_common():
        print(f"  {count} left: {reason}")


if __name__ == "__main__":
    raise SystemExit(main())
