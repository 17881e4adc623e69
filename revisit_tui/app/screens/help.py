"""Help: the focus model in three lines, then every key of every screen, dialog, answer row
and text field, generated from their BINDINGS so it cannot go stale."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from revisit_tui.app.screens.base import LocalizedScreen
from revisit_tui.app.widgets.status_line import StatusLine

# (locale key of the section, module, class); a screen not built yet is skipped
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("help.app", "revisit_tui.app.app", "RevisitApp"),
    ("help.queue", "revisit_tui.app.screens.queue", "QueueScreen"),
    ("help.myday", "revisit_tui.app.screens.myday", "MyDayScreen"),
    ("help.resubmit", "revisit_tui.app.screens.myday", "ResubmitScreen"),
    ("help.signin", "revisit_tui.app.screens.signin", "SignInScreen"),
    ("help.help", "revisit_tui.app.screens.help", "HelpScreen"),
    ("help.call", "revisit_tui.app.screens.call", "CallScreen"),
    ("help.wrapup", "revisit_tui.app.screens.wrapup", "WrapUpScreen"),
    ("help.sms", "revisit_tui.app.screens.sms", "SmsScreen"),
    ("help.reveal", "revisit_tui.app.screens.reveal", "RevealScreen"),
    ("help.rows", "revisit_tui.app.widgets.choice_row", "ChoiceRow"),
    ("help.contact_row", "revisit_tui.app.widgets.choice_row", "ContactChoice"),
    ("help.transaction_row", "revisit_tui.app.widgets.choice_row", "TransactionChoice"),
    ("help.yes_no_row", "revisit_tui.app.widgets.choice_row", "YesNoChoice"),
    ("help.rating_row", "revisit_tui.app.widgets.choice_row", "RatingChoice"),
    ("help.disposition_row", "revisit_tui.app.widgets.choice_row", "DispositionChoice"),
    ("help.category_row", "revisit_tui.app.widgets.choice_row", "CategoryChoice"),
    ("help.urgency_row", "revisit_tui.app.widgets.choice_row", "UrgencyChoice"),
    ("help.field", "revisit_tui.app.widgets.step_fields", "FieldInput"),
)


def section_bindings() -> Iterator[tuple[str, list[Binding]]]:
    """(section key, the bindings its class declares) for every screen that exists."""
    for title, module_name, class_name in SECTIONS:
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError):
            continue
        yield title, list(Binding.make_bindings(cls.__dict__.get("BINDINGS", [])))


class HelpScreen(LocalizedScreen[None]):
    """A table of screen, key and action."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "key.back", tooltip="hint.back"),
        Binding("q", "back", "key.back", show=False, tooltip="hint.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="help-title")
        yield Static(id="help-model")
        yield DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
        yield StatusLine()
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.relabel()
        self.set_focus(self.query_one(DataTable))

    def relabel(self) -> None:
        self.query_one("#help-title", Static).update(
            self.t("app.title") + " · " + self.t("help.title")
        )
        self.query_one("#help-model", Static).update(self.t("help.model"))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column(self.t("help.screen"), width=14)
        table.add_column(self.t("help.key"), width=8)
        table.add_column(self.t("help.action"), width=50)
        for title, bindings in section_bindings():
            section = self.t(title)
            for binding in bindings:
                table.add_row(
                    section, self._keys(binding), self.t(binding.tooltip or binding.description)
                )
                section = ""

    def _keys(self, binding: Binding) -> str:
        return " ".join(
            self.app.get_key_display(Binding(key, binding.action)) for key in binding.key.split(",")
        )

    def action_back(self) -> None:
        """Escape: close help."""
        self.dismiss(None)
