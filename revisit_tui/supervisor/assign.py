"""Assigning the open tasks: read what the plan needs through the API, plan, write in chunks.

An agent's load is the open tasks they hold (their queue for the day); the plan fills each
agent up to their capacity. Continuity: a follow-up prefers the escalation's agent, any task
the agent who last reached the customer, then the agent who already holds another open task
of the same customer.

The server checks capacity again when it writes, and each assignment names the task version
it was planned from (another supervisor may be assigning at the same time): a refused chunk
makes the run read the floor again and re-plan what is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revisit_tui.client.api import ApiError
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    MAX_ASSIGNMENTS,
    Agent,
    Assignment,
    TaskBrief,
    TaskCreate,
    TaskStatus,
)
from revisit_tui.supervisor.background import SideBySide
from revisit_tui.supervisor.messages import Told
from revisit_tui.supervisor.planning import Plan, plan_assignments, workload
from revisit_tui.supervisor.progress import Progress
from revisit_tui.supervisor.textfile import FileProblem, read_text

CHUNK = MAX_ASSIGNMENTS  # the server's largest assignment batch
REPLANS = 5  # times a run re-reads and re-plans after the server refused a chunk
REPLAN_CODES = {"over_capacity", "changed"}  # refusals that mean "read again and re-plan"
IDENTIFIER = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class UnknownAgent(Exception):
    """An agent id given by the user is not an agent of the server."""


class Contended(Exception):
    """The server kept refusing the plan: other runs keep filling the same agents."""


@dataclass(frozen=True)
class CustomerMove:
    """One customer of a transfer: the branch they leave and the tasks that come back."""

    customer_id: str
    from_branch: str
    open_tasks: int


@dataclass(frozen=True)
class Transfer:
    """What /v1/customers/transfer moved (or, in a dry run, would move)."""

    customers: int
    tasks: int
    surveys: int = 0  # satisfaction revisits for the new branch (seed 003 §十一)
    notices: int = 0  # notice SMS queued (seed 003 §四.3)
    moves: list[CustomerMove] = field(default_factory=list)


def read_customer_ids(path: str | Path) -> list[tuple[int, str]]:
    """(line number, customer id) of each id, one a line (blank lines and lines starting with
    # are skipped). Raises FileProblem naming the file and line of the first unusable id."""
    source = Path(path)
    text = read_text(source)
    ids = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        if not IDENTIFIER.match(value):
            raise FileProblem(
                "files.line", file=source.name, line=number, problem=Told("files.not_an_id")
            )
        ids.append((number, value))
    if not ids:
        raise FileProblem("files.no_ids", file=source.name)
    return ids


def transfer(
    api: SupervisorApi, lines: list[tuple[int, str]], to_branch: str, *, dry_run: bool = False
) -> Transfer:
    """Move customers (as read by read_customer_ids) to a branch; their open tasks come back
    unassigned. With `dry_run` the server checks everything and moves nothing. Ids the
    server does not know raise FileProblem with their line numbers; an unknown branch too."""
    try:
        body = api.transfer_customers([cid for _, cid in lines], to_branch, dry_run=dry_run)
    except ApiError as exc:
        fields = exc.problem.fields if exc.problem and exc.status == 422 else {}
        unknown = [
            lines[int(index)][0]
            for name in fields
            for prefix, _, index in [name.partition(".")]
            if prefix == "customer_ids" and index.isdigit() and int(index) < len(lines)
        ]
        numbers = ", ".join(str(line) for line in unknown)
        branch = fields.get("to_branch")
        if unknown and branch:
            raise FileProblem(
                "files.unknown_customers_and_branch", lines=numbers, reason=branch
            ) from None
        if unknown:
            raise FileProblem("files.unknown_customers", lines=numbers) from None
        if branch:
            raise FileProblem("files.bad_branch", reason=branch) from None
        raise
    return _transfer_of(body)


def _transfer_of(body: Mapping[str, Any]) -> Transfer:
    return Transfer(
        customers=int(body["customers"]),
        tasks=int(body["tasks"]),
        surveys=int(body.get("surveys", 0)),
        notices=int(body.get("notices", 0)),
        moves=[
            CustomerMove(
                customer_id=str(move["customer_id"]),
                from_branch=str(move["from_branch"]),
                open_tasks=int(move["open_tasks"]),
            )
            for move in body.get("moves", [])
        ],
    )


def choose_agents(agents: Sequence[Agent], only: Sequence[str]) -> list[Agent]:
    """The agents to plan for: all, or those named (UnknownAgent for a name not on the server)."""
    if not only:
        return list(agents)
    known = {agent.id: agent for agent in agents}
    missing = [agent_id for agent_id in only if agent_id not in known]
    if missing:
        raise UnknownAgent(", ".join(missing))
    return [known[agent_id] for agent_id in only]


def make_plan(
    api: SupervisorApi,
    agents: Sequence[Agent],
    *,
    rebalance: bool,
    only: Sequence[Agent] | None = None,
    progress: bool = True,
) -> Plan[TaskBrief]:
    """Read the open tasks, customers, escalations and who last reached each customer, then
    plan for `only` (default: every agent); writes nothing. `agents` is everyone active: a
    task held by anyone else (a revoked agent) is back in the pool."""
    with Progress("common.reading", enabled=progress) as bar, SideBySide() as calls:
        open_tasks = calls.start(lambda: list(bar.track(api.task_briefs(status=TaskStatus.OPEN))))
        customers = calls.start(lambda: {c.id: c for c in bar.track(api.customer_briefs())})
        escalations = calls.start(lambda: {str(e.id): e.agent_id for e in api.escalations()})
        load = workload(open_tasks.result(), agents, rebalance)
        last = api.last_reached(sorted({task.customer_id for task in load.candidates}))
        preferred = continuity(load.candidates, load.holder, escalations.result(), last)
        chosen = agents if only is None else only
        return plan_assignments(load.candidates, chosen, customers.result(), load.held, preferred)


def write_plan(api: SupervisorApi, plan: Plan[TaskBrief], progress: bool = True) -> int:
    """Send the plan's assignments in chunks; answers how many tasks the server updated.
    Refused (with the count written so far) when the server refuses a chunk."""
    assignments = [  # from the server's own (validated) ids and versions: built unchecked
        Assignment.model_construct(task_id=task.id, agent_id=agent, version=task.version)
        for task, agent in plan.placed
    ]
    updated = 0
    with Progress("assign.progress", len(assignments), enabled=progress) as bar:
        for start in range(0, len(assignments), CHUNK):
            chunk = assignments[start : start + CHUNK]
            try:
                updated += api.assign(chunk)
            except ApiError as exc:
                if exc.problem and exc.problem.code in REPLAN_CODES:
                    raise Refused(updated) from exc
                raise
            bar.advance(len(chunk))
    return updated


class Refused(Exception):
    """The server refused a chunk: another run assigned tasks or filled agents since this
    plan was read."""

    def __init__(self, written: int) -> None:
        super().__init__(f"refused after {written} assignments")
        self.written = written


@dataclass
class AssignRun:
    """What `assign` did: the last plan, the tasks written, how often it had to re-plan."""

    plan: Plan[TaskBrief]
    updated: int = 0
    replans: int = 0


def assign_open_tasks(
    api: SupervisorApi,
    agents: Sequence[Agent],
    *,
    rebalance: bool,
    only: Sequence[Agent] | None = None,
    progress: bool = True,
) -> AssignRun:
    """Plan and write; when the server refuses a chunk (another run took the room), read the
    floor again and plan what is left, up to REPLANS times (then Contended)."""
    run = AssignRun(plan=make_plan(api, agents, rebalance=rebalance, only=only, progress=progress))
    while True:
        try:
            run.updated += write_plan(api, run.plan, progress)
            return run
        except Refused as refused:
            run.updated += refused.written
            run.replans += 1
            if run.replans > REPLANS:
                raise Contended(str(refused)) from None
        run.plan = make_plan(api, agents, rebalance=rebalance, only=only, progress=progress)


def continuity(
    tasks: Iterable[TaskBrief | TaskCreate],
    holder: Mapping[str, str],
    escalation_agent: Mapping[str, str],
    last_reached: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """Task key → the agents continuity asks for, best first: a follow-up's escalating agent,
    the agent who last reached the customer, the agent holding another open task of theirs."""
    last_reached = last_reached or {}
    preferred = {}
    for task in tasks:
        wanted = [
            escalation_agent.get(task.escalation_id) if task.escalation_id else None,
            last_reached.get(task.customer_id),
            holder.get(task.customer_id),
        ]
        agents = list(dict.fromkeys(agent_id for agent_id in wanted if agent_id))
        if agents:
            preferred[task.key] = agents
    return preferred
