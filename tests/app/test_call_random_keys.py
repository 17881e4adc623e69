"""Random key sequences, sent as one burst, to the call and wrap-up screens: the app never
crashes, an escalation exists only if its explicit key was typed ("n" — not me — on a
transaction, or F6 / e), and every draft reloads equal to the form it was saved from."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events
from textual.keys import _character_to_key

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.callform import CallForm
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import Agent, TaskKind
from tests.app.call_helpers import settle
from tests.app.conftest import QUEUE_SIZE, SERVER_URL
from tests.app.factory import AGENT_ID, NOW, make_queue
from tests.app.pty_app import settings_for

KEYS = [
    *"cxunyplsohw12345",  # every answer letter of every row
    *"aé中 ",  # text, and letters no row takes
    "enter", "escape", "tab", "shift+tab", "up", "down", "pageup", "pagedown", "backspace",
    "f10", "f3", "f6", "e", "f8", "f7", "f2", "r", "i",
]  # fmt: skip
ESCALATION_KEYS = {"n", "f6", "e"}


async def run_keys(data_dir: Path, keys: list[str]) -> None:
    store = AgentStore.open(data_dir, SERVER_URL, AGENT_ID, clock=lambda: NOW)
    snapshot = make_queue(QUEUE_SIZE, NOW)
    store.save_queue(snapshot, "etag-1")
    item = next(i for i in snapshot.items if i.task.kind is TaskKind.SPECIAL_EVENT)
    app = RevisitApp(
        settings_for(str(data_dir)),
        store,
        None,
        locale="en",
        clock=lambda: NOW,
        agent=Agent(id=AGENT_ID, name="Agent One"),
    )
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            screen = CallScreen(item)
            app.push_screen(screen)
            await settle(app, pilot)
            driver = app._driver
            assert driver is not None
            for key in keys:
                name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
                event = events.Key(name, key if len(key) == 1 else None)
                event.set_sender(app)
                driver.send_message(event)
            await settle(app, pilot)
            await settle(app, pilot)
            form = screen.current.to_draft()
            assert store.draft(item.task.id) == form
        assert app.return_code in (None, 0)
        for task_id in store.draft_task_ids():
            draft = store.draft(task_id)
            assert draft is not None
            reloaded = CallForm.from_draft(draft)
            assert reloaded.to_draft() == draft
            if not ESCALATION_KEYS & set(keys):
                assert reloaded.escalations == [], keys
            assert len(reloaded.escalations) <= sum(key in ESCALATION_KEYS for key in keys)
    finally:
        store.close()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    keys=st.lists(st.sampled_from(KEYS), min_size=1, max_size=60),
    wrap_up_first=st.booleans(),
)
def test_random_keys_never_crash_never_escalate_unasked_and_drafts_reload_equal(
    keys: list[str], wrap_up_first: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir(mode=0o700)
        asyncio.run(run_keys(data_dir, ["f10", *keys] if wrap_up_first else keys))
