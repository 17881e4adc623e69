"""The wire format: one set of pydantic models shared by the agent client and the central API.

Times are timezone-aware and travel as ISO 8601 in UTC; phone numbers are E.164; money is a
Decimal in the account's currency. Field names here are the names used everywhere else.

Types are strict: a number is never read from a string, nor a boolean from a number; every
string and list is bounded (strings no longer than the database column that keeps them) and
no string may hold a NUL character. Times and days outside 1900–2199 are refused, and every
time is converted to UTC when it is read, so one instant has one spelling on the wire.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    model_validator,
)

MAX_BATCH = 500
NOTES_MAX = 2000
SHORT_TEXT_MAX = 200
MAX_IMPORT = 5000  # rows of one kind in one POST /v1/import
# assignments in one POST /v1/assignments: each batch is one transaction, and on SQLite a
# commit writes every page its updates touched, which for tasks spread over the table is most
# of it (100,000 tasks: 20 batches of 5000 spent 2 s in commits, 5 of 20,000 half a second)
MAX_ASSIGNMENTS = 20_000
MAX_INT = 2**31 - 1  # the database's INTEGER
EARLIEST_YEAR = 1900
LATEST_YEAR = 2199

NO_NUL = r"^[^\x00]*$"


class Model(BaseModel):
    """Base of every wire model: unknown fields are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _time_text(value: Any) -> Any:
    """Only an ISO 8601 string or a datetime is a time (not a number of seconds)."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_TIME.match(value)):
        return value
    raise ValueError("must be an ISO 8601 date and time with an offset")


def _in_utc(value: datetime) -> datetime:
    # the year is checked before the conversion: 0001-01-01T00:00+08:00 would overflow it
    if not EARLIEST_YEAR < value.year < LATEST_YEAR:
        raise ValueError(f"must be between {EARLIEST_YEAR + 1} and {LATEST_YEAR - 1}")
    return value.astimezone(UTC)


def _day_text(value: Any) -> Any:
    if isinstance(value, datetime):
        raise ValueError("must be a day (YYYY-MM-DD), not a time")
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError("must be a day (YYYY-MM-DD)")


def _plausible_day(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


def _uuid_text(value: Any) -> Any:
    if isinstance(value, UUID) or (isinstance(value, str) and _UUID.match(value)):
        return value
    raise ValueError("must be a UUID (8-4-4-4-12 hexadecimal digits)")


UtcTime = Annotated[AwareDatetime, BeforeValidator(_time_text), AfterValidator(_in_utc)]
Day = Annotated[date, BeforeValidator(_day_text), AfterValidator(_plausible_day)]
Uuid = Annotated[UUID, BeforeValidator(_uuid_text)]
Int = Annotated[int, Strict(), Field(ge=-MAX_INT, le=MAX_INT)]
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_INT)]

ShortText = Annotated[str, Field(max_length=SHORT_TEXT_MAX, pattern=NO_NUL)]
NoteText = Annotated[str, Field(max_length=NOTES_MAX, pattern=NO_NUL)]
RequiredNote = Annotated[str, Field(min_length=1, max_length=NOTES_MAX, pattern=NO_NUL)]
Name = Annotated[str, Field(min_length=1, max_length=100, pattern=NO_NUL)]
Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
TaskKey = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
# an account number, or one masked as the central API sends it to agents ("****5678")
AccountNumber = Annotated[
    str, Field(min_length=4, max_length=34, pattern=r"^(?:[0-9A-Z]+|\*{4}[0-9A-Z]{0,4})$")
]
PhoneNumber = Annotated[str, Field(min_length=1, max_length=32, pattern=NO_NUL)]  # E.164
Email = Annotated[str, Field(min_length=1, max_length=254, pattern=NO_NUL)]
TimeZoneName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+/-]+$")]
Money = Annotated[Decimal, Field(max_digits=20, decimal_places=4, allow_inf_nan=False)]


# --- enumerations -------------------------------------------------------------------------


class CustomerType(StrEnum):
    PERSONAL = "personal"
    CORPORATE = "corporate"


class RiskLevel(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


class Language(StrEnum):
    ZH_CN = "zh-CN"
    EN = "en"


class DocumentKind(StrEnum):
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    BUSINESS_LICENCE = "business_licence"
    OTHER = "other"


class AccountType(StrEnum):
    PERSONAL_SAVINGS = "personal_savings"
    PERSONAL_CURRENT = "personal_current"
    CORPORATE_BASIC = "corporate_basic"
    CORPORATE_GENERAL = "corporate_general"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    ABNORMAL = "abnormal"
    CLOSING = "closing"


class TransactionChannel(StrEnum):
    COUNTER = "counter"
    ATM = "atm"
    ONLINE_BANKING = "online_banking"
    MOBILE_BANKING = "mobile_banking"
    POS = "pos"
    TRANSFER = "transfer"


class TransactionFlag(StrEnum):
    LARGE_ABNORMAL = "large_abnormal"
    MANY_SMALL = "many_small"
    OTHER = "other"


class TaskKind(StrEnum):
    NEW_ACCOUNT = "new_account"
    PERIODIC = "periodic"
    SPECIAL_EVENT = "special_event"
    FOLLOW_UP = "follow_up"
    CLOSURE = "closure"
    TRANSFER = "transfer"  # after a branch transfer: is the customer satisfied? (seed 003 §十一)


class TaskStatus(StrEnum):
    OPEN = "open"  # waiting for an attempt (maybe not before next_attempt_at)
    DONE = "done"  # the customer was reached and the revisit completed
    DO_NOT_CALL = "do_not_call"  # closed: the customer asked not to be called
    EXHAUSTED = "exhausted"  # closed: the attempt limit was reached without contact
    CANCELLED = "cancelled"  # closed by a supervisor


class Channel(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    ONLINE = "online"


class Disposition(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    WRONG_NUMBER = "wrong_number"
    REFUSED = "refused"
    CALLBACK_REQUESTED = "callback_requested"
    DO_NOT_CALL = "do_not_call"


class ContactField(StrEnum):
    MOBILE = "mobile"
    EMAIL = "email"
    LANDLINE = "landline"
    ADDRESS = "address"
    IDENTITY_NUMBER = "identity_number"
    IDENTITY_EXPIRY = "identity_expiry"


class ContactCheckResult(StrEnum):
    CONFIRMED = "confirmed"
    CHANGED = "changed"
    UNVERIFIED = "unverified"  # could not verify


class TransactionAnswer(StrEnum):
    """The customer's answer to "was this you?": about a flagged transaction, or about a change
    of their reserved information (§六.3); "not me" is suspected fraud either way."""

    CONFIRMED = "confirmed"
    NOT_ME = "not_me"
    UNSURE = "unsure"


class Feature(StrEnum):
    ONLINE_BANKING = "online_banking"
    MOBILE_BANKING = "mobile_banking"
    SMS_NOTIFICATION = "sms_notification"


class LeadProduct(StrEnum):
    LOAN = "loan"
    WEALTH_MANAGEMENT = "wealth_management"
    CARD = "card"
    INSURANCE = "insurance"
    OTHER = "other"


class ClosureReason(StrEnum):
    """Why the customer closed the account (seed 000 §一), recorded by the closure revisit."""

    BUSINESS_CHANGE = "business_change"  # 业务调整: the business changed or shrank
    COST_CONTROL = "cost_control"  # 成本控制
    SERVICE_NOT_MEETING_NEEDS = "service_not_meeting_needs"  # 银行服务不满足需求
    OTHER = "other"  # said in the outcome's notes


class EscalationCategory(StrEnum):
    PRODUCT = "product"
    SERVICE = "service"  # staff attitude and efficiency (seed 001 §9.1.2)
    POLICY = "policy"
    FRAUD = "fraud"  # fraud / account security: a "not me" transaction is always this
    OTHER = "other"


class Urgency(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class EscalationStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    REOPENED = "reopened"


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ONLINE_SERVICE = "online_service"  # the bank's online-banking back end
    SMS_GATEWAY = "sms_gateway"  # the bank's SMS gateway


class MaskedField(StrEnum):
    """Fields shown masked on screen; revealing one is audited."""

    MOBILE = "mobile"
    LANDLINE = "landline"
    IDENTITY_NUMBER = "identity_number"
    ACCOUNT_NUMBER = "account_number"


# --- master data --------------------------------------------------------------------------


class IdentityDocument(Model):
    kind: DocumentKind
    number: Annotated[str, Field(min_length=1, max_length=64, pattern=NO_NUL)]
    expires_on: Day | None = None


class Customer(Model):
    id: Identifier
    type: CustomerType
    name: Name
    mobile: PhoneNumber | None = None  # E.164
    email: Email | None = None
    landline: PhoneNumber | None = None  # E.164
    address: ShortText | None = None
    identity: IdentityDocument | None = None
    risk: RiskLevel = RiskLevel.NORMAL
    timezone: TimeZoneName = (
        "Asia/Shanghai"  # IANA name: calls are allowed by the customer's own clock
    )
    language: Language = Language.ZH_CN
    do_not_call: StrictBool = False
    sms_opt_out: StrictBool = False
    branch: Identifier


class CustomerBrief(Model):
    """A customer as the assignment plan reads them (GET /v1/customers/briefs): who may
    serve them, nothing personal."""

    id: Identifier
    type: CustomerType
    language: Language = Language.ZH_CN
    branch: Identifier


class CustomerBriefPage(Model):
    items: list[CustomerBrief]
    next_cursor: str | None = None


class Account(Model):
    number: AccountNumber
    customer_id: Identifier
    type: AccountType
    opened_on: Day
    status: AccountStatus = AccountStatus.ACTIVE
    branch: Identifier
    closed_on: Day | None = None


class AccountRecord(Account):
    """An account as the central API lists it: its number masked, and its account id, the
    stable name queue building and tasks use for it instead of the number."""

    id: Identifier


class Transaction(Model):
    id: Identifier
    account_number: AccountNumber
    at: UtcTime
    amount: Money
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "CNY"
    channel: TransactionChannel
    counterparty: ShortText = ""
    flag: TransactionFlag | None = None
    flag_reason: ShortText = ""


class AccountEvent(StrEnum):
    """Special events that call for a prompt revisit (seed 002 §六.3) or a closure revisit."""

    LARGE_ABNORMAL_TRANSACTION = "large_abnormal_transaction"
    RESERVED_INFO_CHANGED = "reserved_info_changed"
    COMPLAINT = "complaint"
    CLOSURE = "closure"


SpecialEvent = Literal[
    AccountEvent.LARGE_ABNORMAL_TRANSACTION,
    AccountEvent.RESERVED_INFO_CHANGED,
    AccountEvent.COMPLAINT,
]
"""The events a special_event task is for (§六.3); a closure has a task kind of its own."""

SPECIAL_EVENTS: tuple[AccountEvent, ...] = get_args(SpecialEvent)


class Event(Model):
    """Something that happened to an account and may call for a revisit."""

    id: Identifier
    account_number: AccountNumber
    kind: AccountEvent
    at: UtcTime
    detail: ShortText = ""


class EventRecord(Event):
    """An event as the central API lists it: its account by id, the number masked."""

    account_id: Identifier


class Agent(Model):
    id: Identifier
    name: Name
    role: Role = Role.AGENT
    languages: Annotated[list[Language], Field(max_length=len(Language))] = [Language.ZH_CN]
    skills: Annotated[list[CustomerType], Field(max_length=len(CustomerType))] = [
        CustomerType.PERSONAL,
        CustomerType.CORPORATE,
    ]
    capacity: Annotated[int, Strict(), Field(ge=0, le=1000)] = 100  # calls a day
    branch: Identifier | None = None
    on_shift: StrictBool = True


# --- tasks --------------------------------------------------------------------------------


class Task(Model):
    id: Identifier
    key: TaskKey  # deterministic: re-runs create nothing twice
    kind: TaskKind
    reason: ShortText = ""  # why: a special event's own account (Event.detail), the cycle, …
    event: SpecialEvent | None = None  # a special-event task: which event (§六.3)
    priority: Annotated[int, Strict(), Field(ge=0, le=9)]  # 0 is most urgent
    customer_id: Identifier
    account_number: AccountNumber | None = None
    account_id: Identifier | None = None  # in supervisors' listings (AccountRecord.id)
    due: Day
    not_before: UtcTime | None = None
    assigned_agent: Identifier | None = None
    status: TaskStatus = TaskStatus.OPEN
    attempts: Count = 0
    attempt_limit: Annotated[int, Strict(), Field(ge=1, le=MAX_INT)] = 3
    next_attempt_at: UtcTime | None = None  # earliest next try (retry spacing or callback)
    callback_at: UtcTime | None = None  # the time the customer asked for
    escalation_id: Identifier | None = None  # a follow-up's escalation
    version: Count = 0  # bumped on every change, assignment included
    created_at: UtcTime | None = None
    updated_at: UtcTime | None = None


class TaskBrief(Model):
    """A task as the assignment plan reads it (GET /v1/tasks/briefs): what planning and the
    write need, without the account and times the full Task carries (a floor's open tasks are
    read whole before every plan)."""

    id: Identifier
    key: TaskKey  # as in Task: an account number in it masked
    kind: TaskKind
    priority: Annotated[int, Strict(), Field(ge=0, le=9)]
    customer_id: Identifier
    due: Day
    assigned_agent: Identifier | None = None
    escalation_id: Identifier | None = None
    version: Count = 0


# --- an attempt's outcome -----------------------------------------------------------------


class ContactCheck(Model):
    field: ContactField
    result: ContactCheckResult
    new_value: ShortText | None = None  # with CHANGED: the proposed value, stored as pending

    @model_validator(mode="after")
    def _new_value_with_change(self) -> ContactCheck:
        if self.result is ContactCheckResult.CHANGED and not self.new_value:
            raise ValueError("new_value is required when the result is 'changed'")
        return self


class TransactionCheck(Model):
    transaction_id: Identifier
    answer: TransactionAnswer
    note: ShortText = ""


class FeatureUse(Model):
    feature: Feature
    in_use: StrictBool
    problem: ShortText = ""


class Lead(Model):
    product: LeadProduct
    note: ShortText = ""


class EscalationRequest(Model):
    """An escalation raised during a call; the server opens it with a deadline from urgency."""

    id: Uuid
    category: EscalationCategory
    department: Name
    urgency: Urgency
    summary: RequiredNote
    transaction_id: Identifier | None = None  # set for a "not me" transaction
    event: SpecialEvent | None = None  # the task's special event it is about (a "not me" change)


MAX_ESCALATIONS = 10
MAX_TRANSACTION_CHECKS = 100

ContactChecks = Annotated[list[ContactCheck], Field(max_length=2 * len(ContactField))]
TransactionChecks = Annotated[list[TransactionCheck], Field(max_length=MAX_TRANSACTION_CHECKS)]
FeatureUses = Annotated[list[FeatureUse], Field(max_length=len(Feature))]
Leads = Annotated[list[Lead], Field(max_length=2 * len(LeadProduct))]
Satisfaction = Annotated[int, Strict(), Field(ge=1, le=5)]


class Outcome(Model):
    """One attempt at a task and everything recorded during it. Idempotent by its id."""

    id: Uuid  # generated by the client when the attempt starts
    task_id: Identifier
    agent_id: Identifier
    channel: Channel = Channel.PHONE
    started_at: UtcTime
    ended_at: UtcTime
    disposition: Disposition
    contact_checks: ContactChecks = []
    transaction_checks: TransactionChecks = []
    features: FeatureUses = []
    needs: Leads = []
    fraud_warning_delivered: StrictBool | None = None
    security_tips_delivered: StrictBool | None = None
    satisfaction: Satisfaction | None = None
    escalations: Annotated[list[EscalationRequest], Field(max_length=MAX_ESCALATIONS)] = []
    callback_at: UtcTime | None = None
    notes: NoteText = ""
    script_version: ShortText = ""
    task_version: Count = 0  # the task's version when the attempt began
    resolution_satisfied: StrictBool | None = None  # a follow-up: happy with the resolution?
    closure_reason: ClosureReason | None = None  # a closure revisit: why the account was closed
    reserved_info_answer: TransactionAnswer | None = None  # a reserved-info change: made by them?
    replaces: Uuid | None = None  # a refused outcome this one corrects (sent under a new id)

    @model_validator(mode="after")
    def _consistent(self) -> Outcome:
        if self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        if self.disposition is Disposition.CALLBACK_REQUESTED and self.callback_at is None:
            raise ValueError("callback_at is required when a callback is requested")
        if self.disposition is Disposition.REACHED and self.fraud_warning_delivered is None:
            raise ValueError("a reached call records whether the fraud warning was delivered")
        return self


class Escalation(Model):
    id: Uuid
    task_id: Identifier
    outcome_id: Uuid
    customer_id: Identifier
    agent_id: Identifier
    category: EscalationCategory
    department: str
    urgency: Urgency
    summary: str
    transaction_id: Identifier | None = None
    event: SpecialEvent | None = None
    opened_at: UtcTime
    deadline: UtcTime
    status: EscalationStatus = EscalationStatus.OPEN
    resolution: str = ""  # the latest resolution; earlier ones are in `history`
    resolved_at: UtcTime | None = None
    follow_up_task_id: Identifier | None = None
    satisfied: bool | None = None  # what the latest follow-up heard (None: not asked yet)
    history: list[EscalationStep] = []  # resolutions, follow-ups and reopens, oldest first


class EscalationAction(StrEnum):
    RESOLVED = "resolved"
    REOPENED = "reopened"
    SATISFIED = "satisfied"  # a follow-up heard the customer is satisfied


class EscalationStep(Model):
    """One step of an escalation's life after it opened: who, when, what was said."""

    action: EscalationAction
    at: UtcTime
    by: Identifier
    text: str = ""


