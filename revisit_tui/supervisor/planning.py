"""Who calls whom: the assignment plan, a pure function of tasks, agents and customers.

It plans existing tasks (`TaskBrief`, for scripts/assign.py) and tasks about to be created
(`TaskCreate`, for build_queue.py --assign) alike; both are known by their unique `key`.

Most urgent first (priority, then due day); each task goes to an agent on shift who speaks
the customer's language, handles the customer's type (personal/corporate) and, when the agent
has a branch, works in the customer's branch. Continuity comes first: the agents the caller
prefers for a task (who spoke to the customer), then the agent this plan already gave the
same customer. Otherwise the most specialised suitable agent (fewest languages and skills)
takes it, so bilingual and all-round agents stay free for the customers only they can serve,
and among equally specialised agents the one with the most capacity left (the work spreads).
Nobody is ever given more than their capacity; tasks that fit nobody stay where they are and
are listed with why.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Protocol, TypeVar

from revisit_tui.domain.models import (
    Agent,
    Customer,
    CustomerBrief,
    CustomerType,
    Language,
    Role,
    TaskBrief,
    TaskKind,
)
from revisit_tui.supervisor.messages import FALLBACK, Messages

GroupKey = tuple[Language, CustomerType, str]  # (language, customer type, branch)
PoolEntry = tuple[int, int, str]  # (specialisation, -capacity left, agent id)


class Plannable(Protocol):
    """What planning reads of a task (a TaskBrief or a TaskCreate)."""

    @property
    def key(self) -> str: ...
    @property
    def kind(self) -> TaskKind: ...
    @property
    def priority(self) -> int: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def due(self) -> date: ...


T = TypeVar("T", bound=Plannable)


@dataclass(frozen=True)
class Why:
    """Why a task fits nobody: `assign.<key>` of the commands' messages, with its values."""

    key: str  # no_agent, all_full or unknown_customer
    values: tuple[tuple[str, str], ...] = ()

    def told(self, say: Messages) -> str:
        """The reason in `say`'s language, the customer's language and type in words."""
        groups = {"language": "language", "type": "customer_type"}
        values = {
            name: say.value(groups[name], value) if name in groups else value
            for name, value in self.values
        }
        return say(f"assign.{self.key}", **values)

    def __str__(self) -> str:
        return self.told(Messages(FALLBACK))


@dataclass(frozen=True)
class Unplaced(Generic[T]):
    """A task no agent can take, and why."""

    task: T
    reason: Why


@dataclass
class Plan(Generic[T]):
    """The outcome of planning: task → agent pairs, the tasks left over, each agent's load."""

    placed: list[tuple[T, str]] = field(default_factory=list)
    unplaced: list[Unplaced[T]] = field(default_factory=list)
    load: dict[str, int] = field(default_factory=dict)  # tasks held after the plan


@dataclass
class Workload:
    """Who holds what now: open tasks per agent, each customer's agent, the tasks to place."""

    held: dict[str, int] = field(default_factory=dict)
    holder: dict[str, str] = field(default_factory=dict)  # customer → agent holding a task
    candidates: list[TaskBrief] = field(default_factory=list)  # unassigned (or an absent agent's)


@dataclass(frozen=True)
class AgentSummary:
    """One row of the dry-run table: what the plan gives an agent."""

    agent_id: str
    new: int
    by_kind: dict[TaskKind, int]
    overdue: int
    load: int
    capacity: int


def is_available(agent: Agent) -> bool:
    """A call agent on shift (supervisors and service accounts take no calls)."""
    return agent.role is Role.AGENT and agent.on_shift


def suits(agent: Agent, customer: Customer | CustomerBrief) -> bool:
    """The agent speaks the customer's language, handles their type and serves their branch."""
    return (
        customer.language in agent.languages
        and customer.type in agent.skills
        and (agent.branch is None or agent.branch == customer.branch)
    )


def urgency_order(task: Plannable) -> tuple[int, date, str]:
    """Sort key: priority (0 first), then the earliest due day, then the key for a stable plan."""
    return (task.priority, task.due, task.key)


def workload(open_tasks: Iterable[TaskBrief], agents: Sequence[Agent], rebalance: bool) -> Workload:
    """Split the open tasks into what agents hold and what is to be placed. `agents` is every
    active agent: a task held by anyone else (revoked, removed) is always to be placed; with
    `rebalance` so are the tasks of agents who are not available (off shift)."""
    known = {agent.id for agent in agents}
    absent = {agent.id for agent in agents if not is_available(agent)}
    found = Workload()
    for task in open_tasks:
        agent_id = task.assigned_agent
        if agent_id is None or agent_id not in known or (rebalance and agent_id in absent):
            found.candidates.append(task)
            continue
        found.held[agent_id] = found.held.get(agent_id, 0) + 1
        if agent_id not in absent:
            found.holder.setdefault(task.customer_id, agent_id)
    return found


