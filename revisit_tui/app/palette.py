"""Command palette entries (Ctrl+P) for the main actions, in the current language."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (locale key of the label, action; unprefixed actions run on the screen the palette was opened on)
APP_COMMANDS = (
    ("palette.sync", "app.sync_now"),
    ("palette.locale", "app.switch_locale"),
    ("palette.myday", "app.my_day"),
    ("palette.help", "app.help"),
    ("palette.quit", "app.quit"),
)
QUEUE_COMMANDS = (
    ("palette.refresh", "refresh"),
    ("palette.filter_kind", "cycle_kind"),
    ("palette.filter_overdue", "toggle_overdue"),
    ("palette.filter_callable", "toggle_callable"),
    ("palette.search", "search"),
)


class ShellCommands(Provider):
    """The app's main actions; queue actions appear when the palette is opened on the queue."""

    def _commands(self) -> list[tuple[str, str]]:
        app: Any = self.app
        commands = list(APP_COMMANDS)
        if type(self.screen).__name__ == "QueueScreen":
            commands = list(QUEUE_COMMANDS) + commands
        return [(app.t(key), action) for key, action in commands]

    async def discover(self) -> Hits:
        for label, action in self._commands():
            yield DiscoveryHit(label, partial(self.app.run_action, action, self.screen))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, action in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(self.app.run_action, action, self.screen),
                    text=label,
                )
