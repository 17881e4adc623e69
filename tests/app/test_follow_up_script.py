"""A follow-up call reads out the department's resolution (seed 002 §九.3, "处理结果是：…")
and records whether the customer is satisfied with it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from uuid import uuid4

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.callform import CallForm
from revisit_tui.app.script_texts import script_steps
from revisit_tui.domain.models import Disposition, EscalationNote, QueueItem, TaskKind
from revisit_tui.domain.policy import RevisitPolicy
from tests.app.factory import AGENT_ID, NOW, make_item

pytestmark = pytest.mark.anyio


def follow_up() -> QueueItem:
    item = make_item(1)
    task = item.task.model_copy(update={"kind": TaskKind.FOLLOW_UP})
    note = EscalationNote(
        escalation_id=uuid4(), summary="手机银行转账卡顿", resolution="已升级客户端版本"
    )
    return item.model_copy(update={"task": task, "escalation": note})


async def test_the_resolution_is_read_out_and_satisfaction_recorded(
    app_factory: Callable[..., RevisitApp],
) -> None:
    app = app_factory(locale="zh-CN")
    async with app.run_test(size=(80, 24)):
        item = follow_up()
        [result] = [s for s in script_steps(item, app, app.locale) if s.kind == "escalation_result"]
        assert "处理结果是：已升级客户端版本" in result.prompt
        assert "手机银行转账卡顿" in result.prompt and "___" not in result.prompt
    form = CallForm.start(item, NOW)
    form.apply("resolution_satisfied", "no")
    form.apply("fraud_warning_delivered", "yes")
    form.disposition = Disposition.REACHED
    outcome = form.to_outcome(
        item, RevisitPolicy(), agent_id=AGENT_ID, ended_at=NOW + timedelta(minutes=3)
    )
    assert outcome.resolution_satisfied is False