class EscalationNote(Model):
    """What a follow-up call needs of its escalation: the problem and the department's answer
    (read out as "处理结果是：…")."""

    escalation_id: Uuid
    summary: str
    resolution: str
    resolved_at: UtcTime | None = None


# --- agent endpoints ----------------------------------------------------------------------


class OutcomeSummary(Model):
    """A past attempt, as shown on the customer card."""

    outcome_id: Uuid
    at: UtcTime
    agent_id: Identifier
    channel: Channel
    disposition: Disposition
    satisfaction: int | None = None


class QueueItem(Model):
    """A task with what the call needs: customer, account, flagged transactions, history."""

    task: Task
    customer: Customer
    account: Account | None = None
    flagged_transactions: list[Transaction] = []
    recent_outcomes: list[OutcomeSummary] = []
    escalation: EscalationNote | None = None  # a follow-up's escalation and its resolution


class QueueSnapshot(Model):
    """GET /v1/queue: the agent's open tasks. Sent with an ETag; If-None-Match gives 304."""

    agent_id: Identifier
    generated_at: UtcTime
    items: list[QueueItem]


class StartRequest(Model):
    """Optional body of POST /v1/tasks/{id}/start: a supervisor starts a task the policy holds
    back (outside the window, before the next attempt), saying why; audited."""

    override_reason: (
        Annotated[str, Field(min_length=1, max_length=SHORT_TEXT_MAX, pattern=NO_NUL)] | None
    ) = None


