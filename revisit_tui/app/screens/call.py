"""The call screen: the script stepper beside the customer card; the agent records as they talk.

Every answer goes into the call's form and the form is saved as a draft at once (in a worker),
so leaving with Escape, a crash or a lost SSH session resumes the same call where it stopped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import uuid4

from pydantic import ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.events import DescendantFocus
from textual.widgets import Footer, Input, Static

from revisit_tui.app.callform import CallForm
from revisit_tui.app.i18n import next_locale
from revisit_tui.app.queue_rows import HELD_CODES, held_text, kind_label
from revisit_tui.app.screens.base import LocalizedScreen
from revisit_tui.app.screens.reveal import RevealScreen
from revisit_tui.app.script_texts import StepView, event_reason, identity_reasons, script_steps
from revisit_tui.app.widgets.call_timer import CallClock, CallTimer
from revisit_tui.app.widgets.choice_row import ChoiceRow
from revisit_tui.app.widgets.customer_card import CustomerCard, masked_value
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.script_stepper import ScriptStepper
from revisit_tui.app.widgets.status_line import StatusLine
from revisit_tui.app.widgets.step_fields import FieldInput, FieldMessage, dom_id
from revisit_tui.domain.models import (
    AccountEvent,
    AccountStatus,
    ContactCheckResult,
    ContactField,
    Language,
    MaskedField,
    Outcome,
    QueueItem,
    Reveal,
    RevealSource,
    TransactionAnswer,
)
from revisit_tui.domain.rules import StartBlock

if TYPE_CHECKING:
    from revisit_tui.app.screens.wrapup import WrapUpResult
    from revisit_tui.client.store import AgentStore

WIDE_COLUMNS = 110
"""From this width the customer card shows beside the script; narrower, it is toggled (i)."""
NOTE_OF = {"contact_checks": ".new_value", "features": ".problem", "needs": ".note"}
"""The text field that goes with a choice row, by form section (a changed value, a note)."""


class DraftSaver:
    """Saves a call's drafts off the UI thread. A burst of keys coalesces: each write takes the
    newest draft, so an older one never lands after a newer one and at most one write waits
    behind the one in progress. Runs on the app, so a write still finishes after the screen
    closes."""

    def __init__(
        self, screen: LocalizedScreen[Any], task_id: str, on_call_seconds: Callable[[], int]
    ) -> None:
        self.screen = screen
        self.task_id = task_id
        self.on_call_seconds = on_call_seconds  # kept with each draft: the timer goes on from it
        self._lock = threading.Lock()
        self._sequence = 0
        self._written = 0
        self._newest: tuple[int, dict[str, Any]] = (0, {})

    def save(self, form: CallForm) -> None:
        """Queue a write of the form as it is now."""
        store = self.screen.shell.store
        assert store is not None, "a call needs the agent's store"
        self._sequence += 1
        form.on_call_seconds = self.on_call_seconds()
        self._newest = (self._sequence, form.to_draft())
        write = partial(self._write, store)
        self.screen.app.run_worker(write, thread=True, exit_on_error=False, group="draft")

    def _write(self, store: AgentStore) -> None:
        from revisit_tui.client.durable import DiskError

        shell = self.screen.shell
        with self._lock:
            sequence, draft = self._newest
            if sequence <= self._written:
                return  # a later worker already wrote this one
            try:
                store.save_draft(self.task_id, draft)
            except DiskError as error:  # said at once: the agent must know typing is not kept
                self.screen.app.call_from_thread(shell.report_disk_error, error, "disk.draft")
                return
            self._written = sequence
        if shell.figures.disk:
            self.screen.app.call_from_thread(shell.disk_recovered)


class CallScreen(LocalizedScreen[Outcome | None]):
    """One attempt at a task; dismisses with the submitted Outcome, or None when left."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["../widgets/call_widgets.tcss", "call.tcss"]
    AUTO_FOCUS = None  # the step decides: its first answer, or nothing (never the notes)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "pageup,ctrl+u",
            "step(-1)",
            "call.key.previous",
            priority=True,
            tooltip="call.hint.previous",
            id="call.previous",
        ),
        Binding(
            "pagedown,ctrl+n",
            "step(1)",
            "call.key.next",
            priority=True,
            tooltip="call.hint.next",
            id="call.next",
        ),
        # Letters are never priority bindings: typed in a text field they are text.
        Binding(
            "f10,w", "wrap_up", "call.key.wrap_up", tooltip="call.hint.wrap_up", id="call.wrap_up"
        ),
        Binding(
            "f6,e",
            "escalate",
            "call.key.escalate",
            show=False,
            tooltip="call.hint.escalate_now",
            id="call.escalate",
        ),
        Binding("f4,r", "reveal", "call.key.reveal", tooltip="call.hint.reveal", id="call.reveal"),
        Binding(
            "f5,v",
            "identity_check",
            "call.key.identity",
            show=False,
            tooltip="call.hint.identity",
            id="call.identity_check",
        ),
        Binding("f3,i", "toggle_card", "call.key.card", tooltip="call.hint.card", id="call.card"),
        Binding(
            "l",
            "script_language",
            "call.key.script_language",
            show=False,
            tooltip="call.hint.script_language",
            id="call.script_language",
        ),
        Binding(
            "enter",
            "write_notes",
            "call.key.notes",
            show=False,
            tooltip="call.hint.notes",
            id="call.notes",
        ),
        Binding("escape", "leave", "key.back", tooltip="call.hint.leave", id="call.back"),
    ]

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.item = item
        self.form: CallForm | None = None
        self.steps: list[StepView] = []
        self.saver = DraftSaver(self, item.task.id, lambda: self.call_clock.seconds())
        self.call_clock: CallClock  # set with the form, in compose
        self.card_toggled: bool | None = None  # None: follow the terminal's width
        self.messages: list[FieldMessage] = []  # every inline message, found once per build

    # --- building ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.form = self._resume_or_start()
        with Horizontal(id="call-header"):
            yield Static(id="call-who")
            yield CallTimer(self.call_clock, id="call-timer")
        with Horizontal(id="call-body"):
            yield ScriptStepper(id="stepper")
            with VerticalScroll(id="card-panel", can_focus=False):
                yield CustomerCard(self.item, self.shell.policy.bank.default_region, id="card")
        yield Prose(id="call-notice")
        yield FieldInput("notes", self.form.notes, self.t("call.notes_placeholder"))
        yield FieldMessage("notes")
        yield StatusLine()
        yield Footer(show_command_palette=False, compact=True)

    def _resume_or_start(self) -> CallForm:
        """The saved draft of this task if there is one, else a new attempt (saved at once, so
        its outcome id is kept whatever happens next). The call's clock goes on from the
        draft's time on the call."""
        store = self.shell.store
        draft = store.draft(self.item.task.id) if store is not None else None
        if draft is not None:
            try:
                form = CallForm.from_draft(draft)
                self.call_clock = CallClock(form.on_call_seconds, self.shell.clock)
                return form
            except ValidationError:
                self.notify(self.t("call.draft_unreadable"), severity="warning")
        form = CallForm.start(self.item, self.shell.clock())
        self.call_clock = CallClock(0, self.shell.clock)
        self.saver.save(form)
        return form

    async def on_mount(self) -> None:
        self._show_header()
        self._show_card()
        self._show_notice()
        await self._build_steps()
        self._take_task()

    @work(thread=True, exit_on_error=False, group="lease")
    def _take_task(self) -> None:
        """Hold the task on the server for this call. Offline the call goes on from the cache;
        a task another agent holds is said plainly (the call is still the agent's to make)."""
        from revisit_tui.app.background import Abandoned, abandonable
        from revisit_tui.client.api import ApiError

        engine = self.shell.sync_engine()
        if engine is None:
            return
        try:
            abandonable(lambda: engine.start_task(self.item.task.id), "lease")
        except Abandoned:
            return
        except ApiError as exc:
            problem = exc.problem
            if problem is not None and problem.code in HELD_CODES:
                block = StartBlock(problem.code, problem.next_allowed_at)
                self.app.call_from_thread(self._held_by_server, block)
                return
            key = "call.leased_elsewhere" if exc.status == 409 else "call.lease_refused"
            self.app.call_from_thread(
                self.notify, self.t(key, reason=exc.reason), severity="warning", timeout=8
            )

    def _held_by_server(self, block: StartBlock) -> None:
        """The server holds the task back (its clock or policy saw what the queue's check did
        not): say why and from when, and leave the call before it is made (the draft stays)."""
        now = self.shell.clock()
        text = held_text(block, self.item.customer.timezone, now, self.t)
        self.notify(text, severity="warning", timeout=10)
        if self.app.screen is self:
            self.action_leave()

    def on_resize(self) -> None:
        self._show_card()

    def relabel(self) -> None:
        """F2: the script, card and messages in the new language; answers stay."""
        self._show_header()
        self.query_one(CustomerCard).refresh_card()
        self.query_one("#notes", FieldInput).placeholder = self.t("call.notes_placeholder")
        self._show_notice()
        self.call_later(self._build_steps)

    @property
    def current(self) -> CallForm:
        """The form (built in compose, before anything can use it)."""
        assert self.form is not None
        return self.form

    @property
    def script_locale(self) -> str:
        """The language of the script read out: the agent's choice (l), else the UI's."""
        chosen = self.current.script_locale
        return chosen.value if chosen else self.shell.locale

    def _show_header(self) -> None:
        """Who is called, why, on which number, and in which language: when the script is not
        in the customer's language, the key that switches it."""
        item, t = self.item, self.t
        region = self.shell.policy.bank.default_region
        phone = masked_value(item, MaskedField.MOBILE, None, region) or t("call.card.none")
        spoken = item.customer.language.value
        language = t(f"language.{spoken}")
        if spoken != self.script_locale:
            language = t("call.script_not_in", language=language)
        kind = kind_label(item.task, t)
        if item.account is not None and item.account.status is not AccountStatus.ACTIVE:
            kind += f" · {t(f'call.account_status.{item.account.status.value}')}"
        who = f"{item.customer.name} · {kind} · {phone} · {language}"
        if item.task.event and item.task.reason:
            who += f" · {item.task.reason}"
        self.query_one("#call-who", Static).update(Text(who))

    def _show_card(self) -> None:
        wide = self.app.size.width >= WIDE_COLUMNS
        shown = wide if self.card_toggled is None else self.card_toggled
        self.query_one("#card-panel").display = shown
        # Narrow, the card takes the body while shown: beside the script it would squeeze the
        # answer rows out of sight. F3 brings the script back.
        self.set_class(shown and not wide, "-card-only")

    async def _build_steps(self) -> None:
        """The script in the current language, every step's inputs built from the form."""
        self.steps = script_steps(self.item, self.shell, self.script_locale)
        await self.query_one(ScriptStepper).build(
            self.steps, self.item, self.current, self.t, self.shell.policy
        )
        self.messages = list(self.query(FieldMessage))
        self._show_step()

    def _show_step(self) -> None:
        """Show the form's current step and put the focus on its first answer."""
        form = self.current
        form.step = max(0, min(form.step, len(self.steps) - 1))
        box = self.query_one(ScriptStepper).show(form.step, self.t)
        self._show_problems()
        rows = box.query(ChoiceRow)
        self.set_focus(rows.first() if rows else None)  # letters stay keys, not notes text

    def _show_problems(self) -> None:
        """Each field's inline message for the values as they are now."""
        problems = self.problems()
        for message in self.messages:
            message.show(problems.get(message.path))

    def problems(self) -> dict[str, str]:
        """The form's problems, in the agent's language."""
        return self.current.problems(
            self.item, self.shell.policy, self.shell.clock(), self.shell.locale, self.t
        )

    # --- answers ----------------------------------------------------------------------------

    @on(ChoiceRow.Changed)
    def _choice_made(self, event: ChoiceRow.Changed) -> None:
        event.stop()
        form, path, value = self.current, event.path, event.value
        note: FieldInput | None = None
        if path.startswith("transaction_checks."):
            transaction_id = path.removeprefix("transaction_checks.")
            self._answer_transaction(transaction_id, TransactionAnswer(value))
        elif path == "reserved_info_answer":
            self._answer_reserved_info(TransactionAnswer(value))
        else:
            form.apply(path, value)
            note = self._note_input(path)
            if note is not None and path.startswith(("contact_checks.", "needs.")):
                note.display = value in (ContactCheckResult.CHANGED.value, "yes")
        self.saver.save(form)
        self._show_problems()

    @on(ChoiceRow.Write)
    def _write_for_row(self, event: ChoiceRow.Write) -> None:
        """Enter on a row: its own text (new value, problem met, note) when it shows one,
        else the call's notes."""
        event.stop()
        note = self._note_input(event.path)
        if note is None or not note.display:
            note = self.query_one("#notes", FieldInput)
        note.enter(event.row)

    def _note_input(self, path: str) -> FieldInput | None:
        suffix = NOTE_OF.get(path.partition(".")[0])
        if suffix is None:
            return None
        found = self.query(f"#{dom_id(path + suffix)}")
        return found.first(FieldInput) if found else None

    def _answer_transaction(self, transaction_id: str, answer: TransactionAnswer) -> None:
        raised = self.current.answer_transaction(
            transaction_id, answer, summary=self.t("call.fraud_summary", transaction=transaction_id)
        )
        if raised is not None:
            self.notify(self.t("call.not_me_notice", transaction=transaction_id), severity="error")
        self._show_notice()

    def _answer_reserved_info(self, answer: TransactionAnswer) -> None:
        reason = event_reason(self.item.task, self.t)
        raised = self.current.answer_reserved_info(
            answer, summary=self.t("call.reserved_info_summary", reason=reason)
        )
        if raised is not None:
            self.notify(self.t("call.reserved_info_notice"), severity="error")
        self._show_notice()

    def _show_notice(self) -> None:
        """The urgent line while a "not me" escalation is part of this call."""
        escalations = self.current.escalations
        raised = [e.transaction_id for e in escalations if e.transaction_id]
        lines = [self.t("call.not_me_notice", transaction=", ".join(raised))] if raised else []
        if any(e.event is AccountEvent.RESERVED_INFO_CHANGED for e in escalations):
            lines.append(self.t("call.reserved_info_notice"))
        notice = self.query_one("#call-notice", Prose)
        notice.update("\n".join(lines))
        notice.set_class(bool(lines), "-urgent")

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        path = getattr(event.widget, "path", None) or getattr(event.widget, "name", None) or ""
        note = NOTE_OF.get(path.partition(".")[0], "")
        self.query_one(ScriptStepper).say(path.removesuffix(note))

    @on(Input.Changed)
    def _text_typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.name:
            self.current.apply(event.input.name, event.value)
            self.saver.save(self.current)
            self._show_problems()

    @on(Input.Submitted)
    def _text_done(self, event: Input.Submitted) -> None:
        event.stop()
        if isinstance(event.input, FieldInput):
            event.input.action_leave()

    # --- actions ----------------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        """Next / previous script step; the position is part of the draft."""
        form = self.current
        target = max(0, min(form.step + delta, len(self.steps) - 1))
        if target != form.step:
            form.step = target
            self.saver.save(form)
            self._show_step()

    def go_to_step(self, kind: str) -> None:
        """Jump to the first step of a kind (e.g. the fraud warning a submit found missing)."""
        for index, step in enumerate(self.steps):
            if step.kind == kind:
                self.current.step = index
                self.saver.save(self.current)
                self._show_step()
                return

    def action_write_notes(self) -> None:
        """Enter where no row has the focus (a step without answers): the call's notes."""
        self.query_one("#notes", FieldInput).enter(self.focused)

    def action_script_language(self) -> None:
        """Read the script in the other language (e.g. the customer's), whatever the UI's;
        answers stay, and the choice is part of the draft."""
        form = self.current
        form.script_locale = Language(next_locale(self.script_locale))
        self.saver.save(form)
        self._show_header()
        self.call_later(self._build_steps)

    def action_toggle_card(self) -> None:
        """Show or hide the customer card."""
        self.card_toggled = not self.query_one("#card-panel").display
        self._show_card()
        if not self.has_class("-card-only"):
            self._show_step()

    def action_reveal(self) -> None:
        """Unmask one field on purpose: choose it, confirm, and the reveal is audited."""
        self.app.push_screen(RevealScreen(self.item), self._revealed)

    def _revealed(self, field: MaskedField | None) -> None:
        if field is None:
            return
        reveal = Reveal(
            id=uuid4(),
            task_id=self.item.task.id,
            customer_id=self.item.customer.id,
            field=field,
            at=self.shell.clock(),
        )
        self._disclose(reveal)

    @work(thread=True, exit_on_error=False, group="reveal")
    def _disclose(self, reveal: Reveal) -> None:
        """Ask the server for the value (it audits the disclosure). Offline, a prefetched dial
        number is shown and the reveal waits in the outbox to be recorded once."""
        from revisit_tui.app.background import Abandoned, abandonable
        from revisit_tui.client.api import ApiError, Unreachable
        from revisit_tui.client.durable import DiskError

        store, api = self.shell.store, self.shell.api
        assert store is not None
        label = self.t(f"call.card.{reveal.field.value}")
        try:
            if api is None:
                raise Unreachable("offline")
            value = abandonable(lambda: api.reveal(reveal), "reveal").value
        except Abandoned:
            return
        except Unreachable:
            value = _prefetched(store, reveal)
            if value is None:
                self.app.call_from_thread(
                    self.notify, self.t("call.reveal.offline", field=label), severity="warning"
                )
                return
            try:
                store.add_reveal(reveal.model_copy(update={"source": RevealSource.PREFETCH}))
            except DiskError as error:  # not recorded: not shown either
                self.app.call_from_thread(self.shell.report_disk_error, error, "disk.sync")
                return
            self.app.call_from_thread(self.shell.request_sync)
        except ApiError as exc:
            self.app.call_from_thread(
                self.notify,
                self.t("call.reveal.refused", field=label, reason=exc.reason),
                severity="warning",
            )
            return
        if value is not None:
            self.app.call_from_thread(self._show_revealed, reveal.field, value)

    def _show_revealed(self, field: MaskedField, value: str) -> None:
        self.card_toggled = True
        self._show_card()
        self.query_one(CustomerCard).reveal(field, value)

    def action_identity_check(self) -> None:
        """Check the ID number the customer says, without the number (works offline); only
        where the call requires it (§四.1), as the server does. Its result is the call's
        ID-number contact check."""
        from revisit_tui.app.screens.identity import IdentityCheckScreen

        if not identity_reasons(self.item, self.shell):
            self.notify(self.t("call.identity.not_required"), severity="warning")
            return

        self.app.push_screen(IdentityCheckScreen(self.item), self._identity_checked)

    def _identity_checked(self, matched: bool | None) -> None:
        """A match confirms the ID number; a mismatch records that it could not be verified
        (the agent may still record a changed number)."""
        if matched is None:
            return
        result = ContactCheckResult.CONFIRMED if matched else ContactCheckResult.UNVERIFIED
        path = f"contact_checks.{ContactField.IDENTITY_NUMBER.value}"
        self.current.apply(path, result.value)
        for row in self.query(ChoiceRow):
            if row.path == path:
                row.value = result.value
        note = self._note_input(path)
        if note is not None:
            note.display = False
        self.saver.save(self.current)
        self._show_problems()

    def action_wrap_up(self) -> None:
        """End the call: disposition, callback, escalations, summary, submit."""
        from revisit_tui.app.screens.wrapup import WrapUpScreen

        self.app.push_screen(WrapUpScreen(self), self._wrapped_up)

    def action_escalate(self) -> None:
        """Add an escalation while the customer is on the line (the scripts' "press F6"): the
        wrap-up opens at a new escalation, and Esc comes back to the call."""
        from revisit_tui.app.screens.wrapup import WrapUpScreen

        self.app.push_screen(WrapUpScreen(self, escalate=True), self._wrapped_up)

    def _wrapped_up(self, result: WrapUpResult) -> None:
        if isinstance(result, Outcome):
            self.dismiss(result)
        elif isinstance(result, str):
            self.go_to_step(result)
        else:
            self._show_step()

    def save_before_quit(self) -> None:
        """The draft as it is now, with the time on the call: reopened, the call goes on
        from it (the last answer may have been saved minutes ago)."""
        if self.form is not None:
            self.saver.save(self.form)

    def action_leave(self) -> None:
        """Leave the call; the draft stays for a later resume."""
        self.saver.save(self.current)
        self.dismiss(None)


def _prefetched(store: AgentStore, reveal: Reveal) -> str | None:
    """A dial number prefetched for the task (the only values the app may hold in full)."""
    item = store.prefetched(reveal.task_id)
    if item is None or item.customer_id != reveal.customer_id:
        return None
    if reveal.field is MaskedField.MOBILE:
        return item.mobile
    if reveal.field is MaskedField.LANDLINE:
        return item.landline
    return None
