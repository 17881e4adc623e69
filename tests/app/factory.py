"""A deterministic queue for app tests: every task kind, a corporate customer, flagged
transactions, overdue tasks, customers outside their callable window, abnormal and dormant
accounts (periodic tasks), closing accounts (closure tasks), CJK names, and English-speaking
customers (the "Customer N" ones)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from revisit_tui.domain.models import (
    Account,
    AccountEvent,
    AccountStatus,
    AccountType,
    Customer,
    CustomerType,
    DocumentKind,
    IdentityDocument,
    Language,
    QueueItem,
    QueueSnapshot,
    Task,
    TaskKind,
    Transaction,
    TransactionChannel,
    TransactionFlag,
)

NOW = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)  # a Wednesday, 10:30 in Shanghai
AGENT_ID = "agent-1"

KINDS = list(TaskKind)
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳"]
# customers in these zones are outside the 09:00-20:00 window at NOW
ZONES = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "America/New_York", "Asia/Urumqi"]
PERIODIC_STATUSES = (AccountStatus.ABNORMAL, AccountStatus.DORMANT, AccountStatus.ACTIVE)


def account_status(i: int, kind: TaskKind) -> AccountStatus:
    """Closure tasks' accounts are closing; periodic ones abnormal, dormant, active in turn."""
    if kind is TaskKind.CLOSURE:
        return AccountStatus.CLOSING
    if kind is TaskKind.PERIODIC:
        return PERIODIC_STATUSES[(i // len(KINDS)) % len(PERIODIC_STATUSES)]
    return AccountStatus.ACTIVE


def make_item(i: int, now: datetime = NOW) -> QueueItem:
    """The i-th queue item; the same i always gives the same item."""
    kind = KINDS[i % len(KINDS)]
    corporate = i % 7 == 3
    customer_id = f"C{i:05d}"
    name = (
        f"{SURNAMES[i % 10]}氏贸易有限公司"
        if corporate
        else SURNAMES[i % 10] + GIVEN[(i // 10) % 12] + ("" if i % 3 else GIVEN[i % 12])
    )
    if i % 11 == 5:
        name = f"Customer {i}"
    customer = Customer(
        id=customer_id,
        type=CustomerType.CORPORATE if corporate else CustomerType.PERSONAL,
        name=name,
        mobile=f"+86138{i:08d}",
        email=f"c{i}@example.com",
        landline=f"+86105{i:07d}" if corporate else None,
        address=f"北京市朝阳区建国路{i}号",
        identity=IdentityDocument(
            kind=DocumentKind.BUSINESS_LICENCE if corporate else DocumentKind.RESIDENT_ID,
            number=f"11010519491231{i:04d}",
            expires_on=date(2030, 1, 1),
        ),
        timezone=ZONES[i % len(ZONES)],
        branch="B001",
        language=Language.EN if i % 11 == 5 else Language.ZH_CN,
    )
    account = Account(
        number=f"6222{i:012d}",
        customer_id=customer_id,
        type=AccountType.CORPORATE_BASIC if corporate else AccountType.PERSONAL_SAVINGS,
        opened_on=date(2026, 11, 1),
        status=account_status(i, kind),
        branch="B001",
    )
    flagged = (
        [
            Transaction(
                id=f"T{i:05d}-{n}",
                account_number=account.number,
                at=now - timedelta(days=n + 1),
                amount=Decimal("49800.00") if n == 0 else Decimal("99.00"),
                channel=TransactionChannel.MOBILE_BANKING,
                counterparty="某某商户",
                flag=TransactionFlag.LARGE_ABNORMAL if n == 0 else TransactionFlag.MANY_SMALL,
            )
            for n in range(2)
        ]
        if kind is TaskKind.SPECIAL_EVENT
        else []
    )
    due = now.date() + timedelta(days=(i % 9) - 3)  # a third are overdue
    task = Task(
        id=f"K{i:05d}",
        key=f"{kind.value}:{customer_id}:{i}",
        kind=kind,
        event=AccountEvent.LARGE_ABNORMAL_TRANSACTION if kind is TaskKind.SPECIAL_EVENT else None,
        priority=i % 6,
        customer_id=customer_id,
        account_number=account.number,
        due=due,
        assigned_agent=AGENT_ID,
        attempts=i % 3,
        attempt_limit=3,
        version=1,
    )
    return QueueItem(task=task, customer=customer, account=account, flagged_transactions=flagged)


def make_queue(n: int, now: datetime = NOW) -> QueueSnapshot:
    """A snapshot of n deterministic items for the agent AGENT_ID."""
    return QueueSnapshot(
        agent_id=AGENT_ID, generated_at=now, items=[make_item(i, now) for i in range(n)]
    )