class Lease(Model):
    """POST /v1/tasks/{id}/start: the agent holds the task; another agent gets 409."""

    task_id: Identifier
    agent_id: Identifier
    started_at: UtcTime
    expires_at: UtcTime
    task_version: int


class OutcomeBatch(Model):
    outcomes: Annotated[list[Outcome], Field(min_length=1, max_length=MAX_BATCH)]


class CallTimeFlag(StrEnum):
    """Why an outcome's call times were not believed (the outcome is stored, flagged)."""

    FUTURE = "future"  # ended after the server received it (beyond the clock tolerance)
    BEFORE_TASK = "before_task"  # started before its task existed


class OutcomeResult(Model):
    """Per-item answer: status 201 stored, 200 already stored (same body), 409 same id with
    another body, 403 not the agent's, 404 unknown task, 422 refused by a rule (reason says)."""

    outcome_id: Uuid
    status: int
    reason: str = ""
    task: Task | None = None
    escalation_ids: list[Uuid] = []
    flagged_reassigned: bool = False  # the task was reassigned after the attempt began
    time_flag: CallTimeFlag | None = None  # the call's times were implausible (stored anyway)
    callback_flag: str | None = None  # why the callback time was moved (callback_in_past, …)


class OutcomeBatchResult(Model):
    results: list[OutcomeResult]


