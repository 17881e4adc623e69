"""The wrap-up screen: how the call ended, a callback time in the customer's window, the
escalations with their deadlines, a summary of everything to be recorded, and submit.

Submit is blocked while any field has a problem (each shown inline, the draft kept); a
reached call must have its fraud-warning step answered first (the screen says so and the call
screen jumps there). The outcome goes to the outbox in a worker, then the sync is asked to run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Input, Static

from revisit_tui.app.callform import CallForm
from revisit_tui.app.screens.base import LocalizedScreen
from revisit_tui.app.script_texts import script_version
from revisit_tui.app.widgets.call_summary import summary_lines
from revisit_tui.app.widgets.choice_row import (
    CategoryChoice,
    ChoiceRow,
    DispositionChoice,
    UrgencyChoice,
)
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.status_line import StatusLine
from revisit_tui.app.widgets.step_fields import FieldInput, FieldMessage
from revisit_tui.domain.models import Disposition, Outcome
from revisit_tui.domain.rules import escalation_deadline

if TYPE_CHECKING:
    from revisit_tui.app.screens.call import CallScreen

WrapUpResult = Outcome | str | None
"""The submitted outcome; or the script section to go back to (e.g. "fraud_warning"); or None
to go back to the call as it was."""

SMS_DISPOSITIONS = frozenset({Disposition.NO_ANSWER, Disposition.BUSY})


class WrapUpScreen(LocalizedScreen[WrapUpResult]):
    """Ends the call shown by `call` (its form, its item, its draft saver)."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["../widgets/call_widgets.tcss", "wrapup.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f9,ctrl+s",
            "submit",
            "call.key.submit",
            priority=True,
            tooltip="call.hint.submit",
            id="wrapup.submit",
        ),
        Binding(
            "f6",
            "add_escalation",
            "call.key.escalate",
            priority=True,
            tooltip="call.hint.escalate",
            id="wrapup.add_escalation",
        ),
        Binding("e", "add_escalation", "call.key.escalate", show=False, id="wrapup.add_escalation"),
        Binding(
            "f8,d",
            "remove_escalation",
            "call.key.drop_escalation",
            tooltip="call.hint.drop_escalation",
            id="wrapup.drop_escalation",
        ),
        Binding("f7,m", "sms", "call.key.sms", tooltip="call.hint.sms", id="wrapup.sms"),
        Binding("escape", "back", "key.back", tooltip="call.hint.back_to_call", id="wrapup.back"),
    ]

    class Submitted(Message):
        """The outcome is durably in the outbox."""

        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    class SubmitFailed(Message):
        """The outbox write failed: nothing was recorded; `error` says what, where, what to do."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, call: CallScreen, escalate: bool = False) -> None:
        super().__init__()
        self.call = call
        self.escalate = escalate  # opened by F6 on the call: start at a new escalation
        self.item = call.item
        self.submitting = False
        self.tried = False  # has the agent tried to submit? then every problem shows

    @property
    def form(self) -> CallForm:
        return self.call.current

    # --- building ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        form = self.form
        yield Static(id="wrapup-title")
        with VerticalScroll(id="wrapup-body", can_focus=False):
            yield Prose(id="disposition-label", classes="section")
            yield DispositionChoice(
                "disposition", "", form.disposition.value if form.disposition else None
            )
            yield FieldMessage("disposition")
            with Vertical(id="callback"):
                yield Prose(id="callback-hint")
                yield FieldInput("callback_at", form.callback_at, "")
                yield FieldMessage("callback_at")
            yield Prose(id="escalations-label", classes="section")
            yield Vertical(id="escalations")
            yield Prose(id="summary-label", classes="section")
            yield Prose(id="summary")
        yield Prose(id="wrapup-problems")
        yield StatusLine()
        yield Footer(show_command_palette=False, compact=True)

    async def on_mount(self) -> None:
        await self._build_escalations()
        self.relabel()
        if self.escalate:
            await self.action_add_escalation()
        else:
            self.set_focus(self.query_one(DispositionChoice))

    def relabel(self) -> None:
        t, form = self.t, self.form
        self.query_one("#wrapup-title", Static).update(
            Text(t("call.wrapup.title", name=self.item.customer.name))
        )
        self.query_one("#disposition-label", Prose).update(t("call.wrapup.disposition"))
        self.query_one("#escalations-label", Prose).update(
            t("call.wrapup.escalations", n=len(form.escalations))
        )
        self.query_one("#summary-label", Prose).update(t("call.wrapup.summary"))
        self.query_one("#callback-hint", Prose).update(self._callback_hint())
        self.query_one("#callback_at", FieldInput).placeholder = t("call.wrapup.callback_format")
        for index, escalation in enumerate(form.escalations):
            self.query_one(f"#escalations-{index}-department", FieldInput).placeholder = t(
                "call.escalation.department"
            )
            self.query_one(f"#escalations-{index}-summary", FieldInput).placeholder = t(
                "call.escalation.summary"
            )
            deadline = escalation_deadline(
                escalation.urgency, self.shell.clock(), self.shell.policy
            )
            self.query_one(f"#escalation-{index}-deadline", Prose).update(
                t("call.escalation.deadline", at=self._local(deadline, None))
            )
        self.query_one("#callback").display = form.disposition is Disposition.CALLBACK_REQUESTED
        self.query_one("#summary", Prose).update(
            "\n".join(summary_lines(form, self.item, self.shell.policy, self.shell.clock(), t))
        )
        for row in self.query(ChoiceRow):
            row.refresh()  # its choices are labelled in the app's language when drawn
        self._show_problems(final=False)

    def _callback_hint(self) -> str:
        """The customer's time now and the callable window, in the customer's zone."""
        calls = self.shell.policy.calls
        return self.t(
            "call.wrapup.callback_hint",
            now=self._local(self.shell.clock(), self.item.customer.timezone),
            start=calls.callable_start.strftime("%H:%M"),
            end=calls.callable_end.strftime("%H:%M"),
            zone=self.item.customer.timezone,
        )

    @staticmethod
    def _local(at: datetime, zone: str | None) -> str:
        """A time as MM-DD HH:MM in a zone (None: the agent's own)."""
        local = at.astimezone(ZoneInfo(zone)) if zone else at.astimezone()
        return local.strftime("%m-%d %H:%M")

    async def _build_escalations(self) -> None:
        box = self.query_one("#escalations", Vertical)
        await box.remove_children()
        rows = []
        for index, escalation in enumerate(self.form.escalations):
            prefix = f"escalations.{index}"
            marker = " ⚠" if escalation.transaction_id or escalation.event else ""
            rows += [
                Static(
                    Text(f"{index + 1}.{marker}"), id=f"escalation-{index}-head", classes="head"
                ),
                CategoryChoice(f"{prefix}.category", "", escalation.category.value),
                UrgencyChoice(f"{prefix}.urgency", "", escalation.urgency.value),
                FieldInput(f"{prefix}.department", escalation.department, ""),
                FieldMessage(f"{prefix}.department"),
                FieldInput(f"{prefix}.summary", escalation.summary, ""),
                FieldMessage(f"{prefix}.summary"),
                Prose(id=f"escalation-{index}-deadline", classes="deadline"),
            ]
        await box.mount_all(rows)

    def _show_problems(self, *, final: bool) -> dict[str, str]:
        """Inline messages: at once for what was typed; for what is missing, only once the
        agent has tried to submit (`final`, and from then on)."""
        self.tried = self.tried or final
        problems = self.call.problems()
        typed = {field.name for field in self.query(FieldInput) if field.value.strip()}
        for message in self.query(FieldMessage):
            shown = self.tried or message.path in typed
            message.show(problems.get(message.path) if shown else None)
        box = self.query_one("#wrapup-problems", Prose)
        box.update("\n".join(problems.values()) if final and problems else "")
        box.display = final and bool(problems)
        return problems

    # --- edits ------------------------------------------------------------------------------

    @on(ChoiceRow.Changed)
    async def _choice_made(self, event: ChoiceRow.Changed) -> None:
        event.stop()
        path, value = event.path, event.value
        if path == "disposition":
            self.form.disposition = Disposition(value)
        else:
            _, index, part = path.split(".")
            self.form.update_escalation(int(index), **{part: value})
        self.call.saver.save(self.form)
        self.relabel()

    def _row_fields(self, path: str) -> list[FieldInput]:
        """The text fields Enter on a row opens, in order: the callback time for the ending
        (once a callback is asked for); department then summary for an escalation's rows."""
        if path == "disposition":
            field = self.query_one("#callback_at", FieldInput)
            return [field] if self.query_one("#callback").display else []
        if path.startswith("escalations."):
            prefix = "-".join(path.split(".")[:2])
            return [
                self.query_one(f"#{prefix}-department", FieldInput),
                self.query_one(f"#{prefix}-summary", FieldInput),
            ]
        return []

    @on(ChoiceRow.Write)
    def _write_for_row(self, event: ChoiceRow.Write) -> None:
        event.stop()
        fields = self._row_fields(event.path)
        if fields:
            fields[0].enter(event.row)

    @on(Input.Changed)
    def _text_typed(self, event: Input.Changed) -> None:
        event.stop()
        path = event.input.name or ""
        if path == "callback_at":
            self.form.callback_at = event.value
        elif path.startswith("escalations."):
            _, index, part = path.split(".")
            self.form.update_escalation(int(index), **{part: event.value})
        self.call.saver.save(self.form)
        self.relabel()

    @on(Input.Submitted)
    def _text_done(self, event: Input.Submitted) -> None:
        """Enter in a field: the row's next field (an escalation's summary), else back."""
        event.stop()
        field = event.input
        if not isinstance(field, FieldInput):
            return
        origin = field.origin
        path = getattr(origin, "path", "")
        fields = self._row_fields(path) if path else []
        later = fields[fields.index(field) + 1 :] if field in fields else []
        if later:
            field.origin = None
            later[0].enter(origin)
        else:
            field.action_leave()

    # --- actions ----------------------------------------------------------------------------

    async def action_add_escalation(self) -> None:
        """A new escalation: category, urgency, department, summary; deadline from urgency."""
        self.form.add_escalation()
        self.call.saver.save(self.form)
        await self._build_escalations()
        self.relabel()
        index = len(self.form.escalations) - 1
        self.query_one(f"#escalation-{index}-head").scroll_visible(animate=False)
        self.set_focus(self.query(CategoryChoice).last())

    async def action_remove_escalation(self) -> None:
        """Drop the escalation that has the focus."""
        focused = self.focused
        path = getattr(focused, "path", None) or getattr(focused, "name", None) or ""
        if not path.startswith("escalations."):
            self.notify(self.t("call.escalation.focus_one"))
            return
        self.form.remove_escalation(int(path.split(".")[1]))
        self.call.saver.save(self.form)
        await self._build_escalations()
        self.relabel()

    def action_sms(self) -> None:
        """Offer an SMS when the phone did not reach the customer."""
        from revisit_tui.app.screens.sms import SmsScreen

        if self.form.disposition not in SMS_DISPOSITIONS:
            self.notify(self.t("call.wrapup.sms_only_unreached"))
            return
        self.app.push_screen(SmsScreen(self.item))

    def action_back(self) -> None:
        """Back to the call; everything typed here is in the draft."""
        self.dismiss(None)

    def action_submit(self) -> None:
        """Record the attempt: blocked while a field has a problem."""
        if self.submitting:
            return
        problems = self._show_problems(final=True)
        if "fraud_warning_delivered" in problems:
            self.notify(problems["fraud_warning_delivered"], severity="warning")
            self.dismiss("fraud_warning")
            return
        if problems:
            self.notify(self.t("call.wrapup.blocked", n=len(problems)), severity="warning")
            return
        agent = self.shell.agent
        if agent is None:  # not signed in: nobody to record the attempt under
            self.notify(self.t("call.wrapup.no_agent"), severity="error")
            return
        outcome = self.form.to_outcome(
            self.item,
            self.shell.policy,
            agent_id=agent.id,
            ended_at=self.shell.clock(),
            script_version=script_version(self.item, self.shell, self.call.script_locale),
        )
        self.submitting = True
        self._submit(outcome)

    @work(thread=True, exit_on_error=False, group="submit")
    def _submit(self, outcome: Outcome) -> None:
        """The outbox write (durable), off the UI thread."""
        from revisit_tui.client.durable import DiskError

        store = self.shell.store
        try:
            assert store is not None, "no store"
            store.submit(outcome)
        except DiskError as error:  # what, where, what to do; the form stays on screen
            self.post_message(self.SubmitFailed(self.shell.disk_message(error)))
            return
        except Exception as error:  # whatever it is, the agent must know
            self.post_message(self.SubmitFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(self.Submitted(outcome))

    def on_wrap_up_screen_submitted(self, message: Submitted) -> None:
        self.shell.request_sync()
        self.notify(self.t("call.wrapup.submitted"))
        self.dismiss(message.outcome)

    def on_wrap_up_screen_submit_failed(self, message: SubmitFailed) -> None:
        self.submitting = False
        self.notify(
            self.t("call.wrapup.submit_failed", error=message.error),
            severity="error",
            markup=False,
            timeout=30,
        )
