"""Master data from the core banking system: import (upsert) and the supervisors' listings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field, TypeAdapter
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from revisit_tui.domain.masking import masked_customer
from revisit_tui.domain.models import (
    AccountRecord,
    Customer,
    CustomerBrief,
    CustomerBriefPage,
    Day,
    EventRecord,
    ImportBatch,
    ImportResult,
    Language,
    Problem,
    UtcTime,
)
from revisit_tui.domain.validation import validate_customer
from revisit_tui.server import donotcall, lookupquota
from revisit_tui.server.accountids import masked_number
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.donotcall import DoNotCallSource
from revisit_tui.server.paging import (
    BriefLimit,
    Cursor,
    Limit,
    cursor_time,
    decode_cursor,
    items_response,
    next_cursor,
    page_response,
)
from revisit_tui.server.problems import ProblemError, errors
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import accounts, audit_log, customers, events, transactions
from revisit_tui.server.taskstore import bump_master_stamp, chunks

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)

# a JSON body may hold anything (only import checks it): a page is validated, in one pass
_ACCOUNTS: TypeAdapter[list[AccountRecord]] = TypeAdapter(list[AccountRecord])
_CUSTOMERS: TypeAdapter[list[Customer]] = TypeAdapter(list[Customer])
_CUSTOMER_BRIEF: TypeAdapter[CustomerBrief] = TypeAdapter(CustomerBrief)  # from a stored body
_BODY: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])  # a stored body's JSON text


class AccountPage(BaseModel):
    items: list[AccountRecord]
    next_cursor: str | None = None


class CustomerPage(BaseModel):
    items: list[Customer]
    next_cursor: str | None = None


class AccountNumbers(BaseModel):
    # full numbers only: a masked one ("****5678") names no account
    numbers: Annotated[
        list[Annotated[str, Field(min_length=4, max_length=34, pattern=r"^[0-9A-Z]+$")]],
        Field(min_length=1, max_length=5000),
    ]


class AccountIdList(BaseModel):
    ids: list[str]  # in the order asked


QUOTA_REFUSAL: dict[str, Any] = {
    "model": Problem,
    "description": "`code=lookup_quota`: the caller's daily quota of looked-up numbers is "
    "reached (`fields.numbers`, `limit`, `remaining`); nothing is answered",
    "headers": {
        "Retry-After": {
            "description": "seconds until the quota renews (the centre's next midnight)",
            "schema": {"type": "integer"},
        }
    },
}


class EventPage(BaseModel):
    items: list[EventRecord]
    next_cursor: str | None = None


@router.post("/import", response_model=ImportResult, responses=errors())
def import_master_data(batch: ImportBatch, context: Context, caller: Supervisor) -> ImportResult:
    """Upsert customers by id, accounts by number, transactions and events by id. An import
    never clears a customer's do-not-call (only a supervisor's lift does)."""
    now = datetime.now(UTC)
    _validate(batch, context.policy.bank.default_region, now.date())
    # rows are built before the transaction: the write lock is held for the writes only
    customer_bodies = {c.id: c.model_dump(mode="json") for c in batch.customers}
    account_rows = [
        {
            "number": a.number,
            "customer_id": a.customer_id,
            "opened_on": a.opened_on,
            "body": a.model_dump(mode="json"),
        }
        for a in batch.accounts
    ]
    transaction_rows = [
        {
            "id": t.id,
            "account_number": t.account_number,
            "flagged": t.flag is not None,
            "at": t.at,
            "body": t.model_dump(mode="json"),
        }
        for t in batch.transactions
    ]
    event_rows = [
        {
            "id": e.id,
            "account_number": e.account_number,
            "at": e.at,
            "body": e.model_dump(mode="json"),
        }
        for e in batch.events
    ]
    with context.engine.begin() as conn:
        bad = _unknown_accounts(conn, batch)
        if bad:
            raise ProblemError(422, "invalid", f"invalid fields: {', '.join(bad)}", bad)
        already = donotcall.marked(conn, list(customer_bodies))
        _upsert(
            conn,
            customers,
            "id",
            [
                {
                    "id": c.id,
                    "branch": c.branch,
                    "body": {
                        **customer_bodies[c.id],
                        "do_not_call": c.do_not_call or c.id in already,
                    },
                    "updated_at": now,
                }
                for c in batch.customers
            ],
        )
        for customer in batch.customers:  # the bank's own do-not-call list marks them too
            if customer.do_not_call and customer.id not in already:
                donotcall.mark(
                    conn,
                    customer.id,
                    reason="marked do-not-call in the imported data",
                    source=DoNotCallSource.IMPORT,
                    actor=caller.id,
                    now=now,
                )
        _upsert(conn, accounts, "number", account_rows)
        _upsert(conn, transactions, "id", transaction_rows)
        _upsert(conn, events, "id", event_rows)
        bump_master_stamp(conn)
    return ImportResult(
        customers=len(batch.customers),
        accounts=len(batch.accounts),
        transactions=len(batch.transactions),
        events=len(batch.events),
    )


def _unknown_accounts(conn: Connection, batch: ImportBatch) -> dict[str, str]:
    """Transactions and events must name an account of this batch or one imported before,
    and an account a customer of this batch or one imported before."""
    numbers = {a.number for a in batch.accounts}
    named = sorted(
        {t.account_number for t in batch.transactions} | {e.account_number for e in batch.events}
    )
    known = numbers | _existing(conn, accounts.c.number, [n for n in named if n not in numbers])
    people = {c.id for c in batch.customers}
    owners = sorted({a.customer_id for a in batch.accounts} - people)
    people |= _existing(conn, customers.c.id, owners)
    bad = {
        f"accounts.{i}.customer_id": f"no customer {a.customer_id!r}"
        for i, a in enumerate(batch.accounts)
        if a.customer_id not in people
    }
    for label, named_numbers in (
        ("transactions", [t.account_number for t in batch.transactions]),
        ("events", [e.account_number for e in batch.events]),
    ):
        bad |= {
            f"{label}.{i}.account_number": "no such account"
            for i, number in enumerate(named_numbers)
            if number not in known
        }
    return bad


def _existing(conn: Connection, column: sa.Column[str], values: list[str]) -> set[str]:
    found: set[str] = set()
    for part in chunks(values):
        found.update(conn.scalars(sa.select(column).where(column.in_(part))))
    return found


def _validate(batch: ImportBatch, region: str, today: date) -> None:
    """422 naming every bad field (`customers.N.timezone`, …) before anything is written:
    a bad time zone or phone number would otherwise break agents' queues and SMS later."""
    fields: dict[str, str] = {}
    for index, customer in enumerate(batch.customers):
        for problem in validate_customer(customer, region, today):
            fields[f"customers.{index}.{problem.field}"] = problem.message(Language.EN)
    if fields:
        raise ProblemError(
            422, "invalid", f"invalid fields: {', '.join(fields)}; nothing was imported", fields
        )


