"""Bindings have ids, a `[keymap]` in the config rebinds them (as Posting does), every F-key
has a letter or Ctrl alternative, and help lists every key of every screen and dialog — after
the keymap — generated from the bindings."""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import DataTable

import revisit_tui.app
from revisit_tui import checkconfig
from revisit_tui.app.app import RevisitApp
from revisit_tui.app.command import build_app
from revisit_tui.app.i18n import translate
from revisit_tui.app.keymap import (
    SECTIONS,
    active_groups,
    all_bindings,
    keymap_problems,
    reference,
)
from revisit_tui.app.screens.help import HelpScreen
from revisit_tui.app.screens.identity import IdentityCheckScreen
from revisit_tui.app.screens.queue import QueueScreen
from revisit_tui.app.screens.sms import SmsScreen
from revisit_tui.app.screens.wrapup import WrapUpScreen
from revisit_tui.app.widgets.choice_row import CategoryChoice, ContactChoice
from revisit_tui.client.store import AgentStore
from revisit_tui.config import Settings
from revisit_tui.domain.models import TaskKind
from tests.app.call_helpers import go_to, item_of, open_call, screen_text, settle
from tests.app.test_call_keyboard import step_rows

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]
DOCS = Path(__file__).parents[2] / "docs" / "keys.md"
NAVIGATION = frozenset({"enter", "escape", "tab", "shift+tab", "up", "down"})


