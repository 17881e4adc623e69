"""Whole calls typed into the real app through a terminal (tmux, 80×24) as ONE burst of keys —
find the task, every step answered with a note after each answer, quick answer→PgDn pairs,
wrap-up, submit, quit — and the outbox holds exactly what a slow typist would have recorded,
field by field."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from revisit_tui.callscripts import load_script
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import (
    ContactCheckResult,
    ContactField,
    Disposition,
    Feature,
    LeadProduct,
    Outcome,
    QueueItem,
    TaskKind,
    TransactionAnswer,
)
from revisit_tui.domain.scripts import steps_for
from tests.app.conftest import QUEUE_SIZE, SERVER_URL
from tests.app.factory import AGENT_ID, NOW, make_queue
from tests.e2e.conftest import DEMO_EXIT, Tmux, wait_until

NEW_MOBILE = ("13912345678", "+8613912345678")


@dataclass
class Plan:
    """The keys of one call and what they must record."""

    keys: list[str] = field(default_factory=list)
    contacts: dict[ContactField, tuple[ContactCheckResult, str | None]] = field(
        default_factory=dict
    )
    transactions: dict[str, TransactionAnswer] = field(default_factory=dict)
    features: dict[Feature, tuple[bool, str]] = field(default_factory=dict)
    needs: dict[LeadProduct, str] = field(default_factory=dict)
    fraud_warning: bool | None = None
    security_tips: bool | None = None
    satisfaction: int | None = None
    notes: list[str] = field(default_factory=list)

    def note(self, text: str, *, own_field: bool = False) -> None:
        """Enter, the text, Enter: into the row's own field, or else the call's notes."""
        self.keys += ["Enter", text, "Enter"]
        if not own_field:
            self.notes.append(text)


def plan_call(item: QueueItem, locale: str) -> Plan:
    """Answer every row of every step of the item's script, a note after most answers."""
    plan = Plan(keys=["/", item.task.id, "Enter", "Enter"])  # find it, leave search, open
    for number, step in enumerate(steps_for(load_script(item.task.kind, locale), item)):
        kind = step.kind.value
        rows: list[str] = []
        if kind in ("contact_check", "identity_check"):
            for name in step.items:
                contact = ContactField(name)
                if contact is ContactField.MOBILE:
                    plan.keys += ["x", "Enter", NEW_MOBILE[0], "Enter"]
                    plan.contacts[contact] = (ContactCheckResult.CHANGED, NEW_MOBILE[1])
                else:
                    result = (
                        ContactCheckResult.UNVERIFIED
                        if contact is ContactField.EMAIL
                        else ContactCheckResult.CONFIRMED
                    )
                    plan.keys.append("u" if result is ContactCheckResult.UNVERIFIED else "c")
                    plan.contacts[contact] = (result, None)
                    plan.note(f"[{name} 已核]")
                rows.append(name)
                plan.keys.append("Down")
        elif kind == "transaction_check":
            for index, tx in enumerate(item.flagged_transactions):
                answer = TransactionAnswer.CONFIRMED if index == 0 else TransactionAnswer.UNSURE
                plan.keys.append("c" if index == 0 else "u")
                plan.transactions[tx.id] = answer
                if index == 0:
                    plan.note("ok no issue 本人交易")
                plan.keys.append("Down")
        elif kind == "feature_use":
            for index, name in enumerate(step.items):
                used = index % 2 == 0
                plan.keys.append("y" if used else "n")
                problem = f"问题{index} slow"
                plan.note(problem, own_field=True)
                plan.features[Feature(name)] = (used, problem)
                plan.keys.append("Down")
        elif kind == "needs":
            products = [LeadProduct(name) for name in step.items] or list(LeadProduct)
            for index, product in enumerate(products):
                if index == 1:
                    plan.keys.append("y")
                    plan.note("想了解 wealth", own_field=True)
                    plan.needs[product] = "想了解 wealth"
                else:
                    plan.keys.append("n")
                    plan.note(f"no {product.value}")
                plan.keys.append("Down")
        elif kind == "fraud_warning":
            plan.keys.append("y")  # answer → PgDn at once
            plan.fraud_warning = True
        elif kind == "security_tips":
            plan.keys.append("n")
            plan.security_tips = False
            plan.note("tips next time")
        elif kind == "close":
            plan.keys.append("4")
            plan.satisfaction = 4
            plan.note("客户满意，说“谢谢”。")
        else:
            plan.note(f"step {number} said")
        if plan.keys[-1] == "Down":
            plan.keys.pop()  # the last row: straight to the next step
        plan.keys.append("PageDown")
    plan.keys += ["F10", "1", "F9", "C-q"]
    return plan


def check(outcome: Outcome, plan: Plan, item: QueueItem) -> None:
    """The stored outcome, field by field, against the plan."""
    assert outcome.task_id == item.task.id and outcome.disposition is Disposition.REACHED
    contacts = {c.field: (c.result, c.new_value) for c in outcome.contact_checks}
    assert contacts == plan.contacts
    assert {t.transaction_id: t.answer for t in outcome.transaction_checks} == plan.transactions
    assert outcome.escalations == []  # no "not me" was typed: none may appear
    assert {f.feature: (f.in_use, f.problem) for f in outcome.features} == plan.features
    assert {lead.product: lead.note for lead in outcome.needs} == plan.needs
    assert outcome.fraud_warning_delivered is plan.fraud_warning
    assert outcome.security_tips_delivered is plan.security_tips
    assert outcome.satisfaction == plan.satisfaction
    assert outcome.notes == "".join(plan.notes)


@pytest.mark.parametrize("kind", [TaskKind.PERIODIC, TaskKind.SPECIAL_EVENT])
def test_a_whole_call_typed_as_one_burst_records_what_was_meant(
    tmp_path: Path, kind: TaskKind
) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (.ci/run installs it)")
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    store = AgentStore.open(data_dir, SERVER_URL, AGENT_ID, clock=lambda: NOW)
    snapshot = make_queue(QUEUE_SIZE, NOW)
    store.save_queue(snapshot, "etag-1")
    store.close()
    item = next(
        i for i in snapshot.items if i.task.kind is kind and i.customer.type.value == "personal"
    )
    plan = plan_call(item, "zh-CN")
    root = Path(__file__).resolve().parents[2]
    command = (
        f"cd {shlex.quote(str(root))} && TZ=Asia/Shanghai LANG=C.UTF-8 "
        f"PATH={shlex.quote(os.environ.get('PATH', '/usr/bin:/bin'))} "
        f"{shlex.quote(sys.executable)} -m tests.app.pty_app {shlex.quote(str(data_dir))} zh-CN"
    )
    tmux = Tmux(f"burst-{kind.value}")
    try:
        tmux.start(command)
        tmux.wait_for("任务队列", timeout=60)
        tmux.tmux("send-keys", "-t", tmux.target, *plan.keys)  # one burst, no waits
        wait_until(lambda: DEMO_EXIT + "0" in tmux.screen(), 120, "the app to quit", tmux.screen)
    finally:
        tmux.kill()
    store = AgentStore.open(data_dir, SERVER_URL, AGENT_ID, clock=lambda: NOW)
    try:
        [outbox_item] = store.pending()
        assert isinstance(outbox_item.model, Outcome)
        check(outbox_item.model, plan, item)
        assert store.draft(item.task.id) is None
    finally:
        store.close()
