"""Creating and assigning tasks: shared by the bulk endpoint, escalations and transfers.

Every assignment change bumps the task's version, sets `assigned_version` (an outcome begun
at an older version was begun before the reassignment) and is kept in `task_assignments`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from revisit_tui.domain.models import TaskCreate, TaskStatus
from revisit_tui.server.tables import UtcDateTime, master_stamp, task_assignments, tasks

CHUNK = 500  # ids per IN (...) query


def task_id_for(key: str) -> str:
    """Tasks get their id from their key, so re-running a queue builder names them the same."""
    return "t-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def create_tasks(
    conn: Connection,
    creates: Sequence[TaskCreate],
    now: datetime,
    numbers: Sequence[str | None] | None = None,
) -> tuple[list[str], int]:
    """Insert the tasks whose key is new; returns the ids in order and how many were created.
    `numbers` is each task's account number where the caller resolved it from the task's
    account id (default: the task's own account_number). A key is looked up as a key: a
    task whose key was rewritten (migration 0012: account number → account id) keeps the id
    its first key gave it."""
    found: dict[str, str] = {}  # key → the id of the task that has it
    for part in chunks(sorted({create.key for create in creates})):
        known = conn.execute(sa.select(tasks.c.key, tasks.c.id).where(tasks.c.key.in_(part)))
        found.update((row.key, row.id) for row in known)
    ids: list[str] = []
    rows: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    for index, create in enumerate(creates):
        task_id = found.get(create.key)
        if task_id is not None:
            ids.append(task_id)
            continue
        task_id = found[create.key] = task_id_for(create.key)  # one task for a key twice
        ids.append(task_id)
        row = create.__dict__.copy()  # the fields, as model_dump gives them (a flat model)
        del row["account_id"]  # stored as the number it names
        if numbers is not None and numbers[index] is not None:
            row["account_number"] = numbers[index]
        rows.append(
            {
                **row,
                "id": task_id,
                "status": TaskStatus.OPEN.value,
                "attempts": 0,
                "next_attempt_at": None,
                "callback_at": None,
                "version": 1,
                "assigned_version": 1 if create.assigned_agent else 0,
                "created_at": now,
                "updated_at": now,
                "lease_agent": None,
                "lease_expires_at": None,
            }
        )
        if create.assigned_agent:
            history.append(
                {
                    "task_id": task_id,
                    "agent_id": create.assigned_agent,
                    "from_version": 1,
                    "at": now,
                }
            )
    if rows:
        # in id order: the primary key's index is written page after page, not at random
        conn.execute(sa.insert(tasks), sorted(rows, key=itemgetter("id")))
    if history:
        conn.execute(sa.insert(task_assignments), history)
    return ids, len(rows)


class Changed(Exception):
    """Tasks changed since the version the caller planned from; nothing was written."""

    def __init__(self, task_ids: list[str]) -> None:
        super().__init__(", ".join(task_ids))
        self.task_ids = task_ids


def holders(conn: Connection, task_ids: Iterable[str]) -> dict[str, tuple[str | None, int]]:
    """Task id → (its agent, its version) for the ids that are tasks, their rows locked for
    the rest of the transaction (PostgreSQL: no version bump in between; SQLite: one writer)."""
    current: dict[str, tuple[str | None, int]] = {}
    for part in chunks(sorted(set(task_ids))):
        rows = conn.execute(
            sa.select(tasks.c.id, tasks.c.assigned_agent, tasks.c.version)
            .where(tasks.c.id.in_(part))
            .with_for_update()
        )
        current.update((row.id, (row.assigned_agent, row.version)) for row in rows)
    return current


def assign(
    conn: Connection,
    changes: Sequence[tuple[str, str | None]],
    now: datetime,
    expected: Mapping[str, int] | None = None,
    current: dict[str, tuple[str | None, int]] | None = None,
) -> int:
    """Give each task to its agent (None: unassign), in order; how many changes were made.
    `expected` maps task ids to the version the caller read: Changed if any differs now.
    `current` is what `holders` answered for these ids, if the caller read it already.

    Set-based: one SELECT (locking the rows) per chunk of ids, one executemany UPDATE, the
    history copied from the updated rows per chunk of ids. A task given twice in one call
    gets a version (and a history row) per change.
    """
    current = dict(current) if current is not None else holders(conn, (t for t, _ in changes))
    stale = sorted(
        task_id
        for task_id, version in (expected or {}).items()
        if task_id in current and current[task_id][1] != version
    )
    if stale:
        raise Changed(stale)
    history: list[dict[str, Any]] = []
    for task_id, agent_id in changes:
        if task_id not in current or current[task_id][0] == agent_id:
            continue
        version = current[task_id][1] + 1
        current[task_id] = (agent_id, version)
        history.append(
            {"task_id": task_id, "agent_id": agent_id, "from_version": version, "at": now}
        )
    if not history:
        return 0
    times_changed = Counter(change["task_id"] for change in history)
    changed = sorted(times_changed)
    conn.execute(
        sa.update(tasks)
        .where(tasks.c.id == sa.bindparam("b_id"))
        .values(
            assigned_agent=sa.bindparam("b_agent"),
            version=sa.bindparam("b_version"),
            assigned_version=sa.bindparam("b_version"),
            updated_at=now,
            lease_agent=None,
            lease_expires_at=None,
        ),
        [
            {"b_id": task_id, "b_agent": current[task_id][0], "b_version": current[task_id][1]}
            for task_id in changed
        ],
    )
    # a task changed once has its history row in its new row: copied by one statement per
    # chunk of ids rather than sent as parameters per task (100,000 tasks: 0.6 s, not 0.9 s)
    once = [task_id for task_id in changed if times_changed[task_id] == 1]
    for part in chunks(once):
        conn.execute(
            sa.insert(task_assignments).from_select(
                ["task_id", "agent_id", "from_version", "at"],
                sa.select(
                    tasks.c.id,
                    tasks.c.assigned_agent,
                    tasks.c.version,
                    sa.literal(now, UtcDateTime()),
                ).where(tasks.c.id.in_(part)),
            )
        )
    more = [change for change in history if times_changed[change["task_id"]] > 1]
    if more:
        conn.execute(sa.insert(task_assignments), more)
    return len(history)


def agent_when(conn: Connection, task_id: str, version: int) -> str | None:
    """The agent the task was assigned to at `version` (None if unassigned then)."""
    return conn.scalar(
        sa.select(task_assignments.c.agent_id)
        .where(task_assignments.c.task_id == task_id, task_assignments.c.from_version <= version)
        .order_by(task_assignments.c.from_version.desc(), task_assignments.c.id.desc())
        .limit(1)
    )


def bump_master_stamp(conn: Connection) -> None:
    """Master data changed: every agent's queue ETag changes with it."""
    conn.execute(sa.update(master_stamp).values(stamp=master_stamp.c.stamp + 1))
