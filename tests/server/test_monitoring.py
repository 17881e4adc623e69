"""Monitoring: Prometheus metrics by route template (never a raw URL), summed over workers,
outbox lag, overdue escalations; logs as JSON lines that quote no personal data."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from revisit_tui.domain.models import Role
from revisit_tui.server.tables import escalations
from tests.server.conftest import World, now


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """The samples of /metrics by (name, sorted labels); a new connection each time, so
    successive scrapes are answered by whichever worker takes them."""
    text = httpx.get(url + "/metrics").text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def requests_of(samples: dict[Any, float], method: str, route: str, status: str) -> float:
    labels = (("method", method), ("route", route), ("status", status))
    return samples.get(("revisit_http_requests_total", labels), 0.0)


def test_requests_are_counted_by_route_template_and_never_by_url(world: World) -> None:
    url = world.server.url
    before = scrape(url)
    customer = world.add_customer("metrics")  # the path of a 404 below names this customer
    task = world.add_task(customer, "a")
    outcome = world.outcome(task, "a")
    assert world.call("PUT", f"/v1/outcomes/{outcome['id']}", "a", json=outcome).status_code == 201
    assert world.call("GET", f"/v1/customers/{customer}/nothing-here", "boss").status_code == 404
    after = scrape(url)

    put = ("PUT", "/v1/outcomes/{outcome_id}", "201")
    assert requests_of(after, *put) - requests_of(before, *put) == 1
    unmatched = ("GET", "unmatched", "404")
    assert requests_of(after, *unmatched) - requests_of(before, *unmatched) == 1
    text = httpx.get(url + "/metrics").text
    assert customer not in text and task not in text and outcome["id"] not in text
    assert "revisit_http_request_duration_seconds_bucket" in text


def test_outbox_lag_and_overdue_escalations(world: World) -> None:
    url = world.server.url
    lag_count = ("revisit_outcome_outbox_lag_seconds_count", ())
    lag_sum = ("revisit_outcome_outbox_lag_seconds_sum", ())
    before = scrape(url)
    task = world.add_task(world.add_customer("late"), "a")
    late = world.outcome(task, "a", ended_at=(now() - timedelta(minutes=30)).isoformat())
    late["started_at"] = (now() - timedelta(minutes=31)).isoformat()
    escalation_id = str(uuid.uuid4())
    late["escalations"] = [
        {
            "id": escalation_id,
            "category": "service",
            "department": "card centre",
            "urgency": "normal",
            "summary": "wants a call back about the annual fee",
        }
    ]
    assert world.call("PUT", f"/v1/outcomes/{late['id']}", "a", json=late).status_code == 201
    engine = sa.create_engine(world.server.db_url)
    with engine.begin() as conn:  # its deadline passes
        conn.execute(
            sa.update(escalations)
            .where(escalations.c.id == escalation_id)
            .values(deadline=now() - timedelta(hours=1))
        )
        overdue_now = conn.execute(
            sa.select(sa.func.count()).where(
                escalations.c.status.in_(["open", "reopened"]), escalations.c.deadline < now()
            )
        ).scalar_one()
    engine.dispose()
    after = scrape(url)

    assert after[lag_count] - before.get(lag_count, 0.0) == 1
    assert 30 * 60 <= after[lag_sum] - before.get(lag_sum, 0.0) < 31 * 60
    assert after[("revisit_escalations_overdue", ())] == overdue_now >= 1


def test_every_log_line_is_json_and_quotes_no_customer(world: World) -> None:
    customer = world.add_customer("logged", name="王秘密")
    world.call("GET", f"/v1/customers/{customer}/nothing-here", "boss")
    output = world.server.process.output()
    lines = [line for line in output.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert "王秘密" not in output and customer not in output


def test_metrics_add_up_over_two_workers(pg_url: str, live_server_for: Any) -> None:
    server = live_server_for(pg_url, workers=2)
    with server.process:
        token = server.add_agent(f"m-{uuid.uuid4().hex[:6]}", role=Role.AGENT)
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(40):  # a new connection each: both workers answer some
            assert httpx.get(server.url + "/v1/queue", headers=headers).status_code == 200
        totals = {requests_of(scrape(server.url), "GET", "/v1/queue", "200") for _ in range(8)}
    assert totals == {40.0}  # every scrape, whichever worker answers, counts all 40
