"""Reveal one masked field on purpose: choose it by number, then confirm; the call screen
shows it and records the reveal for the audit."""

from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer

from revisit_tui.app.screens.base import LocalizedModal
from revisit_tui.app.widgets.customer_card import raw_value
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.domain.models import MaskedField, QueueItem


class RevealScreen(LocalizedModal[MaskedField | None]):
    """Dismisses with the field to reveal, or None when cancelled."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["../widgets/call_widgets.tcss", "call.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(n),
                f"pick({n})",
                "call.key.pick",
                key_display="1-4",
                show=n == 1,
                id=f"reveal.pick_{n}",
            )
            for n in range(1, len(MaskedField) + 1)
        ),
        Binding("y", "confirm", "call.key.confirm", id="reveal.confirm"),
        Binding("escape", "cancel", "key.back", id="reveal.back"),
    ]

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.fields = [field for field in MaskedField if raw_value(item, field) is not None]
        self.chosen: MaskedField | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="reveal-box"):
            yield Prose(id="reveal-title")
            yield Prose(id="reveal-choices")
            yield Prose(id="reveal-confirm")
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        t = self.t
        self.query_one("#reveal-title", Prose).update(t("call.reveal.title"))
        lines = [
            f"{n}  {t(f'call.card.{field.value}')}" for n, field in enumerate(self.fields, start=1)
        ]
        self.query_one("#reveal-choices", Prose).update("\n".join(lines))
        confirm = (
            t("call.reveal.confirm", field=t(f"call.card.{self.chosen.value}"))
            if self.chosen
            else t("call.reveal.choose", n=len(self.fields))
        )
        self.query_one("#reveal-confirm", Prose).update(confirm)

    def action_pick(self, number: int) -> None:
        """Choose the field with this number; it is revealed only after confirming."""
        if 1 <= number <= len(self.fields):
            self.chosen = self.fields[number - 1]
            self.relabel()

    def action_confirm(self) -> None:
        """Reveal the chosen field."""
        if self.chosen is not None:
            self.dismiss(self.chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
