"""The revisit rules (seed 002 §五, §六, §九): what an attempt does to its task, when a customer
may be called or sent an SMS, which escalations an outcome opens, and which revisits are due.

Pure functions: the current time is always passed in (`now`, `today`) and every datetime is
timezone-aware. The policy's tables are whole: `RevisitPolicy` fills a partly given one from
its defaults when it is built.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from revisit_tui.domain.models import (
    SHORT_TEXT_MAX,
    Account,
    AccountEvent,
    AccountRecord,
    AccountStatus,
    AccountType,
    CallTimeFlag,
    Channel,
    Customer,
    Disposition,
    Escalation,
    EscalationAction,
    EscalationCategory,
    EscalationRequest,
    Event,
    EventRecord,
    Language,
    Outcome,
    RiskLevel,
    SpecialEvent,
    Task,
    TaskCreate,
    TaskKind,
    TaskStatus,
    TransactionAnswer,
    Urgency,
)
from revisit_tui.domain.policy import (
    CallPolicy,
    RevisitPolicy,
    SmsPolicy,
)
from revisit_tui.domain.validation import FieldProblem
from revisit_tui.domain.workdays import WorkCalendar, is_public_holiday

SATURDAY = 5
FRAUD_DEPARTMENT = "fraud"
RESERVED_INFO_ESCALATION = f"event/{AccountEvent.RESERVED_INFO_CHANGED.value}"
"""The name of a denied reserved-info change's escalation id under the outcome's id (uuid5);
the "/" keeps it apart from every transaction id."""
_UNREACHED = frozenset(
    {Disposition.NO_ANSWER, Disposition.BUSY, Disposition.WRONG_NUMBER, Disposition.REFUSED}
)
_ABNORMAL = AccountStatus.ABNORMAL
_CLOSED = frozenset({TaskStatus.DONE, TaskStatus.DO_NOT_CALL, TaskStatus.CANCELLED})


class DoNotCallError(ValueError):
    """The customer asked not to be called: there is no next callable time."""


# --- time zones ---------------------------------------------------------------------------


def customer_zone(customer: Customer) -> ZoneInfo:
    """The customer's IANA time zone; a clear ValueError if the name is unknown."""
    try:
        return ZoneInfo(customer.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"customer {customer.id}: unknown time zone {customer.timezone!r}"
        ) from None


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value.isoformat()}")


# --- an attempt's effect on its task ------------------------------------------------------


def apply_outcome(
    task: Task,
    outcome: Outcome,
    policy: RevisitPolicy,
    now: datetime,
    called_at: datetime | None = None,
) -> Task:
    """The task after this attempt; `version` +1 and `updated_at` = now in every case. The
    retry spacing counts from `called_at` (see `call_time`), else from now.

    - reached, or any answer on the online channel → done;
    - do not call → closed as do_not_call;
    - callback requested → stays open, next attempt at the customer's time; this does NOT
      count toward the attempt limit (the customer was reached and chose the time);
    - no answer / busy / wrong number / refused → attempts +1, then exhausted at the limit
      (the last allowed attempt closes it) or open again after the policy's retry spacing.
    A closed task is never reopened; an exhausted one can still end done or do_not_call when
    the customer is reached later (e.g. an online answer arriving after the last call).
    """
    _require_aware(now, "now")
    reached = outcome.channel is Channel.ONLINE or outcome.disposition is Disposition.REACHED
    counted = outcome.disposition is not Disposition.CALLBACK_REQUESTED or reached
    attempts = task.attempts + 1 if counted else task.attempts
    do_not_call = outcome.disposition is Disposition.DO_NOT_CALL
    changes: dict[str, object] = {
        "attempts": attempts,
        "version": task.version + 1,
        "updated_at": now,
    }
    finished = task.status is TaskStatus.EXHAUSTED and not (reached or do_not_call)
    if task.status in _CLOSED or finished:
        return task.model_copy(update=changes)
    if reached:
        changes.update(status=TaskStatus.DONE, next_attempt_at=None, callback_at=None)
    elif do_not_call:
        changes.update(status=TaskStatus.DO_NOT_CALL, next_attempt_at=None, callback_at=None)
    elif outcome.disposition is Disposition.CALLBACK_REQUESTED:
        changes.update(
            status=TaskStatus.OPEN,
            next_attempt_at=outcome.callback_at,
            callback_at=outcome.callback_at,
        )
    elif attempts >= task.attempt_limit:
        changes.update(status=TaskStatus.EXHAUSTED, next_attempt_at=None, callback_at=None)
    else:
        changes.update(
            status=TaskStatus.OPEN,
            next_attempt_at=(called_at or now) + retry_spacing(outcome.disposition, policy),
            callback_at=None,
        )
    return task.model_copy(update=changes)


