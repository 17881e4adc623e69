"""Building the day's queue: the revisits the domain rules find due, created idempotently.

Accounts and events come from the central database (read page by page) or from a bank's
export file; customers, the last revisit of each account and the resolved escalations come
from the API. Every task carries its rule's deterministic key, so /v1/tasks/bulk creates a
key once: running again the same day, or after an interruption, creates only what is missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date

from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    Account,
    Customer,
    EscalationStatus,
    Event,
    TaskCreate,
    TaskKind,
    TaskStatus,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import due_revisits, follow_up_task
from revisit_tui.supervisor.exportfile import Export, ExportError
from revisit_tui.supervisor.progress import Progress

CHUNK = 5000  # the server's largest task batch


@dataclass
class BuildResult:
    """What a build found due and what the server created of it."""

    due: int = 0
    created: int = 0
    existing: int = 0
    by_kind: Counter[TaskKind] = field(default_factory=Counter)


def last_revisits(api: SupervisorApi) -> dict[str, date]:
    """Account number → the day its latest revisit was completed (done tasks, UTC day)."""
    last: dict[str, date] = {}
    for task in api.tasks(status=TaskStatus.DONE):
        if task.account_number is None or task.updated_at is None:
            continue
        day = task.updated_at.astimezone(UTC).date()
        if day > last.get(task.account_number, date.min):
            last[task.account_number] = day
    return last


def check_customers(export: Export, customers: Mapping[str, Customer], name: str) -> None:
    """ExportError for the first account whose customer the central database does not know."""
    for account in export.accounts:
        if account.customer_id not in customers:
            raise ExportError(
                f"{name} line {export.lines[account.number]}: customer_id: no such customer in"
                " the central database (import the customer first)"
            )


def due_tasks(
    api: SupervisorApi,
    today: date,
    policy: RevisitPolicy,
    export: Export | None = None,
    export_name: str = "",
    progress: bool = True,
) -> list[TaskCreate]:
    """Every revisit due today: account rules over the API's (or the export's) accounts and
    events, plus follow-ups of resolved escalations the server has not followed up yet.

    The lists are read side by side (the server answers one while this process parses another).
    """
    with ThreadPoolExecutor(max_workers=5) as pool, Progress("reading", enabled=progress) as bar:
        customers = pool.submit(lambda: {c.id: c for c in bar.track(api.customers())})
        last = pool.submit(last_revisits, api)
        resolved = pool.submit(lambda: list(api.escalations(status=EscalationStatus.RESOLVED)))
        accounts: Iterable[Account]
        events: Iterable[Event]
        if export is None:
            read_accounts = pool.submit(lambda: list(bar.track(api.accounts())))
            read_events = pool.submit(lambda: list(api.events()))
            accounts, events = read_accounts.result(), read_events.result()
        else:
            check_customers(export, customers.result(), export_name)
            accounts, events = export.accounts, export.events
        tasks = list(
            due_revisits(accounts, customers.result(), events, last.result(), today, policy)
        )
    for escalation in resolved.result():
        if escalation.follow_up_task_id is None:
            tasks.append(follow_up_task(escalation, today, policy))
    return tasks


def create(api: SupervisorApi, tasks: list[TaskCreate], progress: bool = True) -> BuildResult:
    """Send the tasks in chunks; keys the server has seen count as existing, not created."""
    result = BuildResult(due=len(tasks), by_kind=Counter(task.kind for task in tasks))
    with Progress("creating tasks", len(tasks), enabled=progress) as bar:
        for start in range(0, len(tasks), CHUNK):
            chunk = tasks[start : start + CHUNK]
            answer = api.create_tasks(chunk)
            result.created += answer.created
            result.existing += answer.existing
            bar.advance(len(chunk))
    return result
