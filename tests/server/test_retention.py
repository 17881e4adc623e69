"""Retention (seed 002 §八.3): the purge honours the configured years for every record kind,
escalation texts included, and refuses an age below the configured period."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.server.conftest import World
from tests.server.test_call_times import backdate


def test_escalation_texts_are_purged_with_the_records(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    backdate(world, task, hours=7 * 366 * 24)  # the call was years ago, on a task older still
    started = datetime.now(UTC) - timedelta(days=6 * 366)
    request = {
        "id": str(uuid.uuid4()),
        "category": "product",
        "department": "信用卡部",
        "urgency": "normal",
        "summary": "客户王芳（13800138000）投诉年费",
    }
    outcome = world.outcome(
        task,
        "a",
        started_at=started.isoformat(),
        ended_at=(started + timedelta(minutes=3)).isoformat(),
        escalations=[request],
    )
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})
    path = f"/v1/escalations/{request['id']}"
    world.ok("POST", f"{path}/resolve", "boss", json={"resolution": "已为王芳退还年费"})

    dry = world.ok("POST", "/v1/retention/purge", "boss", json={"older_than_years": 5})
    assert dry["escalations"] >= 1
    world.ok("POST", "/v1/retention/purge", "boss", json={"older_than_years": 5, "dry_run": False})
    items = world.ok("GET", "/v1/escalations?limit=1000", "boss")["items"]
    [purged] = [e for e in items if e["id"] == request["id"]]
    assert "王芳" not in str(purged) and "13800138000" not in str(purged)
    assert (purged["status"], purged["category"]) == ("resolved", "product")  # counts stay


def test_a_purge_younger_than_the_retention_period_is_refused(world: World) -> None:
    refused = world.call(
        "POST", "/v1/retention/purge", "boss", json={"older_than_years": 4, "dry_run": False}
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "below_retention"
    assert "older_than_years" in refused.json()["fields"]