def retry_spacing(disposition: Disposition, policy: RevisitPolicy) -> timedelta:
    """The wait before the next attempt after an unsuccessful one."""
    spacing = policy.calls.retry_spacing_minutes.items()
    return timedelta(minutes=next((minutes for key, minutes in spacing if key == disposition), 0))


# --- escalations --------------------------------------------------------------------------


def escalation_deadline(urgency: Urgency, opened_at: datetime, policy: RevisitPolicy) -> datetime:
    """When an escalation of this urgency must be answered (§九.2), in calendar hours."""
    return opened_at + timedelta(hours=policy.escalations.deadline_hours[urgency])


def escalations_for(outcome: Outcome) -> list[EscalationRequest]:
    """The outcome's own escalation requests plus an urgent fraud one for every "not me" that
    no request names: a denied transaction (id uuid5(outcome id, transaction id)) or a denied
    change of reserved information (id uuid5(outcome id, "event/reserved_info_changed")), so a
    re-submitted outcome opens nothing twice. A request naming what the customer denied is
    filed as fraud and urgent whatever the client said: an agent cannot downgrade it."""
    denied = {
        check.transaction_id
        for check in outcome.transaction_checks
        if check.answer is TransactionAnswer.NOT_ME
    }
    change_denied = outcome.reserved_info_answer is TransactionAnswer.NOT_ME
    requests = [
        request.model_copy(update={"category": EscalationCategory.FRAUD, "urgency": Urgency.URGENT})
        if request.transaction_id in denied
        or (change_denied and request.event is AccountEvent.RESERVED_INFO_CHANGED)
        else request
        for request in outcome.escalations
    ]
    named = {request.transaction_id for request in requests if request.transaction_id}
    for check in outcome.transaction_checks:
        transaction_id = check.transaction_id
        if transaction_id not in denied or transaction_id in named:
            continue
        named.add(transaction_id)
        requests.append(
            _fraud(
                uuid5(outcome.id, transaction_id),
                f"客户否认交易 {transaction_id}，疑似欺诈 / "
                f"customer denies transaction {transaction_id}: suspected fraud",
                transaction_id=transaction_id,
            )
        )
    if change_denied and all(r.event is not AccountEvent.RESERVED_INFO_CHANGED for r in requests):
        requests.append(
            _fraud(
                uuid5(outcome.id, RESERVED_INFO_ESCALATION),
                "客户否认本人办理预留信息变更，疑似欺诈 / "
                "customer denies changing the reserved information: suspected fraud",
                event=AccountEvent.RESERVED_INFO_CHANGED,
            )
        )
    return requests


def _fraud(
    id: UUID,
    summary: str,
    *,
    transaction_id: str | None = None,
    event: SpecialEvent | None = None,
) -> EscalationRequest:
    """The urgent fraud escalation the server opens for a "not me" no request names."""
    return EscalationRequest(
        id=id,
        category=EscalationCategory.FRAUD,
        department=FRAUD_DEPARTMENT,
        urgency=Urgency.URGENT,
        summary=summary,
        transaction_id=transaction_id,
        event=event,
    )


def call_time(
    outcome: Outcome, task_created_at: datetime | None, received_at: datetime, policy: RevisitPolicy
) -> tuple[datetime, CallTimeFlag | None]:
    """When the call happened, for deadlines and retry spacing: the outcome's `ended_at`
    when plausible. A call that ends in the future (beyond the clock tolerance) counts from
    when the server received it; one that starts before its task existed, from the task's
    creation. Either way the flag says so; the outcome itself is never refused."""
    _require_aware(received_at, "received_at")
    tolerance = timedelta(minutes=policy.calls.clock_tolerance_minutes)
    if outcome.ended_at > received_at + tolerance:
        return received_at, CallTimeFlag.FUTURE
    if task_created_at is not None and outcome.started_at < task_created_at - tolerance:
        return task_created_at, CallTimeFlag.BEFORE_TASK
    return min(outcome.ended_at, received_at), None


