"""Special events are revisited as what they are (seed 002 §六.3): a large abnormal transaction,
a change of reserved information and a complaint each become a special-event task that names
its event and carries the event's detail as its reason, through build_queue and the real
server to the agent's queue, where each goes through its own script step."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
from supervision import Supervisor, account, customer

from revisit_tui.callscripts import load_script
from revisit_tui.domain.models import (
    AccountEvent,
    Assignment,
    Event,
    ImportBatch,
    Language,
    TaskKind,
)
from revisit_tui.domain.scripts import StepKind, steps_for

TODAY = date(2026, 11, 25)
DETAILS = {
    "large": (AccountEvent.LARGE_ABNORMAL_TRANSACTION, "夜间大额转账"),
    "info": (AccountEvent.RESERVED_INFO_CHANGED, "预留手机号变更"),
    "complaint": (AccountEvent.COMPLAINT, "客户投诉手续费"),
}
OWN_STEP = {  # the step only that event's revisit goes through
    AccountEvent.LARGE_ABNORMAL_TRANSACTION: "transactions",
    AccountEvent.RESERVED_INFO_CHANGED: "reserved_info",
    AccountEvent.COMPLAINT: "complaint",
}


def test_each_special_event_reaches_the_agent_as_itself_with_its_reason(
    supervisor: Supervisor,
) -> None:
    supervisor.api.import_batch(
        ImportBatch(
            customers=[customer(name) for name in DETAILS],
            accounts=[
                account(f"6200{n}", name, date(2026, 6, 1)) for n, name in enumerate(DETAILS)
            ],
            events=[
                Event(
                    id=f"ev-{name}",
                    account_number=f"6200{n}",
                    kind=kind,
                    at=datetime(2026, 11, 24, 3, tzinfo=UTC),
                    detail=detail,
                )
                for n, (name, (kind, detail)) in enumerate(DETAILS.items())
            ],
        )
    )
    assert supervisor.run("build_queue", "--today", TODAY.isoformat()) == 0

    special = list(supervisor.api.tasks(kind=TaskKind.SPECIAL_EVENT))
    assert {t.customer_id: (t.event, t.reason) for t in special} == DETAILS
    agent = supervisor.agent_api("a1")
    supervisor.api.assign([Assignment(task_id=t.id, agent_id="a1") for t in special])
    snapshot, _ = agent.queue()
    assert snapshot is not None
    script = load_script(TaskKind.SPECIAL_EVENT, Language.ZH_CN)
    for item in snapshot.items:
        event, detail = DETAILS[item.customer.id]
        assert (item.task.event, item.task.reason) == (event, detail)
        ids = [step.id for step in steps_for(script, item)]
        assert OWN_STEP[event] in ids
        assert not set(OWN_STEP.values()) - {OWN_STEP[event]} & set(ids), (event, ids)
        if event is not AccountEvent.LARGE_ABNORMAL_TRANSACTION:
            [own] = [step for step in steps_for(script, item) if step.id == OWN_STEP[event]]
            assert own.kind is StepKind.EVENT and "{event_reason}" in own.prompt
    agent.close()


def test_a_special_event_task_must_name_its_event_and_no_other_kind_may(
    supervisor: Supervisor,
) -> None:
    supervisor.api.import_batch(ImportBatch(customers=[customer("c1")]))
    base = {"priority": 0, "customer_id": "c1", "due": TODAY.isoformat()}
    tasks = [
        {"key": "k1", "kind": "special_event", **base},
        {"key": "k2", "kind": "periodic", "event": "complaint", **base},
        {"key": "k3", "kind": "special_event", "event": "closure", **base},
        {"key": "k4", "kind": "special_event", "event": "complaint", **base},
    ]
    headers = {"Authorization": f"Bearer {supervisor.token}"}
    with httpx.Client(base_url=supervisor.server.url, headers=headers) as http:
        refused = http.post("/v1/tasks/bulk", json={"tasks": tasks})
        assert refused.status_code == 422, refused.text
        assert "tasks.2.event" in refused.text  # a closure is a task kind, not a special event
        fine = http.post("/v1/tasks/bulk", json={"tasks": [tasks[0] | {"event": "complaint"}]})
        assert fine.status_code == 200, fine.text
        both = http.post("/v1/tasks/bulk", json={"tasks": [tasks[0], tasks[1], tasks[3]]})
        assert both.status_code == 422, both.text
        assert set(both.json()["fields"]) == {"tasks.0.event", "tasks.1.event"}
    assert [t.key for t in supervisor.api.tasks()] == ["k1"]