def _upsert(conn: Connection, table: sa.Table, key: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert, or update the row with the same key (last one wins within a batch): one
    statement compiled once and run for every row (executemany)."""
    if not rows:
        return
    unique = list({row[key]: row for row in rows}.values())
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[key],
        set_={name: statement.excluded[name] for name in unique[0] if name != key},
    )
    conn.execute(statement, unique)


@router.get("/accounts", response_model=AccountPage, responses=errors())
def list_accounts(
    context: Context,
    _caller: Supervisor,
    opened_since: Annotated[Day | None, Query()] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Response:
    """Accounts by number, each masked with its account id (queue building keys on the id);
    opened_since picks new accounts for new-account revisits."""
    query = sa.select(accounts.c.number.label("key"), _text(accounts.c.body))
    if opened_since:
        query = query.where(accounts.c.opened_on >= opened_since)
    items, after = _page_by_key(context, query, accounts.c.number, cursor, limit)
    ids = context.account_ids
    return items_response(
        _ACCOUNTS.validate_python(
            [
                {**body, "number": masked_number(body["number"]), "id": ids.of(body["number"])}
                for body in items
            ]
        ),
        after,
    )


@router.post(
    "/accounts/ids",
    response_model=AccountIdList,
    responses={**errors(), 429: QUOTA_REFUSAL},
)
def account_ids_of(request: AccountNumbers, context: Context, caller: Supervisor) -> AccountIdList:
    """The account ids of numbers the caller holds already (a bank's export file, imported or
    not yet), in order; the answer names no number. A caller looks up at most
    `privacy.account_id_lookups_per_day` numbers a day (429 past it): an id answered for any
    number would otherwise confirm guessed ones. Each request is audited, refused ones too."""
    now = datetime.now(UTC)
    per_day = context.settings.privacy.account_id_lookups_per_day
    day, day_ends = lookupquota.quota_day(now, context.settings.supervisor.timezone)
    asked = len(request.numbers)
    with context.engine.begin() as conn:
        taken = lookupquota.take(conn, caller.id, day, asked, per_day)
        conn.execute(
            sa.insert(audit_log).values(
                at=now,
                actor=caller.id,
                action="account_ids_looked_up" if taken.granted else "account_ids_refused",
                detail={"numbers": asked, "day": day.isoformat(), "used": taken.used},
            )
        )
    if not taken.granted:
        left = max(0, per_day - taken.used)
        why = f"{asked} numbers asked; {left} of {per_day} left today"
        raise ProblemError(
            429,
            "lookup_quota",
            "the caller's daily quota of account id lookups is reached",
            {"numbers": why},
            day_ends,
            limit=per_day,
            remaining=left,
            headers={"Retry-After": str(max(1, math.ceil((day_ends - now).total_seconds())))},
        )
    ids = context.account_ids
    return AccountIdList(ids=[ids.of(number) for number in request.numbers])


@router.get("/customers", response_model=CustomerPage, responses=errors())
def list_customers(
    context: Context,
    _caller: Supervisor,
    branch: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Response:
    """Customers by id, their numbers and e-mail masked (queue building needs none of them)."""
    query = sa.select(customers.c.id.label("key"), _text(customers.c.body))
    if branch:
        query = query.where(customers.c.branch == branch)
    items, after = _page_by_key(context, query, customers.c.id, cursor, limit)
    return items_response(
        _CUSTOMERS.validate_python([masked_customer(body) for body in items]), after
    )


@router.get("/customers/briefs", response_model=CustomerBriefPage, responses=errors())
def list_customer_briefs(
    context: Context,
    _caller: Supervisor,
    branch: Annotated[str | None, Query(max_length=64)] = None,
    cursor: Cursor = None,
    limit: BriefLimit = 100,
) -> Response:
    """GET /v1/customers with what an assignment plan reads of each customer (CustomerBrief:
    type, language, branch), parsed from the stored body: no personal data to mask."""
    query = sa.select(customers.c.id.label("key"), _text(customers.c.body))
    if branch:
        query = query.where(customers.c.branch == branch)
    after = decode_cursor(cursor, 1)
    if after:
        query = query.where(customers.c.id > str(after[0]))
    with context.read.connect() as conn:
        rows = conn.execute(query.order_by(customers.c.id).limit(limit)).all()
    return items_response(
        [_CUSTOMER_BRIEF.validate_json(row.body, extra="ignore") for row in rows],
        next_cursor(rows, limit, lambda r: [r.key]),
    )


@router.get("/events", response_model=EventPage, responses=errors())
def list_events(
    context: Context,
    _caller: Supervisor,
    since: Annotated[UtcTime | None, Query(description="events at or after this time")] = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Response:
    """Events by time, each account masked beside its account id."""
    query = sa.select(events.c.id, events.c.at, events.c.body)
    if since:
        query = query.where(events.c.at >= since)
    after = decode_cursor(cursor, 2)
    if after:
        at = cursor_time(after[0])
        query = query.where(
            sa.or_(events.c.at > at, sa.and_(events.c.at == at, events.c.id > str(after[1])))
        )
    with context.read.connect() as conn:
        rows = conn.execute(query.order_by(events.c.at, events.c.id).limit(limit)).all()
    ids = context.account_ids
    return page_response(
        EventPage(
            items=[
                EventRecord.model_validate(
                    {
                        **row.body,
                        "account_number": masked_number(row.body["account_number"]),
                        "account_id": ids.of(row.body["account_number"]),
                    }
                )
                for row in rows
            ],
            next_cursor=next_cursor(rows, limit, lambda r: [r.at.isoformat(), r.id]),
        )
    )


def _page_by_key(
    context: Context,
    query: sa.Select[Any],
    key: sa.ColumnElement[Any],
    cursor: str | None,
    limit: int,
) -> tuple[list[Any], str | None]:
    """One page of `query` (selecting `key` and `body` as text, `_text`) in key order after
    the cursor: the bodies and the next cursor."""
    after = decode_cursor(cursor, 1)
    if after:
        query = query.where(key > str(after[0]))
    with context.read.connect() as conn:
        rows = conn.execute(query.order_by(key).limit(limit)).all()
    return [_BODY.validate_json(row.body) for row in rows], next_cursor(
        rows, limit, lambda r: [r.key]
    )


def _text(body: sa.Column[Any]) -> sa.Label[str]:
    """A JSON body selected as its text: pydantic's parser reads it in half the time of the
    JSON type's json.loads (listings send up to 1000 a page)."""
    return sa.cast(body, sa.Text).label("body")