# --- the callable window ------------------------------------------------------------------


def _window_day(local: datetime, calls: CallPolicy) -> date | None:
    """The day whose callable window contains this local time (a window belongs to the day it
    starts on, also when it crosses midnight), or None outside every window."""
    moment = local.time()
    start, end = calls.callable_start, calls.callable_end
    if start < end:
        return local.date() if start <= moment < end else None
    if moment >= start:
        return local.date()
    if moment < end:
        return local.date() - timedelta(days=1)
    return None


def _callable_day(day: date, policy: RevisitPolicy) -> str | None:
    """Why no call may be made on this (customer-local) day, or None."""
    if not policy.calls.callable_weekends and day.weekday() >= SATURDAY:
        return "weekend"
    if not policy.calls.callable_holidays and is_public_holiday(day, policy.calendar):
        return "holiday"
    return None


def is_callable(customer: Customer, at: datetime, policy: RevisitPolicy) -> bool:
    """True when `at` falls in the callable window of the customer's own time zone (on a
    callable day: weekends and public holidays as configured)."""
    _require_aware(at, "at")
    if customer.do_not_call:
        return False
    day = _window_day(at.astimezone(customer_zone(customer)), policy.calls)
    return day is not None and _callable_day(day, policy) is None


def next_callable_at(customer: Customer, at: datetime, policy: RevisitPolicy) -> datetime:
    """`at` itself when callable, else the start of the customer's next window (in at's zone).

    Raises DoNotCallError for a customer who asked not to be called.
    """
    if customer.do_not_call:
        raise DoNotCallError(f"customer {customer.id} asked not to be called")
    if is_callable(customer, at, policy):
        return at
    zone = customer_zone(customer)
    today = at.astimezone(zone).date()
    for offset in range(-1, 40):  # the longest run of holidays and weekends is shorter
        start = datetime.combine(today + timedelta(days=offset), policy.calls.callable_start, zone)
        if start > at and is_callable(customer, start, policy):
            return start.astimezone(at.tzinfo)
    raise ValueError("no callable day within 40 days: check calls.callable_* and the calendar")


def check_callback(
    customer: Customer, callback_at: datetime, now: datetime, policy: RevisitPolicy
) -> FieldProblem | None:
    """Why a requested callback time is refused, or None. `now` is when it was requested
    (an outcome's ended_at when re-checked after an offline sync)."""
    _require_aware(callback_at, "callback_at")
    field = "callback_at"
    if customer.do_not_call:
        return FieldProblem(field, "callback_do_not_call")
    if callback_at <= now:
        return FieldProblem(field, "callback_in_past")
    calls = policy.calls
    day = _window_day(callback_at.astimezone(customer_zone(customer)), calls)
    if day is None:
        window = {
            "start": calls.callable_start.strftime("%H:%M"),
            "end": calls.callable_end.strftime("%H:%M"),
            "timezone": customer.timezone,
        }
        return FieldProblem(field, "callback_outside_window", window)
    closed_day = _callable_day(day, policy)
    if closed_day is not None:
        return FieldProblem(field, f"callback_{closed_day}")
    if callback_at > now + timedelta(days=calls.callback_horizon_days):
        return FieldProblem(field, "callback_beyond_horizon", {"days": calls.callback_horizon_days})
    return None


def normalise_callback(
    customer: Customer, callback_at: datetime, called_at: datetime, policy: RevisitPolicy
) -> tuple[datetime, str | None]:
    """The callback time to plan, and the code of why the requested one was moved (None: kept).
    A time in the past, outside the customer's window or on a closed day becomes the next
    allowed time; one beyond `calls.callback_horizon_days` the first allowed time at the
    horizon. The call happened: the outcome is never refused for its callback."""
    problem = check_callback(customer, callback_at, called_at, policy)
    if problem is None or problem.code == "callback_do_not_call":
        return callback_at, None if problem is None else problem.code
    horizon = called_at + timedelta(days=policy.calls.callback_horizon_days)
    code = problem.code if callback_at <= horizon else "callback_beyond_horizon"
    start = min(max(callback_at, called_at), horizon)
    return next_callable_at(customer, start, policy), code


