"""Discards, hand-overs and recoveries reach the supervisors on the server: each is a report
sent through the outbox (POST /v1/store-reports) and listed by GET /v1/store-reports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from agent_world import no_answer, seed_tasks

from revisit_tui.client.api import ApiClient, ApiError
from revisit_tui.client.store import OUTBOX_FILE, AgentStore, ItemKind
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.client.sync import SyncEngine
from revisit_tui.config import SyncSettings
from revisit_tui.domain.models import StoreReport, StoreReportKind
from tests.conftest import LiveServer


def reports_of(server: LiveServer, boss: str, agent: str) -> list:  # type: ignore[type-arg]
    with ApiClient(server.url, boss) as client:
        return list(SupervisorApi(client).store_reports(agent=agent))


def test_discarded_and_handed_over_items_reach_the_supervisors(
    live_server: LiveServer, tmp_path: Path
) -> None:
    token, boss, (task,) = seed_tasks(live_server, "discarder", 1)
    gone = no_answer("no-such-task", "discarder", notes="customer card 6222020200112233445")
    wrong = no_answer("no-such-task-2", "discarder")
    with (
        ApiClient(live_server.url, token, retries=0) as api,
        AgentStore.open(tmp_path, live_server.server_id, "discarder") as store,
    ):
        engine = SyncEngine(api, store, SyncSettings())
        store.submit_many([gone, wrong, no_answer(task, "discarder")])
        assert engine.sync_once().needs_attention == 2
        store.discard(str(gone.id), "task moved to branch BJ02", handed_over=True)
        store.discard(str(wrong.id), "typed on the wrong task")
        assert [item.kind for item in store.pending()] == [ItemKind.REPORT] * 2
        assert store.task_sync_state("no-such-task") is None, "a report is no task's work"
        state = engine.sync_once()
        assert state.online and state.sent == 2 and store.pending_count() == 0
    listed = {entry.report.item_id: entry for entry in reports_of(live_server, boss, "discarder")}
    handed = listed[gone.id]
    assert handed.agent_id == "discarder"
    assert handed.report.kind is StoreReportKind.HANDED_OVER
    assert handed.report.reason == "task moved to branch BJ02"
    assert handed.report.refusal_status == 404 and "no-such-task" in handed.report.refusal
    assert handed.report.task_id == "no-such-task" and handed.report.item_kind == "outcome"
    assert handed.report.item is not None
    assert "6222020200112233445" not in handed.report.item["notes"], "masked for listings"
    assert handed.report.item["notes"].endswith("3445")
    assert listed[wrong.id].report.kind is StoreReportKind.DISCARDED


def test_a_recovered_outbox_is_reported_with_its_counts(
    live_server: LiveServer, tmp_path: Path
) -> None:
    token, boss, (task,) = seed_tasks(live_server, "recovering", 1)
    with AgentStore.open(tmp_path, live_server.server_id, "recovering") as first:
        first.submit_many([no_answer(task, "recovering") for _ in range(3)])
        first.compact()
        path = first.path / OUTBOX_FILE
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) * 2 // 3])  # the last outcome cut off
    with (
        ApiClient(live_server.url, token, retries=0) as api,
        AgentStore.open(tmp_path, live_server.server_id, "recovering") as store,
    ):
        (recovery,) = store.recovered
        SyncEngine(api, store, SyncSettings()).sync_once()
        assert store.pending_count() == 0
    (entry,) = reports_of(live_server, boss, "recovering")
    report = entry.report
    assert report.kind is StoreReportKind.RECOVERY and report.file == OUTBOX_FILE
    assert (report.recovered, report.lost) == (recovery.recovered, recovery.lost)
    assert report.recovered == 2 and report.aside == str(recovery.aside)


def test_a_report_is_recorded_once_and_only_for_its_agent(live_server: LiveServer) -> None:
    token = live_server.add_agent("reporter")
    other = live_server.add_agent("someone-else")
    report = StoreReport(
        id=uuid.uuid4(),
        kind=StoreReportKind.DISCARDED,
        at=datetime.now(UTC),
        reason="duplicate call",
    )
    with ApiClient(live_server.url, token, retries=0) as api:
        first = api.store_report(report)
        assert api.store_report(report).received_at == first.received_at
        changed = report.model_copy(update={"reason": "another reason"})
        with pytest.raises(ApiError) as conflict:
            api.store_report(changed)
        assert conflict.value.status == 409
    with ApiClient(live_server.url, other, retries=0) as api, pytest.raises(ApiError) as foreign:
        api.store_report(report)
    assert foreign.value.status == 403
    listing = httpx.get(
        f"{live_server.url}/v1/store-reports", headers={"Authorization": f"Bearer {token}"}
    )
    assert listing.status_code == 403, "agents do not list reports"