class RevealSource(StrEnum):
    SERVER = "server"  # the value is asked of the server now, which answers it
    PREFETCH = "prefetch"  # shown offline from a prefetch; this records that it was shown


class Reveal(Model):
    """POST /v1/reveals: the agent deliberately unmasks one field of the task's customer.
    The server answers the value and audits the disclosure in the same transaction; a reveal
    made offline from prefetched numbers is sent later with source `prefetch` and is only
    recorded. Idempotent by id."""

    id: Uuid
    task_id: Identifier
    customer_id: Identifier
    field: MaskedField
    at: UtcTime
    reason: Annotated[str, Field(min_length=1, max_length=SHORT_TEXT_MAX, pattern=NO_NUL)] = (
        "on_call"
    )
    source: RevealSource = RevealSource.SERVER


class StoreReportKind(StrEnum):
    DISCARDED = "discarded"  # the agent discarded a refused item, with a reason
    HANDED_OVER = "handed_over"  # the agent handed a refused item (e.g. its task is gone) over
    RECOVERY = "recovery"  # a file of the agent's store could not be read at start-up


class StoreReport(Model):
    """POST /v1/store-reports: what an agent's app took out of its outbox, or could not recover
    from a damaged file, for supervisors (GET /v1/store-reports). Sent through the outbox like
    an outcome; idempotent by id."""

    id: Uuid
    kind: StoreReportKind
    at: UtcTime  # when the agent discarded or handed over, or the app found the damage
    reason: NoteText  # the agent's reason, or why the file could not be read
    # discarded / handed over: the item, the server's refusal and the item's body, whole
    item_id: Uuid | None = None
    item_kind: Annotated[str, Field(max_length=20, pattern=NO_NUL)] = ""
    task_id: Identifier | None = None
    refusal: NoteText = ""
    refusal_status: Annotated[int, Strict(), Field(ge=100, le=599)] | None = None
    item: dict[str, Any] | None = None
    # recovery: the file, where its damaged copy is kept on the agent's machine, and counts
    file: ShortText = ""
    aside: NoteText = ""
    recovered: Count | None = None  # None: a cache, fetched again rather than salvaged
    lost: Count = 0


