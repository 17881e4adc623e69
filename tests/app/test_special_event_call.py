"""A complaint revisit, from the real server to the call screen: the agent sees what the event
is and the bank's reason for it, and the script walks the complaint's own step, not the large
transaction's (seed 002 §六.3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import (
    Account,
    AccountEvent,
    AccountType,
    Customer,
    CustomerType,
    ImportBatch,
    TaskBatch,
    TaskCreate,
    TaskKind,
)
from tests.app.call_helpers import go_to, load_as_supervisor, open_call, screen_text, settle
from tests.app.factory import AGENT_ID, NOW
from tests.conftest import callable_zone

pytestmark = pytest.mark.anyio


def seed(server: Any) -> None:
    """One customer whose complaint about fees is to be revisited by AGENT_ID."""
    batch = ImportBatch(
        customers=[
            Customer(
                id="C1",
                type=CustomerType.PERSONAL,
                name="王芳",
                mobile="+8613800001111",
                branch="B001",
                timezone=callable_zone(),
            )
        ],
        accounts=[
            Account(
                number="6222000011112222",
                customer_id="C1",
                type=AccountType.PERSONAL_SAVINGS,
                opened_on=date(2026, 1, 5),
                branch="B001",
            )
        ],
    )
    task = TaskCreate(
        key="special_event:6222000011112222:E1",
        kind=TaskKind.SPECIAL_EVENT,
        event=AccountEvent.COMPLAINT,
        reason="客户投诉手续费",
        priority=0,
        customer_id="C1",
        account_number="6222000011112222",
        due=NOW.date(),
        assigned_agent=AGENT_ID,
    )
    load_as_supervisor(server, batch, TaskBatch(tasks=[task]))


async def test_a_complaint_call_says_what_the_complaint_was_and_is_not_read_a_transaction(
    app_factory: Callable[..., RevisitApp], store: AgentStore, live_server: Any
) -> None:
    api = ApiClient(live_server.url, live_server.add_agent(AGENT_ID), timeout=5.0, retries=0)
    seed(live_server)
    app = app_factory(locale="zh-CN", api=api)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        snapshot = store.queue()
        assert snapshot is not None
        [item] = snapshot.items
        assert item.task.event is AccountEvent.COMPLAINT
        screen = await open_call(app, pilot, item)
        await settle(app, pilot)
        kinds = [step.kind for step in screen.steps]
        assert "transaction_check" not in kinds
        assert kinds.count("event") == 1
        header = screen_text(app)
        assert "投诉" in header and "客户投诉手续费" in header
        await go_to(pilot, screen, "event")
        shown = screen_text(app)
        assert "投诉处理回访" in shown
        assert "您之前向我行反映的问题（客户投诉手续费）" in shown
        assert "大额" not in shown
    api.close()
