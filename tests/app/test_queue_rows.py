"""The queue's order holds for every mix of tasks, do-not-call customers included."""

from __future__ import annotations

from datetime import time

from revisit_tui.app.queue_rows import build_rows
from revisit_tui.domain.policy import CallPolicy, RevisitPolicy
from revisit_tui.domain.queue import queue_order
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


def test_within_each_reach_the_rows_keep_the_servers_queue_order() -> None:
    # Nobody is callable at NOW; customers in different zones become callable at different
    # times, so a sort by "soonest callable" would disagree with the server's order.
    closed = RevisitPolicy(calls=CallPolicy(callable_start=time(3, 0), callable_end=time(3, 1)))
    items = [make_item(i) for i in range(40)]
    for at, item in enumerate(items):
        task = item.task.model_copy(update={"priority": 1, "due": items[0].task.due})
        items[at] = item.model_copy(update={"task": task})
    rows = build_rows(items, NOW, closed)
    assert len({row.callable_at for row in rows}) > 1
    later = [row.item.task for row in rows if row.callable_at is not None]
    assert later == sorted(later, key=queue_order)
