"""An agent signed in against the real server with the demo data walks every endpoint an agent
may call: no response carries a full resident ID, account number, mobile, landline or e-mail,
except the reveal and prefetch answers, and the audit holds exactly one row per disclosure."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from revisit_tui.demo.data import DEMO_AGENT_ID, SUPERVISOR_ID, DemoData, generate
from revisit_tui.demo.load import load
from revisit_tui.domain import identity
from revisit_tui.domain.models import IdentityCheck, Role
from revisit_tui.server.tables import audit_log, reveals
from tests.conftest import LiveServer, sqlite_url
from tests.server.conftest import sms_request

PREFETCH = 3
ENV = {"REVISIT_PRIVACY_PREFETCH_TASKS": str(PREFETCH), "REVISIT_PRIVACY_IDENTITY_CHECK_COST": "12"}


@dataclass
class Walk:
    """The demo on a live server, the tokens, and every full identifier of the data."""

    server: LiveServer
    data: DemoData
    tokens: dict[str, str]
    secrets: set[str] = field(default_factory=set)
    answers: list[tuple[str, httpx.Response]] = field(default_factory=list)

    def call(self, who: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}", **kwargs.pop("headers", {})}
        answer = httpx.request(
            method, self.server.url + path, headers=headers, timeout=60, **kwargs
        )
        self.answers.append((f"{who} {method} {path}", answer))
        return answer

    def leaks(self, answer: httpx.Response) -> list[str]:
        text = answer.text
        return sorted(secret for secret in self.secrets if secret in text)

    def audit_rows(self, agent_id: str) -> list[Any]:
        engine = sa.create_engine(self.server.db_url)
        try:
            with engine.connect() as conn:
                return list(
                    conn.execute(sa.select(reveals).where(reveals.c.agent_id == agent_id)).all()
                )
        finally:
            engine.dispose()


def full_identifiers(data: DemoData) -> set[str]:
    """Every identifier of the demo in full, in the forms it could travel in."""
    found: set[str] = set()
    for customer in data.batch.customers:
        for number in (customer.mobile, customer.landline):
            if number:
                found |= {number, number.lstrip("+"), number.removeprefix("+86")}
        if customer.email:
            found.add(customer.email)
        if customer.identity:
            found.add(customer.identity.number)
    found |= {account.number for account in data.batch.accounts}
    return {value for value in found if len(value) >= 8}


@pytest.fixture(scope="module")
def walk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Walk]:
    server = LiveServer(sqlite_url(tmp_path_factory.mktemp("walk")), env=ENV)
    data = generate(seed=5, customers=60)
    tokens = {
        agent.id: server.add_agent(
            agent.id, role=agent.role, languages=agent.languages, branch=agent.branch
        )
        for agent in data.agents
    }
    tokens["gateway"] = server.add_service("gateway", Role.SMS_GATEWAY)
    tokens["online"] = server.add_service("online", Role.ONLINE_SERVICE)
    with server.process:
        load(data, server.url, tokens)
        yield Walk(server, data, tokens, full_identifiers(data))


def outcome(task_id: str, **fields: Any) -> dict[str, Any]:
    started = datetime.now(UTC) - timedelta(minutes=5)
    return {
        "id": str(uuid.uuid4()),
        "task_id": task_id,
        "agent_id": DEMO_AGENT_ID,
        "started_at": started.isoformat(),
        "ended_at": (started + timedelta(minutes=3)).isoformat(),
        **fields,
    }


def test_an_agent_walking_every_endpoint_sees_only_masked_identifiers_and_disclosures_are_audited(
    walk: Walk,
) -> None:
    me = DEMO_AGENT_ID
    before = len(walk.audit_rows(me))
    queue = walk.call(me, "GET", "/v1/queue").json()["items"]
    assert len(queue) >= 5
    first, second, third = (item["task"] for item in queue[:3])
    customer = next(c for c in walk.data.batch.customers if c.id == first["customer_id"])
    walk.call(me, "GET", "/v1/queue", headers={"If-None-Match": '"x"'})
    walk.call(me, "GET", "/v1/me")
    walk.call(me, "POST", f"/v1/tasks/{first['id']}/start")
    check = walk.call(me, "GET", f"/v1/tasks/{first['id']}/identity-check")
    sms = sms_request(first["id"], language=customer.language.value)
    walk.call(me, "POST", "/v1/sms", json=sms)
    walk.call(me, "POST", "/v1/sms", json=sms)  # the echo of a re-sent request
    callback = outcome(
        second["id"],
        disposition="callback_requested",
        callback_at=(datetime.now(UTC) + timedelta(days=1)).isoformat(),
        task_version=second["version"],
    )
    walk.call(me, "POST", "/v1/outcomes", json={"outcomes": [callback]})
    walk.call(me, "POST", "/v1/outcomes", json={"outcomes": [callback]})  # replayed
    busy = outcome(third["id"], disposition="busy", task_version=third["version"])
    walk.call(me, "PUT", f"/v1/outcomes/{busy['id']}", json=busy)
    walk.call(me, "PUT", f"/v1/outcomes/{busy['id']}", json=busy)
    # refusals name what is wrong and quote nothing stored
    walk.call(me, "POST", "/v1/outcomes", json={"outcomes": [{**busy, "notes": "x"}]})
    boss = {"Authorization": f"Bearer {walk.tokens[SUPERVISOR_ID]}"}
    listed = httpx.get(walk.server.url + "/v1/tasks?status=open&limit=1000", headers=boss)
    others = [t for t in listed.json()["items"] if t["assigned_agent"] not in (me, None)]
    walk.call(me, "POST", f"/v1/tasks/{others[0]['id']}/start")
    walk.call(me, "GET", f"/v1/tasks/{others[0]['id']}/identity-check")
    walk.call(me, "POST", "/v1/tasks/no-such-task/start")
    wrong_customer = {
        "id": str(uuid.uuid4()),
        "task_id": first["id"],
        "customer_id": others[0]["customer_id"],
        "field": "mobile",
        "at": datetime.now(UTC).isoformat(),
    }
    walk.call(me, "POST", "/v1/reveals", json=wrong_customer)
    walk.call(me, "GET", "/v1/customers")  # supervisors' only
    walk.call(me, "GET", "/v1/accounts")
    # a discarded outcome the app reports: the echo masks what the agent typed, as outcomes do
    assert customer.mobile is not None
    changed = [{"field": "mobile", "result": "changed", "new_value": customer.mobile}]
    discarded = {
        "id": str(uuid.uuid4()),
        "kind": "discarded",
        "at": datetime.now(UTC).isoformat(),
        "reason": f"客户的新号码 {customer.mobile} 已在柜台登记",
        "item_id": busy["id"],
        "item_kind": "outcome",
        "task_id": third["id"],
        "refusal": "changed",
        "refusal_status": 409,
        "item": {**busy, "contact_checks": changed},
    }
    walk.call(me, "POST", "/v1/store-reports", json=discarded)
    walk.call(me, "POST", "/v1/store-reports", json=discarded)  # recorded already: 200
    # the online channel and the SMS gateway are services: their echoes are masked too
    walk.call(
        "online",
        "POST",
        "/v1/online-answers",
        json={
            "id": str(uuid.uuid4()),
            "task_id": queue[3]["task"]["id"],
            "answered_at": datetime.now(UTC).isoformat(),
            "satisfaction": 4,
        },
    )
    walk.call("gateway", "GET", "/v1/me")
    statuses = {what: answer.status_code for what, answer in walk.answers}
    assert all(code < 500 for code in statuses.values()), statuses
    assert {code for code in statuses.values()} >= {200, 201, 403, 404, 422}, statuses
    masked = {what: walk.leaks(answer) for what, answer in walk.answers}
    assert {what: leaked for what, leaked in masked.items() if leaked} == {}
    assert all(a.headers["Cache-Control"] == "no-store" for _, a in walk.answers)
    assert len(walk.audit_rows(me)) == before  # nothing above disclosed anything

    # the identity check compares what the customer says without the number on the wire
    assert customer.identity is not None
    proof = IdentityCheck.model_validate(check.json())
    assert identity.matches(proof, customer.identity.number.lower())
    assert not identity.matches(proof, customer.identity.number[:-1] + "0")

    # disclosures: one reveal (answered twice), a prefetch, an offline reveal recorded later
    reveal = {**wrong_customer, "id": str(uuid.uuid4()), "customer_id": customer.id}
    shown = walk.call(me, "POST", "/v1/reveals", json=reveal)
    assert shown.status_code == 201 and shown.json()["value"] == customer.mobile
    again = walk.call(me, "POST", "/v1/reveals", json=reveal)
    assert again.status_code == 200 and again.json()["value"] == customer.mobile
    prefetched = walk.call(me, "POST", "/v1/prefetch", json={"have": []}).json()
    assert len(prefetched["task_ids"]) == PREFETCH == len(prefetched["items"])
    numbers = sum(bool(i["mobile"]) + bool(i["landline"]) for i in prefetched["items"])
    assert (
        walk.call(me, "POST", "/v1/prefetch", json={"have": prefetched["task_ids"]}).json()["items"]
        == []
    )  # numbers the app holds are not sent (nor audited) again
    offline = {**reveal, "id": str(uuid.uuid4()), "source": "prefetch"}
    recorded = walk.call(me, "POST", "/v1/reveals", json=offline)
    assert recorded.status_code == 201 and recorded.json()["value"] is None
    assert walk.call(me, "POST", "/v1/reveals", json=offline).status_code == 200
    rows = walk.audit_rows(me)[before:]
    kinds = sorted(row.kind for row in rows)
    assert kinds == sorted(["reveal", "offline_reveal"] + ["prefetch"] * numbers)
    assert len(rows) == 2 + numbers
    [row] = [row for row in rows if row.kind == "reveal"]
    assert (row.task_id, row.customer_id, row.field, row.reason) == (
        first["id"],
        customer.id,
        "mobile",
        "on_call",
    )


def test_supervisors_lists_are_masked_and_the_gateway_pull_is_audited(walk: Walk) -> None:
    boss = SUPERVISOR_ID
    month = datetime.now(UTC).strftime("%Y-%m")
    escalations = walk.call(boss, "GET", "/v1/escalations?limit=1000").json()["items"]
    assert escalations
    for path in (
        "/v1/customers?limit=1000",
        "/v1/customers/briefs?limit=1000",
        "/v1/escalations?limit=1000",
        f"/v1/outcomes?month={month}&limit=1000",
        f"/v1/qa-sample?month={month}&rate=1",
        f"/v1/reports/agents?month={month}",
        f"/v1/reports/kinds?month={month}",
        "/v1/agents",
        "/v1/accounts?limit=1000",
        "/v1/events?limit=1000",
        "/v1/tasks?limit=1000",
        "/v1/tasks/briefs?limit=1000",
        "/v1/store-reports?limit=1000",
        "/v1/wallboard",
        f"/v1/reports/closures?month={month}",
        *(f"/v1/escalations/{e['id']}" for e in escalations),
    ):
        answer = walk.call(boss, "GET", path)
        assert answer.status_code == 200, (path, answer.text)
        assert walk.leaks(answer) == [], path
        assert answer.headers["Cache-Control"] == "no-store"
    listed = walk.call(boss, "GET", "/v1/tasks?limit=1000").json()["items"]
    by_id = walk.call(boss, "POST", "/v1/tasks/by-id", json={"task_ids": [t["id"] for t in listed]})
    assert by_id.status_code == 200 and len(by_id.json()) == len(listed)
    assert walk.leaks(by_id) == []
    pulled = walk.call("gateway", "GET", "/v1/sms/pending")
    assert pulled.status_code == 200
    engine = sa.create_engine(walk.server.db_url)
    with engine.connect() as conn:
        audited = conn.execute(
            sa.select(audit_log.c.detail).where(audit_log.c.action == "sms_numbers_disclosed")
        ).all()
    engine.dispose()
    sent = [message["id"] for message in pulled.json()]
    assert [row.detail["sms_ids"] for row in audited] == ([sent] if sent else [])
