"""F2 switches the language live on every open screen; help lists every screen's keys; the
command palette offers the main actions in the current language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList

from revisit_tui.app import i18n
from revisit_tui.app.app import RevisitApp
from revisit_tui.app.i18n import catalog, translate
from revisit_tui.app.screens.queue import QueueScreen
from tests.app.test_shell_queue import screen_text

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]


def test_every_ui_string_exists_in_both_languages() -> None:
    shell_keys = lambda locale: {k for k in catalog(locale) if not k.startswith("call.")}  # noqa: E731
    assert shell_keys("zh-CN") == shell_keys("en")


def test_part_files_are_merged_over_the_main_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "en.toml").write_text('[a]\nb = "main"\nc = "kept"\n', encoding="utf-8")
    (tmp_path / "call.en.toml").write_text('[a]\nb = "part"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.catalog.cache_clear()
    try:
        assert translate("en", "a.b") == "part"
        assert translate("en", "a.c") == "kept"
        assert translate("zh-CN", "a.c") == "kept", "zh-CN falls back to English"
    finally:
        i18n.catalog.cache_clear()


def test_missing_keys_fall_back_to_english_then_to_the_key() -> None:
    assert translate("fr", "queue.title") == "Queue"
    assert translate("zh-CN", "no.such.key") == "no.such.key"
    assert translate("en", "queue.count", shown=1, total=2) == "1 of 2 tasks"


async def test_f2_switches_language_live_on_every_screen(app_factory: AppFactory) -> None:
    app = app_factory(locale="zh-CN")
    async with app.run_test(size=(80, 24)) as pilot:
        text = screen_text(app)
        assert "任务队列" in text and "呼叫" in text and "新开户" in text
        await pilot.press("f1")  # help on top of the queue
        await pilot.press("f2")
        assert app.locale == "en"
        assert "Keys" in screen_text(app) and "Back" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        text = screen_text(app)
        assert "Queue" in text and "Call" in text and "New acct" in text, "the queue re-rendered"
        assert "任务队列" not in text
        assert text.splitlines()[-2].rstrip().endswith("EN"), "the status line names the locale"
        await pilot.press("f2")
        assert "任务队列" in screen_text(app)


async def run_from_palette(pilot: Any, text: str) -> None:
    """Open the palette, type, wait for the search to list a hit, run the first one."""
    await pilot.press("ctrl+p", *text)
    for _ in range(100):
        await pilot.pause(0.05)
        hits = pilot.app.screen.query(CommandList)
        if hits and hits.first().option_count:
            break
    await pilot.press("enter")
    await pilot.pause()


async def test_palette_offers_the_main_actions_and_runs_them(app_factory: AppFactory) -> None:
    app = app_factory(locale="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await run_from_palette(pilot, "overdue")
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert queue.queue_filter.overdue_only
        await run_from_palette(pilot, "my day")
        assert type(app.screen).__name__ == "MyDayScreen"
