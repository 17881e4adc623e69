"""What the agent reads out comes from the task: a script line never shows an unfilled
placeholder ("固定电话是___吗"); a value that is not on file is asked for in other words."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.widgets.choice_row import ContactChoice
from revisit_tui.app.widgets.script_stepper import ScriptStepper
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import TaskKind
from revisit_tui.domain.scripts import BLANK
from tests.app.call_helpers import go_to, item_of, open_call, screen_text, settle

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh-CN", "您在我行没有预留固定电话"), ("en", "We have no landline number on file")],
)
async def test_no_landline_on_file_is_asked_for_not_read_as_a_blank(
    app_factory: Callable[..., RevisitApp], store: AgentStore, locale: str, expected: str
) -> None:
    item = item_of(store, TaskKind.PERIODIC, corporate=False)
    assert item.customer.landline is None
    app = app_factory(locale=locale)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "contact_check")
        rows = screen.query_one(ScriptStepper).inputs.query(ContactChoice)
        for row in rows:
            screen.set_focus(row)
            await settle(app, pilot)
            assert BLANK not in screen_text(app), row.path
        landline = next(row for row in rows if row.path == "contact_checks.landline")
        screen.set_focus(landline)
        await settle(app, pilot)
        assert expected in str(screen.query_one("#step-say").render())
