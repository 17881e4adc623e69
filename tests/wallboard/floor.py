"""A small call floor on a real server, for the wallboard's tests: a supervisor, two agents,
a customer with tasks of several kinds, two calls (one raising an urgent escalation) and one
agent's app polling with two items in its outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from revisit_tui.domain.models import Role
from tests.conftest import LiveServer, callable_zone

ZONE = callable_zone()  # about 13:00 there: the calls below fall on "today"
DEPARTMENT = "个人金融部"


@dataclass
class Floor:
    url: str
    supervisor: str  # tokens
    agent: str
    today: date


def today_in(zone: str) -> date:
    return datetime.now(ZoneInfo(zone)).date()


def make_floor(server: LiveServer) -> Floor:
    boss = server.add_agent("boss", Role.SUPERVISOR)
    wang = server.add_agent("wang")
    server.add_agent("li")
    today = today_in(ZONE)
    with httpx.Client(base_url=server.url, timeout=30) as http:

        def ok(method: str, path: str, token: str, **kwargs: Any) -> Any:
            answer = http.request(
                method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs
            )
            assert answer.status_code < 300, answer.text
            return answer.json()

        ok(
            "POST",
            "/v1/import",
            boss,
            json={
                "customers": [
                    {
                        "id": "c1",
                        "type": "personal",
                        "name": "客户甲",
                        "mobile": "+8613800138000",
                        "branch": "b1",
                        "timezone": ZONE,
                    }
                ]
            },
        )
        kinds = [
            ("new_account", today),
            ("new_account", today),
            ("new_account", today - timedelta(days=2)),
            ("periodic", today),
            ("special_event", today + timedelta(days=9)),
        ]
        task_ids = ok(
            "POST",
            "/v1/tasks/bulk",
            boss,
            json={
                "tasks": [
                    {
                        "key": f"floor-{n}",
                        "kind": kind,
                        "priority": 5,
                        "customer_id": "c1",
                        "due": due.isoformat(),
                        "assigned_agent": "wang",
                        **({"event": "complaint"} if kind == "special_event" else {}),
                    }
                    for n, (kind, due) in enumerate(kinds)
                ]
            },
        )["task_ids"]
        answer = http.get(
            "/v1/queue", headers={"Authorization": f"Bearer {wang}", "X-Outbox-Pending": "2"}
        )
        assert answer.status_code == 200, answer.text
        started = datetime.now(UTC) - timedelta(minutes=20)
        calls = [
            {
                "id": str(uuid.uuid4()),
                "task_id": task_ids[0],
                "agent_id": "wang",
                "started_at": started.isoformat(),
                "ended_at": (started + timedelta(seconds=250)).isoformat(),
                "disposition": "reached",
                "fraud_warning_delivered": True,
                "security_tips_delivered": True,
                "satisfaction": 5,
                "escalations": [
                    {
                        "id": str(uuid.uuid4()),
                        "category": "service",
                        "department": DEPARTMENT,
                        "urgency": "urgent",
                        "summary": "客户投诉网点服务",
                    }
                ],
            },
            {
                "id": str(uuid.uuid4()),
                "task_id": task_ids[1],
                "agent_id": "wang",
                "started_at": (started + timedelta(minutes=5)).isoformat(),
                "ended_at": (started + timedelta(minutes=5, seconds=50)).isoformat(),
                "disposition": "no_answer",
            },
        ]
        ok("POST", "/v1/outcomes", wang, json={"outcomes": calls})
    return Floor(url=server.url, supervisor=boss, agent=wang, today=today)


def add_call(floor: Floor, task_key: str) -> None:
    """Another task and a reached call on it: the floor changed."""
    with httpx.Client(base_url=floor.url, timeout=30) as http:
        task_id = http.post(
            "/v1/tasks/bulk",
            headers={"Authorization": f"Bearer {floor.supervisor}"},
            json={
                "tasks": [
                    {
                        "key": task_key,
                        "kind": "periodic",
                        "priority": 5,
                        "customer_id": "c1",
                        "due": floor.today.isoformat(),
                        "assigned_agent": "wang",
                    }
                ]
            },
        ).json()["task_ids"][0]
        started = datetime.now(UTC) - timedelta(minutes=3)
        answer = http.post(
            "/v1/outcomes",
            headers={"Authorization": f"Bearer {floor.agent}"},
            json={
                "outcomes": [
                    {
                        "id": str(uuid.uuid4()),
                        "task_id": task_id,
                        "agent_id": "wang",
                        "started_at": started.isoformat(),
                        "ended_at": (started + timedelta(seconds=120)).isoformat(),
                        "disposition": "reached",
                        "fraud_warning_delivered": True,
                        "security_tips_delivered": True,
                        "satisfaction": 4,
                    }
                ]
            },
        )
        assert answer.status_code == 200, answer.text
