"""80×24 snapshots of the call, wrap-up and SMS screens in both languages (fixed clock and
data; toasts cleared so only the screens themselves are pictured)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.app.screens.sms import SmsScreen
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import AccountEvent, TaskKind
from tests.app.call_helpers import go_to, item_of, quiet

AppFactory = Callable[..., RevisitApp]
SIZE = (80, 24)
LOCALES = ["zh-CN", "en"]


@pytest.mark.parametrize("locale", LOCALES)
def test_call_screen(
    snap_compare: Any, app_factory: AppFactory, store: AgentStore, locale: str
) -> None:
    """A special-event call: a "not me" answered (urgent notice), then a changed mobile number
    typed badly (inline message), on the contact step."""
    item = item_of(store, TaskKind.SPECIAL_EVENT)

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = CallScreen(item)
        pilot.app.push_screen(screen)
        await pilot.pause()
        await go_to(pilot, screen, "transaction_check")
        await pilot.press("n")
        await go_to(pilot, screen, "contact_check")
        await pilot.press("x", "enter", *"139 12")
        await quiet(pilot)

    assert snap_compare(app_factory(locale=locale), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("locale", LOCALES)
def test_reserved_info_step(
    snap_compare: Any, app_factory: AppFactory, store: AgentStore, locale: str
) -> None:
    """A change of reserved information: the event's step, answered "not me" by one key (the
    row marked, the urgent notice under the header)."""
    special = item_of(store, TaskKind.SPECIAL_EVENT)
    task = special.task.model_copy(
        update={"event": AccountEvent.RESERVED_INFO_CHANGED, "reason": "预留手机号变更"}
    )
    item = special.model_copy(update={"task": task, "flagged_transactions": []})

    async def run_before(pilot: Pilot[Any]) -> None:
        screen = CallScreen(item)
        pilot.app.push_screen(screen)
        await pilot.pause()
        await go_to(pilot, screen, "event")
        await pilot.press("n")
        await quiet(pilot)

    assert snap_compare(app_factory(locale=locale), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("locale", LOCALES)
def test_wrap_up_screen(
    snap_compare: Any, app_factory: AppFactory, store: AgentStore, locale: str
) -> None:
    """A corporate follow-up in New York: callback requested at a time outside the customer's
    window (refused, in their zone), and an escalation being added."""
    item = item_of(store, TaskKind.FOLLOW_UP)

    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.push_screen(CallScreen(item))
        await pilot.pause()
        await pilot.press("f10", "6", "enter", *"23:00", "enter")
        await pilot.press("f6", "s", "down", "h", "enter", *"电子银行部")
        await quiet(pilot)

    assert snap_compare(app_factory(locale=locale), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("locale", LOCALES)
def test_sms_screen(
    snap_compare: Any, app_factory: AppFactory, store: AgentStore, locale: str
) -> None:
    """The first template for a new-account customer, allowed now: the message is in the
    customer's language (Chinese) whatever the screen's."""
    item = item_of(store, TaskKind.NEW_ACCOUNT)

    async def run_before(pilot: Pilot[Any]) -> None:
        await quiet(pilot)
        pilot.app.push_screen(SmsScreen(item))
        await quiet(pilot)

    assert snap_compare(app_factory(locale=locale), terminal_size=SIZE, run_before=run_before)
