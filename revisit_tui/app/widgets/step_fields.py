"""Small building blocks of a script step's inputs: a text field named by its form path and
the inline message under it."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Input, Static

_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def dom_id(path: str) -> str:
    """A widget id for a form path (`contact.mobile.value` -> `contact-mobile-value`)."""
    return _NOT_ID.sub("_", path.replace(".", "-"))


class FieldInput(Input):
    """A one-line text input whose `name` is the form path it fills; up/down leave it for the
    row above or below, as on the choice rows."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "app.focus_next", show=False),
        Binding("up", "app.focus_previous", show=False),
    ]

    def __init__(self, path: str, value: str, placeholder: str, *, visible: bool = True) -> None:
        super().__init__(
            value=value, placeholder=placeholder, name=path, id=dom_id(path), select_on_focus=False
        )
        self.display = visible


class FieldMessage(Static):
    """The inline message of one form path: empty when the value is fine."""

    def __init__(self, path: str) -> None:
        super().__init__("", id="problem-" + dom_id(path), classes="field-message")
        self.path = path
        self.message: str | None = None
        self.display = False

    def show(self, message: str | None) -> None:
        """Show the message, or hide the line when there is none (no refresh if unchanged)."""
        if message != self.message:
            self.message = message
            self.update(Text(message or ""))
            self.display = bool(message)
