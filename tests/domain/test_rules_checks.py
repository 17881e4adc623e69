"""What a call checks (seed 002 §四.1): the identity document only where required, the address
with emphasis for dormant and abnormal accounts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from revisit_tui.domain.models import (
    Account,
    AccountStatus,
    AccountType,
    Customer,
    CustomerType,
    DocumentKind,
    IdentityDocument,
    RiskLevel,
    TaskKind,
)
from revisit_tui.domain.policy import ChecksPolicy, RevisitPolicy
from revisit_tui.domain.rules import IdentityReason, address_emphasis, identity_check_reasons

POLICY = RevisitPolicy()
NOW = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai


def customer(**changes: object) -> Customer:
    base = Customer(
        id="c1",
        type=CustomerType.PERSONAL,
        name="张伟",
        identity=IdentityDocument(
            kind=DocumentKind.RESIDENT_ID, number="11010519491231002X", expires_on=date(2040, 1, 1)
        ),
        timezone="Asia/Shanghai",
        branch="b1",
    )
    return base.model_copy(update=changes)


def account(status: AccountStatus = AccountStatus.ACTIVE) -> Account:
    return Account(
        number="6222000011112222",
        customer_id="c1",
        type=AccountType.PERSONAL_SAVINGS,
        opened_on=date(2020, 1, 1),
        status=status,
        branch="b1",
    )


def reasons(
    kind: TaskKind = TaskKind.PERIODIC,
    who: Customer | None = None,
    book: Account | None = None,
    flagged: bool = False,
    policy: RevisitPolicy = POLICY,
) -> list[IdentityReason]:
    return identity_check_reasons(kind, who or customer(), book or account(), flagged, NOW, policy)


def test_an_ordinary_call_does_not_check_identity() -> None:
    assert reasons() == []
    for kind in TaskKind:
        assert reasons(kind) == [], kind
    assert reasons(book=account(AccountStatus.DORMANT)) == []


def test_an_abnormal_account_high_risk_or_flagged_transactions_require_it() -> None:
    assert reasons(book=account(AccountStatus.ABNORMAL)) == [IdentityReason.ACCOUNT_STATUS]
    assert reasons(who=customer(risk=RiskLevel.HIGH)) == [IdentityReason.RISK_LEVEL]
    assert reasons(flagged=True) == [IdentityReason.FLAGGED_TRANSACTIONS]


@pytest.mark.parametrize(
    ("expires", "required"),
    [
        (date(2026, 11, 24), True),  # expired yesterday
        (date(2026, 12, 25), True),  # the 30th day from today
        (date(2026, 12, 26), False),  # the 31st
        (None, False),  # no expiry on record (长期)
    ],
)
def test_a_document_expiring_within_the_configured_days_requires_it(
    expires: date | None, required: bool
) -> None:
    document = IdentityDocument(
        kind=DocumentKind.RESIDENT_ID, number="11010519491231002X", expires_on=expires
    )
    found = reasons(who=customer(identity=document))
    assert found == ([IdentityReason.DOCUMENT_EXPIRING] if required else [])


def test_the_rules_are_configurable() -> None:
    policy = RevisitPolicy(
        checks=ChecksPolicy(
            identity_account_statuses=[AccountStatus.DORMANT],
            identity_risk_levels=[],
            identity_task_kinds=[TaskKind.CLOSURE],
            identity_with_flagged_transactions=False,
        )
    )
    assert reasons(book=account(AccountStatus.ABNORMAL), policy=policy) == []
    assert reasons(who=customer(risk=RiskLevel.HIGH), flagged=True, policy=policy) == []
    assert reasons(book=account(AccountStatus.DORMANT), policy=policy) == [
        IdentityReason.ACCOUNT_STATUS
    ]
    assert reasons(TaskKind.CLOSURE, policy=policy) == [IdentityReason.TASK_KIND]


def test_dormant_and_abnormal_accounts_get_the_address_emphasis() -> None:
    emphasised = {status for status in AccountStatus if address_emphasis(account(status), POLICY)}
    assert emphasised == {AccountStatus.DORMANT, AccountStatus.ABNORMAL}
    assert not address_emphasis(None, POLICY)