class AgentStoreReport(Model):
    """A store report as supervisors list it: who sent it and when it arrived."""

    agent_id: Identifier
    received_at: UtcTime
    report: StoreReport


class StoreReportPage(Model):
    """GET /v1/store-reports?agent=&kind=&cursor=&limit=: newest first, numbers masked."""

    items: list[AgentStoreReport]
    next_cursor: str | None = None


class QaDisclosure(Model):
    """POST /v1/disclosures: a supervisor reviewing one record (an outcome, e.g. of the QA
    sample) sees one field of its customer (or its task's account) in full, for a stated
    reason; audited in the same transaction. Idempotent by id."""

    id: Uuid
    outcome_id: Uuid
    field: MaskedField
    reason: Annotated[str, Field(min_length=1, max_length=SHORT_TEXT_MAX, pattern=NO_NUL)]


class Disclosure(Model):
    """The answer to a reveal: the full value (None for a recorded offline reveal, or when
    the customer has no such value)."""

    reveal_id: Uuid
    task_id: Identifier
    customer_id: Identifier
    field: MaskedField
    value: Annotated[str, Field(max_length=64, pattern=NO_NUL)] | None


class IdentityCheck(Model):
    """How to check an identity number the customer says without knowing it: the scrypt
    digest of the normalised number under a per-task salt (see docs/api.md)."""

    task_id: Identifier
    kdf: Literal["scrypt"] = "scrypt"
    n: Annotated[int, Strict(), Field(ge=2, le=2**20)]
    r: Annotated[int, Strict(), Field(ge=1, le=32)]
    p: Annotated[int, Strict(), Field(ge=1, le=16)]
    salt: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9+/=]+$")]  # base64
    digest: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9+/=]+$")]  # base64


