"""The call's form state without a UI: drafts resume exactly, problems name the field, and
the outcome carries what the agent recorded."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from revisit_tui.app.callform import CallForm
from revisit_tui.domain.models import (
    Account,
    AccountEvent,
    AccountType,
    ContactCheck,
    ContactCheckResult,
    ContactField,
    Customer,
    CustomerType,
    Disposition,
    EscalationCategory,
    EscalationRequest,
    Feature,
    FeatureUse,
    Lead,
    LeadProduct,
    Outcome,
    QueueItem,
    Task,
    TaskKind,
    Transaction,
    TransactionAnswer,
    TransactionChannel,
    TransactionFlag,
    Urgency,
)
from revisit_tui.domain.policy import RevisitPolicy

NOW = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai, inside the window
POLICY = RevisitPolicy()


def t(key: str, **params: object) -> str:
    return key


def make_item() -> QueueItem:
    return QueueItem(
        task=Task(
            id="T1",
            key="k1",
            kind=TaskKind.SPECIAL_EVENT,
            event=AccountEvent.LARGE_ABNORMAL_TRANSACTION,
            priority=0,
            customer_id="C1",
            due=date(2026, 11, 25),
            version=4,
        ),
        customer=Customer(
            id="C1",
            type=CustomerType.PERSONAL,
            name="张三",
            mobile="+8613812345678",
            branch="B1",
        ),
        account=Account(
            number="6222000011112222",
            customer_id="C1",
            type=AccountType.PERSONAL_SAVINGS,
            opened_on=date(2026, 11, 1),
            branch="B1",
        ),
        flagged_transactions=[
            Transaction(
                id="TX1",
                account_number="6222000011112222",
                at=datetime(2026, 11, 24, 12, 0, tzinfo=UTC),
                amount=Decimal("50000"),
                channel=TransactionChannel.ONLINE_BANKING,
                flag=TransactionFlag.LARGE_ABNORMAL,
            )
        ],
    )


def test_a_draft_resumes_exactly_and_keeps_the_outcome_id() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.step = 3
    form.apply("contact_checks.mobile", "changed")
    form.apply("contact_checks.mobile.new_value", "139 1234")  # bad, kept as typed
    form.answer_transaction("TX1", TransactionAnswer.NOT_ME, summary="denied")
    form.apply("features.mobile_banking", "yes")
    form.apply("features.mobile_banking.problem", "slow login")
    form.apply("needs.loan", "yes")
    form.apply("satisfaction", "4")
    form.callback_at = "2026-11-26 25:00"
    draft = json.loads(json.dumps(form.to_draft()))
    assert draft["outcome_id"] == str(form.outcome_id)  # the store's DRAFT_OUTCOME_KEY
    resumed = CallForm.from_draft(draft)
    assert resumed == form
    assert resumed.contact_checks[ContactField.MOBILE].new_value == "139 1234"


def test_changed_phone_is_checked_as_typed_and_normalized_in_the_outcome() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.disposition = Disposition.REACHED
    form.fraud_warning_delivered = True
    form.apply("contact_checks.mobile", "changed")
    form.apply("contact_checks.mobile.new_value", "139 1234")
    problems = form.problems(item, POLICY, NOW, "en", t)
    assert "not a valid number" in problems["contact_checks.mobile"]
    form.apply("contact_checks.mobile.new_value", "139 1234 5678")
    assert form.problems(item, POLICY, NOW, "en", t) == {}
    outcome = form.to_outcome(item, POLICY, agent_id="A1", ended_at=NOW)
    assert outcome.contact_checks[0].result is ContactCheckResult.CHANGED
    assert outcome.contact_checks[0].new_value == "+8613912345678"
    assert outcome.task_version == 4 and outcome.id == form.outcome_id


def test_not_me_raises_an_urgent_escalation_and_taking_it_back_removes_it() -> None:
    form = CallForm.start(make_item(), NOW)
    raised = form.answer_transaction("TX1", TransactionAnswer.NOT_ME, summary="denied")
    assert raised is not None and raised.urgency is Urgency.URGENT
    assert raised.transaction_id == "TX1"
    assert form.answer_transaction("TX1", TransactionAnswer.NOT_ME, summary="x") is None
    assert len(form.escalations) == 1
    form.answer_transaction("TX1", TransactionAnswer.CONFIRMED, summary="")
    assert form.escalations == []


def test_a_denied_reserved_info_change_raises_its_own_fraud_escalation() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.answer_transaction("TX1", TransactionAnswer.NOT_ME, summary="denied")
    raised = form.answer_reserved_info(TransactionAnswer.NOT_ME, summary="not my change")
    assert raised is not None and raised.event is AccountEvent.RESERVED_INFO_CHANGED
    assert (raised.category, raised.urgency, raised.transaction_id) == (
        EscalationCategory.FRAUD,
        Urgency.URGENT,
        None,
    )
    assert form.answer_reserved_info(TransactionAnswer.NOT_ME, summary="x") is None
    assert len(form.escalations) == 2
    resumed = CallForm.from_draft(json.loads(json.dumps(form.to_draft())))
    assert resumed == form
    form.disposition = Disposition.REACHED
    form.fraud_warning_delivered = True
    outcome = form.to_outcome(item, POLICY, agent_id="a1", ended_at=NOW)
    assert outcome.reserved_info_answer is TransactionAnswer.NOT_ME
    assert [e.event for e in outcome.escalations] == [None, AccountEvent.RESERVED_INFO_CHANGED]
    form.answer_reserved_info(TransactionAnswer.UNSURE, summary="")
    assert [e.transaction_id for e in form.escalations] == ["TX1"]


def test_a_reached_call_needs_the_fraud_warning_answered() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    assert "disposition" in form.problems(item, POLICY, NOW, "en", t)
    form.disposition = Disposition.REACHED
    assert "fraud_warning_delivered" in form.problems(item, POLICY, NOW, "en", t)
    form.apply("fraud_warning_delivered", "no")
    assert form.problems(item, POLICY, NOW, "en", t) == {}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "call.problem.callback_missing"),
        ("tomorrow", "call.problem.callback_unreadable"),
        ("2026-11-25 23:30", "callable hours"),
        ("2026-11-24 10:00", "in the past"),
    ],
)
def test_a_refused_callback_time_says_why(typed: str, expected: str) -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.disposition = Disposition.CALLBACK_REQUESTED
    form.callback_at = typed
    assert expected in form.problems(item, POLICY, NOW, "en", t)["callback_at"]


def test_an_accepted_callback_is_read_in_the_customers_zone() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.disposition = Disposition.CALLBACK_REQUESTED
    form.callback_at = "15:30"  # today, Shanghai time
    assert form.problems(item, POLICY, NOW, "en", t) == {}
    outcome = form.to_outcome(item, POLICY, agent_id="A1", ended_at=NOW)
    assert outcome.callback_at == datetime(2026, 11, 25, 7, 30, tzinfo=UTC)


def test_an_unreached_call_records_no_answers_but_keeps_escalations() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.apply("contact_checks.mobile", "confirmed")
    form.apply("needs.loan", "yes")
    form.disposition = Disposition.NO_ANSWER
    outcome = form.to_outcome(item, POLICY, agent_id="A1", ended_at=NOW)
    assert outcome.contact_checks == [] and outcome.needs == []
    assert outcome.fraud_warning_delivered is None


def test_escalation_fields_and_long_notes_are_named() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.disposition = Disposition.REACHED
    form.fraud_warning_delivered = True
    form.add_escalation()
    form.notes = "x" * 2001
    form.apply("features.online_banking.problem", "y" * 201)
    problems = form.problems(item, POLICY, NOW, "en", t)
    assert set(problems) == {
        "escalations.0.department",
        "escalations.0.summary",
        "notes",
        "features.online_banking.problem",
    }
    form.update_escalation(0, department="电子银行部", summary="登录失败")
    assert "escalations.0.department" not in form.problems(item, POLICY, NOW, "en", t)


def test_leads_and_features_reach_the_outcome() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.disposition = Disposition.REACHED
    form.apply("fraud_warning_delivered", "yes")
    form.apply("security_tips_delivered", "yes")
    form.apply("features.sms_notification", "no")
    form.apply("needs.wealth_management", "yes")
    form.apply("needs.wealth_management.note", "fixed income")
    form.apply("needs.loan", "no")
    outcome = form.to_outcome(item, POLICY, agent_id="A1", ended_at=NOW)
    assert [(f.feature, f.in_use) for f in outcome.features] == [(Feature.SMS_NOTIFICATION, False)]
    assert [(n.product, n.note) for n in outcome.needs] == [
        (LeadProduct.WEALTH_MANAGEMENT, "fixed income")
    ]
    assert outcome.security_tips_delivered is True


def test_a_callback_time_left_from_another_disposition_neither_blocks_nor_is_recorded() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.disposition = Disposition.CALLBACK_REQUESTED
    form.callback_at = "25:99"
    assert "callback_at" in form.problems(item, POLICY, NOW, "en", t)
    form.disposition = Disposition.BUSY
    assert form.problems(item, POLICY, NOW, "en", t) == {}
    assert form.to_outcome(item, POLICY, agent_id="A1", ended_at=NOW).callback_at is None


WIRE_ITEMS = {
    "contact_checks": ContactCheck,
    "features": FeatureUse,
    "needs": Lead,
    "escalations": EscalationRequest,
}


def wire_spelling(path: str) -> bool:
    """A form path names an Outcome field, then an item's key, then a field of the item."""
    section, *rest = path.split(".")
    if section not in Outcome.model_fields:
        return False
    return len(rest) < 2 or rest[1] in WIRE_ITEMS[section].model_fields


