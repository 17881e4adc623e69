"""SMS: agents request one (a template that applies, filled; rest hours, frequency cap checked);
the gateway pulls, confirms."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from revisit_tui.domain import rules
from revisit_tui.domain.masking import mask_field
from revisit_tui.domain.models import (
    Account,
    Agent,
    Customer,
    Language,
    MaskedField,
    SmsMessage,
    SmsRequest,
    SmsStatus,
    TaskKind,
)
from revisit_tui.server.access import task_row_for
from revisit_tui.server.deps import AgentCaller, Context, ServerContext, SmsGateway
from revisit_tui.server.problems import ProblemError, errors, forbidden, not_found
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import accounts, audit_log, customers, sms_messages

router = APIRouter(prefix="/v1", tags=["sms"], route_class=StrictJsonRoute)

_BLANK = re.compile(r"_{3,}|\{[A-Za-z_]+\}")  # a template's blank or placeholder left unfilled
CAP_WINDOW = timedelta(days=8)  # the caps look back a week; a day more covers time zones


def recent_sends(conn: Connection, customer_id: str, now: datetime) -> list[datetime]:
    """When the customer's SMS not failed within CAP_WINDOW were requested: what the caps count."""
    return list(
        conn.scalars(
            sa.select(sms_messages.c.requested_at).where(
                sms_messages.c.customer_id == customer_id,
                sms_messages.c.status != SmsStatus.FAILED.value,
                sms_messages.c.requested_at > now - CAP_WINDOW,
            )
        ).all()
    )


class Ok(BaseModel):
    ok: bool


@router.post("/sms", response_model=SmsMessage, status_code=202, responses=errors(404))
def request_sms(request: SmsRequest, context: Context, caller: AgentCaller) -> SmsMessage:
    """Queue an SMS to the task's customer, or 422 with the reason and when it may go."""
    now = datetime.now(UTC)
    blank = _BLANK.search(request.text)
    if blank is not None:
        raise ProblemError(
            422,
            "sms_blank",
            f"the text still has a blank ({blank.group()!r}): a value the template needs is "
            "missing; fill it or choose another template",
            {"text": f"unfilled: {blank.group()}"},
        )
    with context.engine.begin() as conn:
        stored = _stored(conn, request.id)
        if stored is not None:
            return _replayed(stored, request, caller)
        task = task_row_for(conn, caller, request.task_id)
        # the customer's row lock serialises SMS requests to one customer (PostgreSQL; SQLite
        # writers are serial anyway): the cap is counted and the message queued atomically,
        # and a concurrent retry of the same id waits here, then finds the stored message
        body = conn.scalar(
            sa.select(customers.c.body).where(customers.c.id == task.customer_id).with_for_update()
        )
        if body is None:
            raise not_found("customer", task.customer_id)
        stored = _stored(conn, request.id)
        if stored is not None:
            return _replayed(stored, request, caller)
        customer = Customer.model_validate(body)
        _check_template(conn, request, task, customer, context)
        try:
            decision = rules.sms_decision(
                customer, now, recent_sends(conn, customer.id, now), context.policy
            )
        except ValueError:  # imported before imports were validated: rest hours are unknown
            raise ProblemError(
                422,
                "customer_timezone",
                f"the customer's time zone {customer.timezone!r} is unknown: their rest hours "
                "cannot be respected; correct it by an import",
            ) from None
        if not decision.allowed:
            raise ProblemError(
                422,
                decision.code or "refused",
                _REFUSALS.get(decision.code or "", "the SMS may not be sent"),
                next_allowed_at=decision.next_allowed_at,
            )
        if customer.language is Language.EN:  # an English text ends with the English signature
            signature = context.policy.sms.signature_en
            text = request.text if signature in request.text else f"{request.text} {signature}"
        else:
            signature = context.policy.sms.signature
            text = request.text if signature in request.text else f"{signature}{request.text}"
        conn.execute(
            sa.insert(sms_messages).values(
                id=str(request.id),
                task_id=request.task_id,
                customer_id=customer.id,
                agent_id=caller.id,
                to=customer.mobile,
                text=text,
                status=SmsStatus.QUEUED.value,
                requested_at=now,
            )
        )
    return _masked(
        SmsMessage(
            id=request.id,
            task_id=request.task_id,
            to=customer.mobile or "",
            text=text,
            status=SmsStatus.QUEUED,
            requested_at=now,
        )
    )


