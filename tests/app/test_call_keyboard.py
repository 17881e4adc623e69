"""The call's focus model, key by key: answer rows take single-key answers and keep the focus;
a text field is entered only by Enter and left by Enter/Esc; Tab moves among the rows; keys
typed as one burst land where a slow typist's would."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.app.screens.queue import QueueScreen
from revisit_tui.app.widgets.choice_row import ChoiceRow, TransactionChoice, YesNoChoice
from revisit_tui.app.widgets.script_stepper import ANSWER_STEPS, ScriptStepper
from revisit_tui.app.widgets.step_fields import FieldInput
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import Disposition, TaskKind, TransactionAnswer
from tests.app.call_helpers import go_to, item_of, open_call, outcomes, settle, wrap_up

pytestmark = pytest.mark.anyio


async def burst(pilot: Pilot[None], *keys: str) -> None:
    """Post every key to the app at once, as a fast typist or a burst over SSH would, then
    let the app work through them."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, key if len(key) == 1 else None)
        event.set_sender(pilot.app)
        driver.send_message(event)
    await settle(pilot.app, pilot)


def step_rows(screen: CallScreen) -> list[ChoiceRow]:
    return list(screen.query_one(ScriptStepper).inputs.query(ChoiceRow))


async def test_words_typed_after_the_last_answer_go_to_the_note_never_to_the_answers(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    """The defect: after the last answer the focus sat in the note field, the hint said "Tab
    here", Tab left it, and "ok no issue" answered "not me" then "unsure"."""
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.SPECIAL_EVENT)
    first, second = item.flagged_transactions
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "transaction_check")
        await pilot.press("c", "tab", "c", "enter", *"ok no issue 没问题", "enter")
        assert screen.current.transaction_checks == {
            first.id: TransactionAnswer.CONFIRMED,
            second.id: TransactionAnswer.CONFIRMED,
        }
        assert screen.current.escalations == []
        assert screen.current.notes == "ok no issue 没问题"
        assert isinstance(app.focused, TransactionChoice)  # Enter came back to the row


async def test_tab_moves_among_the_answer_rows_and_never_into_a_text_field(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "contact_check")
        rows = step_rows(screen)
        await pilot.press("x")  # mobile changed: its field shows, the focus stays on the row
        assert app.focused is rows[0]
        assert screen.query_one("#contact_checks-mobile-new_value", FieldInput).display
        seen = []
        for _ in range(len(rows)):
            await pilot.press("tab")
            seen.append(app.focused)
        assert seen == [*rows[1:], rows[0]]
        await pilot.press("shift+tab")
        assert app.focused is rows[-1]


async def test_on_the_services_step_y_answers_and_never_opens_the_problem_box(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "feature_use")
        first, second, third = step_rows(screen)
        await pilot.press("y", "y", "down", "y", "enter", *"slow login", "enter", "down", "n")
        features = {name.value: answer for name, answer in screen.current.features.items()}
        assert first.value == "yes" and features["online_banking"].problem == ""
        assert second.value == "yes" and features["mobile_banking"].problem == "slow login"
        assert third.value == "no" and features["sms_notification"].problem == ""
        assert app.focused is third


async def test_escape_in_a_text_field_goes_back_to_its_row_and_keeps_the_call(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "contact_check")
        await pilot.press("x", "enter", *"13912345678")
        field = screen.query_one("#contact_checks-mobile-new_value", FieldInput)
        assert app.focused is field
        await pilot.press("escape")
        assert app.screen is screen and app.focused is step_rows(screen)[0]
        assert field.value == "13912345678" and not field.can_focus


async def test_an_answer_then_a_quick_page_down_keeps_both(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    """The defect: `y PgDn 4` left the satisfaction step blank (the 4 went to the notes)."""
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        kinds = [step.kind for step in screen.steps]
        before_close = kinds[kinds.index("close") - 1]
        await go_to(pilot, screen, before_close)
        await burst(pilot, "y", "pagedown", "4", "pageup", "n", "pagedown", "5")
        assert screen.current.satisfaction == 5
        answer_path, _ = ANSWER_STEPS[before_close]
        assert getattr(screen.current, answer_path) is False
        assert screen.current.notes == ""


async def test_a_burst_of_notes_after_answers_lands_in_the_notes(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    """Enter then words at once: the words must not be taken as keys of the row that had the
    focus when they arrived."""
    app = app_factory(locale="zh-CN")
    item = item_of(store, TaskKind.SPECIAL_EVENT)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "transaction_check")
        keys = ["c", "enter", *"no issue 客户确认", "enter", "tab", "u", "pagedown", "c"]
        await burst(pilot, *keys)
        assert screen.current.notes == "no issue 客户确认"
        answers = list(screen.current.transaction_checks.values())
        assert answers == [TransactionAnswer.CONFIRMED, TransactionAnswer.UNSURE]
        assert screen.current.escalations == []
        assert screen.steps[screen.current.step].kind == "contact_check"
        assert step_rows(screen)[0].value == "confirmed"


async def test_after_submit_the_cursor_is_on_the_next_task_to_call(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    """The defect: after F9 the cursor stayed on the submitted task; Enter reopened it."""
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        first, second = queue.shown[0], queue.shown[1]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CallScreen)
        await wrap_up(pilot, "2")  # no answer
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen is queue
        assert queue.current is not None and queue.current.task_id == second.task_id
        await pilot.press("enter")
        await pilot.pause()
        call = app.screen
        assert isinstance(call, CallScreen) and call.item.task.id != first.task_id
    [outcome] = outcomes(store)
    assert outcome.task_id == first.task_id and outcome.disposition is Disposition.NO_ANSWER


async def test_letters_typed_in_a_field_are_text_never_screen_keys(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "fraud_warning")
        assert isinstance(app.focused, YesNoChoice)
        await pilot.press("enter", *"wang", "enter")  # a `w` in a field is text, not wrap-up
        assert app.screen is screen and screen.current.notes == "wang"
