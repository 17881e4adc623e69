"""The satisfaction revisit after a branch transfer (seed 003 §四.3, §十一) is due the configured
working days after the move, for the new branch, once per move and day."""

from __future__ import annotations

from datetime import date

from revisit_tui.domain.models import Customer, CustomerType, TaskKind
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import transfer_task

POLICY = RevisitPolicy()
MOVED = Customer(id="c1", type=CustomerType.PERSONAL, name="张伟", branch="SH01")


def test_due_five_working_days_after_the_move_for_the_new_branch() -> None:
    task = transfer_task(MOVED, "BJ01", date(2026, 11, 25), POLICY)  # a Wednesday
    assert task.kind is TaskKind.TRANSFER
    assert task.due == date(2026, 12, 2)  # five working days on: the next Wednesday
    assert task.assigned_agent is None and "SH01" in task.key and task.reason == "BJ01 → SH01"
    national_day = transfer_task(MOVED, "BJ01", date(2026, 9, 30), POLICY)
    assert national_day.due > date(2026, 10, 7), "the National Day holidays are not working days"