def test_form_paths_and_fields_are_spelled_as_the_wire_outcome() -> None:
    item = make_item()
    form = CallForm.start(item, NOW)
    form.disposition = Disposition.REACHED
    paths = [
        "contact_checks.mobile",
        "contact_checks.mobile.new_value",
        "features.online_banking",
        "features.online_banking.problem",
        "needs.loan",
        "needs.loan.note",
        "fraud_warning_delivered",
        "security_tips_delivered",
        "satisfaction",
        "notes",
    ]
    values = ["changed", "12", "yes", "y" * 201, "yes", "z" * 201, "yes", "no", "4", "n" * 2001]
    for path, value in zip(paths, values, strict=True):
        form.apply(path, value)
    form.add_escalation()
    problems = form.problems(item, POLICY, NOW, "en", t)
    assert len(problems) == 6
    assert [path for path in [*paths, *problems] if not wire_spelling(path)] == []
    where = {"outcome_id", "step", "script_locale", "started_at", "on_call_seconds", "task_version"}
    recorded = set(form.to_draft()) - where
    assert recorded <= set(Outcome.model_fields)


def test_a_draft_saved_under_the_earlier_names_resumes() -> None:
    item = make_item()
    earlier = {
        "outcome_id": "6a3c2a54-5d2c-4d1e-9a39-5b1f0c0a1e01",
        "task_id": item.task.id,
        "task_version": 1,
        "started_at": NOW.isoformat(),
        "step": 2,
        "contacts": {"mobile": {"result": "changed", "new_value": "139 1234"}},
        "transactions": {"TX1": "not_me"},
        "features": {"mobile_banking": {"yes": True, "note": "slow login"}},
        "needs": {"loan": {"yes": True, "note": "a mortgage"}},
        "fraud_warning": True,
        "security_tips": False,
    }
    form = CallForm.from_draft(earlier)
    assert form.contact_checks[ContactField.MOBILE].new_value == "139 1234"
    assert form.transaction_checks == {"TX1": TransactionAnswer.NOT_ME}
    assert form.features[Feature.MOBILE_BANKING].problem == "slow login"
    assert form.needs[LeadProduct.LOAN].wanted is True
    assert form.fraud_warning_delivered is True and form.security_tips_delivered is False
