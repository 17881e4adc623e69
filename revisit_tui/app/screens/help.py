"""Help: the focus model in three lines, then every key of every screen, dialog, answer row
and text field, generated from their BINDINGS so it cannot go stale."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from revisit_tui.app.keymap import KeyedBinding, all_bindings, keys_of
from revisit_tui.app.screens.base import LocalizedScreen
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.status_line import StatusLine


class HelpScreen(LocalizedScreen[None]):
    """A table of screen, key and action."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "key.back", tooltip="hint.back", id="help.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="help-title")
        yield Prose(id="help-model")
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
        self.query_one("#help-model", Prose).update(self.t("help.model"))
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column(self.t("help.screen"), width=14)
        table.add_column(self.t("help.key"), width=8)
        table.add_column(self.t("help.action"), width=50)
        section = ""
        for binding in all_bindings():
            title = self.t(binding.section) if binding.section != section else ""
            section = binding.section
            table.add_row(title, self._keys(binding), self.t(binding.description))

    def _keys(self, binding: KeyedBinding) -> str:
        """The keys as the footer shows them, after the user's keymap."""
        keys = keys_of(binding, self.shell.keymap)
        return " ".join(self.app.get_key_display(Binding(key, "")) for key in keys)

    def action_back(self) -> None:
        """Escape: close help."""
        self.dismiss(None)
