"""The keys a script's texts name work where those texts are shown: the complaint, closure
and transfer hints say "press F6" during the call, and F6 was bound only on the wrap-up."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from textual.binding import Binding

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.app.screens.wrapup import WrapUpScreen
from revisit_tui.app.widgets.choice_row import CategoryChoice
from revisit_tui.callscripts import load_script
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import Language, TaskKind
from tests.app.call_helpers import item_of, open_call, settle

FUNCTION_KEY = re.compile(r"\bF(\d{1,2})\b")


def _keys(bindings: list[Binding]) -> set[str]:
    return {key.strip() for binding in bindings for key in binding.key.split(",")}


@pytest.mark.parametrize("locale", list(Language))
def test_every_function_key_a_script_names_is_bound_on_the_call_screen(locale: Language) -> None:
    bound = _keys([*CallScreen.BINDINGS, *RevisitApp.BINDINGS])  # type: ignore[list-item]
    named = {}
    for kind in TaskKind:
        for step in load_script(kind, locale).steps:
            texts = [step.prompt, step.hint, *step.item_prompts.values()]
            for number in FUNCTION_KEY.findall(" ".join(texts)):
                named.setdefault(f"f{number}", f"{kind.value}/{step.id}")
    assert "f6" in named  # the scripts do send the agent to F6
    assert {key: where for key, where in named.items() if key not in bound} == {}


@pytest.mark.anyio
async def test_f6_on_the_call_opens_a_new_escalation_and_esc_comes_back_with_it_kept(
    app_factory: Callable[..., RevisitApp], store: AgentStore
) -> None:
    app = app_factory(locale="zh-CN")
    item = item_of(store, TaskKind.SPECIAL_EVENT)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_call(app, pilot, item)
        await pilot.press("f6")
        await settle(app, pilot)
        wrap = app.screen
        assert isinstance(wrap, WrapUpScreen)
        assert len(screen.current.escalations) == 1
        assert isinstance(app.focused, CategoryChoice)  # the new escalation's first row
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen
        draft = store.draft(item.task.id)
        assert draft is not None and len(draft["escalations"]) == 1
