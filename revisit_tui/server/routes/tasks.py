"""Tasks for supervisors: bulk creation (idempotent by key), listing, assignment, transfers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy.engine import Connection

from revisit_tui.domain.models import (
    Assignment,
    AssignmentBatch,
    Customer,
    Day,
    Identifier,
    Role,
    TaskBatch,
    TaskBatchResult,
    TaskBriefPage,
    TaskKind,
    TaskPage,
    TaskStatus,
)
from revisit_tui.server import donotcall, transferring
from revisit_tui.server.accountids import (
    BRIEF_COLUMNS,
    AccountIds,
    listed_briefs,
    listed_tasks,
    numbers_of_customers,
)
from revisit_tui.server.admin import agent_from_row
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.paging import (
    BriefLimit,
    Cursor,
    Limit,
    decode_cursor,
    items_response,
    next_cursor,
)
from revisit_tui.server.problems import ProblemError, errors
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import accounts, audit_log, customers, principals, tasks
from revisit_tui.server.taskstore import (
    Changed,
    assign,
    bump_master_stamp,
    chunks,
    create_tasks,
    holders,
    task_id_for,
)

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)


@dataclass(frozen=True)
class TaskFilters:
    """The task listings' filters: every one given must match."""

    status: TaskStatus | None
    kind: TaskKind | None
    agent: str | None
    customer: str | None
    unassigned: bool | None
    due_before: date | None

    def apply(self, query: sa.Select[Any]) -> sa.Select[Any]:
        """`query` narrowed to the tasks these filters match."""
        if self.status:
            query = query.where(tasks.c.status == self.status.value)
        if self.kind:
            query = query.where(tasks.c.kind == self.kind.value)
        if self.agent:
            query = query.where(tasks.c.assigned_agent == self.agent)
        if self.customer:
            query = query.where(tasks.c.customer_id == self.customer)
        if self.unassigned is True:
            query = query.where(tasks.c.assigned_agent.is_(None))
        elif self.unassigned is False:
            query = query.where(tasks.c.assigned_agent.is_not(None))
        if self.due_before:
            query = query.where(tasks.c.due < self.due_before)
        return query


def task_filters(
    status: Annotated[TaskStatus | None, Query()] = None,
    kind: Annotated[TaskKind | None, Query()] = None,
    agent: Annotated[str | None, Query(max_length=64)] = None,
    customer: Annotated[str | None, Query(max_length=64)] = None,
    unassigned: Annotated[bool | None, Query(description="true: only tasks without agent")] = None,
    due_before: Annotated[Day | None, Query(description="due strictly before this day")] = None,
) -> TaskFilters:
    """The task listings' filter parameters, one definition for both listings."""
    return TaskFilters(status, kind, agent, customer, unassigned, due_before)


Filters = Annotated[TaskFilters, Depends(task_filters)]


class Updated(BaseModel):
    updated: int


class Transfer(BaseModel):
    customer_ids: Annotated[list[Identifier], Field(min_length=1, max_length=5000)]
    to_branch: Identifier
    dry_run: StrictBool = False  # check and answer the plan; change nothing


class CustomerMove(BaseModel):
    customer_id: str
    from_branch: str
    open_tasks: int  # assigned open tasks that come back for re-assignment
    # a customer who changes branch (seed 003 §四.3, §十一): their satisfaction revisit for the
    # new branch (none if they asked not to be called), and their notice SMS: "queued" (to go
    # at notice_at: rest hours and caps respected) or why none goes
    survey_task_id: str | None = None
    notice: str | None = None
    notice_at: datetime | None = None


class TransferResult(BaseModel):
    customers: int
    tasks: int
    surveys: int = 0  # satisfaction revisits created for the new branch
    notices: int = 0  # notice SMS queued
    dry_run: bool = False
    moves: list[CustomerMove] = []