class PrefetchItem(Model):
    """What an agent may need for one of the next tasks while the API cannot be reached."""

    task_id: Identifier
    customer_id: Identifier
    mobile: PhoneNumber | None = None
    landline: PhoneNumber | None = None
    identity_check: IdentityCheck | None = None


PREFETCH_MAX = 50


class PrefetchRequest(Model):
    """POST /v1/prefetch: the tasks whose numbers the app holds already (not sent again)."""

    have: Annotated[list[Identifier], Field(max_length=PREFETCH_MAX)] = []


class Prefetch(Model):
    """The answer to POST /v1/prefetch: `task_ids` are the agent's next tasks (at most
    `limit`), `items` the numbers of those not in `have`, each audited as a disclosure of
    those fields to the agent. The app keeps numbers of `task_ids` only."""

    task_ids: Annotated[list[Identifier], Field(max_length=PREFETCH_MAX)]
    items: Annotated[list[PrefetchItem], Field(max_length=PREFETCH_MAX)]
    limit: Annotated[int, Strict(), Field(ge=0, le=PREFETCH_MAX)]


class SmsRequest(Model):
    """POST /v1/sms: checked against quiet hours and the frequency cap, then queued."""

    id: Uuid
    task_id: Identifier
    template: Identifier
    text: Annotated[str, Field(min_length=1, max_length=500, pattern=NO_NUL)]
    requested_at: UtcTime


class SmsStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class SmsMessage(Model):
    """What the SMS gateway pulls: GET /v1/sms/pending; it confirms with POST /v1/sms/{id}/sent."""

    id: Uuid
    task_id: Identifier
    to: str  # E.164
    text: str
    status: SmsStatus
    requested_at: UtcTime


class Problem(Model):
    """Error body for every 4xx: a code, a human sentence, and the fields at fault."""

    code: str
    message: str
    fields: dict[str, str] = {}
    next_allowed_at: UtcTime | None = None
    limit: Count | None = None  # a 429's quota: how much a day
    remaining: Count | None = None  # and how much of it is left now


class Me(Model):
    """GET /v1/me: the caller, and the server's id: one per central database, whichever URL
    or API process answers (an agent's local store belongs to one server id)."""

    agent: Agent
    server_id: Identifier
    server_time: UtcTime


class OnlineAnswer(Model):
    """POST /v1/online-answers by the online-banking back end: a questionnaire answered later,
    recorded against the same task as an outcome on the online channel."""

    id: Uuid
    task_id: Identifier
    answered_at: UtcTime
    contact_checks: ContactChecks = []
    transaction_checks: TransactionChecks = []
    reserved_info_answer: TransactionAnswer | None = None  # as in Outcome
    features: FeatureUses = []
    needs: Leads = []
    satisfaction: Satisfaction | None = None
    notes: NoteText = ""


# --- supervisor endpoints -----------------------------------------------------------------


class ImportBatch(Model):
    """POST /v1/import: upsert master data by id / number."""

    customers: Annotated[list[Customer], Field(max_length=MAX_IMPORT)] = []
    accounts: Annotated[list[Account], Field(max_length=MAX_IMPORT)] = []
    transactions: Annotated[list[Transaction], Field(max_length=MAX_IMPORT)] = []
    events: Annotated[list[Event], Field(max_length=MAX_IMPORT)] = []

    @model_validator(mode="after")
    def _no_masked_numbers(self) -> ImportBatch:
        if any(account.number.startswith("*") for account in self.accounts):
            raise ValueError("an account number is masked; import the full number")
        return self


class ImportResult(Model):
    customers: int
    accounts: int
    transactions: int
    events: int