def plan_assignments(
    tasks: Iterable[T],
    agents: Sequence[Agent],
    customers: Mapping[str, Customer | CustomerBrief],
    held: Mapping[str, int],
    preferred: Mapping[str, Sequence[str]] | None = None,
) -> Plan[T]:
    """Place `tasks` on available agents within `capacity - held` each.

    `held` counts the open tasks each agent already has; `preferred` maps a task key to the
    agents continuity asks for, best first (the escalation's agent, who last reached the
    customer, the customer's current agent).
    """
    preferred = preferred or {}
    available = {agent.id: agent for agent in agents if is_available(agent)}
    remaining = {
        agent_id: max(0, agent.capacity - held.get(agent_id, 0))
        for agent_id, agent in available.items()
    }
    plan: Plan[T] = Plan(load={agent_id: held.get(agent_id, 0) for agent_id in available})
    pools: dict[GroupKey, list[PoolEntry]] = {}
    suitable_count: dict[GroupKey, int] = {}
    customer_agent: dict[str, str] = {}

    for task in sorted(tasks, key=urgency_order):
        customer = customers.get(task.customer_id)
        if customer is None:
            why = Why("unknown_customer", (("customer", task.customer_id),))
            plan.unplaced.append(Unplaced(task, why))
            continue
        agent_id = _continuity(task, customer, preferred, customer_agent, available, remaining)
        if agent_id is None:
            key = (customer.language, customer.type, customer.branch)
            if key not in pools:
                pools[key] = [
                    (_breadth(a), -remaining[a.id], a.id)
                    for a in available.values()
                    if suits(a, customer)
                ]
                heapq.heapify(pools[key])
                suitable_count[key] = len(pools[key])
            agent_id = _most_room(pools[key], remaining)
            if agent_id is None:
                plan.unplaced.append(Unplaced(task, _why_not(key, suitable_count[key])))
                continue
        remaining[agent_id] -= 1
        plan.load[agent_id] += 1
        customer_agent.setdefault(task.customer_id, agent_id)
        plan.placed.append((task, agent_id))
    return plan


def summarise(plan: Plan[T], agents: Sequence[Agent], today: date) -> list[AgentSummary]:
    """Per available agent: tasks the plan gives them, by kind, how many overdue, load/capacity."""
    given: dict[str, list[T]] = {}
    for task, agent_id in plan.placed:
        given.setdefault(agent_id, []).append(task)
    rows = []
    for agent in sorted(agents, key=lambda a: a.id):
        if agent.id not in plan.load:
            continue
        tasks = given.get(agent.id, [])
        rows.append(
            AgentSummary(
                agent_id=agent.id,
                new=len(tasks),
                by_kind=dict(Counter(task.kind for task in tasks)),
                overdue=sum(1 for task in tasks if task.due < today),
                load=plan.load[agent.id],
                capacity=agent.capacity,
            )
        )
    return rows


def _continuity(
    task: Plannable,
    customer: Customer | CustomerBrief,
    preferred: Mapping[str, Sequence[str]],
    customer_agent: Mapping[str, str],
    available: Mapping[str, Agent],
    remaining: Mapping[str, int],
) -> str | None:
    for agent_id in (*preferred.get(task.key, ()), customer_agent.get(task.customer_id)):
        agent = available.get(agent_id) if agent_id else None
        if agent is not None and remaining[agent.id] > 0 and suits(agent, customer):
            return agent.id
    return None


def _breadth(agent: Agent) -> int:
    """How many kinds of customer an agent can serve: languages plus skills."""
    return len(set(agent.languages)) + len(set(agent.skills))


def _most_room(pool: list[PoolEntry], remaining: Mapping[str, int]) -> str | None:
    """The pool's most specialised agent with the most capacity left (stale entries renewed)."""
    while pool:
        breadth, negative_room, agent_id = pool[0]
        room = remaining[agent_id]
        if room <= 0:
            heapq.heappop(pool)
        elif -negative_room != room:
            heapq.heapreplace(pool, (breadth, -room, agent_id))
        else:
            heapq.heapreplace(pool, (breadth, -(room - 1), agent_id))
            return agent_id
    return None


def _why_not(key: GroupKey, suitable: int) -> Why:
    language, customer_type, branch = key
    if suitable == 0:
        values = (("language", language.value), ("type", customer_type.value), ("branch", branch))
        return Why("no_agent", values)
    return Why("all_full", (("count", str(suitable)),))
