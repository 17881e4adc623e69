"""Supervisors against the real server: tasks, assignment, transfer, escalations, reports,
QA sample, retention purge."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from revisit_tui.server.tables import audit_log, task_assignments
from tests.server.conftest import World


def test_bulk_tasks_are_idempotent_by_key(world: World) -> None:
    customer = world.add_customer("c")
    task = {
        "key": world.id("k1"),
        "kind": "new_account",
        "priority": 3,
        "customer_id": customer,
        "due": "2026-12-01",
    }
    first = world.ok("POST", "/v1/tasks/bulk", "boss", json={"tasks": [task]})
    again = world.ok("POST", "/v1/tasks/bulk", "boss", json={"tasks": [task, task]})
    assert (first["created"], first["existing"]) == (1, 0)
    assert (again["created"], again["existing"]) == (0, 2)
    assert again["task_ids"] == first["task_ids"] * 2
    listed = world.ok("GET", f"/v1/tasks?customer={customer}", "boss")["items"]
    assert [t["id"] for t in listed] == first["task_ids"]


def test_bulk_tasks_name_unknown_customer_and_agent(world: World) -> None:
    customer = world.add_customer("c")
    good = {"key": world.id("g"), "kind": "periodic", "priority": 5, "due": "2026-12-01"}
    bad = world.call(
        "POST",
        "/v1/tasks/bulk",
        "boss",
        json={
            "tasks": [
                {**good, "customer_id": customer},
                {**good, "key": world.id("x"), "customer_id": "nobody"},
                {**good, "key": world.id("y"), "customer_id": customer, "assigned_agent": "ghost"},
            ]
        },
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"tasks.1.customer_id", "tasks.2.assigned_agent"}
    assert world.ok("GET", f"/v1/tasks?customer={customer}", "boss")["items"] == []


def test_task_listing_filters_and_pages(world: World) -> None:
    customer = world.add_customer("c")
    ids = sorted(world.add_task(customer, "a") for _ in range(5))
    unassigned = world.add_task(customer, None)
    seen: list[str] = []
    cursor = ""
    while True:
        page = world.ok(
            "GET",
            f"/v1/tasks?customer={customer}&agent={world.id('a')}&limit=2&cursor={cursor}",
            "boss",
        )
        seen += [t["id"] for t in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert seen == ids
    free = world.ok("GET", f"/v1/tasks?customer={customer}&unassigned=true", "boss")["items"]
    assert [t["id"] for t in free] == [unassigned]
    bad = world.call("GET", "/v1/tasks?cursor=garbage", "boss")
    assert bad.status_code == 422
    assert list(bad.json()["fields"]) == ["cursor"]


def test_task_briefs_are_the_listings_tasks_with_what_planning_reads(world: World) -> None:
    customer = world.add_customer("c")
    number = world.accounts[customer]
    held = [world.add_task(customer, "a") for _ in range(3)]
    free = world.add_task(customer, None, key=world.id(f"periodic:{number}:2026-H2"))
    fields = ["id", "key", "kind", "priority", "customer_id", "due", "assigned_agent"]
    fields += ["escalation_id", "version"]
    for query in ("", "&unassigned=true", f"&agent={world.id('a')}", "&status=done"):
        listed = world.ok("GET", f"/v1/tasks?customer={customer}{query}", "boss")["items"]
        seen: list[dict[str, object]] = []
        cursor = ""
        while True:
            path = f"/v1/tasks/briefs?customer={customer}{query}&limit=2&cursor={cursor}"
            page = world.ok("GET", path, "boss")
            seen += page["items"]
            if page["next_cursor"] is None:
                break
            cursor = page["next_cursor"]
        assert seen == [{name: task[name] for name in fields} for task in listed], query
    briefs = world.ok("GET", f"/v1/tasks/briefs?customer={customer}", "boss")["items"]
    assert {b["id"] for b in briefs} == {*held, free}
    key = next(b["key"] for b in briefs if b["id"] == free)
    assert number not in key and f"{number[-4:]}:2026-H2" in key
    bad = world.call("GET", "/v1/tasks/briefs?cursor=garbage", "boss")
    assert bad.status_code == 422
    assert list(bad.json()["fields"]) == ["cursor"]
    for path in ("/v1/tasks/briefs", "/v1/customers/briefs"):  # pages of up to 5000 briefs
        assert world.call("GET", f"{path}?limit=5000", "boss").status_code == 200
        too_many = world.call("GET", f"{path}?limit=5001", "boss")
        assert too_many.status_code == 422
        assert list(too_many.json()["fields"]) == ["limit"]


def test_customer_briefs_are_the_listings_customers_with_what_planning_reads(
    world: World,
) -> None:
    ids = sorted(world.add_customer(f"c{i}", language="en", type="corporate") for i in range(3))
    ids.append(world.add_customer("other", branch="b2"))
    for query in ("", "&branch=b1", "&branch=b2"):
        listed = world.ok("GET", f"/v1/customers?limit=1000{query}", "boss")["items"]
        seen: list[dict[str, object]] = []
        cursor = ""
        while True:
            page = world.ok("GET", f"/v1/customers/briefs?limit=2{query}&cursor={cursor}", "boss")
            seen += page["items"]
            if page["next_cursor"] is None:
                break
            cursor = page["next_cursor"]
        fields = ("id", "type", "language", "branch")
        assert seen == [{name: c[name] for name in fields} for c in listed], query
    mine = world.ok("GET", "/v1/customers/briefs?limit=1000", "boss")["items"]
    by_id = {c["id"]: c for c in mine}
    assert by_id[ids[0]] == {"id": ids[0], "type": "corporate", "language": "en", "branch": "b1"}
    assert by_id[ids[-1]]["branch"] == "b2"


def test_assignment_moves_the_task_between_queues(world: World) -> None:
    task = world.add_task(world.add_customer("c"), None)
    assert world.ok("GET", "/v1/queue", "b")["items"] == []
    moved = world.ok(
        "POST",
        "/v1/assignments",
        "boss",
        json={"assignments": [{"task_id": task, "agent_id": world.id("b")}]},
    )
    assert moved == {"updated": 1}
    queue = world.ok("GET", "/v1/queue", "b")["items"]
    assert [i["task"]["id"] for i in queue] == [task]
    assert queue[0]["task"]["version"] == 2
    unknown = world.call(
        "POST",
        "/v1/assignments",
        "boss",
        json={"assignments": [{"task_id": "t-x", "agent_id": None}]},
    )
    assert unknown.status_code == 422
    assert list(unknown.json()["fields"]) == ["assignments.0.task_id"]


def test_assignments_in_bulk_count_each_change_and_keep_the_history(world: World) -> None:
    customer = world.add_customer("c")
    task = {"kind": "periodic", "priority": 5, "customer_id": customer, "due": "2026-12-01"}
    batch = [{**task, "key": world.id(f"bulk-{i}")} for i in range(501)]  # over one id chunk
    ids = world.ok("POST", "/v1/tasks/bulk", "boss", json={"tasks": batch})["task_ids"]
    a, b = world.id("a"), world.id("b")
    world.ok("PUT", f"/v1/agents/{a}", "boss", json={"id": a, "name": "A", "capacity": 600})
    to_a = [{"task_id": task_id, "agent_id": a} for task_id in ids]
    then_b = [{"task_id": ids[0], "agent_id": b}]
    done = world.ok("POST", "/v1/assignments", "boss", json={"assignments": to_a + then_b})
    assert done == {"updated": 502}
    again = world.ok("POST", "/v1/assignments", "boss", json={"assignments": to_a[1:] + then_b})
    assert again == {"updated": 0}
    listed = world.ok("GET", f"/v1/tasks?customer={customer}&limit=1000", "boss")["items"]
    by_id = {t["id"]: (t["assigned_agent"], t["version"]) for t in listed}
    assert by_id[ids[0]] == (b, 3)
    assert {by_id[task_id] for task_id in ids[1:]} == {(a, 2)}
    engine = sa.create_engine(world.server.db_url)
    with engine.connect() as conn:
        history = conn.execute(
            sa.select(
                task_assignments.c.task_id,
                task_assignments.c.agent_id,
                task_assignments.c.from_version,
                task_assignments.c.at,
            ).where(task_assignments.c.task_id.in_(ids[:3]))
        ).all()
    engine.dispose()
    changes = sorted((row.task_id, row.from_version, row.agent_id) for row in history)
    assert changes == sorted([(ids[0], 2, a), (ids[0], 3, b), (ids[1], 2, a), (ids[2], 2, a)])
    assert len({row.at for row in history}) == 1 and history[0].at is not None
    late = world.outcome(ids[0], "a", task_version=2)  # begun while 'a' had it, in between
    result = world.call("PUT", f"/v1/outcomes/{late['id']}", "a", json=late)
    assert result.status_code == 201
    assert result.json()["flagged_reassigned"] is True


def test_assignments_name_every_unknown_task_and_agent_and_change_nothing(world: World) -> None:
    task = world.add_task(world.add_customer("c"), "a")
    bad = world.call(
        "POST",
        "/v1/assignments",
        "boss",
        json={
            "assignments": [
                {"task_id": task, "agent_id": world.id("b")},
                {"task_id": "t-nothing", "agent_id": world.id("b")},
                {"task_id": task, "agent_id": "ghost"},
            ]
        },
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"assignments.1.task_id", "assignments.2.agent_id"}
    assert [i["task"]["id"] for i in world.ok("GET", "/v1/queue", "a")["items"]] == [task]


def test_transfer_changes_branch_and_unassigns_open_tasks(world: World) -> None:
    customer = world.add_customer("c")
    world.add_customer("already-there", branch="b2")
    task = world.add_task(customer, "a")
    result = world.ok(
        "POST",
        "/v1/customers/transfer",
        "boss",
        json={"customer_ids": [customer], "to_branch": "b2"},
    )
    assert (result["customers"], result["tasks"]) == (1, 1)
    [move] = result["moves"]
    assert (move["customer_id"], move["from_branch"], move["open_tasks"]) == (customer, "b1", 1)
    assert world.ok("GET", "/v1/queue", "a")["items"] == []
    moved = world.ok("GET", "/v1/customers?branch=b2&limit=1000", "boss")["items"]
    assert customer in {c["id"] for c in moved}
    listed = world.ok("GET", f"/v1/tasks?customer={customer}&unassigned=true", "boss")["items"]
    surveyed = {task: "periodic", move["survey_task_id"]: "transfer"}
    assert {t["id"]: t["kind"] for t in listed} == surveyed
    typo = world.call(
        "POST",
        "/v1/customers/transfer",
        "boss",
        json={"customer_ids": [customer], "to_branch": "SHO1"},
    )
    assert typo.status_code == 422 and set(typo.json()["fields"]) == {"to_branch"}


def test_import_upserts_master_data(world: World) -> None:
    customer = world.add_customer("c")
    # the bank's own data, not the (masked) listing: a masked number is refused by the import
    body = {"id": customer, "type": "personal", "branch": "b1", "mobile": "+8613800138000"}
    result = world.ok(
        "POST", "/v1/import", "boss", json={"customers": [{**body, "name": "新名字"}]}
    )
    assert result["customers"] == 1
    again = world.ok("GET", "/v1/customers?branch=b1&limit=1000", "boss")["items"]
    assert [c["name"] for c in again if c["id"] == customer] == ["新名字"]


def test_resolving_an_escalation_gives_the_agent_a_follow_up(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    request = {
        "id": str(uuid.uuid4()),
        "category": "product",
        "department": "cards",
        "urgency": "normal",
        "summary": "annual fee question",
    }
    outcome = world.outcome(task, "a", escalations=[request])
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [outcome]})
    resolved = world.ok(
        "POST", f"/v1/escalations/{request['id']}/resolve", "boss", json={"resolution": "refunded"}
    )
    assert resolved["status"] == "resolved"
    follow_up = resolved["follow_up_task_id"]
    queue = world.ok("GET", "/v1/queue", "a")["items"]
    item = next(i for i in queue if i["task"]["id"] == follow_up)
    assert item["task"]["kind"] == "follow_up"
    assert item["task"]["escalation_id"] == request["id"]
    twice = world.call(
        "POST", f"/v1/escalations/{request['id']}/resolve", "boss", json={"resolution": "x"}
    )
    assert twice.status_code == 409
    reopened = world.ok(
        "POST", f"/v1/escalations/{request['id']}/reopen", "boss", json={"resolution": "unhappy"}
    )
    assert reopened["status"] == "reopened"
    unknown = world.call(
        "POST", f"/v1/escalations/{uuid.uuid4()}/resolve", "boss", json={"resolution": "x"}
    )
    assert unknown.status_code == 404


def _past_outcome(world: World, task: str, who: str, day: date, **fields: object) -> dict:
    started = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return world.outcome(
        task,
        who,
        started_at=started.isoformat(),
        ended_at=(started + timedelta(minutes=3)).isoformat(),
        **fields,
    )


def test_report_ranks_agents_by_satisfaction(world: World) -> None:
    customer = world.add_customer("c")
    day = date(2025, 3, 10)
    a_tasks = [world.add_task(customer, "a") for _ in range(3)]
    b_task = world.add_task(customer, "b")
    world.ok(
        "POST",
        "/v1/outcomes",
        "a",
        json={
            "outcomes": [
                _past_outcome(world, a_tasks[0], "a", day, satisfaction=3),
                _past_outcome(world, a_tasks[1], "a", day, satisfaction=4),
                _past_outcome(
                    world, a_tasks[2], "a", day, disposition="no_answer", satisfaction=None
                ),
            ]
        },
    )
    world.ok(
        "POST",
        "/v1/outcomes",
        "b",
        json={"outcomes": [_past_outcome(world, b_task, "b", day, satisfaction=5)]},
    )
    rows = world.ok("GET", "/v1/reports/agents?month=2025-03", "boss")
    mine = {r["agent_id"]: r for r in rows if r["agent_id"].endswith(world.tag)}
    a, b = mine[world.id("a")], mine[world.id("b")]
    assert (a["attempts"], a["reached"], a["reach_rate"]) == (3, 2, 2 / 3)
    assert a["dispositions"]["no_answer"] == 1
    assert a["average_satisfaction"] == 3.5
    assert b["rank"] < a["rank"]
    daily = world.ok("GET", "/v1/reports/agents?day=2025-03-11", "boss")
    assert all(r["attempts"] == 0 for r in daily if r["agent_id"].endswith(world.tag))
    neither = world.call("GET", "/v1/reports/agents", "boss")
    assert neither.status_code == 422


def test_qa_sample_is_reproducible_and_checks_records(world: World) -> None:
    customer = world.add_customer("c")
    day = date(2024, 7, 3)
    outcomes = []
    for n in range(20):
        task = world.add_task(customer, "a")
        fields: dict[str, object] = {}
        if n % 2:
            fields["fraud_warning_delivered"] = False
        outcomes.append(_past_outcome(world, task, "a", day, **fields))
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": outcomes})
    url = "/v1/qa-sample?month=2024-07&rate=0.25&seed=7"
    first = world.ok("GET", url, "boss")
    assert [r["outcome"]["id"] for r in first] == [
        r["outcome"]["id"] for r in world.ok("GET", url, "boss")
    ]
    assert len(first) >= 5
    other_seed = world.ok("GET", "/v1/qa-sample?month=2024-07&rate=0.25&seed=8", "boss")
    assert [r["outcome"]["id"] for r in other_seed] != [r["outcome"]["id"] for r in first]
    everything = world.ok("GET", "/v1/qa-sample?month=2024-07&rate=1&seed=1", "boss")
    assert len(everything) == 20  # only this test records outcomes in 2024-07
    for record in everything:
        assert record["compliant"] is record["outcome"]["fraud_warning_delivered"]
        assert record["complete"] and record["handled"]
        assert record["customer_name"] == "客户 c"
        assert record["account_number"] == "****" + world.accounts[customer][-4:]
    flawed = next(r for r in everything if not r["compliant"])
    assert flawed["findings"] == ["fraud warning not delivered"]


def test_retention_purge_dry_run_then_real(world: World) -> None:
    customer = world.add_customer("c")
    task = world.add_task(customer, "a")
    old = _past_outcome(world, task, "a", date(2019, 5, 1), notes="客户说了很多私事")
    world.ok("POST", "/v1/outcomes", "a", json={"outcomes": [old]})
    dry = world.ok("POST", "/v1/retention/purge", "boss", json={"older_than_years": 5})
    assert dry["dry_run"] is True
    assert dry["outcomes"] >= 1
    listed = world.ok("GET", f"/v1/outcomes?month=2019-05&agent={world.id('a')}", "boss")
    assert listed["items"][0]["notes"] == "客户说了很多私事"
    real = world.ok(
        "POST", "/v1/retention/purge", "boss", json={"older_than_years": 5, "dry_run": False}
    )
    assert real["outcomes"] == dry["outcomes"]
    purged = world.ok("GET", f"/v1/outcomes?month=2019-05&agent={world.id('a')}", "boss")
    assert purged["items"][0]["notes"] == ""
    assert purged["items"][0]["disposition"] == "reached"  # counts stay
    again = world.ok("POST", "/v1/retention/purge", "boss", json={"older_than_years": 5})
    assert again["outcomes"] == 0
    engine = sa.create_engine(world.server.db_url)
    with engine.connect() as conn:
        audit = conn.execute(
            sa.select(audit_log.c.actor, audit_log.c.detail).where(
                audit_log.c.action == "retention_purge"
            )
        ).all()
    engine.dispose()
    assert [(row.actor, row.detail["outcomes"]) for row in audit] == [
        (world.id("boss"), real["outcomes"])
    ]


def test_agents_listing_and_profile_update(world: World) -> None:
    agents = world.ok("GET", "/v1/agents", "boss")
    mine = next(a for a in agents if a["id"] == world.id("a"))
    updated = world.ok(
        "PUT",
        f"/v1/agents/{world.id('a')}",
        "boss",
        json={**mine, "capacity": 40, "languages": ["en"], "on_shift": False},
    )
    assert updated["capacity"] == 40
    me = world.ok("GET", "/v1/me", "a")["agent"]
    assert (me["capacity"], me["languages"], me["on_shift"]) == (40, ["en"], False)
    wrong = world.call("PUT", "/v1/agents/nobody", "boss", json={**mine, "id": "nobody"})
    assert wrong.status_code == 404
