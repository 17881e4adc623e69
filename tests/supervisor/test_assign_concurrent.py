"""Two supervisors assigning at the same moment, on PostgreSQL behind two API processes: the
server counts each agent's load under a lock when it writes, the commands re-plan what it
refuses, and no agent ends up over capacity."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from supervision import SCRIPTS, customer

from revisit_tui.client.api import ApiClient
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.domain.models import (
    Assignment,
    ImportBatch,
    Role,
    TaskCreate,
    TaskKind,
    TaskStatus,
)
from revisit_tui.server.process import ServerProcess

FAULTY_PROXY = Path(__file__).resolve().parents[1] / "client" / "faulty_proxy.py"
_spec = importlib.util.spec_from_file_location("faulty_proxy", FAULTY_PROXY)
assert _spec is not None and _spec.loader is not None
_proxy_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_proxy_module)
FaultyProxy = _proxy_module.FaultyProxy

AGENTS = {"a1": 30, "a2": 25, "a3": 20, "a4": 25}  # capacity of each


@pytest.fixture(scope="module")
def two_servers(pg_url: str, live_server_for: Any) -> Iterator[tuple[Any, ServerProcess]]:
    first = live_server_for(pg_url)
    with first.process, ServerProcess(pg_url) as second:
        yield first, second


def fill(api: SupervisorApi, prefix: str, count: int) -> list[str]:
    api.import_batch(ImportBatch(customers=[customer(f"{prefix}{n}") for n in range(count)]))
    tasks = [
        TaskCreate(
            key=f"{prefix}-{n}",
            kind=TaskKind.PERIODIC,
            priority=5,
            customer_id=f"{prefix}{n}",
            due="2026-11-25",
        )
        for n in range(count)
    ]
    return api.create_tasks(tasks).task_ids


@pytest.mark.postgres
def test_two_assign_commands_at_once_never_exceed_capacity(
    two_servers: tuple[Any, ServerProcess],
) -> None:
    """One supervisor assigns to a1 and a2, another to everyone, each through its own API
    process; both read the floor before either writes (the proxies hold each new connection
    a moment), so their plans collide."""
    first, second = two_servers
    token = first.add_agent("boss", role=Role.SUPERVISOR)
    for agent_id, capacity in AGENTS.items():
        first.add_agent(agent_id, capacity=capacity)
    api = SupervisorApi(ApiClient(first.url, token))
    fill(api, "c", 300)

    env = {
        **{k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES")},
        "REVISIT_SUPERVISOR_TOKEN": token,
        "REVISIT_CONFIG": os.devnull,
        "LANG": "en_US.UTF-8",
    }
    proxies = [FaultyProxy(port_of(server.url), delay=1.0) for server in (first, second)]
    with proxies[0], proxies[1]:
        runs = [
            subprocess.Popen(
                [sys.executable, str(SCRIPTS / "assign.py"), "--server", proxy.url, *only],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            for proxy, only in zip(proxies, (["--agent", "a1", "--agent", "a2"], []), strict=True)
        ]
        results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results

    load = Counter(t.assigned_agent for t in api.tasks(status=TaskStatus.OPEN) if t.assigned_agent)
    assert all(load[agent_id] <= capacity for agent_id, capacity in AGENTS.items()), load
    assert sum(load.values()) == sum(AGENTS.values()), "the room left was not filled"
    printed = b"".join(out for out, _ in results).decode()
    claimed = sum(int(n) for n in re.findall(r"^assigned (\d+) tasks", printed, re.MULTILINE))
    assert claimed == sum(load.values()), f"a run overwrote the other's plan: {printed}"


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def race_batches(urls: list[str], token: str, agent_id: str, batches: list[list[str]]) -> list[int]:
    """Send each batch of assignments to `agent_id` through its own server, at the same
    moment; the status codes in order."""
    barrier = threading.Barrier(len(batches))
    statuses = [0] * len(batches)

    def send(index: int) -> None:
        body = {"assignments": [{"task_id": t, "agent_id": agent_id} for t in batches[index]]}
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=urls[index], headers=headers) as http:
            http.get("/v1/agents")  # connection open before the race
            barrier.wait()
            statuses[index] = http.post("/v1/assignments", json=body).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.postgres
def test_two_batches_for_one_agent_at_once_cannot_both_fit(
    two_servers: tuple[Any, ServerProcess],
) -> None:
    first, second = two_servers
    token = first.add_agent("boss2", role=Role.SUPERVISOR)
    first.add_agent("solo", capacity=10)
    api = SupervisorApi(ApiClient(first.url, token))
    for attempt in range(5):  # the race, five times over
        ids = fill(api, f"r{attempt}-", 16)
        batches = [ids[:8], ids[8:]]  # each fits alone, both together do not
        statuses = race_batches([first.url, second.url], token, "solo", batches)
        assert sorted(statuses) == [200, 422], statuses
        held = list(api.tasks(agent="solo", status=TaskStatus.OPEN))
        assert len(held) == 8
        api.assign([Assignment(task_id=t.id, agent_id=None) for t in held])
