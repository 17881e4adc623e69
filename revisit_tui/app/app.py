"""The agent app: sign-in, the queue, my day, help, and the sync worker behind the status line.

Screens read state from the app (`store`, `api`, `agent`, `figures`, `store_revision`,
`locale`); workers post messages and only the handlers change that state.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App, ScreenStackError
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.widgets._toast import ToastRack

from revisit_tui.app.i18n import next_locale, translate
from revisit_tui.app.keymap import normalized
from revisit_tui.app.messages import LocaleChanged, SyncFinished
from revisit_tui.app.screens.base import LocalizedScreen
from revisit_tui.app.session import DayLog
from revisit_tui.app.themes import FEW_COLOURS, SIXTEEN_COLOURS
from revisit_tui.app.widgets.status_line import SyncFigures
from revisit_tui.callscripts import ScriptBook, load_book
from revisit_tui.config import Settings
from revisit_tui.domain.models import Agent

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from textual.command import Provider

    from revisit_tui.client.api import ApiClient
    from revisit_tui.client.durable import DiskError
    from revisit_tui.client.store import AgentStore, OutboxItem
    from revisit_tui.client.sync import SyncEngine, SyncState


def shell_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (keeps start-up fast)."""
    from revisit_tui.app.palette import ShellCommands

    return ShellCommands


KEY_SETTLE_SECONDS = 5.0
"""How long a key waits at most for the previous one's effects (a stuck handler must not
freeze the keyboard for good)."""

QUIET_ROUNDS = 2
"""Rounds in a row with nothing queued before the next key goes: a message being handled is
in no queue, so one quiet round could come while Enter's request to open a note was still on
its way up to the screen (the next letter then went to the row, and was lost)."""

KEY_HOLD_GROUPS = frozenset({"submit", "outbox_fix"})
"""Workers whose end decides where the next keys go: while one runs, keys wait."""

QUIT_WAITS_FOR = frozenset({"draft", "submit", "outbox_fix", "day_log"})
"""Workers writing the agent's work to disk: quitting waits for them, else a write queued
just before Ctrl+Q (the open call's last draft) would never start."""
QUIT_WAIT_SECONDS = 3.0
"""How long quitting waits at most for those writes (a hung disk must not keep the app)."""

HANGUP_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
"""The signals a session's end sends the app (the SSH session dropped, a logout)."""

REFUSALS = frozenset({"refused", "other_server"})
"""Troubles (client.sync.Trouble values) where a server answered but took nothing."""


def utc_now() -> datetime:
    """The real clock; tests pass a fixed one."""
    return datetime.now(UTC)


def scripts_of(settings: Settings) -> ScriptBook:
    """The call scripts and SMS templates the app uses: the bank's (`[ui] scripts_dir`) or the
    shipped ones, all read now; ScriptsBroken lists every problem."""
    configured = settings.ui.scripts_dir
    return load_book(Path(configured).expanduser() if configured else None)


