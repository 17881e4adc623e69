"""The wallboard app: polls GET /v1/wallboard with its ETag, shows the last good board.

A worker thread asks the server (If-None-Match: the board's ETag) and saves the snapshot;
it posts what it got and the handlers change what is shown. Between answers, and while the
server cannot be reached, the last board stays on screen with the time it was last true.
At 80×24 one pane shows at a time (1, 2, 3); a screen of 160×40 or more shows all three.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, cast
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Container
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from revisit_tui.app.i18n import next_locale, translate
from revisit_tui.client.api import ApiError, Unreachable
from revisit_tui.client.durable import CorruptFile, DiskError
from revisit_tui.domain.wallboard import Wallboard
from revisit_tui.wallboard import snapshot
from revisit_tui.wallboard.panes import AgentsPane, EscalationsPane, OverviewPane
from revisit_tui.wallboard.snapshot import Snapshot

Fetch = Callable[[str, str | None], tuple[Wallboard | None, str | None]]
PANES = ("overview", "agents", "escalations")
WIDE = (160, 40)  # columns, rows from which every pane is on screen


def utc_now() -> datetime:
    return datetime.now(UTC)


class BoardArrived(Message):
    """The server answered: the board now (a new one, or the same one confirmed by a 304)."""

    def __init__(self, current: Snapshot, save_error: str) -> None:
        super().__init__()
        self.current = current
        self.save_error = save_error


class BoardFailed(Message):
    """The server could not be asked (`refused`: it answered with a refusal)."""

    def __init__(self, reason: str, refused: bool) -> None:
        super().__init__()
        self.reason = reason
        self.refused = refused


class WallboardScreen(Screen[None]):
    """The one screen: a status line, the panes, the footer (labels in the app's locale)."""

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Container(id="panes"):
            yield OverviewPane(id="overview", classes="pane -current")
            yield AgentsPane(id="agents-pane", classes="pane")
            yield EscalationsPane(id="escalations-pane", classes="pane")
        yield Footer()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's labels in the app's locale (descriptions are locale keys)."""
        t = cast("WallboardApp", self.app).t
        return {
            key: active._replace(
                binding=replace(active.binding, description=t(active.binding.description))
            )
            for key, active in super().active_bindings.items()
        }

    def on_mount(self) -> None:
        cast("WallboardApp", self.app).begin()


class WallboardApp(App[None]):
    """The live wallboard of one server, in the centre's time zone."""

    CSS_PATH = "wallboard.tcss"
    TITLE = "Revisit wallboard"
    ENABLE_COMMAND_PALETTE = False  # six keys, all in the footer
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "show('overview')", "wallboard.key.overview", id="wallboard.overview"),
        Binding("2", "show('agents')", "wallboard.key.agents", id="wallboard.agents"),
        Binding(
            "3", "show('escalations')", "wallboard.key.escalations", id="wallboard.escalations"
        ),
        Binding("r,f5", "refresh", "wallboard.key.refresh", id="wallboard.refresh"),
        Binding("f2,t", "switch_locale", "wallboard.key.locale", id="wallboard.locale"),
        Binding("ctrl+q,q", "quit", "wallboard.key.quit", id="wallboard.quit"),
    ]

    def __init__(
        self,
        fetch: Fetch,
        *,
        timezone: str,
        locale: str,
        refresh_seconds: float,
        snapshot_file: Path,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__()
        self.fetch = fetch
        self.timezone = timezone
        self.zone = ZoneInfo(timezone)
        self.locale = locale
        self.refresh_seconds = refresh_seconds
        self.snapshot_file = snapshot_file
        self.clock = clock
        self.current: Snapshot | None = None
        self.state = "connecting"  # connecting, online, offline (unreachable) or refused
        self.reason = ""  # why the last ask failed
        self.problem = ""  # the snapshot file's trouble

    def t(self, key: str, **params: Any) -> str:
        return translate(self.locale, key, **params)

    def get_default_screen(self) -> Screen[Any]:
        return WallboardScreen()

    def begin(self) -> None:
        """Show the last snapshot, then ask the server now and every refresh period."""
        try:
            self.current = snapshot.load(self.snapshot_file)
        except CorruptFile as exc:
            self.problem = self.t("wallboard.snapshot_corrupt", reason=exc.reason)
        except DiskError as exc:
            self.problem = str(exc)
        self.render_board()
        self.ask()
        self.set_interval(self.refresh_seconds, self.ask)

    def on_resize(self) -> None:
        wide = self.size.width >= WIDE[0] and self.size.height >= WIDE[1]
        self.screen.set_class(wide, "-wide")

    # --- asking the server ------------------------------------------------------------------

    def ask(self) -> None:
        """Ask for the board now (one request at a time: a slow answer is not piled on)."""
        if not self.workers or all(w.group != "poll" or w.is_finished for w in self.workers):
            self._poll_worker(self.current)

    @work(thread=True, exit_on_error=False, group="poll")
    def _poll_worker(self, known: Snapshot | None) -> None:
        """One conditional GET; on an answer, the snapshot is saved here (off the UI). The
        request runs on a daemon thread this worker stops waiting for when the app quits:
        a hung server never holds the terminal for its timeout."""
        answer: list[tuple[Wallboard | None, str | None]] = []
        failure: list[Exception] = []
        finished = threading.Event()

        def ask_server() -> None:
            try:
                answer.append(self.fetch(self.timezone, known.etag if known else None))
            except (ApiError, Unreachable) as exc:
                failure.append(exc)
            finally:
                finished.set()

        threading.Thread(target=ask_server, name="wallboard-poll", daemon=True).start()
        worker = get_current_worker()
        while not finished.wait(0.1):
            if worker.is_cancelled:
                return
        if failure:
            exc = failure[0]
            if isinstance(exc, ApiError):
                self.post_message(BoardFailed(exc.reason, refused=True))
            else:
                self.post_message(BoardFailed(str(exc), refused=False))
            return
        board, etag = answer[0]
        if board is None:
            if known is None:
                self.post_message(BoardFailed("HTTP 304 without a board asked for", True))
                return
            board = known.board
        current = Snapshot(board=board, etag=etag, as_of=self.clock())
        error = ""
        try:
            snapshot.save(self.snapshot_file, current)
        except DiskError as exc:
            error = str(exc)
        self.post_message(BoardArrived(current, error))

    def on_board_arrived(self, message: BoardArrived) -> None:
        self.current = message.current
        self.state, self.reason = "online", ""
        self.problem = (
            self.t("wallboard.snapshot_unwritable", reason=message.save_error)
            if message.save_error
            else ""
        )
        self.render_board()

    def on_board_failed(self, message: BoardFailed) -> None:
        self.state = "refused" if message.refused else "offline"
        self.reason = message.reason
        self.render_status()

    # --- actions ----------------------------------------------------------------------------

    def action_show(self, pane: str) -> None:
        for name, widget in zip(PANES, self.screen.query(".pane"), strict=True):
            widget.set_class(name == pane, "-current")
        table = self.screen.query(".-current DataTable").first(DataTable)
        self.screen.set_focus(table)

    def action_refresh(self) -> None:
        self.ask()

    def action_switch_locale(self) -> None:
        self.locale = next_locale(self.locale)
        self.render_board()
        self.screen.refresh_bindings()

    # --- rendering --------------------------------------------------------------------------

    def render_board(self) -> None:
        self.render_status()
        if self.current is None:
            return
        board = self.current.board
        screen = self.screen
        screen.query_one(OverviewPane).show(board, self.t, self.zone)
        screen.query_one(AgentsPane).show(board, self.t, self.zone)
        screen.query_one(EscalationsPane).show(board, self.t, self.zone, self.clock())

    def render_status(self) -> None:
        """Title, day, when the board was last true (and how long ago when not live), state."""
        parts = [self.t("wallboard.title")]
        if self.current is not None:
            as_of = self.current.as_of.astimezone(self.zone)
            parts.append(self.current.board.day.isoformat())
            parts.append(self.t("wallboard.as_of", time=as_of.strftime("%H:%M:%S")))
            if self.state != "online":
                minutes = int((self.clock() - self.current.as_of).total_seconds() // 60)
                parts.append(self.t("wallboard.minutes_ago", minutes=max(0, minutes)))
        else:
            parts.append(self.t("wallboard.never"))
        parts.append(
            {
                "connecting": self.t("wallboard.connecting"),
                "online": self.t("wallboard.online"),
                "offline": self.t("wallboard.offline_since", reason=self.reason),
                "refused": self.t("wallboard.refused", reason=self.reason),
            }[self.state]
        )
        if self.problem:
            parts.append(self.problem)
        status = self.screen.query_one("#status", Static)
        status.update(Text("  ·  ".join(parts)))
        status.set_class(self.state in ("offline", "refused"), "-offline")
