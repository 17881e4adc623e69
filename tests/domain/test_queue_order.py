"""One queue order: the sort key the app uses names the columns the server sorts by."""

from revisit_tui.domain.queue import QUEUE_ORDER, queue_order
from tests.app.factory import make_item


def test_the_sort_key_is_the_named_fields_in_order() -> None:
    task = make_item(3).task
    assert queue_order(task) == tuple(getattr(task, name) for name in QUEUE_ORDER)
