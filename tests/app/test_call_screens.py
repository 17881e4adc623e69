"""The call screens' promises beyond a straight call: bad input in every field is named inline
and blocks submit while the draft keeps it (a reopened call is the same call), reveals are
deliberate and audited, and F2 switches the language mid-call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.app.screens.sms import SmsScreen
from revisit_tui.app.screens.wrapup import WrapUpScreen
from revisit_tui.app.widgets.choice_row import ContactChoice
from revisit_tui.app.widgets.customer_card import CustomerCard
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.script_stepper import ScriptStepper
from revisit_tui.app.widgets.step_fields import FieldInput
from revisit_tui.client.store import AgentStore, ItemKind
from revisit_tui.domain import identity
from revisit_tui.domain.models import (
    ContactCheckResult,
    ContactField,
    Language,
    MaskedField,
    PrefetchItem,
    Reveal,
    RevealSource,
    TaskKind,
)
from tests.app.call_helpers import go_to, item_of, open_call, screen_text, settle

pytestmark = pytest.mark.anyio

BAD_CONTACTS = {
    "mobile": ("12", "not a valid number"),
    "email": ("zhang@", "address is not valid"),
    "landline": ("13912345678", "not a landline number"),
    "address": ("", "type the value the customer gave"),
    "identity_number": ("110105194912310001", "check digit"),
    "identity_expiry": ("2020-01-01", "in the past"),
}


def shown(screen: Any, selector: str) -> str:
    """A widget's text, whole (a Prose's as given, before its lines are broken)."""
    widget = screen.query_one(selector, Static)
    if not widget.display:
        return ""
    return widget.text if isinstance(widget, Prose) else str(widget.render())


async def change_contact(pilot: Pilot[Any], screen: CallScreen, field: str, text: str) -> None:
    rows = screen.query_one(ScriptStepper).inputs.query(ContactChoice)
    row = next(r for r in rows if r.path == f"contact_checks.{field}")
    row.focus()
    await pilot.press("x", "enter", *text, "enter")


async def test_bad_input_in_every_field_is_named_inline_blocks_submit_and_survives_reopen(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        for kind in ("contact_check", "identity_check"):
            await go_to(pilot, screen, kind)
            for field, (text, expected) in BAD_CONTACTS.items():
                if screen.query_one(ScriptStepper).inputs.query(
                    f"#contact_checks-{field}-new_value"
                ):
                    await change_contact(pilot, screen, field, text)
                    assert expected in shown(screen, f"#problem-contact_checks-{field}"), field
        await go_to(pilot, screen, "feature_use")
        screen.query_one(ScriptStepper).inputs.query(FieldInput).first().value = "slow " * 41
        await pilot.pause()
        assert "at most 200" in shown(screen, "#problem-features-online_banking-problem")
        screen.query_one("#notes", FieldInput).value = "n" * 2001
        await pilot.pause()
        assert "at most 2000" in shown(screen, "#problem-notes")
        await go_to(pilot, screen, "fraud_warning")
        await pilot.press("y")
        await pilot.press("f10")
        wrap = app.screen
        assert isinstance(wrap, WrapUpScreen)
        await pilot.press(
            "6", "enter", *"tomorrow", "enter", "f6"
        )  # callback, unreadable time, an escalation
        await pilot.press("f9")
        await settle(app, pilot)
        assert store.pending() == [] and app.screen is wrap
        problems = shown(wrap, "#wrapup-problems")
        for expected in ("not a time", "Department", "Summary", "check digit", "at most 2000"):
            assert expected in problems
        assert "not a time" in shown(wrap, "#problem-callback_at")
        assert "Department" in shown(wrap, "#problem-escalations-0-department")
        before = screen.current.to_draft()
        await pilot.press("escape", "escape")  # back to the call, then leave it
        await settle(app, pilot)
        assert app.screen is not screen
        assert store.draft(item.task.id) == before
        reopened = await open_call(app, pilot, item)
        assert reopened.current.to_draft() == before  # same id, step, answers, start time
        assert reopened.steps[reopened.current.step].kind == "fraud_warning"
        await go_to(pilot, reopened, "contact_check")
        assert reopened.query_one("#contact_checks-mobile-new_value", FieldInput).value == "12"
        assert "not a valid number" in shown(reopened, "#problem-contact_checks-mobile")


async def test_offline_a_prefetched_number_is_revealed_and_its_reveal_waits_in_the_outbox(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")  # no server: the reveal comes from the prefetch
    item = item_of(store, TaskKind.NEW_ACCOUNT)
    assert item.customer.mobile is not None
    prefetched = PrefetchItem(
        task_id=item.task.id, customer_id=item.customer.id, mobile=item.customer.mobile
    )
    store.save_prefetch([item.task.id], [prefetched])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        card = screen.query_one(CustomerCard)
        await pilot.press("r", "1", "escape")  # chosen, then cancelled: nothing shown
        await settle(app, pilot)
        assert store.pending() == [] and card.revealed == {}
        await pilot.press("r", "1", "y")
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert set(card.revealed) == {MaskedField.MOBILE}
        assert screen.query_one("#card-panel").display
        text = screen_text(app)
        assert "138 0000 0000" in text
        assert "****0000" in text  # the ID and account numbers stay masked
        assert not screen.query_one("#stepper").display  # 80 columns: the card takes the body
        await pilot.press("f3")  # and F3 gives the script back, answer rows in full width
        await settle(app, pilot)
        assert not screen.query_one("#card-panel").display
        assert screen.query_one("#stepper").display
    [entry] = store.pending()
    reveal = entry.model
    assert entry.kind is ItemKind.REVEAL and isinstance(reveal, Reveal)
    assert reveal.field is MaskedField.MOBILE and reveal.customer_id == item.customer.id
    assert reveal.source is RevealSource.PREFETCH


async def test_offline_a_number_not_prefetched_stays_masked_and_nothing_is_recorded(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.NEW_ACCOUNT)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await pilot.press("r", "1", "y")
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert screen.query_one(CustomerCard).revealed == {}
        notices = [str(n.message) for n in app._notifications]
        assert any("was not prefetched" in notice for notice in notices), notices
    assert store.pending() == []


async def test_f2_switches_the_call_to_the_other_language_keeping_the_answers(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="zh-CN")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "contact_check")
        await pilot.press("c")
        assert "联系方式" in shown(screen, "#step-title")
        await pilot.press("f2")
        await pilot.pause()
        assert "Contact" in shown(screen, "#step-title")
        row = screen.query(ContactChoice).first()
        assert row.value == "confirmed" and "Confirmed" in str(row.render())
        await pilot.press("f10", "1", "f2")  # and back to Chinese on the wrap-up
        await pilot.pause()
        assert "接通" in screen_text(app) and "Reached" not in screen_text(app)


async def test_an_sms_in_the_customers_rest_hours_is_refused_with_the_next_time(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.FOLLOW_UP)  # New York: 21:30 there, rest hours from 21:00
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SmsScreen(item)
        app.push_screen(screen)
        await pilot.pause()
        refusal = shown(screen, "#sms-decision")
        assert "rest time" in refusal and "11-25 08:00 (America/New_York)" in refusal
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen is screen and store.pending() == []


@pytest.mark.parametrize(
    ("language", "greeting"), [("zh-CN", "尊敬的客户"), ("en", "Dear customer")]
)
async def test_the_sms_is_in_the_customers_language_whatever_the_screens_language(
    app_factory: Callable[..., RevisitApp], store: AgentStore, language: str, greeting: str
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.NEW_ACCOUNT)
    item = item.model_copy(
        update={"customer": item.customer.model_copy(update={"language": Language(language)})}
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = SmsScreen(item)
        app.push_screen(screen)
        await pilot.pause()
        assert shown(screen, "#sms-text").startswith(greeting)
        assert shown(screen, "#sms-title").startswith("SMS")  # the screen stays English


async def test_the_identity_check_works_offline_from_the_prefetch_without_the_number(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")  # no server
    item = item_of(store, TaskKind.PERIODIC)  # an abnormal account: the call checks identity
    number = "11010519491231002X"  # what the bank holds; the cache has only its digest
    check = identity.make_check(item.task.id, number, b"0123456789abcdef", 10)
    prefetched = PrefetchItem(
        task_id=item.task.id, customer_id=item.customer.id, identity_check=check
    )
    store.save_prefetch([item.task.id], [prefetched])
    assert number not in "".join(p.read_text() for p in store.path.glob("*.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(app, pilot, item)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press(*"110105194912310021", "enter")
        await settle(app, pilot)
        assert "Does not match the bank's record" in screen_text(app)
        field = app.screen.query_one("#identity-input", Input)
        field.value = ""
        await pilot.press(*"110105 19491231 002x", "enter")
        await settle(app, pilot)
        assert "Matches the bank's record" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, CallScreen)
        # the check's result is the call's ID-number contact check, in its draft too
        checked = app.screen.current.contact_checks[ContactField.IDENTITY_NUMBER]
        assert checked.result is ContactCheckResult.CONFIRMED
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press(*"110105194912310021", "enter")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        checked = app.screen.current.contact_checks[ContactField.IDENTITY_NUMBER]
        assert checked.result is ContactCheckResult.UNVERIFIED
        await pilot.press("f5", "escape")  # closed without a check: the answer stays
        await settle(app, pilot)
        assert app.screen.current.contact_checks[ContactField.IDENTITY_NUMBER] == checked
        draft = store.draft(item.task.id)
        assert draft is not None
        assert draft["contact_checks"]["identity_number"]["result"] == "unverified"
    assert store.pending() == []  # nothing typed was kept or queued


async def test_the_identity_check_says_so_when_offline_and_not_prefetched(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(app, pilot, item)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press(*"110105194912310021", "enter")
        await settle(app, pilot)
        assert "cannot be reached" in screen_text(app)
