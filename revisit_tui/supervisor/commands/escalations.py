"""`revisit escalations`: the escalations still waiting for a department's answer, and
resolving or reopening one (seed 002 §九): resolving creates the follow-up revisit for the
agent who escalated; reopening starts the problem handling again when the customer is not
satisfied. Every resolution and reopen reason stays in the escalation's history, shown
under the table. Deadlines and steps are shown on the centre's clock.

    revisit escalations                     # open and reopened, overdue marked, their history
    revisit escalations --overdue
    revisit escalations --all               # resolved ones too
    revisit escalations --show ID           # one escalation and its whole history
    revisit escalations --resolve ID --text "已更换设备，客户确认可用"
    revisit escalations --reopen ID --text "客户仍无法登录"
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial

from revisit_tui.client.api import ApiError
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    NOTES_MAX,
    Escalation,
    EscalationAction,
    EscalationStatus,
)
from revisit_tui.supervisor import script
from revisit_tui.supervisor.commandline import Parser, describe
from revisit_tui.supervisor.escalation_history import LocalTime, step_lines
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.progress import Progress
from revisit_tui.supervisor.table import render

SUMMARY_WIDTH = 30
HEADER_KEYS = [
    "id",
    "agent",
    "category",
    "department",
    "urgency",
    "status",
    "deadline",
    "overdue",
    "reopened",
    "summary",
]


def add_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "escalations")
    script.add_connection(parser)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--overdue", action="store_true", help=say("help.escalations.overdue"))
    action.add_argument("--all", action="store_true", help=say("help.escalations.all"))
    action.add_argument("--show", metavar="ID", help=say("help.escalations.show"))
    action.add_argument("--resolve", metavar="ID", help=say("help.escalations.resolve"))
    action.add_argument("--reopen", metavar="ID", help=say("help.escalations.reopen"))
    parser.add_argument(
        "--text",
        type=script.bounded_text(NOTES_MAX),
        help=say("help.escalations.text", limit=NOTES_MAX),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("escalations", argv)
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
        raise script.BadInput("errors.needs_text")
    api = script.connect(args, config)
    if args.resolve or args.reopen:
        return _decide(api, args, say)
    local = partial(script.local_time, config=config)
    if args.show:
        return _show(api, args.show, local, say)
    now = datetime.now(UTC)
    with Progress("common.reading") as bar:
        listed = [
            e
            for e in bar.track(api.escalations(overdue=True if args.overdue else None))
            if args.all or e.status is not EscalationStatus.RESOLVED
        ]
    rows = [
        [
            str(e.id),
            e.agent_id,
            say.value("category", e.category),
            e.department,
            say.value("urgency", e.urgency),
            say.value("escalation_status", e.status),
            local(e.deadline),
            say("escalations.overdue") if _overdue(e, now) else "",
            _reopens(e),
            _cut(e.summary),
        ]
        for e in sorted(listed, key=lambda e: e.deadline)
    ]
    zone = config.supervisor.timezone
    headers = [say(f"escalations.{key}", zone=zone) for key in HEADER_KEYS]
    print(render(headers, rows))
    for escalation in sorted(listed, key=lambda e: e.deadline):
        if escalation.history:
            print(f"\n{escalation.id}")
            print("\n".join(f"  {line}" for line in step_lines(escalation, local, say)))
    waiting = [e for e in listed if e.status is not EscalationStatus.RESOLVED]
    overdue = sum(1 for e in waiting if _overdue(e, now))
    print(say("escalations.waiting", count=len(waiting), overdue=overdue))
    return 0


def _show(api: SupervisorApi, escalation_id: str, local: LocalTime, say: Messages) -> int:
    try:
        with Progress("common.reading"):
            e = api.escalation(escalation_id)
    except ApiError as exc:
        if exc.status in (404, 422):
            raise script.BadInput(
                "errors.about", subject=f"--show {escalation_id}", reason=exc.reason
            ) from None
        raise
    fields = [
        ("id", str(e.id)),
        ("agent", e.agent_id),
        ("customer", e.customer_id),
        ("category", say.value("category", e.category)),
        ("department", e.department),
        ("urgency", say.value("urgency", e.urgency)),
        ("status", say.value("escalation_status", e.status)),
        ("opened", local(e.opened_at)),
        ("deadline_at", local(e.deadline)),
        ("summary", e.summary),
        ("resolution", e.resolution),
    ]
    print(
        render(
            [say("escalations.field"), say("escalations.value")],
            [[say(f"escalations.{key}"), value] for key, value in fields],
        )
    )
    print(say("escalations.history"))
    lines = step_lines(e, local, say)
    print("\n".join(f"  {line}" for line in lines) if lines else say("common.no_records"))
    return 0


def _overdue(escalation: Escalation, now: datetime) -> bool:
    return escalation.status is not EscalationStatus.RESOLVED and escalation.deadline < now


def _reopens(escalation: Escalation) -> int:
    return sum(1 for step in escalation.history if step.action is EscalationAction.REOPENED)


def _cut(text: str) -> str:
    return text if len(text) <= SUMMARY_WIDTH else text[: SUMMARY_WIDTH - 1] + "…"


def _decide(api: SupervisorApi, args: argparse.Namespace, say: Messages) -> int:
    escalation_id = args.resolve or args.reopen
    try:
        with Progress("common.writing"):
            if args.resolve:
                escalation = api.resolve_escalation(escalation_id, args.text.strip())
            else:
                escalation = api.reopen_escalation(escalation_id, args.text.strip())
    except ApiError as exc:
        if exc.status in (404, 409, 422):
            raise script.BadInput(
                "errors.escalation", id=escalation_id, reason=exc.reason
            ) from None
        raise
    status = say.value("escalation_status", escalation.status)
    print(say("escalations.now", id=escalation.id, status=status))
    if escalation.follow_up_task_id:
        task = escalation.follow_up_task_id
        print(say("escalations.follow_up", task=task, agent=escalation.agent_id))
    return 0
