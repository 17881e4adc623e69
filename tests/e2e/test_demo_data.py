"""The demo data looks like a real bank's: valid numbers and IDs, every kind and status present."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
import pytest

from revisit_tui.demo.data import (
    DEMO_AGENT_ID,
    DemoData,
    accounts_by_number,
    credit_code_check_char,
    events_by_number,
    generate,
    resident_id_check_digit,
)
from revisit_tui.domain.models import (
    AccountStatus,
    AccountType,
    CustomerType,
    DocumentKind,
    ImportBatch,
    Language,
    TaskBatch,
    TaskKind,
    TransactionFlag,
)
from revisit_tui.domain.policy import CallPolicy, RevisitPolicy
from revisit_tui.domain.rules import due_revisits
from revisit_tui.supervisor.planning import is_available, plan_assignments, suits

NOW = datetime(2026, 11, 25, 3, 30, tzinfo=UTC)  # 11:30 in Shanghai, 19:30 the day before in LA
CJK = re.compile(r"^[\u4e00-\u9fff]+$")
SPECIAL = TaskKind.SPECIAL_EVENT  # one per event: an account may have several


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(seed=11, customers=300, now=NOW)


def test_same_seed_gives_the_same_data_and_another_seed_other_data(data: DemoData) -> None:
    again = generate(seed=11, customers=300, now=NOW)
    assert again.batch == data.batch and again.tasks == data.tasks
    assert generate(seed=12, customers=300, now=NOW).batch.customers != data.batch.customers


def test_known_check_characters() -> None:
    # published examples: a GB 11643 resident ID number and a GB 32100 credit code
    assert resident_id_check_digit("11010519491231002") == "X"
    assert credit_code_check_char("91350100M000100Y4") == "3"


def test_personal_names_are_chinese_and_some_customers_speak_english(data: DemoData) -> None:
    chinese = [c for c in data.batch.customers if c.language is Language.ZH_CN]
    personal = [c for c in chinese if c.type is CustomerType.PERSONAL]
    assert len(data.batch.customers) == 300
    assert all(CJK.match(c.name) and 2 <= len(c.name) <= 3 for c in personal), [
        c.name for c in personal if not CJK.match(c.name)
    ]
    assert all(c.name.endswith("有限公司") for c in chinese if c.type is CustomerType.CORPORATE)
    assert any(c.language is Language.EN for c in data.batch.customers)


def test_every_phone_number_is_valid_e164(data: DemoData) -> None:
    numbers = [n for c in data.batch.customers for n in (c.mobile, c.landline) if n]
    for number in numbers:
        parsed = phonenumbers.parse(number)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
    mobiles = [phonenumbers.parse(c.mobile) for c in data.batch.customers if c.mobile]
    mobile_types = {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
    assert all(phonenumbers.number_type(m) in mobile_types for m in mobiles)
    regions = {phonenumbers.region_code_for_number(m) for m in mobiles}
    assert {"CN", "GB", "US"} <= regions
    assert any(c.landline for c in data.batch.customers)


def test_resident_ids_carry_a_valid_check_digit_birth_date_and_region(data: DemoData) -> None:
    ids = [
        c.identity
        for c in data.batch.customers
        if c.identity and c.identity.kind is DocumentKind.RESIDENT_ID
    ]
    assert len(ids) > 150
    for identity in ids:
        number = identity.number
        assert re.fullmatch(r"\d{17}[\dX]", number), number
        weights = [2 ** (17 - i) % 11 for i in range(17)]  # the standard's own definition
        total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
        assert number[17] == "10X98765432"[total % 11], number
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        assert date(1940, 1, 1) < born < NOW.date()
    assert any(i.expires_on is None for i in ids), "long-term documents exist"
    assert any(i.expires_on and i.expires_on < NOW.date() for i in ids), "expired ones too"


def test_business_licences_are_valid_credit_codes(data: DemoData) -> None:
    codes = [
        c.identity.number
        for c in data.batch.customers
        if c.type is CustomerType.CORPORATE and c.identity
    ]
    assert codes
    for code in codes:
        assert len(code) == 18 and code.startswith("91"), code
        assert credit_code_check_char(code[:17]) == code[17]


def test_every_account_type_status_flag_and_task_kind_is_present(data: DemoData) -> None:
    assert {a.type for a in data.batch.accounts} == set(AccountType)
    assert {a.status for a in data.batch.accounts} == set(AccountStatus)
    flags = {t.flag for t in data.batch.transactions}
    assert {TransactionFlag.LARGE_ABNORMAL, TransactionFlag.MANY_SMALL} <= flags
    # follow-ups come from resolving an escalation, which loading the demo does; a transfer's
    # satisfaction revisit from moving a customer to another branch (revisit assign --transfer)
    made = set(TaskKind) - {TaskKind.FOLLOW_UP, TaskKind.TRANSFER}
    assert {t.kind for t in data.tasks} == made
    mine = [t for t in data.tasks if t.assigned_agent == DEMO_AGENT_ID]
    assert {t.kind for t in mine} == made
    assert any(t.assigned_agent is None for t in data.tasks)
    assert any(t.due < NOW.date() for t in mine), "some of the demo agent's tasks are overdue"
    assert any(t.not_before and t.not_before > NOW for t in mine)


def test_the_demo_agent_has_someone_to_call_at_any_hour() -> None:
    window = CallPolicy()
    for hour in range(24):
        now = NOW.replace(hour=hour)
        data = generate(seed=11, customers=60, now=now)
        customers = {c.id: c for c in data.batch.customers}
        urgent = [t for t in data.tasks if t.assigned_agent == DEMO_AGENT_ID and t.priority == 0]

        def callable_now(
            customer_id: str, now: datetime = now, customers: dict = customers
        ) -> bool:
            local = now.astimezone(ZoneInfo(customers[customer_id].timezone)).time()
            return window.callable_start <= local < window.callable_end

        assert any(callable_now(t.customer_id) and not t.not_before for t in urgent), hour
        suspicious = {tx.account_number for tx in data.batch.transactions if tx.flag}
        assert all(t.account_number in suspicious for t in urgent), "first calls have flags"
        others = [t for t in data.tasks if t.assigned_agent == DEMO_AGENT_ID]
        assert any(not callable_now(t.customer_id) for t in others), hour
        # loading posts the past attempts by taking their tasks: only callable ones can be
        past = {o.task_id for o in data.history}
        assert all(callable_now(t.customer_id) for t in data.tasks if t.key in past), hour


def test_the_full_demo_loads_two_past_attempts_at_any_hour() -> None:
    for half_hours in range(48):
        now = NOW.replace(hour=0, minute=5) + timedelta(minutes=30 * half_hours)
        assert len(generate(customers=300, now=now).history) == 2, now


def test_the_data_passes_the_wire_models_and_the_history_names_real_tasks(data: DemoData) -> None:
    ImportBatch.model_validate_json(data.batch.model_dump_json())
    TaskBatch.model_validate_json(TaskBatch(tasks=data.tasks).model_dump_json())
    keys = {t.key for t in data.tasks}
    assert len(keys) == len(data.tasks), "task keys are unique"
    numbers = {a.number for a in data.batch.accounts}
    assert all(t.account_number in numbers for t in data.batch.transactions)
    assert len(data.history) == 2
    assert all(o.task_id in keys and o.escalations for o in data.history)
    assert all(o.started_at < NOW - timedelta(days=1) for o in data.history)


def test_the_tasks_are_the_revisits_the_rules_find_due_with_their_keys(data: DemoData) -> None:
    customers = {c.id: c for c in data.batch.customers}
    today = NOW.astimezone(ZoneInfo("Asia/Shanghai")).date()
    due = due_revisits(
        accounts_by_number(data.batch.accounts),
        customers,
        events_by_number(data.batch.events),
        {},
        today,
        RevisitPolicy(),
    )
    assert sorted(t.key for t in data.tasks) == sorted(t.key for t in due)
    kinds = Counter((t.account_number, t.kind) for t in data.tasks if t.kind is not SPECIAL)
    assert kinds.most_common(1)[0][1] == 1, "one open task per account and kind"
    flagged = {tx.account_number for tx in data.batch.transactions if tx.flag}
    events = {e.account_number for e in data.batch.events}
    assert flagged <= events, "every flagged transaction is reported as a special event"


def test_preloaded_tasks_suit_their_agent_and_the_rest_fit_someone(data: DemoData) -> None:
    agents = {a.id: a for a in data.agents}
    customers = {c.id: c for c in data.batch.customers}
    held = Counter(t.assigned_agent for t in data.tasks if t.assigned_agent)
    for task in data.tasks:
        if task.assigned_agent:
            agent = agents[task.assigned_agent]
            assert is_available(agent) and suits(agent, customers[task.customer_id]), task
    # the demo agent keeps room for the follow-up loading gives them
    assert held[DEMO_AGENT_ID] < agents[DEMO_AGENT_ID].capacity
    assert all(count <= agents[agent_id].capacity for agent_id, count in held.items())
    pool = [t for t in data.tasks if t.assigned_agent is None]
    assert pool, "some tasks are left for `revisit assign`"
    plan = plan_assignments(pool, data.agents, customers, held)
    assert plan.unplaced == []
