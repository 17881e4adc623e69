"""The customer's language is in sight before and during the call (queue column, card, call
header), and the script is read in it on one key, whatever the screen's language: an
English-speaking customer no longer gets the Chinese script with no hint."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.queue import QueueScreen
from revisit_tui.app.widgets.choice_row import ContactChoice
from revisit_tui.app.widgets.customer_card import CustomerCard
from revisit_tui.app.widgets.script_stepper import ScriptStepper
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import Language, QueueItem, TaskKind
from tests.app.call_helpers import go_to, open_call, outcomes, screen_text, settle, wrap_up

pytestmark = pytest.mark.anyio


def english_speaker(store: AgentStore, kind: TaskKind) -> QueueItem:
    """The cached queue's first task of a kind, its customer made English-speaking (whatever
    languages the test queue happens to give that kind)."""
    snapshot = store.queue()
    assert snapshot is not None
    n = next(n for n, item in enumerate(snapshot.items) if item.task.kind is kind)
    item = snapshot.items[n]
    customer = item.customer.model_copy(update={"language": Language.EN})
    english = item.model_copy(update={"customer": customer})
    items = [*snapshot.items[:n], english, *snapshot.items[n + 1 :]]
    store.save_queue(snapshot.model_copy(update={"items": items}), "etag-english")
    return english


def said(app: RevisitApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


@pytest.mark.parametrize(
    ("locale", "english", "chinese"), [("en", "EN", "ZH"), ("zh-CN", "英文", "中文")]
)
async def test_the_queue_shows_each_customers_language(
    app_factory: Callable[..., RevisitApp], locale: str, english: str, chinese: str
) -> None:
    app = app_factory(locale=locale)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.table
        languages = {
            table.rows_shown[n].item.customer.language: table.texts_at(n)[4]
            for n in range(table.row_count)
        }
        assert languages == {Language.EN: english, Language.ZH_CN: chinese}


async def test_the_script_switches_to_the_customers_language_and_the_ui_stays(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    item = english_speaker(store, TaskKind.PERIODIC)
    app = app_factory(locale="zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        assert "讲英文（按 l 换脚本）" in said(app, "#call-who")
        await pilot.press("f3")  # 80 columns: the card in place of the script
        await settle(app, pilot)
        assert re.search(r"语言\s+英文", screen_text(app))
        await pilot.press("f3")
        assert "您好" in said(app, "#step-prompt")

        await pilot.press("l")
        await settle(app, pilot)
        assert "Hello, this is Agent One" in said(app, "#step-prompt")
        assert "按 l" not in said(app, "#call-who") and "英文" in said(app, "#call-who")
        await go_to(pilot, screen, "contact_check")
        rows = screen.query_one(ScriptStepper).inputs.query(ContactChoice)
        assert "手机" in str(rows.first().render())  # the agent's own labels stay Chinese
        assert store.draft(item.task.id)["script_locale"] == "en"  # type: ignore[index]

        await pilot.press("f2", "f2")  # the UI goes to English and back: the script stays
        await settle(app, pilot)
        assert app.locale == "zh-CN" and "contact details you gave us" in said(app, "#step-prompt")

        await pilot.press("escape")  # leave; the reopened call reads English still
        await settle(app, pilot)
        screen = await open_call(app, pilot, item)
        await settle(app, pilot)
        assert screen.script_locale == "en" and "contact details you gave us" in said(
            app, "#step-prompt"
        )
        await go_to(pilot, screen, "fraud_warning")
        await pilot.press("y")
        await wrap_up(pilot, "1")
        await pilot.press("f9")
        await settle(app, pilot)
    [outcome] = outcomes(store)
    assert outcome.script_version.startswith("periodic/en/")


async def test_the_card_names_the_language_of_a_chinese_speaker_too(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    snapshot = store.queue()
    assert snapshot is not None
    item = next(i for i in snapshot.items if i.customer.language is Language.ZH_CN)
    app = app_factory(locale="en")
    async with app.run_test(size=(120, 30)) as pilot:
        await open_call(app, pilot, item)
        await settle(app, pilot)
        assert app.screen.query_one(CustomerCard).display
        assert re.search(r"Language\s+Chinese", screen_text(app))
        assert "speaks Chinese (l)" in said(app, "#call-who")