def _check_template(
    conn: sa.Connection,
    request: SmsRequest,
    task: Any,
    customer: Customer,
    context: ServerContext,
) -> None:
    """422 unless the text is the wording of a template in the customer's language that
    applies to the task (its kind, its account's status) with every value filled."""
    templates = {t.id: t for t in context.sms_templates[customer.language]}
    template = templates.get(request.template)
    if template is None:
        raise ProblemError(
            422,
            "sms_template_unknown",
            f"no SMS template {request.template!r} in {customer.language.value}, the "
            f"customer's language; known: {', '.join(templates)}",
            {"template": "unknown"},
        )
    body = (
        conn.scalar(sa.select(accounts.c.body).where(accounts.c.number == task.account_number))
        if task.account_number
        else None
    )
    status = Account.model_validate(body).status if body is not None else None
    if not template.applies(TaskKind(task.kind), status):
        raise ProblemError(
            422,
            "sms_template_not_applicable",
            f"the template {template.id!r} does not apply to this task (a {task.kind} task, "
            f"account {status.value if status else 'none'}): it is for accounts "
            f"{', '.join(template.account_statuses) or 'of any status'} and tasks "
            f"{', '.join(template.task_kinds) or 'of any kind'}",
            {"template": "does not apply"},
        )
    values = template.values_in(request.text)
    if values is None:
        raise ProblemError(
            422,
            "sms_text_mismatch",
            f"the text is not the wording of the template {template.id!r}: only its "
            "placeholders may differ",
            {"text": "not the template's wording"},
        )
    blank = next((name for name, value in values if not value.strip()), None)
    if blank is not None:
        raise ProblemError(
            422,
            "sms_blank",
            f"the template's {{{blank}}} has no value: choose another template",
            {"text": f"unfilled: {{{blank}}}"},
        )


def _replayed(stored: Any, request: SmsRequest, caller: Agent) -> SmsMessage:
    """A stored SMS is answered again only to the agent who asked for it, for the same task
    (403 / 409 before anything of it is returned)."""
    if stored.agent_id != caller.id:
        raise forbidden("this SMS id was used by another agent")
    if stored.task_id != request.task_id:
        raise ProblemError(409, "conflict", "this SMS id was used for another task")
    return _masked(_message(stored))


def _masked(message: SmsMessage) -> SmsMessage:
    """The agent's echo: the recipient masked (only the gateway needs the number)."""
    return message.model_copy(update={"to": mask_field(MaskedField.MOBILE, message.to)})


_REFUSALS = {
    "quiet_hours": "it is the customer's rest time; see next_allowed_at",
    "frequency_cap": "the customer has had as many SMS as allowed; see next_allowed_at",
    "do_not_call": "the customer asked not to be contacted",
    "sms_opt_out": "the customer has opted out of SMS",
    "no_mobile": "the customer has no mobile number",
}


@router.get("/sms/pending", response_model=list[SmsMessage], responses=errors())
def pending(
    context: Context,
    gateway: SmsGateway,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[SmsMessage]:
    """Queued messages, oldest first, with the full number to send to: this endpoint exists
    to disclose them to the gateway, and each answer is audited (which messages)."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        rows = conn.execute(
            sa.select(sms_messages)
            .where(
                sms_messages.c.status == SmsStatus.QUEUED.value,
                sa.or_(sms_messages.c.not_before.is_(None), sms_messages.c.not_before <= now),
            )
            .order_by(sms_messages.c.requested_at, sms_messages.c.id)
            .limit(limit)
        ).all()
        if rows:
            conn.execute(
                sa.insert(audit_log).values(
                    at=now,
                    actor=gateway.id,
                    action="sms_numbers_disclosed",
                    detail={"sms_ids": [row.id for row in rows]},
                )
            )
    return [_message(row) for row in rows]


@router.post("/sms/{sms_id}/sent", response_model=Ok, responses=errors(404))
def mark_sent(sms_id: UUID, context: Context, _gateway: SmsGateway) -> Ok:
    with context.engine.begin() as conn:
        updated = conn.execute(
            sa.update(sms_messages)
            .where(sms_messages.c.id == str(sms_id))
            .values(status=SmsStatus.SENT.value, sent_at=datetime.now(UTC))
        )
    if updated.rowcount == 0:
        raise not_found("SMS", str(sms_id))
    return Ok(ok=True)


def _stored(conn: sa.Connection, sms_id: UUID) -> Any:
    """The stored row of an SMS id (None if new)."""
    return conn.execute(sa.select(sms_messages).where(sms_messages.c.id == str(sms_id))).first()


def _message(row: sa.Row[tuple[object, ...]]) -> SmsMessage:
    return SmsMessage(
        id=row.id,
        task_id=row.task_id,
        to=row.to,
        text=row.text,
        status=SmsStatus(row.status),
        requested_at=row.requested_at,
    )
