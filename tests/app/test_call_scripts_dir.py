"""A bank edits its call scripts without a release: `[ui] scripts_dir` points at an edited copy,
and the call screen reads the words from there. A broken copy stops the start with every
problem (path:line); it never fails a call."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.command import build_app
from revisit_tui.callscripts import SHIPPED, ScriptsBroken
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


def edited_copy(tmp_path: Path) -> Path:
    edited = tmp_path / "scripts"
    for locale in ("en", "zh-CN"):
        shutil.copytree(SHIPPED / locale, edited / locale)
    return edited


def test_a_broken_edited_script_refuses_the_start_with_every_problem(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = edited_copy(tmp_path)
    periodic = edited / "zh-CN" / "periodic.toml"
    text = periodic.read_text(encoding="utf-8").replace("是{landline}吗", "是{fixed_line}吗")
    periodic.write_text(text, encoding="utf-8")
    closure = edited / "en" / "closure.toml"
    lines = closure.read_text(encoding="utf-8").splitlines()
    unclosed = next(n for n, row in enumerate(lines) if row.startswith("title = "))
    lines[unclosed] = 'title = "Closure'
    closure.write_text("\n".join(lines), encoding="utf-8")
    custom = settings.model_copy(update={"ui": UiSettings(scripts_dir=str(edited))})

    assert build_app(custom, "en") == 2
    err = capsys.readouterr().err
    assert f"The call scripts in {edited} cannot be used" in err
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "{fixed_line}" in row)
    assert f"  {periodic}:{line}: " in err and "unknown placeholder {fixed_line}" in err
    assert f"  {closure}:{unclosed + 1}: not valid TOML" in err
    with pytest.raises(ScriptsBroken):  # an app built any other way refuses too
        RevisitApp(custom, None, None, locale="en")


async def test_a_script_broken_after_the_start_does_not_fail_a_call(
    app_factory: Callable[..., RevisitApp], store: AgentStore, settings: Settings, tmp_path: Path
) -> None:
    edited = edited_copy(tmp_path)
    periodic = edited / "en" / "periodic.toml"
    text = periodic.read_text(encoding="utf-8")
    periodic.write_text(text.replace("Hello, this is", "Good day, this is"), encoding="utf-8")
    custom = settings.model_copy(update={"ui": UiSettings(scripts_dir=str(edited))})

    app = app_factory(locale="en", settings=custom)
    periodic.write_text("kind = [", encoding="utf-8")  # edited again while agents work
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_call(app, pilot, item_of(store, TaskKind.PERIODIC))
        await settle(app, pilot)
        assert "Good day, this is Agent One" in screen_text(app)