@dataclass(frozen=True)
class StartBlock:
    """Why a task may not be started now and when it may (None: never, do-not-call)."""

    code: str  # outside_window, retry_spacing, callback, not_before, do_not_call
    allowed_at: datetime | None


def start_block(
    task: Task, customer: Customer, now: datetime, policy: RevisitPolicy
) -> StartBlock | None:
    """None when the task may be started (leased) now; else why not and from when. The
    waits are the task's `not_before`, its next attempt (a callback or the retry spacing)
    and the customer's callable window."""
    _require_aware(now, "now")
    if customer.do_not_call:
        return StartBlock("do_not_call", None)
    earliest, code = now, "outside_window"
    spacing = "callback" if task.callback_at is not None else "retry_spacing"
    for reason, moment in (("not_before", task.not_before), (spacing, task.next_attempt_at)):
        if moment is not None and moment > earliest:
            earliest, code = moment, reason
    allowed = next_callable_at(customer, earliest, policy)
    return None if allowed <= now else StartBlock(code, allowed)


def callback_problem(
    customer: Customer,
    callback_at: datetime,
    now: datetime,
    policy: RevisitPolicy,
    locale: Language | str = Language.EN,
) -> str | None:
    """`check_callback` as a sentence in `locale` (for a 422 reason), or None when fine."""
    problem = check_callback(customer, callback_at, now, policy)
    return None if problem is None else problem.message(locale)


# --- what a call checks (§四.1) -----------------------------------------------------------


class IdentityReason(StrEnum):
    """Why a call checks the customer's identity document."""

    ACCOUNT_STATUS = "account_status"  # the account's status is one that requires it (abnormal)
    RISK_LEVEL = "risk_level"  # the customer's risk level requires it
    TASK_KIND = "task_kind"  # a rule (a regulator's) requires it for this kind of revisit
    FLAGGED_TRANSACTIONS = "flagged_transactions"  # the account has flagged transactions
    DOCUMENT_EXPIRING = "document_expiring"  # the document on record expires soon, or has


def identity_check_reasons(
    kind: TaskKind,
    customer: Customer,
    account: Account | None,
    flagged: bool,
    now: datetime,
    policy: RevisitPolicy,
) -> list[IdentityReason]:
    """Why this call checks the identity document (§四.1 "在必要情况下"), in a fixed order; empty
    when it does not: the check is asked only where the account is abnormal or a configured
    rule requires it, never on every call. `flagged`: the account has flagged transactions."""
    _require_aware(now, "now")
    checks = policy.checks
    reasons = []
    if account is not None and account.status in checks.identity_account_statuses:
        reasons.append(IdentityReason.ACCOUNT_STATUS)
    if customer.risk in checks.identity_risk_levels:
        reasons.append(IdentityReason.RISK_LEVEL)
    if kind in checks.identity_task_kinds:
        reasons.append(IdentityReason.TASK_KIND)
    if flagged and checks.identity_with_flagged_transactions:
        reasons.append(IdentityReason.FLAGGED_TRANSACTIONS)
    expires = customer.identity.expires_on if customer.identity else None
    if expires is not None:
        today = now.astimezone(customer_zone(customer)).date()
        if expires <= today + timedelta(days=checks.identity_expiry_days):
            reasons.append(IdentityReason.DOCUMENT_EXPIRING)
    return reasons


def address_emphasis(account: Account | None, policy: RevisitPolicy) -> bool:
    """Whether the call checks the residential address with emphasis (§四.1 "特别是对于长期未
    发生业务或账户状态异常的客户"): the account is dormant or abnormal, as configured."""
    return account is not None and account.status in policy.checks.address_emphasis_statuses


# --- SMS ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsDecision:
    """May an SMS go now? If not, the code of the reason and when it could (None: never)."""

    allowed: bool
    code: str | None = None
    next_allowed_at: datetime | None = None


