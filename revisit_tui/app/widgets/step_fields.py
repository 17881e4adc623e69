"""Small building blocks of a script step's inputs: a text field named by its form path and
the inline message under it.

A text field is never reached by moving around (Tab, arrows, an answer): it is entered on
purpose (`enter`, bound to Enter on its row) and left by Enter or Escape, back to where the
agent came from. So a letter typed on a row is always an answer, and text always text."""

from __future__ import annotations

import re
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input

from revisit_tui.app.widgets.prose import Prose

_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def dom_id(path: str) -> str:
    """A widget id for a form path (`needs.loan.note` -> `needs-loan-note`)."""
    return _NOT_ID.sub("_", path.replace(".", "-"))


class FieldInput(Input):
    """A one-line text input whose `name` is the form path it fills. Focusable only while
    entered: Enter (submit) and Escape leave it for the widget it was entered from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "key.done", tooltip="hint.done", id="field.leave"),
    ]

    def __init__(self, path: str, value: str, placeholder: str, *, visible: bool = True) -> None:
        super().__init__(
            value=value, placeholder=placeholder, name=path, id=dom_id(path), select_on_focus=False
        )
        self.cursor_blink = False  # a blinking cursor repaints twice a second: thin clients
        self.display = visible
        self.can_focus = False
        self.origin: Widget | None = None

    def enter(self, origin: Widget | None) -> None:
        """Take the focus for typing; leaving gives it back to `origin`."""
        self.origin = origin
        self.can_focus = True
        self.screen.set_focus(self)  # at once: Widget.focus() waits behind the app's queue
        self.cursor_position = len(self.value)

    def action_leave(self) -> None:
        """Back to where the field was entered from (the screen itself when that is gone)."""
        origin = self.origin
        self.origin = None
        if origin is not None and origin.is_attached and origin.focusable:
            self.screen.set_focus(origin)
        else:
            self.screen.set_focus(None)

    def on_blur(self) -> None:
        self.can_focus = False

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if not self.has_focus:
            self.enter(self.screen.focused)


class FieldMessage(Prose):
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
            self.update(message or "")
            self.display = bool(message)
