"""A bank edits its call scripts without a release: `[ui] scripts_dir` points at an edited copy,
and the call screen reads the words from there."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.callscripts import SHIPPED
from revisit_tui.client.store import AgentStore
from revisit_tui.config import Settings, UiSettings
from revisit_tui.domain.models import TaskKind
from tests.app.call_helpers import item_of, open_call, screen_text, settle

pytestmark = pytest.mark.anyio


async def test_the_call_screen_reads_the_banks_edited_scripts(
    app_factory: Callable[..., RevisitApp], store: AgentStore, settings: Settings, tmp_path: Path
) -> None:
    edited = tmp_path / "scripts"
    shutil.copytree(SHIPPED / "en", edited / "en")
    shutil.copytree(SHIPPED / "zh-CN", edited / "zh-CN")
    periodic = edited / "en" / "periodic.toml"
    text = periodic.read_text(encoding="utf-8")
    text = text.replace("Hello, this is {agent_name}", "Good day, {agent_name} speaking")
    periodic.write_text(text, encoding="utf-8")
    custom = settings.model_copy(update={"ui": UiSettings(scripts_dir=str(edited))})

    app = app_factory(locale="en", settings=custom)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_call(app, pilot, item_of(store, TaskKind.PERIODIC))
        await settle(app, pilot)
        assert "Good day, Agent One speaking" in screen_text(app)
