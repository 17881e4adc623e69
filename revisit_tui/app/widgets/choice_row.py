"""A focusable row of mutually exclusive answers, each chosen by a single key.

The call's common answers (confirmed / changed / could not verify, yes / no, 1–5) are one
keypress on the focused row; the row posts `ChoiceRow.Changed` and the screen records it. The
focus stays on the row: ↓/↑ (or Tab) move to the next row, Enter asks the screen to open the
row's text (`ChoiceRow.Write`) — an answer never moves the focus into a text field.
Each choice shows its key beside it on the row itself, so these keys stay out of the footer
(which keeps the screen's actions visible at 80 columns).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import App
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from revisit_tui.app.widgets.prose import break_content
from revisit_tui.domain.models import ClosureReason, Disposition

LABEL_CELLS = 14
DETAIL_CELLS = 18


class ChoiceRow(Widget, can_focus=True):
    """A label, an optional detail (e.g. a masked number) and the choices with their keys."""

    CHOICES: ClassVar[tuple[tuple[str, str, str], ...]] = ()
    """(key, value, locale key of the label) of each choice, in the order shown."""
    KIND: ClassVar[str] = "row"
    """The first part of its choices' binding ids (`contact.confirmed`)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "choice-row--key",
        "choice-row--selected",
        "choice-row--detail",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,tab", "app.focus_next", "help.row.next", show=False, id="row.next"),
        Binding(
            "up,shift+tab", "app.focus_previous", "help.row.previous", show=False, id="row.previous"
        ),
        Binding("enter", "write", "help.row.write", show=False, id="row.write"),
    ]

    WRAP: ClassVar[bool] = False
    """Whether the choices wrap onto more lines, broken by Prose's rule (rows with many long
    choices); other rows stay one line and end with "…" (call_widgets.tcss)."""

    value: reactive[str | None] = reactive(None, layout=True)

    class Changed(Message):
        """The agent chose an answer on a row; `path` names the form field."""

        def __init__(self, row: ChoiceRow, value: str) -> None:
            super().__init__()
            self.row = row
            self.path = row.path
            self.value = value

        @property
        def control(self) -> ChoiceRow:
            return self.row

    class Write(Message):
        """Enter on a row: the agent wants to type this row's text (a new value, a note)."""

        def __init__(self, row: ChoiceRow) -> None:
            super().__init__()
            self.row = row
            self.path = row.path

        @property
        def control(self) -> ChoiceRow:
            return self.row

    def __init__(
        self,
        path: str,
        label: str,
        value: str | None = None,
        *,
        detail: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.path = path
        self.label = label
        self.detail = detail
        self.set_reactive(ChoiceRow.value, value)

    def action_choose(self, value: str) -> None:
        """Choose an answer (bound to each choice's key)."""
        self.value = value
        self.post_message(self.Changed(self, value))

    def action_write(self) -> None:
        """Enter: open this row's text field (the screen knows which)."""
        self.post_message(self.Write(self))

    def render(self) -> Content:
        return self._content(self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._content(width).plain.count("\n") + 1

    def _content(self, width: int) -> Content:
        content = Content.from_rich_text(self._line(), self.app.console)
        return break_content(content, width) if self.WRAP else content

    def _line(self) -> Text:
        translate = getattr(self.app, "t", lambda key, **_: key)
        text = Text()
        if self.label:
            label = Text(self.label)
            label.truncate(LABEL_CELLS, pad=True)
            text.append_text(label)
        if self.detail:
            detail = Text(self.detail, style=self.get_component_rich_style("choice-row--detail"))
            detail.truncate(DETAIL_CELLS, pad=True)
            text.append_text(detail)
        key_style = self.get_component_rich_style("choice-row--key")
        selected_style = self.get_component_rich_style("choice-row--selected")
        keymap: dict[str, str] = getattr(self.app, "keymap", {})
        for key, value, label_key in self.CHOICES:
            label = translate(label_key)
            mark = "●" if value == self.value else "○"
            text.append(" ")
            shown = choice_key_display(self.app, keymap.get(f"{self.KIND}.{value}", key))
            if label != shown:
                text.append(shown, key_style)
            text.append(f"{mark}{label}", selected_style if value == self.value else "")
        return text


def choice_keys(kind: str, choices: tuple[tuple[str, str, str], ...]) -> list[BindingType]:
    """A row's bindings for its choices: each key chooses its value (id `<kind>.<value>`)."""
    return [
        Binding(key, f"choose('{value}')", label, show=False, id=f"{kind}.{value}")
        for key, value, label in choices
    ]


def choice_key_display(app: App[object], keys: str) -> str:
    """How a row shows the key(s) of a choice: as typed for one character, else as the
    footer names it (a keymap may bind a choice to `f12` or to two keys)."""
    return "/".join(
        key if len(key) == 1 else app.get_key_display(Binding(key, "")) for key in keys.split(",")
    )


class ContactChoice(ChoiceRow):
    """A contact point: confirmed (c), changed (x) or could not verify (u)."""

    CHOICES = (
        ("c", "confirmed", "call.choice.confirmed"),
        ("x", "changed", "call.choice.changed"),
        ("u", "unverified", "call.choice.unverified"),
    )
    KIND = "contact"
    BINDINGS: ClassVar[list[BindingType]] = choice_keys(KIND, CHOICES)


class TransactionChoice(ChoiceRow):
    """A flagged transaction, or a change of reserved information: confirmed (c), not me (n)
    or unsure (u)."""

    CHOICES = (
        ("c", "confirmed", "call.choice.confirmed"),
        ("n", "not_me", "call.choice.not_me"),
        ("u", "unsure", "call.choice.unsure"),
    )
    KIND = "transaction"
    BINDINGS: ClassVar[list[BindingType]] = choice_keys(KIND, CHOICES)


class YesNoChoice(ChoiceRow):
    """A yes (y) / no (n) answer: delivered? in use? interested?"""

    CHOICES = (("y", "yes", "call.choice.yes"), ("n", "no", "call.choice.no"))
    KIND = "yes_no"
    BINDINGS: ClassVar[list[BindingType]] = choice_keys(KIND, CHOICES)


class RatingChoice(ChoiceRow):
    """Satisfaction from 1 to 5 by the number keys."""

    CHOICES = tuple((str(n), str(n), f"call.choice.rating_{n}") for n in range(1, 6))
    KIND = "rating"
    BINDINGS: ClassVar[list[BindingType]] = choice_keys(KIND, CHOICES)


class ClosureReasonChoice(ChoiceRow):
    """Why the account was closed (seed 000 §一), by the number keys 1–4."""

    WRAP = True
    CHOICES = tuple(
        (str(n), reason.value, f"call.choice.closure_{reason.value}")
        for n, reason in enumerate(ClosureReason, start=1)
    )
    KIND = "closure_reason"
    BINDINGS: ClassVar[list[BindingType]] = choice_keys(KIND, CHOICES)


class DispositionChoice(ChoiceRow):
    """How the call ended, by the number keys 1–7."""

    WRAP = True
    CHOICES = tuple(
        (str(n), disposition.value, f"disposition.{disposition.value}")
        for n, disposition in enumerate(Disposition, start=1)
    )
    KIND = "disposition"
    BINDINGS: ClassVar[list[BindingType]] = choice_keys(KIND, CHOICES)


class CategoryChoice(ChoiceRow):
    """An escalation's category: product (p), service (s), policy (l), fraud (f), other (o)."""

    CHOICES = (
        ("p", "product", "call.category.product"),
        ("s", "service", "call.category.service"),
        ("l", "policy", "call.category.policy"),
        ("f", "fraud", "call.category.fraud"),
        ("o", "other", "call.category.other"),
    )
    KIND = "category"
    BINDINGS: ClassVar[list[BindingType]] = choice_keys(KIND, CHOICES)


class UrgencyChoice(ChoiceRow):
    """An escalation's urgency: urgent (u), high (h), normal (n), low (w)."""

    CHOICES = (
        ("u", "urgent", "call.urgency.urgent"),
        ("h", "high", "call.urgency.high"),
        ("n", "normal", "call.urgency.normal"),
        ("w", "low", "call.urgency.low"),
    )
    KIND = "urgency"
    BINDINGS: ClassVar[list[BindingType]] = choice_keys(KIND, CHOICES)
