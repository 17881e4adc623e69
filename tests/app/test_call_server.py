"""A call made in the app reaches the real server: the queue comes from it, the outcome the
call screens build is accepted by its validators and rules (the changed phone stored, the
"not me" escalation opened once, urgent), and the outbox (outcome and reveal) is drained."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.widgets.choice_row import ContactChoice
from revisit_tui.app.widgets.script_stepper import ScriptStepper
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
    Transaction,
    TransactionChannel,
    TransactionFlag,
)
from revisit_tui.server.tables import pending_contact_changes, reveals
from tests.app.call_helpers import go_to, load_as_supervisor, open_call, settle, wrap_up
from tests.app.factory import AGENT_ID, NOW
from tests.conftest import callable_zone

pytestmark = pytest.mark.anyio


def seed(server: Any) -> dict[str, str]:
    """One customer with a flagged transaction and a special-event task for AGENT_ID; returns
    a supervisor's headers."""
    batch = ImportBatch(
        customers=[
            Customer(
                id="C1",
                type=CustomerType.PERSONAL,
                name="王芳",
                mobile="+8613800001111",
                branch="B001",
                timezone=callable_zone(),  # the server holds calls outside the window back
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
        transactions=[
            Transaction(
                id="TX1",
                account_number="6222000011112222",
                at=NOW - timedelta(days=1),
                amount=50000,
                channel=TransactionChannel.ONLINE_BANKING,
                flag=TransactionFlag.LARGE_ABNORMAL,
            )
        ],
    )
    tasks = TaskBatch(
        tasks=[
            TaskCreate(
                key="special_event:C1:1",
                kind=TaskKind.SPECIAL_EVENT,
                event=AccountEvent.LARGE_ABNORMAL_TRANSACTION,
                priority=0,
                customer_id="C1",
                account_number="6222000011112222",
                due=NOW.date(),
                assigned_agent=AGENT_ID,
            )
        ]
    )
    return load_as_supervisor(server, batch, tasks)


async def test_a_call_with_not_me_and_a_changed_phone_is_accepted_by_the_real_server(
    app_factory: Callable[..., RevisitApp], store: AgentStore, live_server: Any
) -> None:
    api = ApiClient(live_server.url, live_server.add_agent(AGENT_ID), timeout=5.0, retries=0)
    supervisor = seed(live_server)
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        snapshot = store.queue()
        assert snapshot is not None and [i.task.id for i in snapshot.items] != []
        [item] = snapshot.items
        assert [tx.id for tx in item.flagged_transactions] == ["TX1"]
        screen = await open_call(app, pilot, item)
        await pilot.press("r", "1", "y")  # reveal the mobile number: audited
        await go_to(pilot, screen, "transaction_check")
        await pilot.press("n")
        await go_to(pilot, screen, "contact_check")
        screen.query_one(ScriptStepper).inputs.query(ContactChoice).first().focus()
        await pilot.press("x", "enter", *"13912345678", "enter")
        await go_to(pilot, screen, "fraud_warning")
        await pilot.press("y")
        await wrap_up(pilot, "1")
        await pilot.press("f9")
        await settle(app, pilot)
        await settle(app, pilot)
        assert store.pending() == [] and store.needs_attention() == []
    api.close()
    with httpx.Client(base_url=live_server.url, headers=supervisor) as http:
        [outcome] = http.get("/v1/outcomes", params={"month": "2026-11"}).json()["items"]
        escalations = http.get("/v1/escalations").json()["items"]
    assert outcome["disposition"] == "reached" and outcome["task_id"] == item.task.id
    assert outcome["contact_checks"] == [  # listed masked; stored in full
        {"field": "mobile", "result": "changed", "new_value": "****5678"}
    ]
    engine = sa.create_engine(live_server.db_url)
    with engine.connect() as conn:
        changed = conn.scalar(sa.select(pending_contact_changes.c.new_value))
        shown = conn.execute(sa.select(reveals.c.field, reveals.c.kind)).all()
    engine.dispose()
    assert changed == "+8613912345678"
    # audited by the server: the number prefetched at sync, then the reveal in the call
    assert sorted(tuple(row) for row in shown) == [("mobile", "prefetch"), ("mobile", "reveal")]
    [escalation] = escalations  # raised by the app, so the server opens no second one
    assert escalation["urgency"] == "urgent" and escalation["transaction_id"] == "TX1"


async def test_opening_a_call_holds_the_task_and_says_when_someone_else_holds_it(
    app_factory: Callable[..., RevisitApp], store: AgentStore, live_server: Any
) -> None:
    api = ApiClient(live_server.url, live_server.add_agent(AGENT_ID), timeout=5.0, retries=0)
    supervisor = seed(live_server)
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        snapshot = store.queue()
        assert snapshot is not None
        [item] = snapshot.items
        with httpx.Client(base_url=live_server.url, headers=supervisor) as http:
            taken = http.post(f"/v1/tasks/{item.task.id}/start")
            assert taken.status_code == 200, taken.text
        await open_call(app, pilot, item)
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        notices = [str(n.message) for n in app._notifications]
        assert any("Another agent is on this call" in notice for notice in notices), notices
    api.close()
