"""The server suite runs against a real server on SQLite and, when configured, PostgreSQL.

`server` is one started server per module and database; `world` gives each test its own
supervisor, agents, customer, account, flagged transaction and task on it, so tests sharing
a server never see each other's data.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from revisit_tui.domain.models import Role
from tests.conftest import callable_zone


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'revisit.db'}"


@pytest.fixture(scope="module")
def server(db_url: str, live_server_for: Any) -> Iterator[Any]:
    live = live_server_for(db_url)
    with live.process:
        yield live


def now() -> datetime:
    return datetime.now(UTC)


FRAUD_WARNING_SMS = {
    "zh-CN": "尊敬的客户，示例银行工作人员不会向您索要账户密码、验证码，请勿向任何人透露，"
    "谨防电信网络诈骗。【示例银行】",
    "en": "Dear customer, Example Bank staff will never ask for your password or verification "
    "codes. Never share them with anyone, and beware of phone and online scams. [Example Bank]",
}
"""The shipped `fraud_warning` SMS template filled: it applies to every task."""


def sms_request(task_id: str, sms_id: str | None = None, language: str = "zh-CN") -> dict[str, Any]:
    """An SMS request the server accepts as a template's text (if the customer may get one)."""
    return {
        "id": sms_id or str(uuid.uuid4()),
        "task_id": task_id,
        "template": "fraud_warning",
        "text": FRAUD_WARNING_SMS[language],
        "requested_at": now().isoformat(),
    }


@dataclass
class World:
    """One test's people and data on the shared server, with request helpers."""

    server: Any
    http: httpx.Client
    tag: str
    tokens: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)  # customer id -> account number

    def id(self, name: str) -> str:
        return f"{name}-{self.tag}"

    def call(self, method: str, path: str, who: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if who is not None:
            headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return self.http.request(method, path, headers=headers, **kwargs)

    def ok(self, method: str, path: str, who: str, **kwargs: Any) -> Any:
        answer = self.call(method, path, who, **kwargs)
        assert answer.status_code < 300, answer.text
        return answer.json()

    def add_customer(
        self, label: str, *, account_status: str = "active", flagged: bool = True, **fields: Any
    ) -> str:
        """A customer with a savings account (of that status) and, when `flagged`, a flagged
        large transaction on it."""
        customer_id = self.id(label)
        account = f"62{uuid.uuid4().int % 10**14:014d}"
        customer = {
            "id": customer_id,
            "type": "personal",
            "name": f"客户 {label}",
            "mobile": "+8613800138000",
            "branch": "b1",
            "timezone": callable_zone(),
            **fields,
        }
        self.ok(
            "POST",
            "/v1/import",
            "boss",
            json={
                "customers": [customer],
                "accounts": [
                    {
                        "number": account,
                        "customer_id": customer_id,
                        "type": "personal_savings",
                        "opened_on": "2026-01-05",
                        "branch": "b1",
                        "status": account_status,
                    }
                ],
                "transactions": [
                    {
                        "id": self.id(f"tx-{label}"),
                        "account_number": account,
                        "at": "2026-11-01T10:00:00+08:00",
                        "amount": "50000.00",
                        "channel": "atm",
                        "flag": "large_abnormal",
                    }
                ]
                if flagged
                else [],
            },
        )
        self.accounts[customer_id] = account
        return customer_id

    def add_task(self, customer_id: str, agent: str | None, key: str | None = None) -> str:
        body = {
            "tasks": [
                {
                    "key": key or self.id(f"task-{uuid.uuid4().hex[:8]}"),
                    "kind": "periodic",
                    "priority": 5,
                    "customer_id": customer_id,
                    "account_number": self.accounts[customer_id],
                    "due": date.today().isoformat(),
                    "assigned_agent": self.id(agent) if agent else None,
                }
            ]
        }
        task_id: str = self.ok("POST", "/v1/tasks/bulk", "boss", json=body)["task_ids"][0]
        return task_id

    def outcome(self, task_id: str, who: str, **fields: Any) -> dict[str, Any]:
        started = now() - timedelta(minutes=5)
        return {
            "id": str(uuid.uuid4()),
            "task_id": task_id,
            "agent_id": self.id(who),
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(minutes=4)).isoformat(),
            "disposition": "reached",
            "fraud_warning_delivered": True,
            "security_tips_delivered": True,
            "satisfaction": 5,
            "contact_checks": [{"field": "mobile", "result": "confirmed"}],
            **fields,
        }


@pytest.fixture
def world(server: Any) -> Iterator[World]:
    """A supervisor 'boss', agents 'a' and 'b', and a customer 'c' with a task for 'a'."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        w = World(server=server, http=http, tag=uuid.uuid4().hex[:8])
        w.tokens["boss"] = server.add_agent(w.id("boss"), role=Role.SUPERVISOR)
        w.tokens["a"] = server.add_agent(w.id("a"))
        w.tokens["b"] = server.add_agent(w.id("b"))
        yield w
