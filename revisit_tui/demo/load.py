"""Load the demo data into a running API, the way a bank's systems would: through the API.

The supervisor imports the master data and creates the tasks; the agents' past attempts are
posted by the agents themselves (after taking the task, as the app does); the supervisor then
resolves one of the escalations they opened, which gives the demo agent a follow-up task.
"""

from __future__ import annotations

from dataclasses import dataclass

from revisit_tui.client.api import ApiClient
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.demo.data import DemoData
from revisit_tui.domain.models import TaskCreate


class LoadError(Exception):
    """The API refused part of the demo data (the message says which part and why)."""


@dataclass(frozen=True)
class LoadSummary:
    """What the API holds after loading."""

    customers: int
    accounts: int
    transactions: int
    tasks: int
    escalations: int
    follow_ups: int


def load(
    data: DemoData, server_url: str, tokens: dict[str, str], verify: bool | str = True
) -> LoadSummary:
    """Post `data` to the API at `server_url`; `tokens` maps agent ids (the supervisor's too)
    to their tokens. `verify`: as ApiClient's (a CA bundle for a bank's TLS proxy)."""
    supervisor_id = next(a.id for a in data.agents if a.role.value == "supervisor")
    with ApiClient(server_url, tokens[supervisor_id], verify=verify) as client:
        supervisor = SupervisorApi(client)
        imported = supervisor.import_batch(data.batch)
        created = supervisor.create_tasks(_keyed_by_account_id(supervisor, data.tasks))
        ids = dict(zip((task.key for task in data.tasks), created.task_ids, strict=True))
        escalations = _post_history(data, server_url, tokens, ids, verify)
        follow_ups = 0
        if escalations:
            resolution = "电子银行部已修复手机银行转账卡顿问题（版本 6.2.1），请回访确认客户满意"
            escalation = supervisor.resolve_escalation(escalations[0], resolution)
            follow_ups = int(escalation.follow_up_task_id is not None)
    return LoadSummary(
        customers=imported.customers,
        accounts=imported.accounts,
        transactions=imported.transactions,
        tasks=created.created + follow_ups,
        escalations=len(escalations),
        follow_ups=follow_ups,
    )


def _keyed_by_account_id(supervisor: SupervisorApi, tasks: list[TaskCreate]) -> list[TaskCreate]:
    """The tasks with the account id the server names each account by where the key names
    its number (as the rules key them): a queue build on the demo then finds them all."""
    numbers = sorted({task.account_number for task in tasks if task.account_number})
    if not numbers:
        return tasks
    id_of = dict(zip(numbers, supervisor.account_ids(numbers), strict=True))
    keyed = []
    for task in tasks:
        prefix = f"{task.kind.value}:{task.account_number}:"
        if task.account_number and task.key.startswith(prefix):
            key = f"{task.kind.value}:{id_of[task.account_number]}:{task.key[len(prefix) :]}"
            task = task.model_copy(update={"key": key})
        keyed.append(task)
    return keyed


def _post_history(
    data: DemoData,
    server_url: str,
    tokens: dict[str, str],
    ids: dict[str, str],
    verify: bool | str,
) -> list[str]:
    """Post each past attempt as its agent; the escalation ids the server opened."""
    opened: list[str] = []
    for past in data.history:
        task_id = ids[past.task_id]
        with ApiClient(server_url, tokens[past.agent_id], verify=verify) as client:
            lease = client.start_task(task_id)
            outcome = past.model_copy(
                update={"task_id": task_id, "task_version": lease.task_version}
            )
            [result] = client.submit_outcomes([outcome]).results
        if result.status not in (200, 201):
            raise LoadError(f"past attempt on task {task_id}: HTTP {result.status} {result.reason}")
        opened += [str(escalation_id) for escalation_id in result.escalation_ids]
    return opened
