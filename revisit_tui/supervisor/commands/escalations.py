"""`revisit escalations`: the escalations still waiting for a department's answer, and
resolving or reopening one (seed 002 §九): resolving creates the follow-up revisit for the
agent who escalated; reopening starts the problem handling again when the customer is not
satisfied. Deadlines are shown on the centre's clock.

    revisit escalations                     # open and reopened, overdue marked
    revisit escalations --overdue
    revisit escalations --resolve ID --text "已更换设备，客户确认可用"
    revisit escalations --reopen ID --text "客户仍无法登录"
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime

from revisit_tui.client.api import ApiError
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import NOTES_MAX, EscalationStatus
from revisit_tui.supervisor import script
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.table import render

SUMMARY_WIDTH = 30
HEADER_KEYS = ["id", "agent", "category", "department", "urgency", "deadline", "overdue", "summary"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    script.add_connection(parser)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--overdue", action="store_true", help="only those past their deadline")
    action.add_argument("--resolve", metavar="ID", help="record the department's answer")
    action.add_argument("--reopen", metavar="ID", help="handle the problem again")
    parser.add_argument(
        "--text",
        type=script.bounded_text(NOTES_MAX),
        help=f"the resolution or the reason to reopen (at most {NOTES_MAX} characters)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser(__doc__ or "")
    add_arguments(parser)
    args = parser.parse_args(argv)
    if (args.resolve or args.reopen) and not args.text:
        parser.error("--resolve and --reopen need --text")
    return run(args)


def run(args: argparse.Namespace) -> int:
    return script.run(args, lambda say: _run(args, say))


def _run(args: argparse.Namespace, say: Messages) -> int:
    config = script.settings(args)
    if (args.resolve or args.reopen) and not args.text:
        raise script.BadInput("--resolve and --reopen need --text")
    api = script.connect(args, config)
    if args.resolve or args.reopen:
        return _decide(api, args, say)
    now = datetime.now(UTC)
    waiting = [
        e
        for e in api.escalations(overdue=True if args.overdue else None)
        if e.status is not EscalationStatus.RESOLVED
    ]
    rows = [
        [
            str(e.id),
            e.agent_id,
            e.category.value,
            e.department,
            e.urgency.value,
            script.local_time(e.deadline, config),
            say("escalations.overdue") if e.deadline < now else "",
            e.summary[:SUMMARY_WIDTH],
        ]
        for e in sorted(waiting, key=lambda e: e.deadline)
    ]
    zone = config.supervisor.timezone
    headers = [say(f"escalations.{key}", zone=zone) for key in HEADER_KEYS]
    print(render(headers, rows))
    overdue = sum(1 for row in rows if row[6])
    print(say("escalations.waiting", count=len(rows), overdue=overdue))
    return 0


def _decide(api: SupervisorApi, args: argparse.Namespace, say: Messages) -> int:
    escalation_id = args.resolve or args.reopen
    try:
        if args.resolve:
            escalation = api.resolve_escalation(escalation_id, args.text.strip())
        else:
            escalation = api.reopen_escalation(escalation_id, args.text.strip())
    except ApiError as exc:
        if exc.status in (404, 409, 422):
            raise script.BadInput(f"escalation {escalation_id}: {exc.reason}") from None
        raise
    print(say("escalations.now", id=escalation.id, status=escalation.status.value))
    if escalation.follow_up_task_id:
        task = escalation.follow_up_task_id
        print(say("escalations.follow_up", task=task, agent=escalation.agent_id))
    return 0
