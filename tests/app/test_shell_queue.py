"""The queue screen: what to call next first, filters by key, `/` search, masked phones,
per-task sync state, and Enter / `s` opening the call and SMS screens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.queue_rows import build_rows
from revisit_tui.app.screens.queue import QueueScreen
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import Disposition, Outcome, TaskKind
from tests.app.conftest import QUEUE_SIZE
from tests.app.factory import AGENT_ID, NOW, make_queue

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]


def queue_of(app: RevisitApp) -> QueueScreen:
    screen = app.screen
    assert isinstance(screen, QueueScreen)
    return screen


def screen_text(app: RevisitApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_callable_now_first_then_priority_then_due(app_factory: AppFactory) -> None:
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)):
        rows = queue_of(app).shown
        assert len(rows) == QUEUE_SIZE
        flags = [row.callable_now for row in rows]
        assert flags == sorted(flags, reverse=True), "callable tasks come first"
        assert not all(flags), "the sample has customers outside their window"
        now_rows = [row for row in rows if row.callable_now]
        keys = [(row.item.task.priority, row.item.task.due) for row in now_rows]
        assert keys == sorted(keys)


async def test_kind_overdue_and_callable_filters_by_key(app_factory: AppFactory) -> None:
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        queue = queue_of(app)
        await pilot.press("k")
        assert {row.item.task.kind for row in queue.shown} == {TaskKind.NEW_ACCOUNT}
        assert "kind: New acct" in screen_text(app)
        for _ in TaskKind:
            await pilot.press("k")
        assert len(queue.shown) == QUEUE_SIZE, "the cycle comes back to all kinds"
        await pilot.press("o")
        assert queue.shown and all(row.overdue for row in queue.shown)
        assert all(row.item.task.due < NOW.date() for row in queue.shown)
        await pilot.press("o", "c")
        assert queue.shown and all(row.callable_now for row in queue.shown)
        assert len(queue.shown) < QUEUE_SIZE


async def test_search_by_name_last_four_digits_and_task_id(app_factory: AppFactory) -> None:
    app = app_factory(locale="zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        queue = queue_of(app)
        await pilot.press("slash", *"0012")
        assert [row.task_id for row in queue.shown] == ["K00012"]
        await pilot.press("escape")
        assert len(queue.shown) == QUEUE_SIZE, "Escape clears the search"
        await pilot.press("slash", *"k00003", "enter")
        assert [row.task_id for row in queue.shown] == ["K00003"]
        assert queue.table.has_focus, "Enter in the search box goes back to the table"
        await pilot.press("escape", "slash")
        queue.query_one("#queue-search").value = "贸易"  # type: ignore[attr-defined]
        await pilot.pause()
        assert queue.shown
        assert all("贸易" in row.item.customer.name for row in queue.shown)


async def test_letter_keys_type_into_the_search_box_not_filters(app_factory: AppFactory) -> None:
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        queue = queue_of(app)
        await pilot.press("slash", *"cook")
        assert queue.queue_filter.search == "cook"
        assert queue.queue_filter.kind is None and not queue.queue_filter.callable_only


async def test_phones_are_masked_to_the_last_four(app_factory: AppFactory) -> None:
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)):
        text = screen_text(app)
        assert "****0000" in text
        assert "13800000000" not in text and "138000" not in text


async def test_a_submitted_outcome_marks_its_task_pending(
    app_factory: AppFactory, store: AgentStore
) -> None:
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        queue = queue_of(app)
        first = queue.shown[0]
        store.submit(
            Outcome(
                id=UUID(int=1),
                task_id=first.task_id,
                agent_id=AGENT_ID,
                started_at=NOW - timedelta(minutes=5),
                ended_at=NOW,
                disposition=Disposition.NO_ANSWER,
            )
        )
        app.request_sync()
        await pilot.pause()
        assert queue.table.texts_at(0)[-1] == "queued"
        assert "Pending 1" in screen_text(app)


async def test_enter_opens_the_call_screen_and_s_the_sms_screen(app_factory: AppFactory) -> None:
    from revisit_tui.app.screens.call import CallScreen
    from revisit_tui.app.screens.sms import SmsScreen

    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        expected = queue_of(app).current
        assert expected is not None
        await pilot.press("enter")
        assert isinstance(app.screen, CallScreen)
        assert app.screen.item.task.id == expected.task_id
        app.screen.dismiss(None)
        await pilot.pause()
        await pilot.press("down", "s")
        assert isinstance(app.screen, SmsScreen)
        app.screen.dismiss(None)
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)


def test_rows_build_for_a_large_queue_without_losing_tasks(app_factory: AppFactory) -> None:
    app = app_factory()
    rows = build_rows(make_queue(500).items, NOW, app.policy)
    assert len({row.task_id for row in rows}) == 500


async def test_quitting_keeps_a_draft_in_progress(
    app_factory: AppFactory, store: AgentStore
) -> None:
    store.save_draft("K00001", {"notes": "half typed"})
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    assert store.draft("K00001") == {"notes": "half typed"}


async def test_typed_brackets_show_as_typed_not_as_markup(app_factory: AppFactory) -> None:
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash", *"[bold]x[/")
        assert "search: [bold]x[/" in screen_text(app)


async def test_enter_on_a_task_held_back_says_why_and_when_instead_of_opening(
    app_factory: AppFactory,
) -> None:
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        queue = queue_of(app)
        held = next(i for i, row in enumerate(queue.shown) if not row.callable_now)
        queue.table.cursor_row = held
        row = queue.current
        assert row is not None and row.callable_at is not None
        await pilot.press("enter")
        assert isinstance(app.screen, QueueScreen), "the call did not open"
        notices = [str(n.message) for n in app._notifications]
        [notice] = [n for n in notices if n.startswith("Cannot start this call now: ")]
        local = row.callable_at.astimezone(ZoneInfo(row.item.customer.timezone))
        assert local.strftime("%H:%M") in notice
