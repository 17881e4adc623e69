"""The revisit policy's numbers (every N of seed 002), as plain data the rules take.

`revisit_tui.config` fills these from `config.toml` and the environment; tests build them
directly. The defaults here are the defaults of `config.toml`. A table (a dict keyed by an
enum) given only partly keeps the defaults for the keys it leaves out: the merge happens here,
once, when the policy is built, so the rules read every table whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from revisit_tui.domain.models import (
    AccountStatus,
    AccountType,
    Disposition,
    RiskLevel,
    TaskKind,
    Urgency,
)

RetryDisposition = Literal[
    Disposition.NO_ANSWER, Disposition.BUSY, Disposition.WRONG_NUMBER, Disposition.REFUSED
]
"""The dispositions after which the task is tried again (the others close it or set a time)."""
Months = Annotated[int, Field(ge=1, le=120)]
Minutes = Annotated[int, Field(ge=0, le=525_600)]
Hours = Annotated[int, Field(ge=1, le=8_760)]
Priority = Annotated[int, Field(ge=0, le=9)]  # 0 is called first


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _keep_default_table_keys(cls, data: Any) -> Any:
        """A partly given table is laid over its default, so every key has a value."""
        if not isinstance(data, Mapping):
            return data
        merged = dict(data)
        for name, field in cls.model_fields.items():
            given = merged.get(name)
            if isinstance(field.default, dict) and isinstance(given, Mapping):
                merged[name] = {**field.default, **given}
        return merged


class CalendarPolicy(Policy):
    """Working days: the Chinese calendar (holidays + 调休), plus the bank's own corrections."""

    extra_holidays: list[date] = []  # State Council adjustments not yet in the package
    extra_working_days: list[date] = []  # weekend days declared working days (调休)


class SchedulePolicy(Policy):
    new_account_working_days: int = Field(5, ge=1, le=60)
    periodic_months: dict[AccountType, Months] = {
        AccountType.PERSONAL_SAVINGS: 6,
        AccountType.PERSONAL_CURRENT: 6,
        AccountType.CORPORATE_BASIC: 3,  # every quarter
        AccountType.CORPORATE_GENERAL: 3,
    }
    risk_months: dict[RiskLevel, Months] = {RiskLevel.HIGH: 1}  # shorter cycle, caps the above
    abnormal_months: int = Field(1, ge=1)  # abnormal accounts: shorter cycle
    special_event_days: int = Field(1, ge=0)  # due within N days of the event
    closure_days: int = Field(3, ge=0)
    follow_up_working_days: int = Field(2, ge=0)
    transfer_working_days: int = Field(5, ge=0)  # satisfaction revisit after a branch transfer
    priority: dict[TaskKind, Priority] = {
        TaskKind.SPECIAL_EVENT: 0,
        TaskKind.FOLLOW_UP: 1,
        TaskKind.CLOSURE: 2,
        TaskKind.NEW_ACCOUNT: 3,
        TaskKind.TRANSFER: 4,
        TaskKind.PERIODIC: 5,
    }


class CallPolicy(Policy):
    callable_start: time = time(9, 0)  # in the customer's own time zone
    callable_end: time = time(20, 0)  # may be earlier than start: the window crosses midnight
    callable_weekends: bool = True
    callable_holidays: bool = True  # false: no calls on public holidays (the Chinese calendar)
    attempt_limit: int = Field(3, ge=1, le=20)
    retry_spacing_minutes: dict[RetryDisposition, Minutes] = {
        Disposition.NO_ANSWER: 120,
        Disposition.BUSY: 30,
        Disposition.WRONG_NUMBER: 1440,
        Disposition.REFUSED: 1440,
    }
    lease_minutes: int = Field(30, ge=1)
    callback_horizon_days: int = Field(30, ge=1, le=366)  # a callback further out is pulled in
    clock_tolerance_minutes: int = Field(5, ge=0, le=120)  # client clock skew accepted


class ChecksPolicy(Policy):
    """What a call checks beyond the contact points (§四.1). The identity document only "在必要
    情况下": an abnormal account or a rule (a regulator's) requires it, never on every call; the
    address "特别是对于长期未发生业务或账户状态异常的客户"."""

    identity_account_statuses: list[AccountStatus] = [AccountStatus.ABNORMAL]
    identity_risk_levels: list[RiskLevel] = [RiskLevel.HIGH]
    identity_task_kinds: list[TaskKind] = []  # kinds a regulator requires the check for
    identity_with_flagged_transactions: bool = True  # the account has flagged transactions
    identity_expiry_days: int = Field(30, ge=0, le=3650)  # the document expires within N days
    address_emphasis_statuses: list[AccountStatus] = [AccountStatus.DORMANT, AccountStatus.ABNORMAL]


class SmsPolicy(Policy):
    quiet_start: time = time(21, 0)  # the customer's rest hours, in their own time zone
    quiet_end: time = time(8, 0)
    max_per_day: int = Field(1, ge=0)
    max_per_week: int = Field(3, ge=0)
    signature: str = "【示例银行】"
    signature_en: str = "[Example Bank]"  # ends the SMS of customers who read English


class EscalationPolicy(Policy):
    deadline_hours: dict[Urgency, Hours] = {
        Urgency.URGENT: 2,
        Urgency.HIGH: 24,
        Urgency.NORMAL: 72,
        Urgency.LOW: 168,
    }


class RetentionPolicy(Policy):
    years: int = Field(5, ge=1, le=100)


class BankPolicy(Policy):
    name: str = "示例银行"  # fills [bank name] in scripts and SMS
    name_en: str = "Example Bank"
    default_region: str = "CN"  # phone numbers without +country are read in this region


class RevisitPolicy(Policy):
    """Everything the revisit rules need to know."""

    bank: BankPolicy = BankPolicy()
    calendar: CalendarPolicy = CalendarPolicy()
    schedule: SchedulePolicy = SchedulePolicy()
    calls: CallPolicy = CallPolicy()
    checks: ChecksPolicy = ChecksPolicy()
    sms: SmsPolicy = SmsPolicy()
    escalations: EscalationPolicy = EscalationPolicy()
    retention: RetentionPolicy = RetentionPolicy()
