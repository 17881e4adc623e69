"""SyncEngine against the real server: refusals wait for attention with the server's reason,
network trouble is retried with backoff, and the agent works from the cache while offline."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from agent_world import no_answer, seed_tasks, stored_outcome_ids
from faulty_proxy import FaultyProxy

from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.client.sync import SyncEngine
from revisit_tui.config import SyncSettings
from revisit_tui.domain.models import (
    ContactCheck,
    ContactCheckResult,
    ContactField,
    MaskedField,
    Reveal,
    Role,
)
from revisit_tui.server import admin
from revisit_tui.server.process import ServerProcess, free_port

FAST = SyncSettings(batch_size=10, interval_seconds=1.0, backoff_max_seconds=8.0)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_refused_items_wait_for_attention_with_the_servers_reason(
    module_live_server, tmp_path: Path
) -> None:
    server = module_live_server
    token, boss, (mine, other) = seed_tasks(server, "sync-refused", 2)
    _, _, (foreign,) = seed_tasks(server, "sync-someone-else", 1)
    good = no_answer(mine, "sync-refused")
    not_mine = no_answer(foreign, "sync-refused")
    unknown = no_answer("no-such-task", "sync-refused")
    bad_phone = no_answer(
        other,
        "sync-refused",
        contact_checks=[
            ContactCheck(
                field=ContactField.MOBILE, result=ContactCheckResult.CHANGED, new_value="12"
            )
        ],
    )
    reveal = Reveal(
        id=uuid.uuid4(),
        task_id=mine,
        customer_id="sync-refused-c0",
        field=MaskedField.MOBILE,
        at=datetime.now(UTC),
    )
    with (
        ApiClient(server.url, token) as api,
        AgentStore.open(tmp_path, server.url, "sync-refused") as store,
    ):
        store.submit_many([good, unknown, not_mine, bad_phone])
        store.add_reveal(reveal)
        engine = SyncEngine(api, store, FAST)

        state = engine.sync_once()
        assert state.online and state.sent == 2 and state.pending == 0
        assert state.needs_attention == 3
        refused = {item.id: item for item in store.needs_attention()}
        assert refused[str(not_mine.id)].status == 403
        assert refused[str(not_mine.id)].reason
        assert refused[str(unknown.id)].status == 404
        assert "no-such-task" in refused[str(unknown.id)].reason
        assert refused[str(bad_phone.id)].status == 422
        assert refused[str(bad_phone.id)].reason
        assert store.task_sync_state("no-such-task") == "attention"
        assert store.task_sync_state(mine) is None

        again = engine.sync_once()
        assert again.sent == 0 and again.needs_attention == 3  # refusals are not resent
        store.resubmit(bad_phone.model_copy(update={"contact_checks": []}))
        assert engine.sync_once().sent == 1
    assert sorted(stored_outcome_ids(server, boss, "sync-refused")) == sorted(
        [str(good.id), str(bad_phone.id)]
    )


def test_a_busy_server_is_retried_then_the_round_backs_off(
    module_live_server, tmp_path: Path
) -> None:
    server = module_live_server
    token, boss, (task,) = seed_tasks(server, "sync-busy", 1)
    outcome = no_answer(task, "sync-busy")
    with (
        FaultyProxy(port_of(server.url)) as proxy,
        ApiClient(proxy.url, token, retries=1, sleep=lambda _: None) as api,
        AgentStore.open(tmp_path, proxy.url, "sync-busy") as store,
    ):
        store.submit(outcome)
        engine = SyncEngine(api, store, FAST, jitter=lambda: 1.0)
        proxy.busy(1, retry_after=1)  # one 503: the client's own retry gets through
        assert engine.sync_once().sent == 1

        store.submit(no_answer(task, "sync-busy"))
        proxy.busy(100, retry_after=1)
        delays = []
        for _ in range(5):
            state = engine.sync_once()
            assert not state.online and state.pending == 1
            assert state.last_error and "503" in state.last_error
            delays.append(engine.next_delay())
        assert delays == [1.0, 2.0, 4.0, 8.0, 8.0]  # from the interval, doubling, capped

        proxy.busy(0, retry_after=0)
        state = engine.sync_once()
        assert state.online and state.pending == 0 and state.offline_since is None
        assert engine.next_delay() == FAST.interval_seconds
    assert len(stored_outcome_ids(server, boss, "sync-busy")) == 2


def test_the_agent_works_from_the_cache_while_offline_and_sync_catches_up(
    live_server, tmp_path: Path
) -> None:
    token, boss, task_ids = seed_tasks(live_server, "sync-offline", 3)
    with (
        ApiClient(live_server.url, token, retries=1, sleep=lambda _: None) as api,
        AgentStore.open(tmp_path, live_server.url, "sync-offline") as store,
    ):
        engine = SyncEngine(api, store, FAST)
        first = engine.sync_once()
        assert first.online and first.queue_changed
        assert engine.sync_once().queue_changed is False  # 304: the cache is current

        live_server.process.stop()
        queue = store.queue()
        assert queue is not None
        assert sorted(item.task.id for item in queue.items) == sorted(task_ids)
        assert engine.start_task(task_ids[0]) is None  # the agent may still call
        outcome = no_answer(task_ids[0], "sync-offline")
        store.submit(outcome)
        offline = engine.sync_once()
        assert not offline.online and offline.offline_since is not None
        assert offline.pending == 1 and store.task_sync_state(task_ids[0]) == "pending"
        assert offline.last_error and "unreachable" in offline.last_error
        assert offline.next_retry_at is not None and offline.next_retry_at > offline.offline_since

        live_server.process.start()
        back = engine.sync_once()
        assert back.online and back.pending == 0 and back.sent == 1
        assert back.queue_changed  # the attempt changed the task
        assert store.task_sync_state(task_ids[0]) is None
        lease = engine.start_task(task_ids[1])
        assert lease is not None and lease.task_id == task_ids[1]
    assert stored_outcome_ids(live_server, boss, "sync-offline") == [str(outcome.id)]


def test_a_long_outage_keeps_the_wait_at_the_cap(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with (
        ApiClient(url, "t", retries=0) as api,
        AgentStore.open(tmp_path, url, "sync-outage") as store,
    ):
        store.submit(no_answer("t1", "sync-outage"))
        engine = SyncEngine(api, store, FAST)
        for _ in range(1100):
            state = engine.sync_once()
        assert not state.online and state.pending == 1
        assert FAST.backoff_max_seconds / 2 <= engine.next_delay() <= FAST.backoff_max_seconds


def test_a_batch_refused_as_a_whole_is_sent_one_by_one(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'revisit.db'}"
    admin.create_schema(db_url)
    small_bodies = {"REVISIT_SERVER_MAX_BODY_BYTES": "8192"}  # a batch of 10 is too big: 413
    with ServerProcess(db_url, env=small_bodies) as process:
        server = SimpleNamespace(
            url=process.url,
            add_agent=lambda agent_id, role=Role.AGENT: admin.add_agent(
                db_url, agent_id, f"Agent {agent_id}", role
            ),
        )
        token, boss, task_ids = seed_tasks(server, "sync-413", 10)
        outcomes = [no_answer(task_id, "sync-413", notes="备注" * 200) for task_id in task_ids]
        with (
            ApiClient(process.url, token) as api,
            AgentStore.open(tmp_path, process.url, "sync-413") as store,
        ):
            store.submit_many(outcomes)
            state = SyncEngine(api, store, FAST).sync_once()
            assert state.online and state.sent == 10 and state.needs_attention == 0
        stored = stored_outcome_ids(server, boss, "sync-413")
    assert sorted(stored) == sorted(str(o.id) for o in outcomes)
