"""80×24 snapshots of the shell's screens in both languages (fixed clock, fixed data)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import Disposition, Outcome
from tests.app.call_helpers import quiet
from tests.app.factory import AGENT_ID, NOW

AppFactory = Callable[..., RevisitApp]
SIZE = (80, 24)
LOCALES = ["zh-CN", "en"]


@pytest.mark.parametrize("locale", LOCALES)
def test_queue(snap_compare: Any, app_factory: AppFactory, locale: str) -> None:
    assert snap_compare(app_factory(locale=locale), terminal_size=SIZE, run_before=quiet)


@pytest.mark.parametrize("locale", LOCALES)
def test_queue_filtered(snap_compare: Any, app_factory: AppFactory, locale: str) -> None:
    app = app_factory(locale=locale)
    assert snap_compare(app, press=["k", "o", "down"], terminal_size=SIZE, run_before=quiet)


@pytest.mark.parametrize("locale", LOCALES)
def test_sign_in(snap_compare: Any, app_factory: AppFactory, locale: str) -> None:
    app = app_factory(locale=locale, store=None, agent=None)
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("locale", LOCALES)
def test_my_day(snap_compare: Any, app_factory: AppFactory, store: AgentStore, locale: str) -> None:
    for n in (1, 2):
        store.submit(
            Outcome(
                id=UUID(int=n),
                task_id=f"K{n:05d}",
                agent_id=AGENT_ID,
                started_at=NOW - timedelta(minutes=4),
                ended_at=NOW,
                disposition=Disposition.NO_ANSWER,
            )
        )
    store.mark_needs_attention(str(UUID(int=2)), "task K00002 is closed", 422)
    app = app_factory(locale=locale)
    assert snap_compare(app, press=["d"], terminal_size=SIZE, run_before=quiet)


@pytest.mark.parametrize("locale", LOCALES)
def test_help(snap_compare: Any, app_factory: AppFactory, locale: str) -> None:
    assert snap_compare(
        app_factory(locale=locale), press=["f1"], terminal_size=SIZE, run_before=quiet
    )