class TaskCreate(Model):
    key: TaskKey
    kind: TaskKind
    reason: ShortText = ""
    event: SpecialEvent | None = None  # required for special_event tasks, refused for others
    priority: Annotated[int, Strict(), Field(ge=0, le=9)]
    customer_id: Identifier
    # the task's account, by its id (AccountRecord.id) or, for a caller holding it, its number
    account_id: Identifier | None = None
    account_number: AccountNumber | None = None
    due: Day
    not_before: UtcTime | None = None
    attempt_limit: Annotated[int, Strict(), Field(ge=1, le=20)] = 3
    assigned_agent: Identifier | None = None
    escalation_id: Identifier | None = None


class TaskBatch(Model):
    tasks: Annotated[list[TaskCreate], Field(min_length=1, max_length=5000)]


class TaskBatchResult(Model):
    created: int
    existing: int
    task_ids: list[str]  # in the order of the request
    do_not_call: list[str] = []  # keys not created: the customer asked not to be called


class Assignment(Model):
    task_id: Identifier
    agent_id: Identifier | None  # None unassigns
    # the task's version the plan was made from: a task changed since is refused (409 changed)
    version: Count | None = None


class AssignmentBatch(Model):
    assignments: Annotated[list[Assignment], Field(min_length=1, max_length=MAX_ASSIGNMENTS)]


class TaskPage(Model):
    """GET /v1/tasks?status=&kind=&agent=&customer=&due_before=&cursor=&limit=."""

    items: list[Task]
    next_cursor: str | None = None


class TaskBriefPage(Model):
    """GET /v1/tasks/briefs: the same filters and paging as GET /v1/tasks."""

    items: list[TaskBrief]
    next_cursor: str | None = None


class EscalationPage(Model):
    items: list[Escalation]
    next_cursor: str | None = None


class Resolution(Model):
    resolution: RequiredNote


class AgentMonth(Model):
    """A row of GET /v1/reports/agents?month=YYYY-MM."""

    agent_id: Identifier
    agent_name: str
    attempts: int
    reached: int
    reach_rate: float
    dispositions: dict[Disposition, int]
    average_satisfaction: float | None
    escalations_open: int
    escalations_overdue: int
    rank: int | None  # by average satisfaction, 1 is best; None without ratings


class KindReport(Model):
    """A row of GET /v1/reports/kinds: one kind of task's attempts and escalations."""

    kind: TaskKind
    attempts: Count
    reached: Count
    dispositions: dict[Disposition, Count]
    average_satisfaction: float | None
    escalations_open: Count
    escalations_overdue: Count


class ClosureReport(Model):
    """GET /v1/reports/closures: why customers closed their accounts (seed 000 §一), from the
    period's reached closure revisits; `not_recorded` reached the customer without a reason."""

    reached: Count
    reasons: dict[ClosureReason, Count]
    not_recorded: Count


class QaRecord(Model):
    """A sampled record with the seed's checks (§十.1): complete, compliant, handled."""

    outcome: Outcome
    customer_name: str
    account_number: str | None
    complete: bool
    compliant: bool
    handled: bool
    findings: list[str] = []


class DoNotCallRequest(Model):
    """POST /v1/customers/{id}/do-not-call: the customer asked not to be called (a supervisor
    on their behalf, the online channel, or an SMS opt-out reply via the gateway)."""

    reason: Annotated[str, Field(min_length=1, max_length=SHORT_TEXT_MAX, pattern=NO_NUL)]


class DoNotCallRecord(Model):
    """Who marked the customer do-not-call, when, why, and how the request came in."""

    customer_id: Identifier
    reason: str
    source: str  # call, online, sms, import, supervisor
    at: UtcTime
    by: Identifier
    outcome_id: Uuid | None = None


class DoNotCallLift(Model):
    """POST /v1/customers/{id}/do-not-call/lift: a supervisor lifts it, saying why (audited)."""

    reason: Annotated[str, Field(min_length=1, max_length=SHORT_TEXT_MAX, pattern=NO_NUL)]


class PurgeRequest(Model):
    older_than_years: Annotated[int, Strict(), Field(ge=1, le=100)]
    dry_run: StrictBool = True


class PurgeResult(Model):
    cutoff: Day
    outcomes: int
    reveals: int
    sms: int
    escalations: int = 0
    dry_run: bool
