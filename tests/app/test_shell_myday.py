"""My day: counts of today's work, and a refused outcome fixed and resubmitted."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from uuid import UUID

import pytest
from textual.widgets import Input, Select

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.myday import DiscardScreen, MyDayScreen, ResubmitScreen
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.client.store import DISCARDED_LOG, AgentStore
from revisit_tui.domain.models import (
    ContactCheck,
    ContactCheckResult,
    ContactField,
    Disposition,
    Outcome,
    SmsRequest,
)
from tests.app.factory import AGENT_ID, NOW
from tests.app.test_shell_queue import screen_text

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]
REASON = "notes: must not name the customer's ID number"


def outcome(n: int, disposition: Disposition = Disposition.NO_ANSWER) -> Outcome:
    return Outcome(
        id=UUID(int=n),
        task_id=f"K{n:05d}",
        agent_id=AGENT_ID,
        started_at=NOW - timedelta(minutes=4),
        ended_at=NOW,
        disposition=disposition,
        notes="ID 110105194912310002",
    )


async def test_my_day_counts_and_resubmits_a_refused_outcome(
    app_factory: AppFactory, store: AgentStore
) -> None:
    store.submit(outcome(1))
    store.submit(outcome(2))
    store.mark_needs_attention(str(UUID(int=2)), REASON, 422)
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, MyDayScreen)
        text = screen_text(app)
        assert "Done today: 2" in text and "Waiting to sync: 1" in text
        assert "Needing attention: 1" in text and "notes: must not name" in text
        await pilot.press("enter")
        assert isinstance(app.screen, ResubmitScreen)
        app.screen.query_one(Select).value = Disposition.BUSY.value
        notes = app.screen.query_one(Input)
        notes.value = "customer asked to call back later"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MyDayScreen)
        assert "Needing attention: 0" in screen_text(app)
    assert store.attention_count() == 0
    (fixed,) = [item for item in store.pending() if item.replaces == str(UUID(int=2))]
    assert fixed.id != str(UUID(int=2)), "sent again under a new id"
    assert fixed.body["replaces"] == str(UUID(int=2))
    assert fixed.body["notes"] == "customer asked to call back later"
    assert fixed.body["disposition"] == "busy"


async def test_an_invalid_fix_stays_with_a_message(
    app_factory: AppFactory, store: AgentStore
) -> None:
    store.submit(outcome(3))
    store.mark_needs_attention(str(UUID(int=3)), REASON, 422)
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d", "enter")
        app.screen.query_one(Select).value = Disposition.CALLBACK_REQUESTED.value
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ResubmitScreen)
        problem = app.screen.query_one("#resubmit-problem", Prose).text
        assert "callback_at is required" in problem
        await pilot.press("escape")
    assert store.attention_count() == 1, "nothing is lost when the fix is abandoned"


async def test_a_refused_sms_goes_again_as_it_is(
    app_factory: AppFactory, store: AgentStore
) -> None:
    sms = SmsRequest(
        id=UUID(int=9),
        task_id="K00004",
        template="unreachable",
        text="【示例银行】您好，我们稍后再与您联系。",
        requested_at=NOW,
    )
    store.add_sms(sms)
    store.mark_needs_attention(str(sms.id), "quiet_hours: not before 08:00", 422)
    app = app_factory(locale="zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        text = screen_text(app)
        assert "短信" in text and "quiet_hours" in text
        await pilot.press("enter")
        await pilot.pause()
        assert "需处理：0" in screen_text(app)
    assert store.attention_count() == 0 and store.pending_count() == 1


async def test_a_refused_contact_value_is_edited_and_sent_under_a_new_id(
    app_factory: AppFactory, store: AgentStore
) -> None:
    changed = outcome(4).model_copy(
        update={
            "notes": "",
            "contact_checks": [
                ContactCheck(
                    field=ContactField.MOBILE,
                    result=ContactCheckResult.CHANGED,
                    new_value="+8613800138000",
                )
            ],
        }
    )
    store.submit(changed)
    reason = "invalid fields (outcomes.0.contact_checks.0.new_value: not a mobile number)"
    store.mark_needs_attention(str(changed.id), reason, 422)
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d", "enter")
        assert isinstance(app.screen, ResubmitScreen)
        field = app.screen.query_one("#resubmit-field-0", Input)
        assert field.value == "+8613800138000"
        field.value = "+8613912345678"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MyDayScreen)
    (fixed,) = store.pending()
    assert fixed.replaces == str(changed.id) and fixed.id != str(changed.id)
    assert fixed.body["contact_checks"][0]["new_value"] == "+8613912345678"


@pytest.mark.parametrize(("key", "action"), [("x", "discarded"), ("h", "handed_over")])
async def test_a_refused_item_is_discarded_or_handed_over_with_a_reason(
    app_factory: AppFactory, store: AgentStore, key: str, action: str
) -> None:
    store.submit(outcome(5))
    store.mark_needs_attention(str(UUID(int=5)), "task K00005 not found", 404)
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d", key)
        assert isinstance(app.screen, DiscardScreen)
        await pilot.press("enter")
        assert "Say why" in screen_text(app), "a reason is required"
        await pilot.press(*"task moved to branch BJ02")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MyDayScreen)
        assert "Needing attention: 0" in screen_text(app)
    assert store.attention_count() == 0
    (report,) = store.pending()  # for the supervisors, at the next sync
    assert report.body["kind"] == action and report.body["reason"] == "task moved to branch BJ02"
    (line,) = (store.path / DISCARDED_LOG).read_text().splitlines()
    record = json.loads(line)
    assert record["action"] == action and record["reason"] == "task moved to branch BJ02"
    assert record["item"]["id"] == str(UUID(int=5)) and record["item"]["status"] == 404
