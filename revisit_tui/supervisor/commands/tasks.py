"""`revisit tasks`: moving, unassigning and parking tasks by hand, with a dry run that shows
what would change. The server still refuses a move that would put an agent over capacity.

    revisit tasks move T1 T2 --to li           # these tasks to li
    revisit tasks move --from wang --to li     # all of wang's open tasks
    revisit tasks unassign --from wang         # back to the pool
    revisit tasks park T1 --until 2026-12-01   # nobody may start it before that day
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime, time
from zoneinfo import ZoneInfo

from revisit_tui.client.api import ApiError
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import Assignment, Task, TaskStatus
from revisit_tui.supervisor import script
from revisit_tui.supervisor.commandline import Parser, describe
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.progress import Progress
from revisit_tui.supervisor.table import render

CHUNK = 5000


def add_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "tasks")
    actions = parser.add_subparsers(dest="tasks_action", metavar="ACTION", required=True)
    for name in ("move", "unassign", "park"):
        summary = say(f"help.tasks.{name}")
        action = actions.add_parser(name, help=summary, description=summary)
        script.add_connection(action)
        action.add_argument("task_ids", nargs="*", metavar="TASK", help=say("help.tasks.task_ids"))
        action.add_argument(
            "--from", dest="from_agent", metavar="AGENT", help=say("help.tasks.from_agent")
        )
        action.add_argument("--dry-run", action="store_true", help=say("help.tasks.dry_run"))
        if name == "move":
            action.add_argument(
                "--to", dest="to_agent", metavar="AGENT", required=True, help=say("help.tasks.to")
            )
        if name == "park":
            action.add_argument(
                "--until", type=script.day, required=True, help=say("help.tasks.until")
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("tasks", argv)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    return script.run(args, lambda say: _run(args, say))


def _run(args: argparse.Namespace, say: Messages) -> int:
    if bool(args.task_ids) == bool(args.from_agent):
        raise script.BadInput("errors.tasks_or_from")
    config = script.settings(args)
    api = script.connect(args, config)
    with Progress("common.reading"):
        chosen = _chosen(api, args)
    if args.dry_run:
        rows = [
            [t.id, say.value("kind", t.kind), t.customer_id, t.assigned_agent or "-"]
            for t in chosen
        ]
        headers = ["plan_header", "kind", "customer", "agent"]
        print(render([say(f"tasks.{key}") for key in headers], rows))
        print(say("common.dry_run_nothing_written"))
        return 0
    try:
        if args.tasks_action == "park":
            until = datetime.combine(args.until, time(), ZoneInfo(config.supervisor.timezone))
            with Progress("common.writing"):
                count = api.park_tasks([t.id for t in chosen], until)
            print(say("tasks.parked", count=count, day=args.until))
            return 0
        agent = args.to_agent if args.tasks_action == "move" else None
        count = 0
        with Progress("common.writing", len(chosen)) as bar:
            for start in range(0, len(chosen), CHUNK):
                part = chosen[start : start + CHUNK]
                count += api.assign(
                    [Assignment(task_id=t.id, agent_id=agent, version=t.version) for t in part]
                )
                bar.advance(len(part))
    except ApiError as exc:
        if exc.status in (409, 422):
            raise script.BadInput(exc.reason) from None
        raise
    if agent:
        print(say("tasks.moved", count=count, agent=agent))
    else:
        print(say("tasks.unassigned", count=count))
    return 0


def _chosen(api: SupervisorApi, args: argparse.Namespace) -> list[Task]:
    """The open tasks named (each must exist and be open) or all of --from's."""
    if args.from_agent:
        return list(api.tasks(agent=args.from_agent, status=TaskStatus.OPEN))
    found = {task.id: task for task in api.tasks_by_id(args.task_ids)}
    missing = [task_id for task_id in args.task_ids if task_id not in found]
    if missing:
        raise script.BadInput("errors.no_such_task", ids=", ".join(missing))
    closed = [t.id for t in found.values() if t.status is not TaskStatus.OPEN]
    if closed:
        raise script.BadInput("errors.not_open", ids=", ".join(closed))
    return [found[task_id] for task_id in dict.fromkeys(args.task_ids)]
