"""Who may call what (401/403), bad input named field by field (422), size limit (413), and
no personal data in the server's output."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from revisit_tui.server.tables import customers
from tests.server.conftest import World

U = str(uuid.uuid4())


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite only: authentication, validation and limits do not depend on the database."""
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'revisit.db'}"


AGENT = {"agent", "supervisor"}
SUPERVISOR = {"supervisor"}
# method, path, who may call it
ENDPOINTS: list[tuple[str, str, set[str]]] = [
    ("GET", "/v1/me", {"agent", "supervisor", "online_service", "sms_gateway"}),
    ("GET", "/v1/queue", AGENT),
    ("POST", "/v1/tasks/t-x/start", AGENT),
    ("POST", "/v1/outcomes", AGENT),
    ("PUT", f"/v1/outcomes/{U}", AGENT),
    ("POST", "/v1/reveals", AGENT),
    ("POST", "/v1/sms", AGENT),
    ("GET", "/v1/sms/pending", {"sms_gateway"}),
    ("POST", f"/v1/sms/{U}/sent", {"sms_gateway"}),
    ("POST", "/v1/online-answers", {"online_service"}),
    ("GET", "/v1/agents", SUPERVISOR),
    ("PUT", "/v1/agents/x", SUPERVISOR),
    ("POST", "/v1/import", SUPERVISOR),
    ("GET", "/v1/accounts", SUPERVISOR),
    ("GET", "/v1/customers", SUPERVISOR),
    ("GET", "/v1/customers/briefs", SUPERVISOR),
    ("GET", "/v1/events", SUPERVISOR),
    ("POST", "/v1/tasks/bulk", SUPERVISOR),
    ("GET", "/v1/tasks", SUPERVISOR),
    ("GET", "/v1/tasks/briefs", SUPERVISOR),
    ("POST", "/v1/assignments", SUPERVISOR),
    ("POST", "/v1/customers/transfer", SUPERVISOR),
    ("GET", "/v1/escalations", SUPERVISOR),
    ("POST", f"/v1/escalations/{U}/resolve", SUPERVISOR),
    ("POST", f"/v1/escalations/{U}/reopen", SUPERVISOR),
    ("GET", "/v1/outcomes", SUPERVISOR),
    ("GET", "/v1/reports/agents?month=2026-01", SUPERVISOR),
    ("GET", "/v1/qa-sample?month=2026-01", SUPERVISOR),
    ("POST", "/v1/retention/purge", SUPERVISOR),
]


def test_every_endpoint_refuses_missing_tokens_and_wrong_roles(world: World) -> None:
    world.tokens["agent"] = world.tokens["a"]
    world.tokens["supervisor"] = world.tokens["boss"]
    world.tokens["online_service"] = world.server.add_service(world.id("web"), "online_service")
    world.tokens["sms_gateway"] = world.server.add_service(world.id("gw"), "sms_gateway")
    world.tokens["forged"] = "not-a-token"
    for method, path, allowed in ENDPOINTS:
        body: dict[str, Any] | None = None if method == "GET" else {}
        for who in ("forged", None):
            answer = world.call(method, path, who, json=body)
            assert answer.status_code == 401, (method, path, who)
            assert answer.json()["code"] == "unauthorized"
        for role in ("agent", "supervisor", "online_service", "sms_gateway"):
            status = world.call(method, path, role, json=body).status_code
            if role in allowed:
                assert status not in (401, 403), (method, path, role, status)
            else:
                assert status == 403, (method, path, role, status)


def test_invalid_body_names_every_field(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    outcome = world.outcome(task, "a", satisfaction=9)
    del outcome["disposition"]
    outcome["channel"] = "carrier pigeon"
    answer = world.call("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "invalid"
    assert {"outcomes.0.satisfaction", "outcomes.0.disposition", "outcomes.0.channel"} <= set(
        problem["fields"]
    )
    not_json = world.call(
        "POST", "/v1/outcomes", "a", content=b"{", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 422
    bad_query = world.call("GET", "/v1/tasks?limit=5000&due_before=tomorrow", "boss")
    assert set(bad_query.json()["fields"]) == {"limit", "due_before"}


@pytest.fixture
def small_server(tmp_path: Path, live_server_for: Any) -> Iterator[Any]:
    live = live_server_for(
        f"sqlite:///{tmp_path / 'small.db'}", env={"REVISIT_SERVER_MAX_BODY_BYTES": "2048"}
    )
    with live.process:
        yield live


def test_oversized_bodies_get_413_also_when_streamed(small_server: Any) -> None:
    token = small_server.add_agent("a1")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    big = b'{"outcomes": [' + b" " * 4096 + b"]}"
    with httpx.Client(base_url=small_server.url) as http:
        sized = http.post("/v1/outcomes", content=big, headers=headers)
        assert sized.status_code == 413
        assert sized.json()["code"] == "too_large"
        streamed = http.post(
            "/v1/outcomes", content=iter([big[:1000], big[1000:]]), headers=headers
        )
        assert streamed.status_code == 413
        assert http.get("/v1/me", headers=headers).status_code == 200


def test_server_output_holds_no_personal_data(world: World) -> None:
    customer = world.add_customer("c", name="王秘密", mobile="+8613912345678")
    task = world.add_task(customer, "a")
    world.ok("GET", "/v1/queue", "a")
    world.ok("GET", f"/v1/tasks?customer={customer}", "boss")
    world.call(
        "POST", "/v1/outcomes", "a", json={"outcomes": [world.outcome(task, "a", satisfaction=0)]}
    )
    output = world.server.process.output()
    for secret in ("王秘密", "13912345678", customer, world.tokens["a"]):
        assert secret not in output


def test_agents_cannot_act_on_others_tasks(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    assert world.call("POST", f"/v1/tasks/{task}/start", "b").status_code == 403
    outcome = world.outcome(task, "b")
    answer = world.call("PUT", f"/v1/outcomes/{outcome['id']}", "b", json=outcome)
    assert answer.status_code == 403
    impersonated = world.outcome(task, "a")
    assert (
        world.call("PUT", f"/v1/outcomes/{impersonated['id']}", "b", json=impersonated).status_code
        == 403
    )


def test_a_crash_is_a_500_problem_and_its_log_quotes_no_data(world: World) -> None:
    broken = {"id": world.id("x"), "type": "alien", "name": "王秘密", "branch": world.id("br")}
    engine = sa.create_engine(world.server.db_url)
    with engine.begin() as conn:  # data the server's own import would have refused
        conn.execute(
            sa.insert(customers).values(
                id=broken["id"], branch=broken["branch"], body=broken, updated_at=datetime.now(UTC)
            )
        )
    engine.dispose()
    answer = world.call("GET", f"/v1/customers?branch={broken['branch']}", "boss")
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal"
    output = world.server.process.output()
    assert "GET /v1/customers failed: ValidationError" in output
    assert "王秘密" not in output