@router.post("/tasks/bulk", response_model=TaskBatchResult, responses=errors())
def bulk_tasks(batch: TaskBatch, context: Context, _caller: Supervisor) -> TaskBatchResult:
    """Create tasks; a key seen before creates nothing (re-runs are safe), and neither does a
    task for a customer who asked not to be called (its key is listed in `do_not_call`)."""
    now = datetime.now(UTC)
    account_ids = context.account_ids
    with context.engine.begin() as conn:
        bad = _unknown(
            conn, customers.c.id, "tasks.{}.customer_id", [t.customer_id for t in batch.tasks]
        )
        bad |= _unknown_agents(
            conn, "tasks.{}.assigned_agent", [t.assigned_agent for t in batch.tasks]
        )
        numbers, foreign = _task_accounts(conn, account_ids, batch)
        bad |= foreign
        bad |= _events(batch)
        if bad:
            raise ProblemError(422, "invalid", f"invalid fields: {', '.join(bad)}", bad)
        refused = donotcall.marked(conn, [t.customer_id for t in batch.tasks])
        kept = [i for i, t in enumerate(batch.tasks) if t.customer_id not in refused]
        wanted = [batch.tasks[i] for i in kept]
        ids, created = create_tasks(conn, wanted, now, [numbers[i] for i in kept])
    id_of = dict(zip((t.key for t in wanted), ids, strict=True))
    skipped = [t.key for t in batch.tasks if t.customer_id in refused]
    return TaskBatchResult(
        created=created,
        existing=len(ids) - created,
        task_ids=[id_of.get(t.key) or task_id_for(t.key) for t in batch.tasks],
        do_not_call=skipped,
    )


