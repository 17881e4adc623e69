"""Spread the open unassigned tasks over the agents on shift (by capacity, language, skill,
branch and continuity, most urgent first), optionally after moving customers to a branch.

    revisit assign --dry-run             # print the plan (--show-tasks: task by task)
    revisit assign --rebalance           # also move tasks held by agents off shift
    revisit assign --transfer ids.txt --to-branch B2   # seed 003 transfers (UTF-8 or GBK)
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import Agent, TaskBrief
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
from revisit_tui.supervisor.commandline import Parser, describe
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.planning import Plan, summarise
from revisit_tui.supervisor.progress import Progress
from revisit_tui.supervisor.table import render


def add_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "assign")
    script.add_connection(parser)
    parser.add_argument("--dry-run", action="store_true", help=say("help.assign.dry_run"))
    parser.add_argument("--show-tasks", action="store_true", help=say("help.assign.show_tasks"))
    parser.add_argument(
        "--rebalance",
        action="store_true",
        help=say("help.assign.rebalance"),
    )
    parser.add_argument(
        "--agent",
        action="append",
        default=[],
        metavar="ID",
        help=say("help.assign.agent"),
    )
    parser.add_argument(
        "--transfer",
        metavar="CUSTOMERS_FILE",
        help=say("help.assign.transfer"),
    )
    parser.add_argument("--to-branch", metavar="BRANCH", help=say("help.assign.to_branch"))
    parser.add_argument("--today", type=script.day, default=None, help=say("help.assign.today"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("assign", argv)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    if bool(args.transfer) != bool(args.to_branch):
        return script.run(args, _needs_both)
    return script.run(args, lambda say: _run(args, say))


def _needs_both(say: Messages) -> int:
    raise script.BadInput("errors.transfer_needs_branch")


def _run(args: argparse.Namespace, say: Messages) -> int:
    config = script.settings(args)
    api = script.connect(args, config)
    today = args.today or script.today(config)
    if args.transfer:
        _transfer(api, args.transfer, args.to_branch, args.dry_run, say)
    with Progress("common.reading"):
        everyone = api.agents()
    try:
        chosen = choose_agents(everyone, args.agent)
    except UnknownAgent as exc:
        raise script.BadInput("errors.unknown_agent", agent=exc) from None
    if args.dry_run:
        plan = make_plan(api, everyone, rebalance=args.rebalance, only=chosen)
        _print_plan(plan, chosen, today, say)
        if args.show_tasks:
            _print_tasks(plan, say)
        print(say("common.dry_run_nothing_written"))
        return 0
    try:
        done = assign_open_tasks(api, everyone, rebalance=args.rebalance, only=chosen)
    except Contended:
        raise script.Failed("assign.contended") from None
    _print_plan(done.plan, chosen, today, say)
    if done.replans:
        print(say("assign.replanned", count=done.replans))
    print(say("assign.assigned", count=done.updated))
    return 0


def _transfer(api: SupervisorApi, path: str, to_branch: str, dry_run: bool, say: Messages) -> None:
    try:
        lines = read_customer_ids(path)
    except ValueError as exc:
        raise script.BadInput("errors.about", subject="--transfer", reason=exc) from None
    try:
        with Progress("assign.transferring"):
            moved = transfer(api, lines, to_branch, dry_run=dry_run)
    except ValueError as exc:
        subject = f"--transfer: {Path(path).name}"
        raise script.BadInput("errors.file_problem", subject=subject, reason=exc) from None
    counts = {
        "customers": moved.customers,
        "branch": to_branch,
        "tasks": moved.tasks,
        "surveys": moved.surveys,
        "notices": moved.notices,
    }
    if dry_run:
        headers = [say(f"transfer.{key}") for key in ("customer", "from_branch", "to_branch")]
        rows = [[m.customer_id, m.from_branch, to_branch, m.open_tasks] for m in moved.moves]
        print(render([*headers, say("transfer.open_tasks")], rows))
        print(say("transfer.would_move", **counts))
        return
    print(say("transfer.moved", **counts))


def _print_plan(plan: Plan[TaskBrief], agents: Sequence[Agent], today: date, say: Messages) -> None:
    rows = [
        [
            row.agent_id,
            row.new,
            ", ".join(f"{say.value('kind', kind)} {n}" for kind, n in sorted(row.by_kind.items())),
            row.overdue,
            f"{row.load}/{row.capacity}",
        ]
        for row in summarise(plan, agents, today)
    ]
    headers = [say(f"assign.{key}") for key in ("agent", "new", "by_kind", "overdue", "load")]
    print(render(headers, rows))
    print(say("assign.placed", placed=len(plan.placed), unplaced=len(plan.unplaced)))
    for reason, count in Counter(u.reason for u in plan.unplaced).most_common():
        print(say("assign.left", count=count, reason=reason.told(say)))


def _print_tasks(plan: Plan[TaskBrief], say: Messages) -> None:
    rows: list[list[object]] = [
        [
            task.id,
            say.value("kind", task.kind),
            task.priority,
            task.due.isoformat(),
            task.customer_id,
            agent,
        ]
        for task, agent in plan.placed
    ]
    rows += [
        [
            u.task.id,
            say.value("kind", u.task.kind),
            u.task.priority,
            u.task.due.isoformat(),
            u.task.customer_id,
            "-",
        ]
        for u in plan.unplaced
    ]
    keys = ["plan_header", "kind", "priority", "due", "customer", "agent"]
    print(render([say(f"tasks.{key}") for key in keys], rows))
