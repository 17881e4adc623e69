"""The central database: SQLAlchemy Core tables, one per resource of the API.

Master data (customers, accounts, transactions, events) is stored as the wire model's JSON with
the columns queries filter on; tasks are stored column by column because the queue, the lease
and the supervisors' filters all query them. Times are naive UTC in the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC (the same on SQLite and PostgreSQL)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


ID = sa.String(64)

principals = sa.Table(
    "principals",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("revoked", sa.Boolean, nullable=False, default=False),
    sa.Column("profile", sa.JSON, nullable=False),  # Agent fields other than id, name, role
    sa.Column("created_at", UtcDateTime, nullable=False),
)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("branch", ID, nullable=False, index=True),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("number", sa.String(34), primary_key=True),
    sa.Column("customer_id", ID, nullable=False, index=True),
    sa.Column("opened_on", sa.Date, nullable=False, index=True),
    sa.Column("body", sa.JSON, nullable=False),
)

transactions = sa.Table(
    "transactions",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("account_number", sa.String(34), nullable=False),
    sa.Column("flagged", sa.Boolean, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Index(None, "account_number", "flagged"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("account_number", sa.String(34), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Index(None, "at", "id"),
)

tasks = sa.Table(
    "tasks",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("event", sa.String(30)),  # a special-event task's AccountEvent
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("customer_id", ID, nullable=False, index=True),
    sa.Column("account_number", sa.String(34)),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("not_before", UtcDateTime),
    sa.Column("assigned_agent", ID),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("attempt_limit", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", UtcDateTime),
    sa.Column("callback_at", UtcDateTime),
    sa.Column("escalation_id", ID),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("assigned_version", sa.Integer, nullable=False),  # version of the last assignment
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("lease_agent", ID),
    sa.Column("lease_expires_at", UtcDateTime),
    sa.Index(None, "assigned_agent", "status", "priority", "due", "id"),  # the queue
    sa.Index(None, "assigned_agent", "status", "version", "updated_at"),  # its ETag, covered
    sa.Index(None, "status", "due"),
    sa.Index(None, "status", "id"),  # GET /v1/tasks?status=…, paged by id
    sa.Index(None, "assigned_agent", "status", "id"),  # …&agent=… or &unassigned=true, by id
    sa.Index(None, "status", "kind", "due"),  # the wallboard's counts per kind, index only
)

task_assignments = sa.Table(
    "task_assignments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("task_id", ID, nullable=False),
    sa.Column("agent_id", ID),
    sa.Column("from_version", sa.Integer, nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index(None, "task_id", "from_version"),
)

outcomes = sa.Table(
    "outcomes",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("task_id", ID, nullable=False, index=True),
    sa.Column("agent_id", ID, nullable=False),
    sa.Column("customer_id", ID, nullable=False),
    sa.Column("channel", sa.String(10), nullable=False),
    sa.Column("disposition", sa.String(30), nullable=False),
    sa.Column("satisfaction", sa.Integer),
    sa.Column("closure_reason", sa.String(30)),  # a closure revisit's ClosureReason (reports)
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.Column("body_hash", sa.String(64), nullable=False),
    sa.Column("escalation_ids", sa.JSON, nullable=False),
    sa.Column("flagged_reassigned", sa.Boolean, nullable=False),
    sa.Column("time_flag", sa.String(20)),  # CallTimeFlag: implausible call times, stored
    sa.Column("callback_flag", sa.String(40)),  # why the requested callback time was moved
    sa.Column("purged", sa.Boolean, nullable=False, default=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Index(None, "started_at", "id"),
    sa.Index(None, "agent_id", "started_at"),
    sa.Index(None, "customer_id", "started_at"),  # a customer's recent outcomes in the queue
    sa.Index(None, "received_at"),  # the wallboard catches up on outcomes stored since
)

pending_contact_changes = sa.Table(
    "pending_contact_changes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("outcome_id", sa.String(36), nullable=False, index=True),
    sa.Column("customer_id", ID, nullable=False, index=True),
    sa.Column("field", sa.String(30), nullable=False),
    sa.Column("new_value", sa.String(200)),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

escalations = sa.Table(
    "escalations",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("deadline", UtcDateTime, nullable=False),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    sa.Column("agent_id", ID, nullable=False, index=True),
    sa.Column("body", sa.JSON, nullable=False),  # the Escalation model
    sa.Index(None, "status", "deadline"),
)

reveals = sa.Table(
    "reveals",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("agent_id", ID, nullable=False),
    sa.Column("task_id", ID, nullable=False),
    sa.Column("customer_id", ID, nullable=False),
    sa.Column("field", sa.String(30), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    sa.Column("received_at", UtcDateTime, nullable=False),
    # reveal: the server answered the value; prefetch: it sent it for offline calls;
    # offline_reveal: the app showed a prefetched value while the server was unreachable
    sa.Column("kind", sa.String(20), nullable=False, server_default="reveal"),
    sa.Column("reason", sa.String(200), nullable=False, server_default="on_call"),
    sa.Column("outcome_id", sa.String(36)),  # the record a QA review disclosed it for
)

store_reports = sa.Table(
    "store_reports",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("agent_id", ID, nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False, index=True),
    sa.Column("body", sa.JSON, nullable=False),  # the StoreReport as the agent's app sent it
)

server_keys = sa.Table(
    "server_keys",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),  # hex
    sa.Column("created_at", UtcDateTime, nullable=False),
)

sms_messages = sa.Table(
    "sms_messages",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("task_id", ID, nullable=False),
    sa.Column("customer_id", ID, nullable=False, index=True),
    sa.Column("agent_id", ID, nullable=False),
    sa.Column("to", sa.String(32), nullable=False),
    sa.Column("text", sa.String(600), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("requested_at", UtcDateTime, nullable=False, index=True),
    sa.Column("not_before", UtcDateTime),  # held back (rest hours, caps) until then
    sa.Column("sent_at", UtcDateTime),
    sa.Index(None, "status", "requested_at"),
)

do_not_call = sa.Table(
    "do_not_call",  # customers who asked not to be called: a property of the customer
    metadata,
    sa.Column("customer_id", ID, primary_key=True),
    sa.Column("reason", sa.String(200), nullable=False),
    sa.Column("source", sa.String(20), nullable=False),  # call, online, sms, import, supervisor
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("by", ID, nullable=False),
    sa.Column("outcome_id", sa.String(36)),  # the call that recorded it, if one did
)

agent_presence = sa.Table(
    "agent_presence",  # each agent app's latest queue poll: the wallboard's "signed in"
    metadata,
    sa.Column("agent_id", ID, primary_key=True),
    sa.Column("seen_at", UtcDateTime, nullable=False),
    sa.Column("outbox_pending", sa.Integer),  # as the app reported it (None: not reported)
)

account_id_lookups = sa.Table(
    "account_id_lookups",  # numbers each caller had POST /v1/accounts/ids answer, per day
    metadata,
    sa.Column("actor", ID, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("numbers", sa.Integer, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", ID, nullable=False),
    sa.Column("action", sa.String(50), nullable=False),
    sa.Column("detail", sa.JSON, nullable=False),
)

master_stamp = sa.Table(
    "master_stamp",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("stamp", sa.Integer, nullable=False),  # bumped by every import or transfer
)
