"""A closure revisit in the app, against the real server: the agent records why the customer
closed the account (seed 000 §一) with one key, and the server stores it for the reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.widgets.choice_row import ClosureReasonChoice
from revisit_tui.app.widgets.script_stepper import ScriptStepper
from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import (
    Account,
    AccountStatus,
    AccountType,
    Customer,
    CustomerType,
    ImportBatch,
    TaskBatch,
    TaskCreate,
    TaskKind,
)
from tests.app.call_helpers import go_to, load_as_supervisor, open_call, settle, wrap_up
from tests.app.factory import AGENT_ID, NOW
from tests.conftest import callable_zone

pytestmark = pytest.mark.anyio


def seed(server: Any) -> dict[str, str]:
    """One customer closing an account, to be revisited by AGENT_ID; a supervisor's headers."""
    batch = ImportBatch(
        customers=[
            Customer(
                id="C1",
                type=CustomerType.CORPORATE,
                name="黄氏贸易有限公司",
                mobile="+8613800001111",
                branch="B001",
                timezone=callable_zone(),
            )
        ],
        accounts=[
            Account(
                number="6222000011112222",
                customer_id="C1",
                type=AccountType.CORPORATE_BASIC,
                opened_on=date(2020, 1, 5),
                status=AccountStatus.CLOSING,
                branch="B001",
            )
        ],
    )
    task = TaskCreate(
        key="closure:6222000011112222:final",
        kind=TaskKind.CLOSURE,
        priority=3,
        customer_id="C1",
        account_number="6222000011112222",
        due=NOW.date(),
        assigned_agent=AGENT_ID,
    )
    return load_as_supervisor(server, batch, TaskBatch(tasks=[task]))


async def test_the_closure_reason_is_one_key_and_reaches_the_server(
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
        screen = await open_call(app, pilot, item)
        await settle(app, pilot)
        await go_to(pilot, screen, "closure_reason")
        row = screen.query_one(ScriptStepper).inputs.query_one(ClosureReasonChoice)
        screen.set_focus(row)
        await pilot.pause()
        await pilot.press("2")
        assert screen.current.closure_reason == "cost_control"
        await go_to(pilot, screen, "fraud_warning")
        await pilot.press("y")
        await wrap_up(pilot, "1")
        await pilot.press("f9")
        await settle(app, pilot)
        await settle(app, pilot)
        assert store.pending() == [] and store.needs_attention() == []
    api.close()
    with httpx.Client(base_url=live_server.url, headers=supervisor) as http:
        [outcome] = http.get("/v1/outcomes", params={"month": NOW.strftime("%Y-%m")}).json()[
            "items"
        ]
        report = http.get("/v1/reports/closures", params={"month": NOW.strftime("%Y-%m")}).json()
    assert outcome["closure_reason"] == "cost_control"
    assert report["reasons"]["cost_control"] == 1 and report["reached"] == 1
