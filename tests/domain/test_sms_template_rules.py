"""SMS templates say where they apply, which values they lack, and whether a text is theirs."""

from __future__ import annotations

from revisit_tui.domain.models import AccountStatus, TaskKind
from revisit_tui.domain.scripts import SmsTemplate, sms_problems

CLOSED = SmsTemplate(
    "closed", "Closed", "Your account {account} is closed. {signature}", (AccountStatus.CLOSING,)
)
ANY = SmsTemplate("any", "Any", "Call {bank_name} back. {signature}")


def test_a_template_applies_only_to_its_account_statuses_and_task_kinds() -> None:
    assert CLOSED.applies(TaskKind.CLOSURE, AccountStatus.CLOSING)
    for status in (AccountStatus.ACTIVE, AccountStatus.DORMANT, None):
        assert not CLOSED.applies(TaskKind.CLOSURE, status)
    assert all(ANY.applies(kind, None) for kind in TaskKind)
    follow_up_only = SmsTemplate("f", "F", "Hi", task_kinds=(TaskKind.FOLLOW_UP,))
    assert follow_up_only.applies(TaskKind.FOLLOW_UP, AccountStatus.ACTIVE)
    assert not follow_up_only.applies(TaskKind.PERIODIC, AccountStatus.ACTIVE)


def test_missing_values_and_the_text_of_a_template() -> None:
    assert CLOSED.missing({"account": "****1234", "signature": "[B]"}) == []
    assert CLOSED.missing({"account": " ", "signature": "[B]"}) == ["account"]
    assert CLOSED.values_in("Your account ****1234 is closed. [B]") == [
        ("account", "****1234"),
        ("signature", "[B]"),
    ]
    assert CLOSED.values_in("Your account  is closed. [B]") == [
        ("account", ""),
        ("signature", "[B]"),
    ]
    assert CLOSED.values_in("Your account ****1234 was closed. [B]") is None
    assert CLOSED.values_in("Win a prize! Your account ****1234 is closed. [B]") is None


def test_where_a_template_applies_is_checked_in_the_file() -> None:
    text = """locale = "en"
[templates.closed]
title = "Closed"
account_statuses = ["closed"]
task_kinds = "closure"
text = "Your account {account} is closed."
"""
    reasons = [problem.reason for problem in sms_problems(text)]
    assert any("account_statuses must be a list of active, dormant" in r for r in reasons)
    assert any("task_kinds must be a list of" in r for r in reasons)
    good = text.replace('["closed"]', '["closing"]').replace('"closure"\n', '["closure"]\n')
    assert sms_problems(good) == []
