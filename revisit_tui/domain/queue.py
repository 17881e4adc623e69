"""The order of an agent's queue: one for the server's snapshot and the agent's list."""

from __future__ import annotations

from datetime import date

from revisit_tui.domain.models import Task

QUEUE_ORDER = ("priority", "due", "id")
"""The task fields the queue is sorted by, most significant first: priority (0 first), the
earliest due day, then the id, so equal tasks keep one order everywhere. The server's SQL
sorts by these columns (and its index has them in this order)."""


def queue_order(task: Task) -> tuple[int, date, str]:
    """Sort key of a task in a queue (the fields of QUEUE_ORDER)."""
    return (task.priority, task.due, task.id)
