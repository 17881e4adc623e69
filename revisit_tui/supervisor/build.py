"""Building the day's queue: the revisits the domain rules find due, created idempotently.

Accounts and events come from the central database (read page by page, numbers masked) or
from a bank's export file; customers, the last revisit of each account and the resolved
escalations come from the API. Accounts go by their account id (the server's name for an
account, docs/api.md), never by number: the supervisor needs no full number. Every task
carries its rule's deterministic key, so /v1/tasks/bulk creates a key once: running again
the same day, or after an interruption, creates only what is missing.

With assignment on creation the new tasks are planned by the rules of `planning` before they
are sent, and created already assigned: one write per task instead of a create and then an
assignment. A key that turns out to exist keeps its task as it is (its planned place stays
unused), so a later assign run places whatever is left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date

from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    AccountRecord,
    Agent,
    Customer,
    Escalation,
    EscalationStatus,
    EventRecord,
    TaskBrief,
    TaskCreate,
    TaskKind,
    TaskStatus,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import due_revisits, follow_up_task
from revisit_tui.supervisor.assign import continuity
from revisit_tui.supervisor.background import SideBySide
from revisit_tui.supervisor.exportfile import Export, ExportError
from revisit_tui.supervisor.messages import Told
from revisit_tui.supervisor.planning import Plan, plan_assignments, workload
from revisit_tui.supervisor.progress import Progress

CHUNK = 5000  # the server's largest task batch


@dataclass
class Sources:
    """Everything a build reads before it applies the rules."""

    customers: dict[str, Customer]
    accounts: list[AccountRecord]
    events: list[EventRecord]
    last_revisit: dict[str, date]  # account id → day of its latest completed revisit
    resolved: list[Escalation]
    agents: list[Agent] = field(default_factory=list)  # read only to assign on creation
    open_tasks: list[TaskBrief] = field(default_factory=list)  # likewise


@dataclass
class BuildResult:
    """What a build found due and what the server created of it."""

    due: int = 0
    created: int = 0
    existing: int = 0
    by_kind: Counter[TaskKind] = field(default_factory=Counter)


def last_revisits(api: SupervisorApi) -> dict[str, date]:
    """Account id → the day its latest revisit was completed (done tasks, UTC day)."""
    last: dict[str, date] = {}
    for task in api.tasks(status=TaskStatus.DONE):
        if task.account_id is None or task.updated_at is None:
            continue
        day = task.updated_at.astimezone(UTC).date()
        if day > last.get(task.account_id, date.min):
            last[task.account_id] = day
    return last


def export_numbers(export: Export) -> list[str]:
    """The account numbers an export names (its accounts and its events'), each once."""
    return sorted({a.number for a in export.accounts} | {e.account_number for e in export.events})


def export_records(
    api: SupervisorApi, export: Export
) -> tuple[list[AccountRecord], list[EventRecord]]:
    """The export's accounts and events with their account ids, asked of the server (which
    keeps the key they are made with)."""
    numbers = export_numbers(export)
    id_of = dict(zip(numbers, api.account_ids(numbers), strict=True))
    accounts = [
        AccountRecord.model_construct(**{**a.__dict__, "id": id_of[a.number]})
        for a in export.accounts
    ]
    events = [
        EventRecord.model_construct(**{**e.__dict__, "account_id": id_of[e.account_number]})
        for e in export.events
    ]
    return accounts, events


def check_customers(export: Export, customers: Mapping[str, Customer], name: str) -> None:
    """ExportError for the first account whose customer the central database does not know."""
    for account in export.accounts:
        if account.customer_id not in customers:
            raise ExportError(
                "files.line",
                file=name,
                line=export.lines[account.number],
                problem=Told("files.unknown_customer"),
            )


def read_sources(
    api: SupervisorApi,
    export: Export | None = None,
    export_name: str = "",
    *,
    for_assignment: bool = False,
    progress: bool = True,
) -> Sources:
    """Read what the rules need (and, to assign on creation, the agents and open tasks) side by
    side: the server answers one list while this process parses another."""
    with Progress("common.reading", enabled=progress) as bar, SideBySide() as calls:
        customers = calls.start(lambda: {c.id: c for c in bar.track(api.customers())})
        last = calls.start(lambda: last_revisits(api))
        resolved = calls.start(lambda: list(api.escalations(status=EscalationStatus.RESOLVED)))
        if export is None:
            accounts = calls.start(lambda: list(bar.track(api.accounts())))
            events = calls.start(lambda: list(api.events()))
        else:
            records = calls.start(lambda: export_records(api, export))
        if for_assignment:
            agents = calls.start(api.agents)
            open_tasks = calls.start(
                lambda: list(bar.track(api.task_briefs(status=TaskStatus.OPEN)))
            )
        if export is not None:
            check_customers(export, customers.result(), export_name)
        return Sources(
            customers=customers.result(),
            accounts=accounts.result() if export is None else records.result()[0],
            events=events.result() if export is None else records.result()[1],
            last_revisit=last.result(),
            resolved=resolved.result(),
            agents=agents.result() if for_assignment else [],
            open_tasks=open_tasks.result() if for_assignment else [],
        )


def due_tasks(sources: Sources, today: date, policy: RevisitPolicy) -> list[TaskCreate]:
    """Every revisit due today: the account rules, plus follow-ups of resolved escalations the
    server has not followed up yet."""
    tasks = list(
        due_revisits(
            sources.accounts,
            sources.customers,
            sources.events,
            sources.last_revisit,
            today,
            policy,
        )
    )
    for escalation in sources.resolved:
        if escalation.follow_up_task_id is None:
            tasks.append(follow_up_task(escalation, today, policy))
    return tasks


def assign_on_creation(
    tasks: list[TaskCreate], sources: Sources, last_reached: Mapping[str, str] | None = None
) -> tuple[list[TaskCreate], Plan[TaskCreate]]:
    """The tasks with `assigned_agent` set by the plan; tasks that already name an agent (a
    follow-up's) or whose key is an open task already are not planned. `last_reached` maps
    a customer to the agent who last reached them (continuity)."""
    load = workload(sources.open_tasks, sources.agents, rebalance=False)
    open_keys = {task.key for task in sources.open_tasks}
    held = dict(load.held)
    to_plan = []
    for task in tasks:
        if task.key in open_keys:
            continue
        if task.assigned_agent is not None:
            held[task.assigned_agent] = held.get(task.assigned_agent, 0) + 1
        else:
            to_plan.append(task)
    escalation_agent = {str(e.id): e.agent_id for e in sources.resolved}
    preferred = continuity(to_plan, load.holder, escalation_agent, last_reached)
    plan = plan_assignments(to_plan, sources.agents, sources.customers, held, preferred)
    agent_of = {task.key: agent_id for task, agent_id in plan.placed}
    assigned = [
        _with_agent(task, agent_of[task.key]) if task.key in agent_of else task for task in tasks
    ]
    return assigned, plan


def _with_agent(task: TaskCreate, agent_id: str) -> TaskCreate:
    """The same (already validated) task for an agent; model_construct skips re-validation,
    which matters at a hundred thousand tasks."""
    return TaskCreate.model_construct(**{**task.__dict__, "assigned_agent": agent_id})


def create(api: SupervisorApi, tasks: list[TaskCreate], progress: bool = True) -> BuildResult:
    """Send the tasks in chunks; keys the server has seen count as existing, not created."""
    result = BuildResult(due=len(tasks), by_kind=Counter(task.kind for task in tasks))
    with Progress("queue.progress", len(tasks), enabled=progress) as bar:
        for start in range(0, len(tasks), CHUNK):
            chunk = tasks[start : start + CHUNK]
            answer = api.create_tasks(chunk)
            result.created += answer.created
            result.existing += answer.existing
            bar.advance(len(chunk))
    return result
