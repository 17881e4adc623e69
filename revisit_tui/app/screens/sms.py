"""The SMS screen: a templated message for a customer the phone did not reach.

The template's placeholders are filled from the task, the message is refused in the customer's
rest hours or over the frequency cap (with the reason and the next allowed time, from the SMS
requests known locally), and a sent one goes to the outbox as an `SmsRequest`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from typing import ClassVar
from uuid import uuid4
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Static

from revisit_tui.app.screens.base import LocalizedScreen
from revisit_tui.app.script_texts import SmsTemplateView, sms_templates
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.app.widgets.status_line import StatusLine
from revisit_tui.client.store import AgentStore, ItemKind
from revisit_tui.domain.masking import mask_field
from revisit_tui.domain.models import QueueItem, SmsRequest
from revisit_tui.domain.rules import SmsDecision, sms_decision
from revisit_tui.domain.validation import FieldProblem


def sms_sent_at(store: AgentStore, item: QueueItem) -> list[datetime]:
    """When SMS to this customer were requested, as far as this machine knows (outbox)."""
    snapshot = store.queue()
    tasks = {item.task.id}
    if snapshot is not None:
        tasks |= {i.task.id for i in snapshot.items if i.customer.id == item.customer.id}
    return [
        entry.model.requested_at  # type: ignore[union-attr]
        for entry in [*store.pending(), *store.needs_attention()]
        if entry.kind is ItemKind.SMS and entry.task_id in tasks
    ]


class SmsScreen(LocalizedScreen[SmsRequest | None]):
    """Compose and queue one SMS; dismisses with the SmsRequest stored, or None."""

    CSS_PATH: ClassVar[list[str | PurePath]] = ["../widgets/call_widgets.tcss", "sms.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f9,ctrl+s",
            "send",
            "call.key.send",
            priority=True,
            tooltip="call.hint.send",
            id="sms.send",
        ),
        Binding(
            "tab",
            "next_template",
            "call.key.template",
            tooltip="call.hint.template",
            id="sms.template",
        ),
        Binding("escape", "leave", "key.back", tooltip="call.hint.leave_sms", id="sms.back"),
    ]

    class Stored(Message):
        """The SMS request is in the outbox."""

        def __init__(self, sms: SmsRequest) -> None:
            super().__init__()
            self.sms = sms

    def __init__(self, item: QueueItem) -> None:
        super().__init__()
        self.item = item
        self.templates: list[SmsTemplateView] = []
        self.index = 0
        self.sending = False

    def compose(self) -> ComposeResult:
        yield Static(id="sms-title")
        with Vertical(id="sms-body"):
            yield Prose(id="sms-to")
            yield Prose(id="sms-template")
            yield Prose(id="sms-text")
            yield Prose(id="sms-decision")
        yield StatusLine()
        yield Footer(show_command_palette=False, compact=True)

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        t, customer = self.t, self.item.customer
        self.templates = sms_templates(self.item, self.shell)
        self.index = min(self.index, max(0, len(self.templates) - 1))
        self.query_one("#sms-title", Static).update(Text(t("call.sms.title", name=customer.name)))
        to = mask_field("mobile", customer.mobile) if customer.mobile else t("call.card.none")
        self.query_one("#sms-to", Prose).update(t("call.sms.to", to=to))
        template = self.templates[self.index] if self.templates else None
        self.query_one("#sms-template", Prose).update(
            t(
                "call.sms.template",
                n=self.index + 1,
                total=len(self.templates),
                title=template.title if template else "—",
            )
        )
        text = template.text if template else t("call.sms.no_template")
        self.query_one("#sms-text", Prose).update(text)
        decision = self.decision()
        line = self.query_one("#sms-decision", Prose)
        line.set_class(not decision.allowed, "-refused")
        line.update(self._decision_text(decision))

    def decision(self) -> SmsDecision:
        """May the SMS go now? Checked with the send times this machine knows."""
        store = self.shell.store
        sent = sms_sent_at(store, self.item) if store is not None else []
        return sms_decision(self.item.customer, self.shell.clock(), sent, self.shell.policy)

    def _decision_text(self, decision: SmsDecision) -> str:
        if decision.allowed:
            return self.t("call.sms.allowed")
        params: dict[str, str] = {}
        if decision.next_allowed_at is not None:
            local = decision.next_allowed_at.astimezone(ZoneInfo(self.item.customer.timezone))
            params["next_allowed_at"] = (
                f"{local.strftime('%m-%d %H:%M')} ({self.item.customer.timezone})"
            )
        return FieldProblem("sms", decision.code or "frequency_cap", params).message(
            self.shell.locale
        )

    def action_next_template(self) -> None:
        """Use the next template."""
        if self.templates:
            self.index = (self.index + 1) % len(self.templates)
            self.relabel()

    def action_send(self) -> None:
        """Queue the SMS, unless the rules refuse it now (the reason stays on screen)."""
        decision = self.decision()
        if self.sending or not self.templates:
            return
        if not decision.allowed:
            self.notify(self._decision_text(decision), severity="warning")
            return
        template = self.templates[self.index]
        sms = SmsRequest(
            id=uuid4(),
            task_id=self.item.task.id,
            template=template.id,
            text=template.text,
            requested_at=self.shell.clock(),
        )
        self.sending = True
        self._store(sms)

    class StoreFailed(Message):
        """The outbox write failed; nothing was queued."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    @work(thread=True, exit_on_error=False, group="sms")
    def _store(self, sms: SmsRequest) -> None:
        """The outbox write (durable), off the UI thread."""
        from revisit_tui.client.durable import DiskError

        store = self.shell.store
        try:
            assert store is not None, "no store"
            store.add_sms(sms)
        except DiskError as error:  # what, where, what to do; the agent may try again
            self.post_message(self.StoreFailed(self.shell.disk_message(error)))
            return
        except Exception as error:  # whatever it is, the agent must know
            self.post_message(self.StoreFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(self.Stored(sms))

    def on_sms_screen_store_failed(self, message: StoreFailed) -> None:
        self.sending = False
        self.notify(
            self.t("call.sms.failed", error=message.error),
            severity="error",
            markup=False,
            timeout=30,
        )

    def on_sms_screen_stored(self, message: Stored) -> None:
        self.shell.request_sync()
        self.notify(self.t("call.sms.queued"))
        self.dismiss(message.sms)

    def action_leave(self) -> None:
        """Go back without sending."""
        self.dismiss(None)