def sms_decision(
    customer: Customer, now: datetime, sent_at: Sequence[datetime], policy: RevisitPolicy
) -> SmsDecision:
    """Checks do-not-call, opt-out, a mobile number, the customer's rest hours (their own time
    zone, may cross midnight), and the caps per local day and per rolling 7 days."""
    _require_aware(now, "now")
    sms = policy.sms
    if customer.do_not_call:
        return SmsDecision(False, "do_not_call")
    if customer.sms_opt_out:
        return SmsDecision(False, "sms_opt_out")
    if not customer.mobile:
        return SmsDecision(False, "no_mobile")
    if sms.max_per_day == 0 or sms.max_per_week == 0:
        return SmsDecision(False, "frequency_cap")
    zone = customer_zone(customer)
    sent = sorted(sent_at)
    first_code: str | None = None
    moment = now
    while (block := _sms_block(moment, zone, sent, sms)) is not None:
        code, moment = block
        first_code = first_code or code
    if first_code is None:
        return SmsDecision(True)
    return SmsDecision(False, first_code, moment)


def _sms_block(
    at: datetime, zone: ZoneInfo, sent: list[datetime], sms: SmsPolicy
) -> tuple[str, datetime] | None:
    """The first rule that blocks an SMS at `at` and the (later) time that rule ends."""
    local = at.astimezone(zone)
    moment = local.time()
    start, end = sms.quiet_start, sms.quiet_end
    quiet = start <= moment < end if start <= end else (moment >= start or moment < end)
    if quiet:
        ends = datetime.combine(local.date(), end, zone)
        if ends <= at:
            ends = datetime.combine(local.date() + timedelta(days=1), end, zone)
        return "quiet_hours", ends
    same_day = sum(1 for moment_sent in sent if moment_sent.astimezone(zone).date() == local.date())
    if same_day >= sms.max_per_day:
        return "frequency_cap", datetime.combine(local.date() + timedelta(days=1), time(0), zone)
    week = [moment_sent for moment_sent in sent if at - timedelta(days=7) < moment_sent <= at]
    if len(week) >= sms.max_per_week:
        return "frequency_cap", week[len(week) - sms.max_per_week] + timedelta(days=7)
    return None


# --- tasks --------------------------------------------------------------------------------


def task_priority(kind: TaskKind, policy: RevisitPolicy) -> int:
    """The configured priority of a kind of task (0 is called first)."""
    return policy.schedule.priority[kind]


def task_key(kind: TaskKind, subject: str, period: str) -> str:
    """The deterministic key of a task, e.g. "periodic:ac-xyz…:2026-H2" (its account id, never
    its number: a task's id is a plain hash of its key): re-runs reuse it."""
    return f"{kind}:{subject}:{period}"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last))


def period_label(day: date, months: int) -> str:
    """The cycle period a periodic revisit falls in: 2026, 2026-H2, 2026-Q4 or 2026-11."""
    if months % 12 == 0:
        return str(day.year)
    if months % 6 == 0:
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if months % 3 == 0:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _short(text: str) -> str:
    """Text cut to fit a ShortText field, marked with … when cut."""
    return text if len(text) <= SHORT_TEXT_MAX else text[: SHORT_TEXT_MAX - 1] + "…"


def transfer_task(
    customer: Customer, from_branch: str, today: date, policy: RevisitPolicy
) -> TaskCreate:
    """The satisfaction revisit after a customer moved branch (seed 003 §四.3, §十一): for the
    new branch's agents (unassigned: assignment follows the branch), one per move and day."""
    calendar_ = WorkCalendar(policy.calendar)
    return TaskCreate(
        key=task_key(TaskKind.TRANSFER, customer.id, f"{customer.branch}:{today.isoformat()}"),
        kind=TaskKind.TRANSFER,
        reason=f"{from_branch} → {customer.branch}",
        priority=task_priority(TaskKind.TRANSFER, policy),
        customer_id=customer.id,
        due=calendar_.add_working_days(today, policy.schedule.transfer_working_days),
        attempt_limit=policy.calls.attempt_limit,
    )


