"""Who may touch which task: agents their own, supervisors any (403 / 404 otherwise)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from revisit_tui.domain.models import Agent, Role
from revisit_tui.server.problems import forbidden, not_found
from revisit_tui.server.tables import tasks


def task_row_for(conn: Connection, caller: Agent, task_id: str) -> Any:
    """The task row if the caller may act on it: 404 unknown, 403 another agent's."""
    row = conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).first()
    if row is None:
        raise not_found("task", task_id)
    if caller.role is not Role.SUPERVISOR and caller.id not in (
        row.assigned_agent,
        row.lease_agent,
    ):
        raise forbidden("the task is not assigned to you")
    return row
