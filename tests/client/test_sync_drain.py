"""A thousand outcomes drain to the server exactly once although the server is killed twice
mid-drain and the network in between drops, cuts and delays connections."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from agent_world import no_answer, seed_tasks, stored_outcome_ids
from faulty_proxy import FaultyProxy

from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.client.sync import SyncEngine
from revisit_tui.config import SyncSettings

OUTCOMES = 1000
AGENT = "drain"


def crash_twice(server, store: AgentStore, done: threading.Event) -> None:
    """SIGKILL the server when the outbox falls below 800 and again below 400 (after the
    restart), each time mid-drain; bring it back after a short outage."""
    for threshold in (800, 400):
        while store.pending_count() >= threshold and not done.is_set():
            time.sleep(0.005)
        if done.is_set():
            return
        server.process.kill()
        time.sleep(0.3)
        server.process.start()


def test_a_thousand_outcomes_arrive_exactly_once_through_crashes_and_a_bad_network(
    live_server, tmp_path: Path
) -> None:
    token, boss, task_ids = seed_tasks(live_server, AGENT, OUTCOMES)
    outcomes = [no_answer(task_id, AGENT) for task_id in task_ids]
    port = int(live_server.url.rsplit(":", 1)[1])
    settings = SyncSettings(batch_size=50, interval_seconds=0.05, backoff_max_seconds=0.2)
    done = threading.Event()
    with (
        FaultyProxy(port, drop=0.1, cut=0.2, delay=0.01, lifetime=0.5, seed=42) as proxy,
        ApiClient(proxy.url, token, retries=2, backoff_base=0.02, backoff_max=0.2) as api,
        AgentStore.open(tmp_path, proxy.url, AGENT) as store,
    ):
        store.submit_many(outcomes)
        engine = SyncEngine(api, store, settings)
        crasher = threading.Thread(target=crash_twice, args=(live_server, store, done))
        crasher.start()
        offline_rounds = 0
        try:
            deadline = time.monotonic() + 60
            while store.pending_count() and time.monotonic() < deadline:
                state = engine.sync_once()
                offline_rounds += not state.online
                time.sleep(0 if state.online else engine.next_delay())
        finally:
            done.set()
            crasher.join()
        assert store.pending_count() == 0
        assert store.needs_attention() == []
        assert proxy.dropped and proxy.cuts  # the network really misbehaved
    assert offline_rounds > 0  # the crashes were noticed
    stored = stored_outcome_ids(live_server, boss, AGENT)
    assert len(stored) == OUTCOMES
    assert set(stored) == {str(outcome.id) for outcome in outcomes}
