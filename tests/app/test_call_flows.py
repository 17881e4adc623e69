"""Whole calls through the keyboard, one per task kind and ending, checked by what lands in
the outbox (`store.pending()`): the only thing the server will ever see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from textual.widgets import Static

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.sms import SmsScreen
from revisit_tui.app.screens.wrapup import WrapUpScreen
from revisit_tui.app.widgets.choice_row import TransactionChoice
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.step_fields import FieldInput
from revisit_tui.client.store import AgentStore, ItemKind
from revisit_tui.domain.models import (
    ContactCheckResult,
    ContactField,
    Disposition,
    SmsRequest,
    TaskKind,
    TransactionAnswer,
    Urgency,
)
from tests.app.call_helpers import answer_rows, go_to, item_of, open_call, outcomes, settle, wrap_up

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("kind", list(TaskKind))
async def test_a_reached_and_verified_call_of_every_kind_lands_in_the_outbox(
    app_factory: Callable[..., RevisitApp], store: AgentStore, kind: TaskKind
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, kind)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        for _ in screen.steps:
            await answer_rows(pilot, screen)
            await pilot.press("pagedown")
        await wrap_up(pilot, "1")
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen is not screen  # back on the queue
    [outcome] = outcomes(store)
    assert outcome.task_id == item.task.id and outcome.disposition is Disposition.REACHED
    assert outcome.fraud_warning_delivered is True and outcome.satisfaction == 4
    assert outcome.agent_id == "agent-1" and outcome.task_version == item.task.version
    assert outcome.script_version.startswith(f"{kind.value}/en/")
    assert all(c.result is ContactCheckResult.CONFIRMED for c in outcome.contact_checks)
    assert len(outcome.transaction_checks) == len(item.flagged_transactions)
    assert (outcome.closure_reason is not None) == (kind is TaskKind.CLOSURE)
    assert store.draft(item.task.id) is None


async def test_a_changed_phone_is_checked_as_typed_and_blocks_submit_until_valid(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "contact_check")
        await pilot.press("x", "enter")  # mobile: changed, then Enter opens the new-number field
        await pilot.press(*"139 1234")
        message = screen.query_one("#problem-contact_checks-mobile", Static)
        assert message.display and "not a valid number" in str(message.render())
        await go_to(pilot, screen, "fraud_warning")
        await pilot.press("y")
        wrap = await wrap_up(pilot, "1")
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen is wrap and outcomes(store) == []
        assert "not a valid number" in wrap.query_one("#wrapup-problems", Prose).text
        draft = store.draft(item.task.id)
        assert draft is not None and draft["contact_checks"]["mobile"]["new_value"] == "139 1234"
        await pilot.press("escape")
        await go_to(pilot, screen, "contact_check")
        await pilot.press("enter", *" 5678")
        assert not screen.query_one("#problem-contact_checks-mobile", Static).display
        await wrap_up(pilot, "1")
        await pilot.press("f9")
        await settle(app, pilot)
    [outcome] = outcomes(store)
    mobile = next(c for c in outcome.contact_checks if c.field is ContactField.MOBILE)
    assert mobile.result is ContactCheckResult.CHANGED and mobile.new_value == "+8613912345678"


async def test_not_me_adds_an_urgent_escalation_at_once_and_in_the_outcome(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.SPECIAL_EVENT)
    flagged = item.flagged_transactions[0]
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "transaction_check")
        screen.query(TransactionChoice).first().focus()
        await pilot.press("n")
        notice = screen.query_one("#call-notice", Static)
        assert notice.display and "URGENT" in str(notice.render())
        await go_to(pilot, screen, "fraud_warning")
        await pilot.press("y")
        wrap = await wrap_up(pilot, "1")
        assert "Urgent" in wrap.query_one("#summary", Prose).text
        await pilot.press("f9")
        await settle(app, pilot)
    [outcome] = outcomes(store)
    [check] = outcome.transaction_checks
    assert check.answer is TransactionAnswer.NOT_ME and check.transaction_id == flagged.id
    [escalation] = outcome.escalations
    assert escalation.urgency is Urgency.URGENT and escalation.transaction_id == flagged.id


async def test_no_answer_then_an_sms_and_a_second_sms_is_refused_by_the_cap(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.NEW_ACCOUNT)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(app, pilot, item)
        await wrap_up(pilot, "2")  # no answer
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, SmsScreen)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, WrapUpScreen)
        await pilot.press("f7")
        await pilot.pause()
        sms_screen = app.screen
        assert isinstance(sms_screen, SmsScreen)
        refusal = sms_screen.query_one("#sms-decision", Prose).text
        assert "limit is reached" in refusal and "11-26 08:00" in refusal  # cap, then rest hours
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen is sms_screen  # refused: nothing queued, the reason stays
        await pilot.press("escape", "f9")
        await settle(app, pilot)
    pending = store.pending()
    assert [i.kind for i in pending] == [ItemKind.SMS, ItemKind.OUTCOME]
    sms = pending[0].model
    assert isinstance(sms, SmsRequest) and sms.task_id == item.task.id
    assert "****" in sms.text and item.customer.mobile not in sms.text
    assert outcomes(store)[0].disposition is Disposition.NO_ANSWER


async def test_a_callback_outside_the_customers_window_is_refused_and_one_inside_accepted(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.FOLLOW_UP)
    assert item.customer.timezone == "America/New_York"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(app, pilot, item)
        wrap = await wrap_up(pilot, "6")  # callback requested; Enter opens the time field
        await pilot.press("enter", *"23:00")
        message = wrap.query_one("#problem-callback_at", Static)
        assert "outside the customer's callable hours" in str(message.render())
        assert "America/New_York" in str(message.render())
        await pilot.press("f9")
        await settle(app, pilot)
        assert outcomes(store) == [] and app.screen is wrap
        wrap.query_one("#callback_at", FieldInput).value = "2026-11-26 10:00"
        await pilot.pause()
        assert not message.display
        await pilot.press("f9")
        await settle(app, pilot)
    [outcome] = outcomes(store)
    assert outcome.disposition is Disposition.CALLBACK_REQUESTED
    assert outcome.callback_at == datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "key", "disposition"),
    [
        (TaskKind.CLOSURE, "5", Disposition.REFUSED),
        (TaskKind.PERIODIC, "7", Disposition.DO_NOT_CALL),
    ],
)
async def test_refused_and_do_not_call_are_recorded(
    app_factory: Callable[..., RevisitApp],
    store: AgentStore,
    kind: TaskKind,
    key: str,
    disposition: Disposition,
) -> None:
    app = app_factory(locale="zh-CN")
    item = item_of(store, kind)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(app, pilot, item)
        await wrap_up(pilot, key)
        await pilot.press("f9")
        await settle(app, pilot)
    [outcome] = outcomes(store)
    assert outcome.disposition is disposition and outcome.fraud_warning_delivered is None


async def test_a_reached_call_cannot_be_submitted_before_the_fraud_warning(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.NEW_ACCOUNT)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await wrap_up(pilot, "1")
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen is screen and outcomes(store) == []
        assert screen.steps[screen.current.step].kind == "fraud_warning"
        message = screen.query_one("#problem-fraud_warning_delivered", Static)
        assert "fraud warning" in str(message.render()).lower()
        await pilot.press("n")  # not delivered is an answer too
        await wrap_up(pilot, "1")
        await pilot.press("f9")
        await settle(app, pilot)
    assert outcomes(store)[0].fraud_warning_delivered is False