def bound_classes_of_the_package() -> set[type]:
    """Every class in revisit_tui.app that declares bindings of its own."""
    found = set()
    for module_info in pkgutil.walk_packages(revisit_tui.app.__path__, "revisit_tui.app."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            ours = cls.__module__ == module.__name__ and issubclass(cls, DOMNode | RevisitApp)
            if ours and cls.__dict__.get("BINDINGS"):
                found.add(cls)
    return found


def test_every_binding_has_an_id_and_help_knows_its_class() -> None:
    listed = {(module, name) for _section, module, name in SECTIONS}
    for cls in bound_classes_of_the_package():
        assert (cls.__module__, cls.__name__) in listed, f"{cls.__name__} is missing from help"
        for binding in Binding.make_bindings(cls.BINDINGS):
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
    ids = [binding.id for binding in all_bindings()]
    assert len(ids) == len(set(ids)), "one id names one binding"


def test_every_f_key_has_a_letter_or_ctrl_alternative() -> None:
    for binding in all_bindings():
        if any(key.startswith("f") and key[1:].isdigit() for key in binding.keys):
            others = [key for key in binding.keys if not key[1:].isdigit()]
            assert others, f"{binding.id} is only {binding.keys}"


def test_the_default_keys_clash_only_where_a_widget_overrides_navigation() -> None:
    for group in active_groups():
        seen: dict[str, str] = {}
        for binding in group:
            for key in binding.keys:
                if key in seen and key not in NAVIGATION:
                    pytest.fail(f"{key!r} is both {seen[key]} and {binding.id}")
                seen[key] = binding.id


def test_the_key_reference_in_docs_is_generated_from_the_bindings() -> None:
    assert DOCS.read_text(encoding="utf-8") == reference(), (
        "run: python -m revisit_tui.app.keymap > docs/keys.md"
    )


def test_a_bad_keymap_is_refused_with_every_problem() -> None:
    problems = keymap_problems(
        {
            "call.wrapup": "f12",
            "call.card": "ctrl+zz",
            "call.reveal": "f4,",
            "call.wrap_up": "c",
            "app.help": "?",
        }
    )
    assert problems == [
        "keymap.call.wrapup: no such binding (the ids are listed in docs/keys.md)",
        "keymap.call.card: 'ctrl+zz' is not a key name",
        "keymap.call.reveal: an empty key in 'f4,'",
        "keymap.call.wrap_up: 'c' is already bound to contact.confirmed",
        "keymap.call.wrap_up: 'c' is already bound to transaction.confirmed",
    ]
    assert keymap_problems({"call.wrap_up": "f12,z", "app.locale": "f2"}) == []


def test_a_key_that_works_in_text_fields_cannot_be_a_typing_key() -> None:
    """F6 (escalate) works inside the wrap-up's notes: remapped to a letter, that letter would
    open an escalation instead of being typed into the note."""
    assert keymap_problems({"wrapup.add_escalation": "f12,x", "call.next": "space"}) == [
        "keymap.wrapup.add_escalation: 'x' types a character, and this key works inside text"
        " fields (notes would lose it): use an F-key or a Ctrl/Alt combination",
        "keymap.call.next: 'space' types a character, and this key works inside text"
        " fields (notes would lose it): use an F-key or a Ctrl/Alt combination",
    ]
    assert keymap_problems({"wrapup.add_escalation": "f12,ctrl+x", "call.wrap_up": "z"}) == []


def test_the_app_does_not_start_on_a_bad_keymap(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = settings.model_copy(update={"keymap": {"queue.open": "s"}})
    assert build_app(bad, "en", offline=True) == 2
    assert "keymap.queue.open: 's' is already bound to queue.sms" in capsys.readouterr().err


async def test_the_keymap_rebinds_keys_on_screens_rows_and_in_help(
    app_factory: AppFactory, settings: Settings, store: AgentStore
) -> None:
    keymap = {"call.wrap_up": "f12,z", "contact.confirmed": "k", "app.help": "f11"}
    app = app_factory(locale="en", settings=settings.model_copy(update={"keymap": keymap}))
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await go_to(pilot, screen, "contact_check")
        row = step_rows(screen)[0]
        assert isinstance(row, ContactChoice)
        text = screen_text(app)
        assert "k○Confirmed" in text and "c○Confirmed" not in text, "rows show the new key"
        await pilot.press("c")
        assert row.value is None, "c no longer answers"
        await pilot.press("k")
        assert row.value == "confirmed"
        await pilot.press("w")
        assert app.screen is screen, "w no longer wraps up"
        await pilot.press("z")
        await settle(app, pilot)
        assert isinstance(app.screen, WrapUpScreen)
        await pilot.press("f1")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f11")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = help_rows(help_screen)
        assert ("f12 z", translate("en", "call.hint.wrap_up")) in rows
        assert ("k", translate("en", "call.choice.confirmed")) in rows


def help_rows(screen: HelpScreen) -> set[tuple[str, str]]:
    table = screen.query_one(DataTable)
    return {tuple(map(str, table.get_row_at(i)[1:])) for i in range(table.row_count)}  # type: ignore[misc]


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
async def test_help_lists_every_key_of_every_screen_and_dialog(
    app_factory: AppFactory, locale: str
) -> None:
    app = app_factory(locale=locale)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        rows = help_rows(screen)
        for binding in all_bindings():
            keys = " ".join(app.get_key_display(Binding(key, "")) for key in binding.keys)
            assert (keys, translate(locale, binding.description)) in rows, binding.id
        sections = {str(screen.query_one(DataTable).get_row_at(i)[0]) for i in range(len(rows))}
        assert translate(locale, "help.reveal") in sections
        assert translate(locale, "help.identity") in sections
        await pilot.press("ctrl+end")
        table = screen.query_one(DataTable)
        assert table.cursor_row == table.row_count - 1
        assert table.scroll_offset.y > 0, "help scrolls to its last row at 80x24"


async def test_the_letter_alternatives_of_the_f_keys_work(
    app_factory: AppFactory, store: AgentStore
) -> None:
    app = app_factory(locale="en")
    item = item_of(store, TaskKind.PERIODIC)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("t")
        assert app.locale == "zh-CN"
        await pilot.press("t")
        screen = await open_call(app, pilot, item)
        await pilot.press("v")
        assert isinstance(app.screen, IdentityCheckScreen)
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("w", "2")  # no answer: an SMS may follow
        wrap = app.screen
        assert isinstance(wrap, WrapUpScreen)
        await pilot.press("e")
        assert len(wrap.query(CategoryChoice)) == 1
        await pilot.press("d")
        await settle(app, pilot)
        assert len(wrap.query(CategoryChoice)) == 0
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, SmsScreen)


def test_check_config_lists_the_keymap_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[keymap]\n"call.wrapup" = "f12"\n', encoding="utf-8")
    assert checkconfig.run(argparse.Namespace(file=str(config), config=None, scripts=None)) == 1
    assert "keymap.call.wrapup: no such binding" in capsys.readouterr().out
