"""The UI thread never waits on the disk: every durable write (each ends in an fsync) runs in
a worker — resubmitting or discarding a refused item, the day log, drafts, a submit — and the
sync engine is made once, on the UI thread, never by the workers that use it."""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable, Iterator
from datetime import timedelta
from uuid import UUID

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.app.screens.myday import MyDayScreen
from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.client.sync import SyncEngine
from revisit_tui.domain.models import Disposition, Outcome
from tests.app.call_helpers import open_call, settle
from tests.app.factory import AGENT_ID, NOW

pytestmark = pytest.mark.anyio
AppFactory = Callable[..., RevisitApp]


@pytest.fixture
def ui_fsyncs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Where each fsync made on the UI (main) thread came from; the test clears it once its
    own setup has written."""
    seen: list[str] = []
    fsync = os.fsync

    def watched(fd: int) -> None:
        if threading.current_thread() is threading.main_thread():
            seen.append("".join(traceback.format_stack(limit=8)))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", watched)
    yield seen


def refused(n: int) -> Outcome:
    return Outcome(
        id=UUID(int=n),
        task_id=f"K{n:05d}",
        agent_id=AGENT_ID,
        started_at=NOW - timedelta(minutes=4),
        ended_at=NOW,
        disposition=Disposition.NO_ANSWER,
        notes="wrong",
    )


async def test_durable_writes_never_run_on_the_ui_thread(
    app_factory: AppFactory, store: AgentStore, ui_fsyncs: list[str]
) -> None:
    for n in (1, 2):
        store.submit(refused(n))
        store.mark_needs_attention(str(UUID(int=n)), "notes: not allowed", 422)
    ui_fsyncs.clear()
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d", "enter", "ctrl+s")  # my day: resubmit the first refused one
        await pilot.press("x", *"duplicate call", "enter")  # discard the other
        await settle(app, pilot)
        assert isinstance(app.screen, MyDayScreen) and store.attention_count() == 0
        assert done_today(app) == 2  # the fixed one, sent under a new id, is the same call
        await pilot.press("escape")
        snapshot = store.queue()
        assert snapshot is not None
        screen = await open_call(app, pilot, snapshot.items[3])
        await pilot.press("f10", "2", "f9")  # no answer: a draft, then the submit
        await settle(app, pilot)
        assert app.screen is not screen
        await pilot.press("d")
        await settle(app, pilot)
        assert done_today(app) == 3  # the day log noted the call
    assert ui_fsyncs == []


def done_today(app: RevisitApp) -> int:
    counts = str(app.screen.query_one("#myday-counts").render())
    return int(counts.split(":")[1].split()[0])


async def test_the_sync_engine_is_made_once_on_the_ui_thread(
    app_factory: AppFactory,
    store: AgentStore,
    live_server: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[threading.Thread] = []
    init = SyncEngine.__init__

    def counted(self: SyncEngine, *args: object, **kwargs: object) -> None:
        made.append(threading.current_thread())
        init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SyncEngine, "__init__", counted)
    token = live_server.add_agent(AGENT_ID)  # type: ignore[attr-defined]
    api = ApiClient(live_server.url, token, timeout=5.0, retries=0)  # type: ignore[attr-defined]
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        snapshot = store.queue()
        assert snapshot is not None
        for item in snapshot.items[:3]:  # sync rounds and leases, side by side
            app.request_sync()
            screen = await open_call(app, pilot, item)
            assert isinstance(screen, CallScreen)
            await pilot.press("escape")
        await settle(app, pilot)
        engine = app.sync_engine()
    api.close()
    assert made == [threading.main_thread()] and engine is not None
