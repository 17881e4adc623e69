"""Assigning the open tasks: read what the plan needs through the API, plan, write in chunks.

An agent's load is the open tasks they hold (their queue for the day); the plan fills each
agent up to their capacity. Continuity: a follow-up prefers the escalation's agent, any task
prefers the agent who already holds another open task of the same customer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from revisit_tui.client.api import ApiError
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import Agent, Assignment, Task, TaskCreate, TaskStatus
from revisit_tui.supervisor.planning import Plan, plan_assignments, workload
from revisit_tui.supervisor.progress import Progress

CHUNK = 5000  # the server's largest assignment batch
IDENTIFIER = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class UnknownAgent(Exception):
    """An agent id given by the user is not an agent of the server."""


@dataclass(frozen=True)
class Transfer:
    """What /v1/customers/transfer moved."""

    customers: int
    tasks: int


def read_customer_ids(path: str | Path) -> list[tuple[int, str]]:
    """(line number, customer id) of each id, one a line (blank lines and lines starting with
    # are skipped). Raises ValueError naming the file and line of the first unusable id."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValueError(f"{source}: cannot read: {exc.strerror}") from None
    ids = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.strip()
        if not value or value.startswith("#"):
            continue
        if not IDENTIFIER.match(value):
            raise ValueError(
                f"{source.name} line {number}: not a customer id (letters, digits, _.:- only)"
            )
        ids.append((number, value))
    if not ids:
        raise ValueError(f"{source.name}: no customer ids")
    return ids


def transfer(api: SupervisorApi, lines: list[tuple[int, str]], to_branch: str) -> Transfer:
    """Move customers (as read by read_customer_ids) to a branch; their open tasks come back
    unassigned. Ids the server does not know raise ValueError with their line numbers."""
    try:
        customers, tasks = api.transfer_customers([cid for _, cid in lines], to_branch)
    except ApiError as exc:
        unknown = [
            lines[int(index)][0]
            for field in (exc.problem.fields if exc.problem and exc.status == 422 else {})
            for prefix, _, index in [field.partition(".")]
            if prefix == "customer_ids" and index.isdigit() and int(index) < len(lines)
        ]
        if not unknown:
            raise
        numbers = ", ".join(str(line) for line in unknown)
        raise ValueError(f"line {numbers}: no such customer in the central database") from None
    return Transfer(customers=customers, tasks=tasks)


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
    api: SupervisorApi, agents: Sequence[Agent], *, rebalance: bool, progress: bool = True
) -> Plan[Task]:
    """Read the open tasks, customers and escalations (side by side), then plan; writes nothing."""
    with ThreadPoolExecutor(max_workers=3) as pool, Progress("reading", enabled=progress) as bar:
        open_tasks = pool.submit(lambda: list(bar.track(api.tasks(status=TaskStatus.OPEN))))
        customers = pool.submit(lambda: {c.id: c for c in bar.track(api.customers())})
        escalations = pool.submit(lambda: {str(e.id): e.agent_id for e in api.escalations()})
        load = workload(open_tasks.result(), agents, rebalance)
        preferred = continuity(load.candidates, load.holder, escalations.result())
        return plan_assignments(load.candidates, agents, customers.result(), load.held, preferred)


def write_plan(api: SupervisorApi, plan: Plan[Task], progress: bool = True) -> int:
    """Send the plan's assignments in chunks; answers how many tasks the server updated."""
    assignments = [Assignment(task_id=task.id, agent_id=agent) for task, agent in plan.placed]
    updated = 0
    with Progress("assigning", len(assignments), enabled=progress) as bar:
        for start in range(0, len(assignments), CHUNK):
            chunk = assignments[start : start + CHUNK]
            updated += api.assign(chunk)
            bar.advance(len(chunk))
    return updated


def continuity(
    tasks: Iterable[Task | TaskCreate], holder: dict[str, str], escalation_agent: dict[str, str]
) -> dict[str, str]:
    """Task key → the agent continuity asks for: a follow-up's escalating agent, else the
    agent holding another open task of the same customer."""
    preferred = {}
    for task in tasks:
        agent_id = holder.get(task.customer_id)
        if task.escalation_id and task.escalation_id in escalation_agent:
            agent_id = escalation_agent[task.escalation_id]
        if agent_id:
            preferred[task.key] = agent_id
    return preferred
