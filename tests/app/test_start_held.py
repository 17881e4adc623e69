"""Before a call opens, the app says why a task cannot start now and from when (the customer's
time): outside the callable window, before the next attempt after an unanswered one, before
the callback the customer asked for, before the task opens — by the shared rule offline, and
by the server's refusal when it holds a start back that the app let through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.app.screens.queue import QueueScreen
from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import QueueItem, QueueSnapshot, Role
from tests.app.call_helpers import open_call, settle
from tests.app.factory import AGENT_ID, NOW, make_item

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]
SHANGHAI_ITEM = 0  # make_item(0): a new-account task of a customer in Shanghai, 10:30 at NOW


def held(item: QueueItem, **task: Any) -> QueueItem:
    return item.model_copy(update={"task": item.task.model_copy(update=task)})


def queue_with(store: AgentStore, *items: QueueItem) -> None:
    store.save_queue(QueueSnapshot(agent_id=AGENT_ID, generated_at=NOW, items=list(items)), "e")


async def enter_on(app: RevisitApp, pilot: Any, task_id: str) -> str:
    """Enter on the task's row; the notice it gave (the call must not open)."""
    queue = app.screen
    assert isinstance(queue, QueueScreen)
    queue.table.cursor_row = [row.task_id for row in queue.shown].index(task_id)
    app.clear_notifications()
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, QueueScreen), "the call did not open"
    [notice] = [str(n.message) for n in app._notifications]
    return notice


CASES = {
    "en": {
        "retry": "Cannot start this call now: the next attempt is not due yet. It can start at "
        "12:30 (the customer's time).",
        "callback": "Cannot start this call now: the customer asked to be called back later. It "
        "can start at 11-26 15:00 (the customer's time).",
        "not_before": "Cannot start this call now: the task is not open for calls yet. It can "
        "start at 11-27 09:00 (the customer's time).",
    },
    "zh-CN": {"retry": "12:30", "callback": "11-26 15:00", "not_before": "11-27 09:00"},
}


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
async def test_enter_on_a_held_task_says_why_and_when_and_opens_nothing(
    app_factory: AppFactory, store: AgentStore, locale: str
) -> None:
    base = make_item(SHANGHAI_ITEM)
    callback = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai
    items = {
        "retry": held(base, id="R", attempts=1, next_attempt_at=NOW + timedelta(hours=2)),
        "callback": held(base, id="C", callback_at=callback, next_attempt_at=callback),
        "not_before": held(base, id="N", not_before=datetime(2026, 11, 27, 1, 0, tzinfo=UTC)),
        "now": held(base, id="OK"),
    }
    queue_with(store, *items.values())
    app = app_factory(locale=locale)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for case, expected in CASES[locale].items():
            notice = await enter_on(app, pilot, items[case].task.id)
            assert expected in notice, (case, notice)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        queue.table.cursor_row = [row.task_id for row in queue.shown].index("OK")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CallScreen), "a task callable now opens"


def zone_at(hour: int) -> str:
    """A fixed-offset zone where it is about `hour` o'clock now (real time: the server's)."""
    offset = (hour - datetime.now(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}" if offset else "UTC"


async def test_a_start_the_server_holds_back_is_said_and_the_call_left(
    app_factory: AppFactory, store: AgentStore, live_server: Any
) -> None:
    boss = {"Authorization": f"Bearer {live_server.add_agent('boss', role=Role.SUPERVISOR)}"}
    token = live_server.add_agent(AGENT_ID)
    customer = {
        "id": "C-night",
        "type": "personal",
        "name": "夜间客户",
        "mobile": "+8613800001111",
        "branch": "B001",
        "timezone": zone_at(3),  # 03:00 for the server: outside the 09:00-20:00 window
    }
    task = {
        "key": "periodic:C-night:1",
        "kind": "periodic",
        "priority": 5,
        "customer_id": "C-night",
        "due": NOW.date().isoformat(),
        "assigned_agent": AGENT_ID,
    }
    with httpx.Client(base_url=live_server.url, headers=boss) as http:
        http.post("/v1/import", json={"customers": [customer]}).raise_for_status()
        http.post("/v1/tasks/bulk", json={"tasks": [task]}).raise_for_status()
    api = ApiClient(live_server.url, token, timeout=5.0, retries=0)
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        snapshot = store.queue()
        assert snapshot is not None
        [item] = snapshot.items
        app.clear_notifications()
        call = await open_call(app, pilot, item)  # as if the app's own check had let it through
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert app.screen is not call, "the call is left before it is made"
        notices = [str(n.message) for n in app._notifications]
        expected = "Cannot start this call now: outside the customer's callable hours. It can "
        assert any(n.startswith(expected) and "09:00 (the customer's time)" in n for n in notices)
        assert store.draft(item.task.id) is not None, "what was typed stays"
    api.close()
