"""Special-event revisits, from the real server to the call screen: the agent sees what the
event is and the bank's reason for it, and the script walks the event's own step, not the large
transaction's (seed 002 §六.3); a change of reserved information is answered on that step by
one key, and a "not me" is suspected fraud at once, as for a denied transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.widgets.prose import Prose
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
    TransactionAnswer,
)
from tests.app.call_helpers import (
    go_to,
    load_as_supervisor,
    open_call,
    screen_text,
    settle,
    wrap_up,
)
from tests.app.factory import AGENT_ID, NOW
from tests.conftest import callable_zone

pytestmark = pytest.mark.anyio


def seed(
    server: Any,
    event: AccountEvent = AccountEvent.COMPLAINT,
    reason: str = "客户投诉手续费",
) -> dict[str, str]:
    """One customer whose special event (by default a complaint about fees) is to be revisited
    by AGENT_ID; returns a supervisor's headers."""
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
        event=event,
        reason=reason,
        priority=0,
        customer_id="C1",
        account_number="6222000011112222",
        due=NOW.date(),
        assigned_agent=AGENT_ID,
    )
    return load_as_supervisor(server, batch, TaskBatch(tasks=[task]))


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


@pytest.mark.parametrize(
    ("locale", "warning", "said"),
    [
        ("zh-CN", "非本人办理", "预留信息变更本人办理: 非本人"),
        ("en", "URGENT", "Reserved info changed by the customer: Not me"),
    ],
)
async def test_a_denied_reserved_info_change_is_one_key_warns_at_once_and_reaches_the_server(
    app_factory: Callable[..., RevisitApp],
    store: AgentStore,
    live_server: Any,
    locale: str,
    warning: str,
    said: str,
) -> None:
    api = ApiClient(live_server.url, live_server.add_agent(AGENT_ID), timeout=5.0, retries=0)
    supervisor = seed(live_server, AccountEvent.RESERVED_INFO_CHANGED, "预留手机号变更")
    app = app_factory(locale=locale, api=api)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        snapshot = store.queue()
        assert snapshot is not None
        [item] = snapshot.items
        screen = await open_call(app, pilot, item)
        await settle(app, pilot)
        await go_to(pilot, screen, "event")
        assert "F6" not in screen_text(app)  # the hint no longer sends the agent to escalate
        await pilot.press("n")
        assert screen.current.reserved_info_answer is TransactionAnswer.NOT_ME
        [raised] = screen.current.escalations
        assert raised.event is AccountEvent.RESERVED_INFO_CHANGED
        assert (raised.category.value, raised.urgency.value) == ("fraud", "urgent")
        notice = screen.query_one("#call-notice")
        assert notice.has_class("-urgent") and warning in screen_text(app)
        assert any(warning in n.message for n in app._notifications)
        await pilot.press("c")  # taken back: the escalation it raised goes too
        assert screen.current.reserved_info_answer is TransactionAnswer.CONFIRMED
        assert screen.current.escalations == [] and not notice.has_class("-urgent")
        await pilot.press("n")
        await go_to(pilot, screen, "fraud_warning")
        await pilot.press("y")
        wrap = await wrap_up(pilot, "1")
        assert said in wrap.query_one("#summary", Prose).text
        await pilot.press("f9")
        await settle(app, pilot)
        await settle(app, pilot)
        assert store.pending() == [] and store.needs_attention() == []
    api.close()
    with httpx.Client(base_url=live_server.url, headers=supervisor) as http:
        [outcome] = http.get("/v1/outcomes", params={"month": NOW.strftime("%Y-%m")}).json()[
            "items"
        ]
        [escalation] = http.get("/v1/escalations").json()["items"]
    assert outcome["reserved_info_answer"] == "not_me"
    assert (escalation["category"], escalation["urgency"], escalation["event"]) == (
        "fraud",
        "urgent",
        "reserved_info_changed",
    )
