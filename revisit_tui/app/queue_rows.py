"""The queue's rows without Textual: what to call next, filters, search, and the cell texts.

Rows are computed once per queue load (callable time, overdue, sort key, search text); a
filter change only selects among them, so a 5,000-task queue refilters in a few ms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from revisit_tui.domain.masking import mask_field
from revisit_tui.domain.models import MaskedField, QueueItem, Task, TaskKind
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.queue import queue_order
from revisit_tui.domain.rules import StartBlock, next_callable_at, start_block

Translate = Callable[..., str]
KIND_CYCLE: tuple[TaskKind | None, ...] = (None, *TaskKind)


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One task as the queue shows it."""

    item: QueueItem
    callable_now: bool
    callable_at: datetime | None  # None: not callable at all (e.g. do not call)
    overdue: bool
    phone: str  # masked
    haystack: str  # what `/` searches: name, last 4 of the phone, task id

    @property
    def task_id(self) -> str:
        return self.item.task.id

    @property
    def sort_key(self) -> tuple[int, tuple[int, date, str]]:
        """Callable now first, then callable later, then never; in each, the queue order."""
        order = queue_order(self.item.task)
        if self.callable_now:
            return (0, order)
        return (1 if self.callable_at is not None else 2, order)


@dataclass(frozen=True)
class QueueFilter:
    """The queue's filters; the default shows everything."""

    kind: TaskKind | None = None
    overdue_only: bool = False
    callable_only: bool = False
    search: str = ""

    def next_kind(self) -> TaskKind | None:
        """The kind after this one in the cycle all → each kind → all."""
        return KIND_CYCLE[(KIND_CYCLE.index(self.kind) + 1) % len(KIND_CYCLE)]

    def accepts(self, row: QueueRow) -> bool:
        if self.kind is not None and row.item.task.kind is not self.kind:
            return False
        if self.overdue_only and not row.overdue:
            return False
        if self.callable_only and not row.callable_now:
            return False
        return not self.search or self.search.casefold() in row.haystack


def build_rows(items: Iterable[QueueItem], now: datetime, policy: RevisitPolicy) -> list[QueueRow]:
    """Every item as a row, sorted by what to call next."""
    rows = [_row(item, now, policy) for item in items]
    rows.sort(key=lambda row: row.sort_key)
    return rows


def select(rows: Iterable[QueueRow], queue_filter: QueueFilter) -> list[QueueRow]:
    """The rows the filter accepts, in queue order."""
    return [row for row in rows if queue_filter.accepts(row)]


def cells(
    row: QueueRow, now: datetime, sync_mark: str | None, translate: Translate
) -> tuple[str, ...]:
    """The row's cell texts in the current locale."""
    task = row.item.task
    due = task.due.strftime("%m-%d") + (translate("queue.overdue_mark") if row.overdue else "")
    if row.callable_now:
        callable_text = translate("queue.now")
    elif row.callable_at is None:
        callable_text = translate("queue.never")
    else:
        callable_text = _local_time(row.callable_at, row.item.customer.timezone, now)
    sync_text = translate(f"queue.sync_{sync_mark}") if sync_mark else translate("queue.sync_none")
    return (
        str(task.priority),
        due,
        kind_label(task, translate),
        row.item.customer.name,
        translate(f"queue.language.{row.item.customer.language.value}"),
        row.phone,
        f"{task.attempts}/{task.attempt_limit}",
        callable_text,
        sync_text,
    )


def kind_label(task: Task, translate: Callable[..., str]) -> str:
    """What the task is, in a word: a special event's own event, else the task's kind."""
    if task.event is not None:
        return translate(f"event.{task.event.value}")
    return translate(f"kind.{task.kind.value}")


def sync_marks(pending: Iterable[str], attention: Iterable[str]) -> Mapping[str, str]:
    """Task id → "pending" / "attention" from the outbox's task ids (attention wins)."""
    marks = dict.fromkeys(pending, "pending")
    marks.update(dict.fromkeys(attention, "attention"))
    return marks


def _row(item: QueueItem, now: datetime, policy: RevisitPolicy) -> QueueRow:
    task, customer = item.task, item.customer
    earliest = max(t for t in (now, task.not_before, task.next_attempt_at) if t is not None)
    callable_at = None if customer.do_not_call else next_callable_at(customer, earliest, policy)
    zone = ZoneInfo(customer.timezone)
    field, phone = (
        (MaskedField.MOBILE, customer.mobile)
        if customer.mobile
        else (MaskedField.LANDLINE, customer.landline or "")
    )
    return QueueRow(
        item=item,
        callable_now=callable_at is not None and callable_at <= now,
        callable_at=callable_at,
        overdue=task.due < now.astimezone(zone).date(),
        phone=mask_field(field, phone),
        haystack=" ".join((customer.name, phone[-4:], task.id)).casefold(),
    )


def start_notice(
    row: QueueRow, now: datetime, policy: RevisitPolicy, translate: Callable[..., str]
) -> str | None:
    """Why the task under the cursor cannot be started now and from when (the server's own
    rule, so the agent learns it before the call opens), or None when it can."""
    block = start_block(row.item.task, row.item.customer, now, policy)
    if block is None:
        return None
    return held_text(block, row.item.customer.timezone, now, translate)


HELD_CODES = frozenset({"outside_window", "retry_spacing", "callback", "not_before", "do_not_call"})
"""Why a start is held back (`rules.StartBlock.code`, the server's 422 codes for a start)."""


def held_text(block: StartBlock, timezone: str, now: datetime, translate: Translate) -> str:
    """Why a task cannot start and from when, in the customer's time: one sentence for the
    app's own rule and the server's refusal alike."""
    reason = translate(f"queue.held.{block.code}")
    if block.allowed_at is None:
        return translate("queue.held.never", reason=reason)
    at = _local_time(block.allowed_at, timezone, now)
    return translate("queue.held.until", reason=reason, at=at)


def _local_time(at: datetime, timezone: str, now: datetime) -> str:
    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    if local.date() == now.astimezone(zone).date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")
