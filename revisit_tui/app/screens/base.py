"""The base of every app screen: footer labels translated live, texts re-rendered on F2.

Binding descriptions are locale keys (`key.back`); the footer shows their translation. A
screen overrides `relabel()` to refresh its own texts when the language changes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import events
from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets._toast import ToastRack

from revisit_tui.app.messages import LocaleChanged
from revisit_tui.app.widgets.toast import ProseToastRack

if TYPE_CHECKING:
    from revisit_tui.app.app import RevisitApp

ResultType = TypeVar("ResultType")


class LocalizedScreen(Screen[ResultType]):
    """A screen whose footer and texts follow the app's locale."""

    @property
    def shell(self) -> RevisitApp:
        """The app, typed."""
        return cast("RevisitApp", self.app)

    def t(self, key: str, **params: Any) -> str:
        """Translate through the app."""
        return self.shell.t(key, **params)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translated_bindings(self, super().active_bindings)

    async def handle_key(self, event: events.Key) -> bool:
        """A key no widget took runs its binding here, on the screen, rather than in the
        app's queue behind keys typed later (see `RevisitApp.on_event`)."""
        if await super().handle_key(event):
            return True
        event.stop()
        return await self.app._check_bindings(event.key)

    def _extend_compose(self, widgets: list[Widget]) -> None:
        """Textual's own widgets, with the app's toast rack in place of Textual's: its toasts
        break Chinese lines as Prose does."""
        super()._extend_compose(widgets)
        widgets[:] = [
            ProseToastRack(id=widget.id) if type(widget) is ToastRack else widget
            for widget in widgets
        ]

    def save_before_quit(self) -> None:
        """The agent quits (Ctrl+Q): start the durable writes of what this screen holds, in
        workers of a group the app waits for (`QUIT_WAITS_FOR`)."""

    def on_locale_changed(self, message: LocaleChanged) -> None:
        self.relabel()
        self.refresh_bindings()

    def relabel(self) -> None:
        """Re-render this screen's texts in the app's current locale."""


class LocalizedModal(LocalizedScreen[ResultType], ModalScreen[ResultType]):
    """A modal screen whose footer and texts follow the app's locale."""


def translated_bindings(
    screen: Screen[Any], bindings: dict[str, ActiveBinding]
) -> dict[str, ActiveBinding]:
    """The screen's active bindings with each description translated (a key, or plain text)."""
    translate = getattr(screen.app, "t", None)
    if translate is None:
        return bindings
    return {
        key: active._replace(
            binding=replace(
                active.binding,
                description=translate(active.binding.description),
                tooltip=translate(active.binding.tooltip) if active.binding.tooltip else "",
            ),
            tooltip=translate(active.tooltip) if active.tooltip else "",
        )
        for key, active in bindings.items()
    }