@router.get("/tasks", response_model=TaskPage, responses=errors())
def list_tasks(
    context: Context,
    _caller: Supervisor,
    filters: Filters,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Response:
    """Tasks by id, filtered, their accounts masked beside the account id; page with
    next_cursor."""
    query = filters.apply(sa.select(tasks))
    with context.read.connect() as conn:
        rows = _page(conn, query, cursor, limit)
    ids = context.account_ids
    return items_response(listed_tasks(rows, ids), next_cursor(rows, limit, lambda r: [r.id]))


@router.get("/tasks/briefs", response_model=TaskBriefPage, responses=errors())
def list_task_briefs(
    context: Context,
    _caller: Supervisor,
    filters: Filters,
    cursor: Cursor = None,
    limit: BriefLimit = 100,
) -> Response:
    """GET /v1/tasks with what an assignment plan reads of each task (TaskBrief): a fifth of
    the bytes, no account, no times; a floor's open tasks are read whole before every plan."""
    query = filters.apply(sa.select(*BRIEF_COLUMNS))
    with context.read.connect() as conn:
        rows = _page(conn, query, cursor, limit)
    return items_response(listed_briefs(rows), next_cursor(rows, limit, lambda r: [r.id]))


def _page(conn: Connection, query: sa.Select[Any], cursor: str | None, limit: int) -> list[Any]:
    """The listing's page after `cursor`, by task id."""
    after = decode_cursor(cursor, 1)
    if after:
        query = query.where(tasks.c.id > str(after[0]))
    return list(conn.execute(query.order_by(tasks.c.id).limit(limit)).all())


@router.post("/assignments", response_model=Updated, responses=errors(409))
def assignments(batch: AssignmentBatch, context: Context, _caller: Supervisor) -> Updated:
    """Assign or unassign; each task whose agent changes gets a new version. An agent given
    tasks may not end up holding more open tasks than their capacity (422 over_capacity); the
    load is counted under a lock on the agent, so concurrent batches cannot both fit. An item
    with `version` is refused when the task changed since (409 changed): another supervisor's
    plan is never silently overwritten. Either way nothing of the batch changes."""
    now = datetime.now(UTC)
    items = batch.assignments
    with context.engine.begin() as conn:
        capacities = _lock_agents(conn, {a.agent_id for a in items if a.agent_id})
        current = holders(conn, (a.task_id for a in items))  # the one lookup of the ids
        bad = {
            f"assignments.{index}.task_id": f"unknown: {a.task_id!r}"
            for index, a in enumerate(items)
            if a.task_id not in current
        }
        bad |= _unknown_agents(conn, "assignments.{}.agent_id", [a.agent_id for a in items])
        if bad:
            raise ProblemError(422, "invalid", f"invalid fields: {', '.join(bad)}", bad)
        expected = {a.task_id: a.version for a in items if a.version is not None}
        changes = [(a.task_id, a.agent_id) for a in items]
        try:
            updated = assign(conn, changes, now, expected, current)
        except Changed as exc:
            fields = {
                f"assignments.{index}.version": "the task changed since"
                for index, a in enumerate(items)
                if a.task_id in set(exc.task_ids)
            }
            raise ProblemError(
                409, "changed", f"{len(exc.task_ids)} tasks changed since they were read", fields
            ) from None
        over = _over_capacity(conn, items, capacities)
        if over:  # raised inside the transaction: it rolls back, nothing changes
            raise ProblemError(422, "over_capacity", f"over capacity: {', '.join(over)}", over)
    return Updated(updated=updated)


@router.post("/customers/transfer", response_model=TransferResult, responses=errors())
def transfer(request: Transfer, context: Context, caller: Supervisor) -> TransferResult:
    """Customers move branch (seed 003); their open tasks are unassigned for re-assignment.

    The branch must be one the centre knows (a customer's or an agent's): a
    typo would strand the customers' tasks with no agent to serve them. A dry run answers the
    same plan and changes nothing."""
    now = datetime.now(UTC)
    with context.engine.begin() as conn:
        bad = _unknown(conn, customers.c.id, "customer_ids.{}", request.customer_ids)
        if not _known_branch(conn, request.to_branch):
            bad["to_branch"] = f"unknown branch {request.to_branch!r}: no customer or agent has it"
        if bad:
            raise ProblemError(422, "invalid", f"invalid fields: {', '.join(bad)}", bad)
        moves: list[CustomerMove] = []
        task_ids: list[str] = []
        for part in chunks(sorted(set(request.customer_ids))):
            held: dict[str, int] = {
                customer_id: count
                for customer_id, count in conn.execute(
                    sa.select(tasks.c.customer_id, sa.func.count())
                    .where(
                        tasks.c.customer_id.in_(part),
                        tasks.c.status == TaskStatus.OPEN.value,
                        tasks.c.assigned_agent.is_not(None),
                    )
                    .group_by(tasks.c.customer_id)
                )
            }
            for row in conn.execute(
                sa.select(customers.c.id, customers.c.branch, customers.c.body)
                .where(customers.c.id.in_(part))
                .order_by(customers.c.id)
            ):
                move = CustomerMove(
                    customer_id=row.id, from_branch=row.branch, open_tasks=held.get(row.id, 0)
                )
                body = {**row.body, "branch": request.to_branch}
                moved = Customer.model_validate(body)
                if row.branch != request.to_branch:
                    if request.dry_run:
                        welcome = transferring.plan(conn, moved, context, now)[0]
                    else:
                        welcome = transferring.welcome(
                            conn, moved, row.branch, caller.id, context, now
                        )
                    move = move.model_copy(
                        update={
                            "survey_task_id": welcome.survey_task_id,
                            "notice": welcome.notice,
                            "notice_at": welcome.notice_at,
                        }
                    )
                moves.append(move)
                if request.dry_run:
                    continue
                conn.execute(
                    sa.update(customers)
                    .where(customers.c.id == row.id)
                    .values(branch=request.to_branch, body=body, updated_at=now)
                )
            if not request.dry_run:
                task_ids += conn.scalars(
                    sa.select(tasks.c.id).where(
                        tasks.c.customer_id.in_(part),
                        tasks.c.status == TaskStatus.OPEN.value,
                        tasks.c.assigned_agent.is_not(None),
                    )
                ).all()
        surveys = sum(move.survey_task_id is not None for move in moves)
        notices = sum(move.notice == "queued" for move in moves)
        if request.dry_run:
            return TransferResult(
                customers=len(moves),
                tasks=sum(move.open_tasks for move in moves),
                surveys=surveys,
                notices=notices,
                dry_run=True,
                moves=moves,
            )
        unassigned = assign(conn, [(task_id, None) for task_id in task_ids], now)
        bump_master_stamp(conn)
        conn.execute(
            sa.insert(audit_log).values(
                at=now,
                actor=caller.id,
                action="customers_transfer",
                detail={
                    "customers": len(moves),
                    "tasks": unassigned,
                    "to_branch": request.to_branch,
                    "surveys": surveys,
                    "notices": notices,
                },
            )
        )
    return TransferResult(
        customers=len(moves),
        tasks=unassigned,
        surveys=surveys,
        notices=notices,
        moves=moves,
    )


def _known_branch(conn: Connection, branch: str) -> bool:
    """A branch some customer or agent belongs to (a new branch gets its agents first)."""
    if conn.scalar(sa.select(customers.c.id).where(customers.c.branch == branch).limit(1)):
        return True
    profiles = conn.scalars(sa.select(principals.c.profile)).all()
    return any(profile.get("branch") == branch for profile in profiles)


def _unknown(
    conn: Connection, column: sa.Column[str], template: str, values: list[str]
) -> dict[str, str]:
    """Fields (by template with the item's index) whose value has no row in column's table."""
    known: set[str] = set()
    distinct = sorted(set(values))
    for part in chunks(distinct):
        known.update(conn.scalars(sa.select(column).where(column.in_(part))))
    return {
        template.format(index): f"unknown: {value!r}"
        for index, value in enumerate(values)
        if value not in known
    }


def _task_accounts(
    conn: Connection, ids: AccountIds, batch: TaskBatch
) -> tuple[list[str | None], dict[str, str]]:
    """The account number of each task (named by account id or by number; None for none),
    and the fields naming an account that is not one of the task's own customer (the agent
    would see another's)."""
    by_id = numbers_of_customers(conn, ids, [t.customer_id for t in batch.tasks if t.account_id])
    owner = _owners(conn, [t.account_number for t in batch.tasks if t.account_number])
    numbers: list[str | None] = []
    bad: dict[str, str] = {}
    for index, task in enumerate(batch.tasks):
        number = task.account_number
        if task.account_id is not None:
            number = by_id.get((task.customer_id, task.account_id))
            if number is None:
                bad[f"tasks.{index}.account_id"] = "is not an account of the task's customer"
            elif task.account_number not in (None, number):
                bad[f"tasks.{index}.account_id"] = "names another account than account_number"
        elif number is not None:
            if number not in owner:
                bad[f"tasks.{index}.account_number"] = "no such account"
            elif owner[number] != task.customer_id:
                bad[f"tasks.{index}.account_number"] = "is not an account of the task's customer"
        numbers.append(number)
    return numbers, bad


def _owners(conn: Connection, numbers: list[str]) -> dict[str, str]:
    """Account number → its customer, for the numbers that are accounts."""
    owner: dict[str, str] = {}
    for part in chunks(sorted(set(numbers))):
        rows = conn.execute(
            sa.select(accounts.c.number, accounts.c.customer_id).where(accounts.c.number.in_(part))
        )
        owner.update((row.number, row.customer_id) for row in rows)
    return owner


def _events(batch: TaskBatch) -> dict[str, str]:
    """A special-event task names its event (the agent's script and the reason follow from
    it); a task of another kind names none."""
    bad: dict[str, str] = {}
    for index, task in enumerate(batch.tasks):
        special = task.kind is TaskKind.SPECIAL_EVENT
        if special and task.event is None:
            bad[f"tasks.{index}.event"] = "a special_event task names its event"
        elif not special and task.event is not None:
            bad[f"tasks.{index}.event"] = "only a special_event task has an event"
    return bad


def _unknown_agents(conn: Connection, template: str, values: list[str | None]) -> dict[str, str]:
    """Fields naming no agent or supervisor, or one whose token was revoked (who left)."""
    named = sorted({value for value in values if value})
    revoked: dict[str, bool] = {}
    for part in chunks(named):
        rows = conn.execute(
            sa.select(principals.c.id, principals.c.revoked).where(
                principals.c.id.in_(part),
                principals.c.role.in_([Role.AGENT.value, Role.SUPERVISOR.value]),
            )
        )
        revoked.update((row.id, bool(row.revoked)) for row in rows)
    problems: dict[str, str] = {}
    for index, value in enumerate(values):
        if value and value not in revoked:
            problems[template.format(index)] = f"no agent {value!r}"
        elif value and revoked[value]:
            problems[template.format(index)] = f"the agent {value!r} is revoked"
    return problems


def _lock_agents(conn: Connection, agent_ids: set[str]) -> dict[str, int]:
    """Lock the agents' rows (PostgreSQL, in id order: no deadlock between two runs) for the
    rest of the transaction; their capacities by id."""
    capacities: dict[str, int] = {}
    for part in chunks(sorted(agent_ids)):
        rows = conn.execute(
            sa.select(principals)
            .where(principals.c.id.in_(part))
            .order_by(principals.c.id)
            .with_for_update()
        )
        capacities.update((row.id, agent_from_row(row).capacity) for row in rows)
    return capacities


def _over_capacity(
    conn: Connection, items: list[Assignment], capacities: dict[str, int]
) -> dict[str, str]:
    """After the batch's updates: the first item of each agent now holding more open tasks
    than their capacity."""
    held: dict[str, int] = {}
    for part in chunks(sorted(capacities)):
        rows = conn.execute(
            sa.select(tasks.c.assigned_agent, sa.func.count().label("open"))
            .where(tasks.c.assigned_agent.in_(part), tasks.c.status == TaskStatus.OPEN.value)
            .group_by(tasks.c.assigned_agent)
        )
        held.update((row.assigned_agent, int(row.open)) for row in rows)
    out: dict[str, str] = {}
    reported: set[str] = set()
    for index, item in enumerate(items):
        agent_id = item.agent_id
        if agent_id is None or agent_id in reported:
            continue
        if held.get(agent_id, 0) > capacities[agent_id]:
            reported.add(agent_id)
            out[f"assignments.{index}.agent_id"] = (
                f"{agent_id!r} would hold {held[agent_id]} open tasks; capacity "
                f"{capacities[agent_id]}"
            )
    return out
