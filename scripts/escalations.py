#!/usr/bin/env python3
"""The escalations still waiting for a department's answer, and resolving or reopening one
(seed 002 §九): resolving creates the follow-up revisit for the agent who escalated;
reopening starts the problem handling again when the customer is not satisfied.

    python scripts/escalations.py                     # open and reopened, overdue marked
    python scripts/escalations.py --overdue
    python scripts/escalations.py --resolve ID --text "已更换设备，客户确认可用"
    python scripts/escalations.py --reopen ID --text "客户仍无法登录"
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime

from revisit_tui.client.api import ApiError
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import NOTES_MAX, EscalationStatus
from revisit_tui.supervisor import script
from revisit_tui.supervisor.table import render

SUMMARY_WIDTH = 30


def build_parser() -> argparse.ArgumentParser:
    parser = script.parser(__doc__ or "")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--overdue", action="store_true", help="only those past their deadline")
    action.add_argument("--resolve", metavar="ID", help="record the department's answer")
    action.add_argument("--reopen", metavar="ID", help="handle the problem again")
    parser.add_argument(
        "--text",
        type=script.bounded_text(NOTES_MAX),
        help=f"the resolution or the reason to reopen (at most {NOTES_MAX} characters)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if (args.resolve or args.reopen) and not (args.text and args.text.strip()):
        parser.error("--resolve and --reopen need --text")
    return script.run(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    config = script.settings(args)
    api = script.connect(args, config)
    if args.resolve or args.reopen:
        return _decide(api, args)
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
            "overdue" if e.deadline < now else "",
            e.summary[:SUMMARY_WIDTH],
        ]
        for e in sorted(waiting, key=lambda e: e.deadline)
    ]
    zone = config.supervisor.timezone
    headers = [
        "id",
        "agent",
        "category",
        "department",
        "urgency",
        f"deadline ({zone})",
        "",
        "summary",
    ]
    print(render(headers, rows))
    print(f"{len(rows)} waiting, {sum(1 for row in rows if row[6])} overdue")
    return 0


def _decide(api: SupervisorApi, args: argparse.Namespace) -> int:
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
    print(f"escalation {escalation.id} is now {escalation.status.value}")
    if escalation.follow_up_task_id:
        print(f"follow-up task {escalation.follow_up_task_id} for agent {escalation.agent_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