class RevisitApp(App[None]):
    """The agent's workstation. `store` None starts on the sign-in screen. The call scripts
    are read once, here (`scripts`, default `scripts_of(settings)`): a broken file refuses the
    start, a call never reads one."""

    CSS_PATH = "app.tcss"
    TITLE = "Revisit"
    COMMANDS = App.COMMANDS | {shell_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "key.help", tooltip="hint.help", id="app.help"),
        Binding("f2,t", "switch_locale", "key.locale", tooltip="hint.locale", id="app.locale"),
        Binding(
            "ctrl+p",
            "command_palette",
            "key.palette",
            show=False,
            priority=True,
            tooltip="hint.palette",
            id="app.palette",
        ),
        Binding("ctrl+q", "quit", "key.quit", tooltip="hint.quit", id="app.quit"),
    ]

    locale: var[str] = var("zh-CN")
    figures: var[SyncFigures] = var(SyncFigures(online=None))
    store_revision: var[int] = var(0)  # bumped whenever the store's content may have changed

    def __init__(
        self,
        settings: Settings,
        store: AgentStore | None,
        api: ApiClient | None,
        *,
        locale: str,
        clock: Callable[[], datetime] = utc_now,
        agent: Agent | None = None,
        data_dir: Path | None = None,
        sign_in_token: str = "",
        scripts: ScriptBook | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.scripts = scripts or scripts_of(settings)
        self.policy = settings.policy
        self.store = store
        self.api = api
        self.agent = agent
        self.clock = clock
        self.data_dir = data_dir
        self.sign_in_token = sign_in_token
        self.set_reactive(RevisitApp.locale, locale)
        self._sync_running = False
        self._sync_again = False
        self._engine: SyncEngine | None = None
        self._offline_until = 0.0  # while offline, periodic rounds wait for the engine's backoff
        self.day_log: DayLog | None = None
        self._clock_warned = False
        self.register_theme(SIXTEEN_COLOURS)
        if self.console.color_system in FEW_COLOURS:
            self.theme = SIXTEEN_COLOURS.name
        self.keymap = normalized(settings.keymap)
        """The user's `[keymap]` (binding id -> keys), checked before start (`keymap_problems`)."""
        self.set_keymap(self.keymap)
        self._server_noted: str | None = None  # the server id noted in sessions.json
        self._signal_handlers: dict[int, Any] = {}  # SIGHUP/SIGTERM's before the app ran

    def t(self, key: str, **params: Any) -> str:
        """The UI text for `key` in the current locale (else English, else the key)."""
        return translate(self.locale, key, **params)

    def _refresh_notifications(self) -> None:
        """Show the notifications on the current screen's toast rack: Textual's looks for
        its own rack class only, the app's screens have `ProseToastRack`."""
        try:
            screen = self.screen
        except ScreenStackError:
            return
        for rack in screen.query_children(ToastRack):
            self.call_later(rack.show, self._notifications)

    # --- typeahead -------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys are handled one after the other, each once the previous one's effects have
        happened. Textual alone sends a key to the widget focused when it *arrives*; in a
        burst that is where the focus was before the previous key moved it (Enter opening a
        note, F10 pushing the wrap-up). The screens run their bindings themselves
        (`LocalizedScreen.handle_key`), so a key's effects all happen on the screen."""
        typed = isinstance(event, events.Key | events.Paste) and not event.is_forwarded
        await super().on_event(event)  # marks the event forwarded as it passes it on
        if typed:
            await self._settle_keys()

    async def _settle_keys(self) -> None:
        """Wait until the current screen and its widgets have no message left to handle (a
        pushed or popped screen included), and no outcome is being written."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + KEY_SETTLE_SECONDS
        quiet_rounds = 0
        while loop.time() < deadline:
            if any(
                worker.group in KEY_HOLD_GROUPS and not worker.is_finished
                for worker in self.workers
            ):
                await asyncio.sleep(0.005)
                continue
            screen = self.screen
            pumps = list(screen.walk_children(with_self=True))
            if not await self._one_round(pumps, deadline - loop.time()):
                return
            idle = all(not pump.message_queue_size and not pump._next_callbacks for pump in pumps)
            quiet_rounds = quiet_rounds + 1 if idle and self.screen is screen else 0
            if quiet_rounds == QUIET_ROUNDS:
                return
            await asyncio.sleep(0)

    @staticmethod
    async def _one_round(pumps: list[Any], timeout: float) -> bool:
        """Let every pump handle what it has queued; False when that took too long."""
        left = 0
        done = asyncio.Event()

        def handled() -> None:
            nonlocal left
            left -= 1
            if not left:
                done.set()

        for pump in pumps:
            if pump.call_later(handled):
                left += 1
        if not left:
            return True
        try:
            await asyncio.wait_for(done.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def on_mount(self) -> None:
        self._save_on_hangup(install=True)
        if self.store is None:
            from revisit_tui.app.screens.signin import SignInScreen

            self.push_screen(SignInScreen(self.sign_in_token))
        else:
            self.start_work()

    def on_unmount(self) -> None:
        self._save_on_hangup(install=False)

    def _save_on_hangup(self, *, install: bool) -> None:
        """While the app runs, SIGHUP (the SSH session dropped) and SIGTERM first save what
        Ctrl+Q saves (an open call's draft, with its time), then do what they did before the
        app took them (end the process, or the demo's own handler that stops its API): the
        terminal may be gone, so the app does not try to restore it."""
        loop = asyncio.get_running_loop()
        for signal_number in HANGUP_SIGNALS:
            with suppress(NotImplementedError, RuntimeError, ValueError):  # not the main thread
                if install:
                    previous = signal.getsignal(signal_number) or signal.SIG_DFL
                    if previous == signal.SIG_IGN:  # nohup: the session's end is not ours
                        continue
                    loop.add_signal_handler(
                        signal_number, self.call_later, self._hung_up, signal_number
                    )
                    self._signal_handlers[signal_number] = previous
                elif signal_number in self._signal_handlers:
                    loop.remove_signal_handler(signal_number)
                    signal.signal(signal_number, self._signal_handlers.pop(signal_number))

    async def _hung_up(self, signal_number: int) -> None:
        await self._save_before_quit()
        signal.signal(signal_number, self._signal_handlers.pop(signal_number, signal.SIG_DFL))
        os.kill(os.getpid(), signal_number)

    def signed_in(self, api: ApiClient, agent: Agent, store: AgentStore) -> None:
        """The sign-in screen checked the token: work on with this agent's store."""
        self.api, self.agent, self.store = api, agent, store
        self.pop_screen()
        self.start_work()

    def start_work(self) -> None:
        """Show the queue and start the periodic sync (or say the app is offline). The sync
        engine is made here, once, on the UI thread: the workers that use it (sync rounds,
        the call's lease) never race to make their own."""
        from revisit_tui.app.screens.queue import QueueScreen

        if self.api is not None and self.store is not None:
            from revisit_tui.client.sync import SyncEngine

            self._engine = SyncEngine(self.api, self.store, self.settings.sync, clock=self.clock)
        if self.data_dir is not None and self.agent is not None:
            self.day_log = DayLog(self.data_dir, self.agent.id)
        self.note_day()
        self.push_screen(QueueScreen())
        self._report_recoveries()
        if self.api is None:
            self.figures = self._offline_figures()
            self.notify(self.t("offline.started"))
            return
        self.figures = SyncFigures(online=None, pending=self._pending())
        self.set_interval(self.settings.sync.interval_seconds, self._sync_tick)
        self._start_sync()

    def _report_recoveries(self) -> None:
        """Files the store could not read at opening: what was kept aside, where, and how many
        items were recovered (also in the store's recovery.log for supervisors)."""
        for recovery in self.store.recovered if self.store is not None else []:
            key = "recovery.cache" if recovery.recovered is None else "recovery.salvaged"
            text = self.t(
                key,
                file=recovery.file,
                reason=recovery.reason,
                aside=str(recovery.aside),
                recovered=recovery.recovered,
                lost=recovery.lost,
            )
            self.notify(text, severity="error", markup=False, timeout=120)

    # --- sync ------------------------------------------------------------------------------

    def today(self) -> date:
        """The agent's local date by the app's clock."""
        return self.clock().astimezone().date()

    def note_day(self) -> None:
        """Note today's outcomes from the outbox in the day log before they sync away: the
        outbox is read now, the log written by a worker (a durable write, never on the UI
        thread); "my day" recounts once it is written."""
        if self.day_log is not None and self.store is not None:
            items = self.store.pending() + self.store.needs_attention()
            self._write_day_log(self.day_log, items, self.today())

    @work(thread=True, exit_on_error=False, group="day_log")
    def _write_day_log(self, day_log: DayLog, items: list[OutboxItem], today: date) -> None:
        from revisit_tui.client.durable import DiskError

        try:
            noted = day_log.note(items, today)
        except DiskError as error:
            self.call_from_thread(self.report_disk_error, error, "disk.day_log")
            return
        if noted:
            self.call_from_thread(self._day_noted)

    def _day_noted(self) -> None:
        self.store_revision += 1

    def request_sync(self) -> None:
        """The store changed (an outcome, reveal or SMS was saved): push the outbox now."""
        self.note_day()
        self.store_revision += 1
        if self.api is None:
            self.figures = self._offline_figures()
            return
        self._start_sync()

    def _sync_tick(self) -> None:
        if time.monotonic() >= self._offline_until:
            self._start_sync()

    def _start_sync(self) -> None:
        # the outbox may have grown since the last round: the status line says so at once
        self.figures = replace(self.figures, syncing=True, pending=self._pending())
        if self._sync_running:
            self._sync_again = True
            return
        self._sync_running = True
        self._sync_worker()

    @work(thread=True, exit_on_error=False, group="sync")
    def _sync_worker(self) -> None:
        """One sync round; the result comes back as a SyncFinished message. A quitting app
        does not wait for a round held up by a hung server (see `background`)."""
        from revisit_tui.app.background import Abandoned, abandonable

        engine = self.sync_engine()
        if engine is None:
            return

        def sync_round() -> SyncState:
            state = engine.sync_once()
            self._remember_server(state.server_id)
            return state

        try:
            state = abandonable(sync_round, "sync-round")
        except Abandoned:
            return
        self.post_message(SyncFinished(state))

    def _remember_server(self, server_id: str | None) -> None:
        """Note the id of the server this URL reaches for the next start, which opens the
        store by it (a store an older version kept by its URL moves there). Once per app run,
        on the sync thread: it may write."""
        if server_id is None or server_id == self._server_noted:
            return
        self._server_noted = server_id
        data_dir, agent, api = self.data_dir, self.agent, self.api
        if data_dir is None or agent is None or api is None:
            return
        from revisit_tui.app.session import remember_agent, remembered
        from revisit_tui.client.durable import DiskError

        known = remembered(data_dir, api.base_url)
        if known is not None and known.server_id == server_id:
            return
        try:
            remember_agent(data_dir, api.base_url, agent, server_id)
        except DiskError as exc:
            log.warning("the server's id is not noted yet: %s", exc)

    def sync_engine(self) -> SyncEngine | None:
        """The engine that pushes the outbox and pulls the queue (made by `start_work`; None
        while offline-only); the call screen may use its `start_task` from a worker."""
        return self._engine

    def on_sync_finished(self, message: SyncFinished) -> None:
        state = message.state
        before = self.figures
        refused = state.trouble is not None and state.trouble.value in REFUSALS
        self.figures = SyncFigures(
            online=state.online,
            offline_since=state.offline_since,
            pending=state.pending,
            last_sync=state.last_success,
            attention=state.needs_attention,
            refused=(state.last_error or "") if refused else "",
            trouble=state.trouble.value if state.trouble and (refused or not state.online) else "",
            disk=state.disk is not None or (before.disk and state.trouble is not None),
        )
        self._warn_clock_skew(state.clock_skew)
        if state.disk is not None and not before.disk:
            self.report_disk_error(state.disk, "disk.sync")
        engine = self._engine
        failed = state.last_error is not None
        self._offline_until = time.monotonic() + (engine.next_delay() if engine and failed else 0)
        if before.online is None and not state.online:
            self.notify(self.t("signin.offline_cached"), severity="warning")
        if self.figures.refused and self.figures.refused != before.refused:
            self.notify(
                self.t("status.error", error=self.figures.refused), severity="error", markup=False
            )
        changed = (before.pending, before.attention) != (state.pending, state.needs_attention)
        if state.queue_changed or state.sent or changed:
            self.store_revision += 1
        self._sync_done()

    def _warn_clock_skew(self, skew: float | None) -> None:
        """Say once (until it is right again) that this machine's clock is off the server's:
        call times are recorded by it."""
        tolerance = self.settings.sync.clock_tolerance_seconds
        skewed = skew is not None and abs(skew) > tolerance
        if skewed and not self._clock_warned and skew is not None:
            key = "clock.ahead" if skew > 0 else "clock.behind"
            self.notify(self.t(key, minutes=round(abs(skew) / 60)), severity="warning", timeout=60)
        self._clock_warned = skewed

    def disk_message(self, error: DiskError) -> str:
        """What could not be written, where, and what to do, in the agent's language."""
        return self.t(f"disk.{error.kind}", path=str(error.path), error=error.strerror)

    def report_disk_error(self, error: DiskError, what_key: str) -> None:
        """A local write failed: say so at once (never as "Offline") and flag the status line
        until a later write succeeds."""
        self.figures = replace(self.figures, disk=True)
        self.notify(
            self.t(what_key) + " " + self.disk_message(error),
            severity="error",
            markup=False,
            timeout=30,
        )

    def disk_recovered(self) -> None:
        """A local write succeeded after a failed one: clear the status line's flag."""
        if self.figures.disk:
            self.figures = replace(self.figures, disk=False)

    def _sync_done(self) -> None:
        self._sync_running = False
        if self._sync_again:
            self._sync_again = False
            self._start_sync()

    def _pending(self) -> int:
        return int(self.store.pending_count()) if self.store is not None else 0

    def _offline_figures(self) -> SyncFigures:
        attention = self.store.attention_count() if self.store is not None else 0
        return SyncFigures(
            online=False,
            offline_since=self.figures.offline_since or self.clock(),
            pending=self._pending(),
            last_sync=self.figures.last_sync,
            attention=attention,
        )

    # --- actions ---------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit once what must outlive the app is on disk."""
        await self._save_before_quit()
        self.exit()

    async def _save_before_quit(self) -> None:
        """Each screen saves its part (an open call its draft, with the time on the call so
        far); wait for the app's local writes, at most QUIT_WAIT_SECONDS."""
        for screen in self.screen_stack:
            if isinstance(screen, LocalizedScreen):
                screen.save_before_quit()
        writing = [w.wait() for w in self.workers if w.group in QUIT_WAITS_FOR]
        with suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(*writing, return_exceptions=True), QUIT_WAIT_SECONDS
            )

    def action_switch_locale(self) -> None:
        """F2: zh-CN ⇄ en, live on every open screen."""
        self.locale = next_locale(self.locale)
        for screen in self.screen_stack:
            screen.post_message(LocaleChanged(self.locale))

    def action_help(self) -> None:
        """F1 / ?: the list of every key."""
        from revisit_tui.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_my_day(self) -> None:
        """Done today, waiting to sync, and what needs attention."""
        from revisit_tui.app.screens.myday import MyDayScreen

        if self.store is not None and not isinstance(self.screen, MyDayScreen):
            self.push_screen(MyDayScreen())

    def action_sync_now(self) -> None:
        """Push the outbox and pull the queue now."""
        if self.api is None:
            self.notify(self.t("queue.offline_refresh"))
            return
        self._start_sync()
