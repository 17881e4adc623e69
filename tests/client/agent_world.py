"""Puts customers and tasks for one agent on a live server, through the supervisors' API."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from revisit_tui.client.api import ApiClient
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    Customer,
    CustomerType,
    Disposition,
    ImportBatch,
    Outcome,
    Role,
    TaskCreate,
    TaskKind,
)
from tests.conftest import callable_zone


def seed_tasks(server: Any, agent_id: str, count: int) -> tuple[str, str, list[str]]:
    """`count` customers with one periodic task each, assigned to a new agent.
    Returns (agent token, supervisor token, task ids)."""
    token = server.add_agent(agent_id)
    boss = server.add_agent(f"{agent_id}-boss", role=Role.SUPERVISOR)
    customers = [
        Customer(
            id=f"{agent_id}-c{i}",
            type=CustomerType.PERSONAL,
            name="王五",
            mobile="+8613800138000",
            branch="b1",
            timezone=callable_zone(),  # the server leases a task only in the callable window
        )
        for i in range(count)
    ]
    with ApiClient(server.url, boss) as client:
        supervisor = SupervisorApi(client)
        supervisor.import_batch(ImportBatch(customers=customers))
        created = supervisor.create_tasks(
            [
                TaskCreate(
                    key=f"{agent_id}:{customer.id}",
                    kind=TaskKind.PERIODIC,
                    priority=5,
                    customer_id=customer.id,
                    due=date.today(),
                    assigned_agent=agent_id,
                )
                for customer in customers
            ]
        )
    return token, boss, created.task_ids


def no_answer(task_id: str, agent_id: str, **fields: Any) -> Outcome:
    """An attempt that did not reach the customer, started and ended now."""
    now = datetime.now(UTC)
    return Outcome(
        id=uuid.uuid4(),
        task_id=task_id,
        agent_id=agent_id,
        started_at=now,
        ended_at=now,
        disposition=Disposition.NO_ANSWER,
        **fields,
    )


def stored_outcome_ids(server: Any, boss: str, agent_id: str) -> list[str]:
    """Every outcome id the server holds for the agent this month (repeats included)."""
    with ApiClient(server.url, boss) as client:
        month = datetime.now(UTC).strftime("%Y-%m")
        return [str(o.id) for o in SupervisorApi(client).outcomes(month, agent=agent_id)]
