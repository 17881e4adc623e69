"""Keyboard helpers for the call screens' Pilot tests: find a task, open its call, walk the
script, wrap up, read the outbox."""

from __future__ import annotations

from typing import Any

import httpx
from textual.pilot import Pilot

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.app.screens.wrapup import WrapUpScreen
from revisit_tui.app.widgets.choice_row import (
    ChoiceRow,
    ClosureReasonChoice,
    ContactChoice,
    RatingChoice,
    TransactionChoice,
    YesNoChoice,
)
from revisit_tui.app.widgets.script_stepper import ScriptStepper
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import ImportBatch, Outcome, QueueItem, Role, TaskBatch, TaskKind

FIRST_ANSWER = {
    ContactChoice: "c",
    TransactionChoice: "c",
    YesNoChoice: "y",
    RatingChoice: "4",
    ClosureReasonChoice: "1",
}


def item_of(store: AgentStore, kind: TaskKind, *, corporate: bool | None = None) -> QueueItem:
    """The first cached queue item of a kind (and customer type, when given)."""
    snapshot = store.queue()
    assert snapshot is not None
    return next(
        item
        for item in snapshot.items
        if item.task.kind is kind
        and (corporate is None or (item.customer.type.value == "corporate") == corporate)
    )


async def quiet(pilot: Pilot[Any]) -> None:
    """Workers done, toasts gone (the app's own start notice included): snapshots picture only
    the screens themselves."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


async def open_call(app: RevisitApp, pilot: Pilot[Any], item: QueueItem) -> CallScreen:
    screen = CallScreen(item)
    app.push_screen(screen)
    await pilot.pause()
    return screen


async def settle(app: RevisitApp, pilot: Pilot[Any]) -> None:
    """Let workers (draft writes, submit) finish and their messages arrive."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def go_to(pilot: Pilot[Any], screen: CallScreen, kind: str) -> None:
    """Page down (or up) to the first step of a kind, as the agent would."""
    target = next(index for index, step in enumerate(screen.steps) if step.kind == kind)
    while screen.current.step != target:
        await pilot.press("pagedown" if screen.current.step < target else "pageup")


async def answer_rows(pilot: Pilot[Any], screen: CallScreen) -> None:
    """Answer every row of the current step with its first answer (confirmed / yes / 4)."""
    for row in list(screen.query_one(ScriptStepper).inputs.query(ChoiceRow)):
        row.focus()
        await pilot.press(FIRST_ANSWER[type(row)])


async def wrap_up(pilot: Pilot[Any], disposition_key: str) -> WrapUpScreen:
    await pilot.press("f10")
    await pilot.pause()
    wrap = pilot.app.screen
    assert isinstance(wrap, WrapUpScreen)
    await pilot.press(disposition_key)
    return wrap


def outcomes(store: AgentStore) -> list[Outcome]:
    return [i.model for i in store.pending() if isinstance(i.model, Outcome)]


def screen_text(app: RevisitApp) -> str:
    """What the terminal shows now, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def load_as_supervisor(server: Any, batch: ImportBatch, tasks: TaskBatch) -> dict[str, str]:
    """Import the customers and create the tasks on the real server as a new supervisor;
    answers that supervisor's headers."""
    boss = server.add_agent("boss", role=Role.SUPERVISOR)
    headers = {"Authorization": f"Bearer {boss}"}
    with httpx.Client(base_url=server.url, headers=headers) as http:
        http.post("/v1/import", json=batch.model_dump(mode="json")).raise_for_status()
        answer = http.post("/v1/tasks/bulk", json=tasks.model_dump(mode="json"))
        assert answer.status_code == 200, answer.text
    return headers
