"""After a branch transfer (seed 003 §四.3 客户沟通, §十一 客户满意度调查): each customer who
moved is told by SMS (the `branch_transfer` template, in their language) and gets a
satisfaction revisit for the new branch's agents.

The notice respects the same rules as an agent's SMS: nothing to a do-not-call or opted-out
customer or one without a mobile; during their rest hours or over the caps it is queued for
the first moment allowed (`not_before`), and the gateway gets it then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from revisit_tui.callscripts import render
from revisit_tui.domain import rules
from revisit_tui.domain.models import Customer, Language, SmsStatus
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.server import donotcall
from revisit_tui.server.deps import ServerContext
from revisit_tui.server.routes.sms import recent_sends
from revisit_tui.server.tables import sms_messages
from revisit_tui.server.taskstore import create_tasks, task_id_for

NOTICE_TEMPLATE = "branch_transfer"


@dataclass(frozen=True)
class Welcome:
    """What a moved customer gets: the survey task (None for a do-not-call customer) and the
    notice: `queued` (at `notice_at`) or why none goes (do_not_call, sms_opt_out, no_mobile,
    customer_timezone, no_template, template_incomplete)."""

    survey_task_id: str | None
    notice: str
    notice_at: datetime | None = None


@dataclass(frozen=True)
class _Notice:
    text: str  # "" when none goes
    not_before: datetime | None  # held back by rest hours or caps until then


_NONE = _Notice("", None)


def plan(
    conn: Connection, customer: Customer, context: ServerContext, now: datetime
) -> tuple[Welcome, _Notice]:
    """The welcome of a customer already on the new branch (`customer.branch` is the new
    one), and the notice to queue; nothing is written."""
    policy = context.policy
    refused = customer.do_not_call or bool(donotcall.marked(conn, [customer.id]))
    survey = None if refused else task_id_for(_survey_key(customer, policy, now))
    if refused:
        return Welcome(survey, "do_not_call"), _NONE
    templates = {t.id: t for t in context.sms_templates[customer.language]}
    template = templates.get(NOTICE_TEMPLATE)
    if template is None:
        return Welcome(survey, "no_template"), _NONE
    english = customer.language is Language.EN
    values = {
        "bank_name": policy.bank.name_en if english else policy.bank.name,
        "customer_name": customer.name,
        "signature": policy.sms.signature_en if english else policy.sms.signature,
    }
    if template.missing(values):
        return Welcome(survey, "template_incomplete"), _NONE
    try:
        decision = rules.sms_decision(customer, now, recent_sends(conn, customer.id, now), policy)
    except ValueError:  # a time zone imported before imports were validated
        return Welcome(survey, "customer_timezone"), _NONE
    if not decision.allowed and decision.next_allowed_at is None:
        return Welcome(survey, decision.code or "refused"), _NONE
    held = None if decision.allowed else decision.next_allowed_at
    notice = _Notice(render(template.text, values), held)
    return Welcome(survey, "queued", held or now), notice


def welcome(
    conn: Connection,
    customer: Customer,
    from_branch: str,
    actor: str,
    context: ServerContext,
    now: datetime,
) -> Welcome:
    """Create the customer's survey task and queue their notice (see `plan`)."""
    planned, notice = plan(conn, customer, context, now)
    if planned.survey_task_id is None:
        return planned
    survey = rules.transfer_task(customer, from_branch, now.date(), context.policy)
    create_tasks(conn, [survey], now)
    if notice.text:
        conn.execute(
            sa.insert(sms_messages).values(
                id=str(uuid4()),
                task_id=planned.survey_task_id,
                customer_id=customer.id,
                agent_id=actor,
                to=customer.mobile,
                text=notice.text,
                status=SmsStatus.QUEUED.value,
                requested_at=now,
                not_before=notice.not_before,
            )
        )
    return planned


def _survey_key(customer: Customer, policy: RevisitPolicy, now: datetime) -> str:
    return rules.transfer_task(customer, "", now.date(), policy).key