def follow_up_task(escalation: Escalation, today: date, policy: RevisitPolicy) -> TaskCreate:
    """The follow-up revisit after an escalation is resolved (§九.3), for the same agent, with
    the escalated problem as its reason; each resolution (after a reopen, too) gets its own
    key: the resolution's number in the history (two resolutions may share a second)."""
    resolved = escalation.resolved_at
    period = resolved.strftime("%Y%m%dT%H%M%S") if resolved else today.isoformat()
    resolutions = sum(step.action is EscalationAction.RESOLVED for step in escalation.history)
    if resolutions:
        period = f"{period}-{resolutions}"
    calendar_ = WorkCalendar(policy.calendar)
    return TaskCreate(
        key=task_key(TaskKind.FOLLOW_UP, str(escalation.id), period),
        kind=TaskKind.FOLLOW_UP,
        reason=_short(escalation.summary),
        priority=task_priority(TaskKind.FOLLOW_UP, policy),
        customer_id=escalation.customer_id,
        due=calendar_.add_working_days(today, policy.schedule.follow_up_working_days),
        attempt_limit=policy.calls.attempt_limit,
        assigned_agent=escalation.agent_id,
        escalation_id=str(escalation.id),
    )


def due_revisits(
    accounts: Iterable[AccountRecord],
    customers: Mapping[str, Customer],
    events: Iterable[EventRecord],
    last_revisit: Mapping[str, date],
    today: date,
    policy: RevisitPolicy,
) -> Iterator[TaskCreate]:
    """The revisits due for these accounts today (§六), with deterministic keys; accounts,
    their events and `last_revisit` (the day each account was last revisited) go by account id.

    - special events (not closure): due `special_event_days` after the event, unless the
      account was revisited after the event day; the task names its event and carries the
      event's detail as its reason (what the agent is calling about);
    - closure (status closing or a closure event): due `closure_days` after it; a closing
      account gets no new-account or periodic revisit;
    - new accounts never revisited: due `new_account_working_days` working days after
      opening, while the account is younger than its periodic cycle;
    - periodic: due when the last revisit (or the opening) + the cycle is today or earlier;
      the cycle is the shortest of the account type's, the risk level's and (for abnormal
      accounts) `abnormal_months`.
    Customers who asked not to be called, and accounts whose customer is unknown, are skipped.
    """
    planner = _Planner(policy, today)
    by_account: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_account[event.account_id].append(event)
    cycle = planner.cycle
    closing_status = AccountStatus.CLOSING
    for account in accounts:
        customer = customers.get(account.customer_id)
        if customer is None or customer.do_not_call:
            continue
        last = last_revisit.get(account.id)
        closing = account.status is closing_status
        account_events = by_account.get(account.id) if by_account else None
        if account_events:
            yield from planner.special_events(account, customer, account_events, last)
            closing = closing or any(e.kind is AccountEvent.CLOSURE for e in account_events)
        if closing:
            yield planner.closure(account, customer, account_events or [])
            continue
        task = cycle(account, customer, last)
        if task is not None:
            yield task


_PLANNED_FIELDS = set(TaskCreate.model_fields)


def _event_day(event: Event, customer: Customer) -> date:
    """The day of an event on the customer's clock; with an unknown time zone (imported data
    is not checked for it), the day on the event's own clock rather than no revisit at all."""
    try:
        return event.at.astimezone(customer_zone(customer)).date()
    except ValueError:
        return event.at.date()


def _trusted_task(values: dict[str, object]) -> TaskCreate:
    """A TaskCreate from values the planner has made valid (all fields, in order): what
    `TaskCreate.model_construct` does, without its per-field default lookups, which cost
    more than the rules themselves over a million accounts. The fields-set is shared: a
    frozen model never changes it in place (model_copy copies it first)."""
    task = object.__new__(TaskCreate)
    object.__setattr__(task, "__dict__", values)
    object.__setattr__(task, "__pydantic_fields_set__", _PLANNED_FIELDS)
    object.__setattr__(task, "__pydantic_extra__", None)
    object.__setattr__(task, "__pydantic_private__", None)
    return task


