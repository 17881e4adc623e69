"""The SMS screen offers only the templates that apply to the task and have every value: the
account-closed one only for a closed account, the callback one only with a callback booked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.sms import SmsScreen
from revisit_tui.app.script_texts import sms_templates
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import AccountStatus, QueueItem, TaskKind
from tests.app.call_helpers import item_of, screen_text, settle
from tests.app.factory import NOW

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]
EVERYWHERE = ["verify_mobile", "missed_call", "fraud_warning"]


def offered(item: QueueItem, app: RevisitApp) -> list[str]:
    return [template.id for template in sms_templates(item, app)]


async def test_only_templates_that_apply_and_are_complete_are_offered(
    app_factory: AppFactory, store: AgentStore
) -> None:
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)):
        active = item_of(store, TaskKind.NEW_ACCOUNT)
        assert offered(active, app) == EVERYWHERE
        closure = item_of(store, TaskKind.CLOSURE)
        assert closure.account is not None and closure.account.status is AccountStatus.CLOSING
        assert offered(closure, app) == [*EVERYWHERE, "closure_sms_ended"]
        booked = active.model_copy(
            update={"task": active.task.model_copy(update={"callback_at": NOW + timedelta(1)})}
        )
        assert offered(booked, app) == [
            "verify_mobile",
            "missed_call",
            "callback_confirmed",
            "fraud_warning",
        ]
        no_mobile = active.model_copy(
            update={"customer": active.customer.model_copy(update={"mobile": None})}
        )
        assert "verify_mobile" not in offered(no_mobile, app)
        for item in (active, closure, booked):
            assert all("___" not in t.text for t in sms_templates(item, app))


async def test_the_screen_cycles_through_the_offered_templates_only(
    app_factory: AppFactory, store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.NEW_ACCOUNT)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SmsScreen(item)
        app.push_screen(screen)
        await settle(app, pilot)
        seen = []
        for _ in EVERYWHERE:
            seen.append(screen.templates[screen.index].id)
            assert f"/{len(EVERYWHERE)}:" in screen_text(app)
            await pilot.press("tab")
        assert seen == EVERYWHERE and screen.index == 0
        assert "closed" not in screen_text(app)
