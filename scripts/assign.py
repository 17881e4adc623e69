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
    Contended,
    UnknownAgent,
    assign_open_tasks,
    choose_agents,
    make_plan,
    read_customer_ids,
    transfer,
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
    today = args.today or script.today(config)
    if args.transfer:
        _transfer(api, args.transfer, args.to_branch, args.dry_run)
    everyone = api.agents()
    try:
        chosen = choose_agents(everyone, args.agent)
    except UnknownAgent as exc:
        raise script.BadInput(f"--agent: unknown agent {exc}") from None
    if args.dry_run:
        plan = make_plan(api, everyone, rebalance=args.rebalance, only=chosen)
        _print_plan(plan, chosen, today)
        print("dry run: nothing was written")
        return 0
    try:
        run = assign_open_tasks(api, everyone, rebalance=args.rebalance, only=chosen)
    except Contended:
        raise script.Failed(
            "other assignment runs keep filling the same agents; nothing more was assigned,"
            " run again when they have finished"
        ) from None
    _print_plan(run.plan, chosen, today)
    if run.replans:
        print(f"re-planned {run.replans} times: another run was assigning at the same time")
    print(f"assigned {run.updated} tasks")
    return 0


def _transfer(api: SupervisorApi, path: str, to_branch: str, dry_run: bool) -> None:
    try:
        lines = read_customer_ids(path)
    except ValueError as exc:
        raise script.BadInput(f"--transfer: {exc}") from None
    try:
        moved = transfer(api, lines, to_branch, dry_run=dry_run)
    except ValueError as exc:
        raise script.BadInput(f"--transfer: {Path(path).name} {exc}") from None
    if dry_run:
        rows = [[m.customer_id, m.from_branch, to_branch, m.open_tasks] for m in moved.moves]
        print(render(["customer", "from branch", "to branch", "open tasks"], rows))
        print(
            f"dry run: would move {moved.customers} customers to branch {to_branch};"
            f" {moved.tasks} open tasks would come back for assignment"
        )
        return
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
