"""Programmatic administration: schema, agents, supervisors and service tokens.

Used by `revisit admin` / `revisit db` and by tests and the demo to prepare a database.
"""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from revisit_tui.domain.models import Agent, Role, TaskStatus
from revisit_tui.server import migrate
from revisit_tui.server.db import make_engine
from revisit_tui.server.tables import audit_log, principals, tasks
from revisit_tui.server.taskstore import assign
from revisit_tui.server.tokens import hash_token, new_token

SERVICE_ROLES = (Role.ONLINE_SERVICE, Role.SMS_GATEWAY)
PERSON_ROLES = (Role.AGENT, Role.SUPERVISOR)


class AdminError(Exception):
    """An administrative request that cannot be done (the message says why)."""


def create_schema(db_url: str) -> None:
    """Create or upgrade the schema to the newest migration."""
    migrate.upgrade(db_url)


def add_agent(
    db_url: str, agent_id: str, name: str, role: Role = Role.AGENT, **profile: Any
) -> str:
    """Add an agent or supervisor; returns the plain token (only its hash is stored).

    `profile` takes the other Agent fields (languages, skills, capacity, branch, on_shift).
    """
    if Role(role) not in PERSON_ROLES:
        raise AdminError(f"role must be agent or supervisor, not {role}")
    agent = Agent(id=agent_id, name=name, role=Role(role), **profile)
    return _insert(db_url, agent)


def add_service(db_url: str, name: str, role: Role) -> str:
    """Add a service principal (online banking back end, SMS gateway); returns its token."""
    if Role(role) not in SERVICE_ROLES:
        raise AdminError(f"role must be online_service or sms_gateway, not {role}")
    return _insert(db_url, Agent(id=name, name=name, role=Role(role)))


def list_principals(db_url: str) -> list[tuple[Agent, bool]]:
    """Every principal with whether its token is revoked, ordered by id."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(principals).order_by(principals.c.id)).all()
    finally:
        engine.dispose()
    return [(agent_from_row(row), bool(row.revoked)) for row in rows]


def revoke(db_url: str, principal_id: str) -> None:
    """Revoke a principal's token; AdminError if there is no such principal. The agent's open
    tasks go back to the pool (unassigned) in the same transaction: nobody would call them."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(
                sa.update(principals).where(principals.c.id == principal_id).values(revoked=True)
            )
            if result.rowcount:
                _audit(conn, "token_revoked", {"principal_id": principal_id})
            held = conn.scalars(
                sa.select(tasks.c.id).where(
                    tasks.c.assigned_agent == principal_id,
                    tasks.c.status == TaskStatus.OPEN.value,
                )
            ).all()
            assign(conn, [(task_id, None) for task_id in held], datetime.now(UTC))
    finally:
        engine.dispose()
    if result.rowcount == 0:
        raise AdminError(f"no agent or service with id {principal_id!r}")


def rotate_token(db_url: str, principal_id: str) -> str:
    """Give a principal a new token (revoked or lost: the old one stops working at once);
    its id, profile and history stay, so work waiting in its outbox can still be delivered.
    Returns the new plain token; AdminError if there is no such principal."""
    token = new_token()
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            result = conn.execute(
                sa.update(principals)
                .where(principals.c.id == principal_id)
                .values(token_hash=hash_token(token), revoked=False)
            )
            if result.rowcount:
                _audit(conn, "token_rotated", {"principal_id": principal_id})
    finally:
        engine.dispose()
    if result.rowcount == 0:
        raise AdminError(f"no agent or service with id {principal_id!r}")
    return token


def agent_from_row(row: Any) -> Agent:
    """The Agent model of a principals row."""
    return Agent(id=row.id, name=row.name, role=Role(row.role), **row.profile)


def _insert(db_url: str, agent: Agent) -> str:
    token = new_token()
    profile = agent.model_dump(mode="json", exclude={"id", "name", "role"})
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            exists = conn.execute(
                sa.select(principals.c.id).where(principals.c.id == agent.id)
            ).first()
            if exists:
                raise AdminError(f"id {agent.id!r} is taken")
            conn.execute(
                sa.insert(principals).values(
                    id=agent.id,
                    name=agent.name,
                    role=agent.role.value,
                    token_hash=hash_token(token),
                    revoked=False,
                    profile=profile,
                    created_at=datetime.now(UTC),
                )
            )
            _audit(conn, "principal_added", {"principal_id": agent.id, "role": agent.role.value})
    finally:
        engine.dispose()
    return token


def cli_actor() -> str:
    """Who made a change from the command line, for the audit (the operating-system user)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _audit(conn: sa.Connection, action: str, detail: dict[str, Any]) -> None:
    """A privilege change, audited in the transaction that makes it."""
    conn.execute(
        sa.insert(audit_log).values(
            at=datetime.now(UTC), actor=cli_actor(), action=action, detail=detail
        )
    )
