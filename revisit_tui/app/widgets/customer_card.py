"""The customer card: who is on the line and the language they speak, their masked numbers,
the account's status, recent revisits, and the flagged transactions to read out. A field shows
in full only after a deliberate reveal."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.widgets import Static

from revisit_tui.app.widgets.prose import break_lines
from revisit_tui.domain.masking import mask_field
from revisit_tui.domain.models import AccountStatus, MaskedField, QueueItem, Transaction
from revisit_tui.domain.validation import display_phone

Translate = Callable[..., str]


class CardRow(NamedTuple):
    """A line of the card: its label, its value (may hold several lines) and the value's
    style."""

    label: str
    value: str
    style: str = ""


def masked_value(
    item: QueueItem, field: MaskedField, revealed: str | None, region: str
) -> str | None:
    """A maskable field as the card shows it: the value the server disclosed (`revealed`),
    else the masked one; None if the customer has none."""
    if revealed is not None:
        if field in (MaskedField.MOBILE, MaskedField.LANDLINE):
            return display_phone(revealed, region)
        return revealed
    value = raw_value(item, field)
    return None if value is None else mask_field(field.value, value)


def raw_value(item: QueueItem, field: MaskedField) -> str | None:
    """A maskable field as the queue holds it (masked by the server; None when absent)."""
    customer = item.customer
    if field is MaskedField.MOBILE:
        return customer.mobile
    if field is MaskedField.LANDLINE:
        return customer.landline
    if field is MaskedField.IDENTITY_NUMBER:
        return customer.identity.number if customer.identity else None
    return item.account.number if item.account else None


def transaction_line(tx: Transaction, zone: str, t: Translate) -> str:
    """One flagged transaction as read out: when (customer's time), amount, channel, why."""
    at = tx.at.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M")
    flag = t(f"call.flag.{tx.flag.value}") if tx.flag else ""
    parts = [at, f"{tx.amount:,.2f} {tx.currency}", t(f"call.tx_channel.{tx.channel.value}")]
    return " ".join([*parts, flag, tx.counterparty]).strip()


class CustomerCard(Static):
    """The card's text; `revealed` lists the fields the agent has unmasked on purpose. Its
    values (a Chinese name or address, a counterparty) wrap by Prose's rule at the width the
    card has: folded at any cell, a line could start with "，"."""

    def __init__(self, item: QueueItem, region: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.item = item
        self.phone_region = region
        self.revealed: dict[MaskedField, str] = {}
        self.rows: list[CardRow] = []

    def on_mount(self) -> None:
        self.refresh_card()

    def reveal(self, field: MaskedField, value: str) -> None:
        """Show one field in full: the value disclosed by the server (or prefetched)."""
        self.revealed[field] = value
        self.refresh_card()

    def refresh_card(self) -> None:
        """Re-render in the app's current locale."""
        t: Translate = getattr(self.app, "t", lambda key, **_: key)
        item, customer = self.item, self.item.customer
        rows = [
            CardRow(t(f"call.customer_type.{customer.type.value}"), customer.name),
            CardRow(t("call.card.language"), t(f"language.{customer.language.value}")),
        ]
        for field in MaskedField:
            shown = masked_value(item, field, self.revealed.get(field), self.phone_region)
            if shown is not None:
                rows.append(CardRow(t(f"call.card.{field.value}"), shown))
        if item.account is not None:
            status = item.account.status
            style = "" if status is AccountStatus.ACTIVE else "bold"
            label = t(f"call.account_status.{status.value}")
            rows.append(CardRow(t("call.card.account_status"), label, style))
        if customer.email:
            rows.append(CardRow(t("call.card.email"), customer.email))
        if customer.address:
            rows.append(CardRow(t("call.card.address"), customer.address))
        if customer.risk.value != "normal":
            rows.append(CardRow(t("call.card.risk"), t(f"call.risk.{customer.risk.value}")))
        rows.append(CardRow(t("call.card.recent"), self._recent(t)))
        if item.flagged_transactions:
            lines = [transaction_line(tx, customer.timezone, t) for tx in item.flagged_transactions]
            rows.append(CardRow(t("call.card.flagged"), "\n".join(lines)))
        self.rows = rows
        self.refresh(layout=True)

    def render(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for row, lines in zip(self.rows, self._value_lines(self.size.width), strict=True):
            grid.add_row(row.label, Text("\n".join(lines), style=row.style))
        return grid

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return sum(len(lines) for lines in self._value_lines(width))

    def _value_lines(self, width: int) -> list[list[str]]:
        """Each row's value as lines broken for the value column at this card width."""
        label_cells = max((cell_len(row.label) for row in self.rows), default=0)
        value_cells = max(1, width - label_cells - 1) if width > 0 else 0
        return [break_lines(row.value, value_cells) for row in self.rows]

    def _recent(self, t: Translate) -> str:
        if not self.item.recent_outcomes:
            return t("call.card.none")
        zone = ZoneInfo(self.item.customer.timezone)
        lines = []
        for past in self.item.recent_outcomes[:3]:
            at = past.at.astimezone(zone).strftime("%m-%d")
            rating = f" ★{past.satisfaction}" if past.satisfaction else ""
            channel = t(f"call.channel.{past.channel.value}")
            lines.append(f"{at} {channel} {t(f'disposition.{past.disposition.value}')}{rating}")
        return "\n".join(lines)
