"""The transaction check: each flagged transaction read out and answered confirmed / not me /
unsure. A "not me" raises an urgent escalation (the screen says so at once)."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from textual.app import ComposeResult
from textual.containers import Vertical

from revisit_tui.app.callform import CallForm
from revisit_tui.app.widgets.choice_row import TransactionChoice
from revisit_tui.app.widgets.prose import Prose
from revisit_tui.domain.models import QueueItem, Transaction

Translate = Callable[..., str]


def transaction_detail(tx: Transaction, t: Translate) -> str:
    """The second line of a flagged transaction: channel, why it was flagged, counterparty."""
    parts = [t(f"call.tx_channel.{tx.channel.value}")]
    if tx.flag:
        parts.append(t(f"call.flag.{tx.flag.value}"))
    parts.extend(part for part in (tx.flag_reason, tx.counterparty) if part)
    return " · ".join(parts)


class TransactionStep(Vertical):
    """A choice row per flagged transaction (time in the customer's zone, amount), with detail."""

    def __init__(self, item: QueueItem, form: CallForm, t: Translate) -> None:
        super().__init__(classes="step-inputs")
        self.item = item
        self.form = form
        self.t = t

    def compose(self) -> ComposeResult:
        if not self.item.flagged_transactions:
            yield Prose(self.t("call.tx.none"), classes="step-hint")
            return
        zone = ZoneInfo(self.item.customer.timezone)
        for tx in self.item.flagged_transactions:
            answer = self.form.transaction_checks.get(tx.id)
            yield TransactionChoice(
                f"transaction_checks.{tx.id}",
                tx.at.astimezone(zone).strftime("%m-%d %H:%M"),
                answer.value if answer else None,
                detail=f"{tx.amount:,.2f} {tx.currency}",
            )
            yield Prose("  " + transaction_detail(tx, self.t), classes="step-detail")
