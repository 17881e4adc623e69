"""The status line at the bottom of every screen: connection, outbox, last sync, locale.

It only reads `app.figures` and `app.locale` (attributes down); the sync worker never
touches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from textual.content import Content
from textual.widgets import Static


@dataclass(frozen=True)
class SyncFigures:
    """What the status line shows; built from the client's SyncState or the store offline."""

    online: bool | None  # None: no answer from the server yet
    offline_since: datetime | None = None
    pending: int = 0
    last_sync: datetime | None = None
    attention: int = 0
    refused: str = ""  # the server answered but refused the round (e.g. a revoked token)
    trouble: str = ""  # why offline or refused: a client.sync.Trouble value, "" if unknown
    syncing: bool = False  # a round is in flight: `pending` is the store's count right now
    disk: bool = False  # the last local write failed (the message said what and where)


def clock_text(at: datetime) -> str:
    """HH:MM in the agent's local time."""
    return at.astimezone().strftime("%H:%M")


def status_text(figures: SyncFigures, translate: Any, locale_name: str) -> str:
    """The status line's text, short enough for 80 columns in both languages."""
    if figures.online is None:
        connection = translate("status.connecting")
    elif figures.online and figures.refused:
        other = figures.trouble == "other_server"
        connection = "⚠ " + translate("status.other_server" if other else "status.refused")
    elif figures.online:
        connection = "● " + translate("status.online")
    elif figures.offline_since is not None:
        connection = "○ " + translate(
            "status.offline_since", time=clock_text(figures.offline_since)
        )
    else:
        connection = "○ " + translate("status.offline")
    if figures.online is False and figures.trouble:
        connection += " (" + translate(f"status.why_{figures.trouble}") + ")"
    if figures.syncing:
        connection += " ⟳"
    if figures.disk:
        connection = "⚠ " + translate("status.disk") + " │ " + connection
    synced = (
        translate("status.last_sync", time=clock_text(figures.last_sync))
        if figures.last_sync
        else translate("status.never_synced")
    )
    parts = [connection, translate("status.pending", n=figures.pending), synced]
    if figures.attention:
        parts.append(translate("status.attention", n=figures.attention))
    parts.append(locale_name)
    return " │ ".join(parts)


class StatusLine(Static):
    """Always-visible connection and sync summary; compose one in every screen."""

    def on_mount(self) -> None:
        self.watch(self.app, "figures", self._show, init=True)
        self.watch(self.app, "locale", self._show, init=False)

    def _show(self, _value: object = None) -> None:
        app: Any = self.app
        figures = app.figures
        self.set_class(figures.online is False or bool(figures.refused) or figures.disk, "-offline")
        self.set_class(figures.attention > 0, "-attention")
        self.update(Content(status_text(figures, app.t, app.t("app.locale_name"))))
