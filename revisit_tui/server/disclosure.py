"""What leaves the server about a customer: masked by default, in full only as a disclosure
that is audited (one `reveals` row each) in the transaction that reads the value.

Each task's identity-check salt is derived from the database's identity-check key (see
`serverkeys`), so a salt is unpredictable before its check is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from revisit_tui.domain import identity, rules
from revisit_tui.domain.masking import mask_field, mask_text
from revisit_tui.domain.models import (
    Account,
    Customer,
    IdentityCheck,
    MaskedField,
    OutcomeResult,
    Task,
    TaskKind,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.server.serverkeys import identity_check_key
from revisit_tui.server.tables import accounts, customers, reveals, transactions

SALT_BYTES = 16


class DisclosureKind:
    """The `kind` of a reveals row."""

    REVEAL = "reveal"
    PREFETCH = "prefetch"
    OFFLINE_REVEAL = "offline_reveal"
    QA_REVIEW = "qa_review"  # a supervisor reviewing one record (POST /v1/disclosures)


def masked_task(task: Task) -> Task:
    """A task as an agent or a service sees it: its account number masked (also where its
    key and reason name it)."""
    return task.model_copy(
        update={
            "key": mask_text(task.key),
            "account_number": mask_field(MaskedField.ACCOUNT_NUMBER, task.account_number)
            if task.account_number
            else None,
            "reason": mask_text(task.reason),
        }
    )


def masked_result(result: OutcomeResult) -> OutcomeResult:
    """An outcome's answer with its task masked."""
    if result.task is None:
        return result
    return result.model_copy(update={"task": masked_task(result.task)})


def customer_of(conn: Connection, customer_id: str) -> Customer | None:
    body = conn.scalar(sa.select(customers.c.body).where(customers.c.id == customer_id))
    return Customer.model_validate(body) if body is not None else None


def field_value(conn: Connection, customer: Customer, task: Any, field: MaskedField) -> str | None:
    """The full value of a masked field of the task's customer (the task's own account)."""
    if field is MaskedField.MOBILE:
        return customer.mobile
    if field is MaskedField.LANDLINE:
        return customer.landline
    if field is MaskedField.IDENTITY_NUMBER:
        return customer.identity.number if customer.identity else None
    if not task.account_number:
        return None
    found: str | None = conn.scalar(
        sa.select(accounts.c.number).where(
            accounts.c.number == task.account_number, accounts.c.customer_id == customer.id
        )
    )
    return found


def record(
    conn: Connection,
    *,
    agent_id: str,
    task_id: str,
    customer_id: str,
    field: MaskedField,
    kind: str,
    reason: str,
    at: datetime,
    now: datetime,
    row_id: str | None = None,
    outcome_id: str | None = None,
) -> None:
    """One audit row: who saw which field of which customer, for which task (and reviewed
    record), why and when."""
    conn.execute(
        sa.insert(reveals).values(
            id=row_id or str(uuid.uuid4()),
            agent_id=agent_id,
            task_id=task_id,
            customer_id=customer_id,
            field=field.value,
            kind=kind,
            reason=reason,
            outcome_id=outcome_id,
            at=at,
            received_at=now,
        )
    )


def identity_reasons(
    conn: Connection, task: Any, customer: Customer, policy: RevisitPolicy, now: datetime
) -> list[rules.IdentityReason]:
    """Why the task's call checks the customer's identity document (empty: it does not, and
    no identity check leaves the server for it)."""
    account = None
    flagged = False
    if task.account_number:
        body = conn.scalar(
            sa.select(accounts.c.body).where(accounts.c.number == task.account_number)
        )
        account = Account.model_validate(body) if body is not None else None
        flagged = (
            conn.scalar(
                sa.select(transactions.c.id)
                .where(transactions.c.account_number == task.account_number, transactions.c.flagged)
                .limit(1)
            )
            is not None
        )
    kind = TaskKind(task.kind)
    return rules.identity_check_reasons(kind, customer, account, flagged, now, policy)


def identity_check(
    conn: Connection, task_id: str, customer: Customer, cost: int, now: datetime
) -> IdentityCheck | None:
    """The task's identity check (None when the customer has no identity number on record)."""
    if customer.identity is None:
        return None
    key = identity_check_key(conn, now)
    number = identity.normalise(customer.identity.number)
    salt = hmac.new(key, f"{task_id}|{customer.id}|{number}".encode(), hashlib.sha256)
    return identity.make_check(task_id, number, salt.digest()[:SALT_BYTES], cost)
