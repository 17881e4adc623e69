"""The agent's cache against the real server: masked values plus the dial numbers of the next
few tasks (each an audited disclosure); a reveal made offline from them syncs as exactly one
audit row; the identity check works without the server; a task that leaves the queue takes
its numbers out of the cache at the next sync."""

from __future__ import annotations

import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from agent_world import seed_tasks

from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.client.sync import SyncEngine
from revisit_tui.config import SyncSettings
from revisit_tui.domain import identity
from revisit_tui.domain.models import (
    Assignment,
    Customer,
    CustomerType,
    DocumentKind,
    IdentityDocument,
    ImportBatch,
    MaskedField,
    Reveal,
    RevealSource,
    RiskLevel,
)
from revisit_tui.domain.validation import id_check_digit
from revisit_tui.server.process import free_port
from revisit_tui.server.tables import reveals

AGENT = "cache-agent"
TASKS = 7
PREFETCH = 5  # privacy.prefetch_tasks, the default
FAST = SyncSettings(batch_size=10, interval_seconds=1.0, backoff_max_seconds=8.0)


def mobile(i: int) -> str:
    return f"+861380013{i:04d}"


def id_number(i: int) -> str:
    """A resident ID number with a valid GB 11643 check digit (imports refuse any other)."""
    first17 = f"11010519491231{i:03d}"
    return first17 + id_check_digit(first17)


def audit(server: Any) -> list[Any]:
    engine = sa.create_engine(server.db_url)
    with engine.connect() as conn:
        rows = list(conn.execute(sa.select(reveals).where(reveals.c.agent_id == AGENT)).all())
    engine.dispose()
    return rows


def cache_text(store: AgentStore) -> str:
    return "".join(path.read_text() for path in sorted(store.path.glob("*.json")))


def test_offline_reveal_of_a_prefetched_number_is_one_audit_row_and_left_tasks_leave_cache(
    live_server: Any, tmp_path: Path
) -> None:
    server = live_server
    token, boss, task_ids = seed_tasks(server, AGENT, TASKS)
    people = [
        Customer(
            id=f"{AGENT}-c{i}",
            type=CustomerType.PERSONAL,
            name="王五",
            mobile=mobile(i),
            identity=IdentityDocument(kind=DocumentKind.RESIDENT_ID, number=id_number(i)),
            risk=RiskLevel.HIGH,  # a call that checks identity (§四.1): its check is prefetched
            branch="b1",
        )
        for i in range(TASKS)
    ]
    with ApiClient(server.url, boss) as client:
        SupervisorApi(client).import_batch(ImportBatch(customers=people))
    customer_of = {task_id: f"{AGENT}-c{i}" for i, task_id in enumerate(task_ids)}
    index_of = {task_id: i for i, task_id in enumerate(task_ids)}

    with (
        ApiClient(server.url, token) as api,
        AgentStore.open(tmp_path, server.url, AGENT) as store,
    ):
        assert SyncEngine(api, store, FAST).sync_once().online
        held = store.prefetched_task_ids()
        assert len(held) == PREFETCH
        queue = store.queue()
        assert queue is not None and len(queue.items) == TASKS
        text = cache_text(store)
        for task_id in task_ids:  # in full only the prefetched dial numbers
            assert (mobile(index_of[task_id]) in text) is (task_id in held)
            assert id_number(index_of[task_id]) not in text
        assert all((item.customer.mobile or "").startswith("****") for item in queue.items)
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in store.path.glob("*.json")}
        assert set(modes.values()) == {0o600}, modes
        assert len(audit(server)) == PREFETCH  # one row per number sent

        # offline: the dial number and the identity check come from the cache
        task_id = held[0]
        item = store.prefetched(task_id)
        assert item is not None and item.mobile == mobile(index_of[task_id])
        assert item.identity_check is not None
        assert identity.matches(item.identity_check, id_number(index_of[task_id]))
        assert not identity.matches(item.identity_check, id_number(index_of[task_id] + 1))
        reveal = Reveal(
            id=uuid.uuid4(),
            task_id=task_id,
            customer_id=customer_of[task_id],
            field=MaskedField.MOBILE,
            at=datetime.now(UTC),
            source=RevealSource.PREFETCH,
        )
        store.add_reveal(reveal)
        with ApiClient(f"http://127.0.0.1:{free_port()}", token, retries=0) as dead:
            offline = SyncEngine(dead, store, FAST).sync_once()
        assert not offline.online and store.pending_count() == 1
        assert len(audit(server)) == PREFETCH

        # back online: recorded once, however often sync runs
        engine = SyncEngine(api, store, FAST)
        assert engine.sync_once().pending == 0
        engine.sync_once()
        rows = audit(server)
        offline_rows = [row for row in rows if row.kind == "offline_reveal"]
        assert [(r.id, r.task_id, r.field) for r in offline_rows] == [
            (str(reveal.id), task_id, "mobile")
        ]
        assert len(rows) == PREFETCH + 1

        # the task goes to another agent: its number leaves the cache at the next sync, and
        # the next task in line is prefetched (one more audited number)
        server.add_agent(f"{AGENT}-other")
        with ApiClient(server.url, boss) as client:
            SupervisorApi(client).assign([Assignment(task_id=task_id, agent_id=f"{AGENT}-other")])
        engine.sync_once()
        assert store.prefetched(task_id) is None
        assert mobile(index_of[task_id]) not in cache_text(store)
        assert len(store.prefetched_task_ids()) == PREFETCH
        assert len(audit(server)) == PREFETCH + 2
