"""The queue's order holds for every mix of tasks, do-not-call customers included."""

from __future__ import annotations

from datetime import time

from revisit_tui.app.queue_rows import build_rows
from revisit_tui.domain.policy import CallPolicy, RevisitPolicy
from tests.app.factory import NOW, make_item


def test_a_do_not_call_customer_sorts_last_among_equals_instead_of_crashing_the_queue() -> None:
    # A closed window: nobody is callable now, so do-not-call ("never") ties with "later".
    closed = RevisitPolicy(calls=CallPolicy(callable_start=time(3, 0), callable_end=time(3, 1)))
    later = make_item(0)
    never = later.model_copy(
        update={
            "customer": later.customer.model_copy(update={"do_not_call": True}),
            "task": later.task.model_copy(update={"id": "A-first-by-id"}),
        }
    )
    rows = build_rows([never, later], NOW, closed)
    assert [row.item.task.id for row in rows] == [later.task.id, "A-first-by-id"]
    assert rows[0].callable_at is not None and rows[1].callable_at is None