class _Planner:
    """The policy's numbers worked out once, and dates cached, for the due computation."""

    def __init__(self, policy: RevisitPolicy, today: date) -> None:
        schedule = policy.schedule
        self.today = today
        self.calendar = WorkCalendar(policy.calendar)
        self.new_days = schedule.new_account_working_days
        self.event_days = timedelta(days=schedule.special_event_days)
        self.closure_days = timedelta(days=schedule.closure_days)
        self.attempt_limit = policy.calls.attempt_limit
        self.priority = {kind: task_priority(kind, policy) for kind in TaskKind}
        type_months = schedule.periodic_months
        risk_months = schedule.risk_months
        self.months: dict[tuple[AccountType, RiskLevel, bool], tuple[int, str]] = {}
        for account_type, months in type_months.items():
            for risk in RiskLevel:
                for abnormal in (False, True):
                    cycle, why = months, "account type"
                    if risk in risk_months and risk_months[risk] < cycle:
                        cycle, why = risk_months[risk], f"{risk.value} risk"
                    if abnormal and schedule.abnormal_months < cycle:
                        cycle, why = schedule.abnormal_months, "abnormal account"
                    reason = f"every {cycle} months ({why})"
                    self.months[(account_type, risk, abnormal)] = (cycle, reason)
        self._later: dict[tuple[date, int], tuple[date, str]] = {}
        self._current: dict[tuple[date, int], tuple[date, str]] = {}

    def months_later(self, day: date, months: int) -> tuple[date, str]:
        """The day `months` later and the period it falls in (cached: few distinct days)."""
        found = self._later.get((day, months))
        if found is None:
            later = add_months(day, months)
            found = self._later[(day, months)] = (later, period_label(later, months))
        return found

    def _task(
        self,
        kind: TaskKind,
        account: AccountRecord,
        period: str,
        due: date,
        reason: str,
        event: AccountEvent | None = None,
    ) -> TaskCreate:
        return _trusted_task(
            {
                "key": task_key(kind, account.id, period),
                "kind": kind,
                "reason": reason,
                "event": event,
                "priority": self.priority[kind],
                "customer_id": account.customer_id,
                "account_id": account.id,
                "account_number": None,
                "due": due,
                "not_before": None,
                "attempt_limit": self.attempt_limit,
                "assigned_agent": None,
                "escalation_id": None,
            }
        )

    def cycle(
        self, account: AccountRecord, customer: Customer, last: date | None
    ) -> TaskCreate | None:
        """The new-account or periodic revisit of an account, if one is due."""
        cycle, reason = self.months[(account.type, customer.risk, account.status is _ABNORMAL)]
        opened = account.opened_on
        base = last or opened
        found = self._later.get((base, cycle)) or self.months_later(base, cycle)
        if last is None and opened <= self.today < found[0]:
            due = self.calendar.add_working_days(opened, self.new_days)
            return self._task(TaskKind.NEW_ACCOUNT, account, opened.isoformat(), due, "opened")
        due, period = found
        if due > self.today:
            return None
        due, period = self.current_cycle(base, cycle, due, period)
        return self._task(TaskKind.PERIODIC, account, period, due, reason)

    def current_cycle(self, base: date, cycle: int, due: date, period: str) -> tuple[date, str]:
        """The latest cycle begun by today (§六.2 "全体存量客户"): a cycle whose task ended
        without a revisit (exhausted, cancelled) does not hold back the next one."""
        found = self._current.get((base, cycle))
        if found is None:
            elapsed = (self.today.year - base.year) * 12 + self.today.month - base.month
            found = (due, period)
            for cycles in (elapsed // cycle, elapsed // cycle - 1):
                later = add_months(base, cycles * cycle)
                if cycles > 1 and later <= self.today:
                    found = (later, period_label(later, cycle))
                    break
            self._current[(base, cycle)] = found
        return found

    def special_events(
        self, account: AccountRecord, customer: Customer, events: list[Event], last: date | None
    ) -> Iterator[TaskCreate]:
        for event in events:
            if event.kind is AccountEvent.CLOSURE:
                continue
            day = _event_day(event, customer)
            if day > self.today or (last is not None and last > day):
                continue
            yield self._task(
                TaskKind.SPECIAL_EVENT,
                account,
                event.id,
                day + self.event_days,
                event.detail,
                event.kind,
            )

    def closure(
        self, account: AccountRecord, customer: Customer, events: list[Event]
    ) -> TaskCreate:
        days = [_event_day(e, customer) for e in events if e.kind is AccountEvent.CLOSURE]
        start = min(days) if days else account.closed_on or self.today
        return self._task(TaskKind.CLOSURE, account, "final", start + self.closure_days, "closure")
