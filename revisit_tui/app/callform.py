"""A call's form state as plain data: what the agent has recorded so far, as typed.

The form is created when a call starts (the outcome id is generated then, so a resumed call
submits the same id), saved as a draft dict after every change, resumed from it exactly, checked
with the domain validators, and finally turned into the wire `Outcome`. No Textual here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from revisit_tui.domain.models import (
    NOTES_MAX,
    SHORT_TEXT_MAX,
    AccountEvent,
    ClosureReason,
    ContactCheck,
    ContactCheckResult,
    ContactField,
    Disposition,
    EscalationCategory,
    EscalationRequest,
    Feature,
    FeatureUse,
    Language,
    Lead,
    LeadProduct,
    Outcome,
    QueueItem,
    SpecialEvent,
    TransactionAnswer,
    TransactionCheck,
    Urgency,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.rules import FRAUD_DEPARTMENT, callback_problem
from revisit_tui.domain.validation import check_contact_value

Translate = Callable[..., str]
"""`t(key, **params) -> str`: the app's translator, so messages follow the agent's locale."""

DISPOSITIONS_WITH_CONVERSATION = frozenset(
    {
        Disposition.REACHED,
        Disposition.REFUSED,
        Disposition.CALLBACK_REQUESTED,
        Disposition.DO_NOT_CALL,
    }
)
"""Dispositions where the customer was on the line, so the checks they answered are kept."""

_CALLBACK_FULL = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})\s*$")
_CALLBACK_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


class FormPart(BaseModel):
    """Base of the form's parts: plain, mutable, and strict about unknown keys in a draft."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ContactAnswer(FormPart):
    """One contact point: its result and, when changed, the new value exactly as typed."""

    result: ContactCheckResult | None = None
    new_value: str = ""


class FeatureAnswer(FormPart):
    """Whether the customer uses a feature, and the problem they have with it."""

    in_use: bool | None = None
    problem: str = ""


class NeedAnswer(FormPart):
    """Whether the customer would like a product (a lead when yes), and what exactly."""

    wanted: bool | None = None
    note: str = ""


class EscalationDraft(FormPart):
    """An escalation being filled in; `transaction_id` (a denied transaction) or `event` (a
    denied change of reserved information) marks one raised by a "not me"."""

    id: UUID
    category: EscalationCategory = EscalationCategory.OTHER
    department: str = ""
    urgency: Urgency = Urgency.NORMAL
    summary: str = ""
    transaction_id: str | None = None
    event: SpecialEvent | None = None


class CallForm(FormPart):
    """Everything recorded during one attempt, plus where the agent is in the script.

    Its fields, and the form paths that name them (`contact_checks.mobile.new_value`,
    `features.online_banking.problem`, `escalations.0.summary`), are spelled as the fields
    of the wire `Outcome` they become."""

    outcome_id: UUID
    task_id: str
    task_version: int
    started_at: datetime
    on_call_seconds: int = 0  # time on the call screen, as of the last save (not app-closed time)
    step: int = 0
    script_locale: Language | None = None  # the script read out; None: the UI's language
    contact_checks: dict[ContactField, ContactAnswer] = {}
    transaction_checks: dict[str, TransactionAnswer] = {}
    features: dict[Feature, FeatureAnswer] = {}
    needs: dict[LeadProduct, NeedAnswer] = {}
    fraud_warning_delivered: bool | None = None
    security_tips_delivered: bool | None = None
    resolution_satisfied: bool | None = None  # a follow-up: happy with the resolution?
    satisfaction: int | None = None
    closure_reason: ClosureReason | None = None  # a closure revisit: why the account was closed
    reserved_info_answer: TransactionAnswer | None = None  # a reserved-info change: made by them?
    escalations: list[EscalationDraft] = []
    disposition: Disposition | None = None
    callback_at: str = ""
    notes: str = ""

    @classmethod
    def start(cls, item: QueueItem, now: datetime) -> CallForm:
        """A fresh form for a new attempt at the item's task; the outcome id is fixed here."""
        return cls(
            outcome_id=uuid4(),
            task_id=item.task.id,
            task_version=item.task.version,
            started_at=now,
        )

    def to_draft(self) -> dict[str, Any]:
        """The form as a JSON-ready dict, for `store.save_draft`."""
        return self.model_dump(mode="json")

    @classmethod
    def from_draft(cls, draft: dict[str, Any]) -> CallForm:
        """The form saved by `to_draft`, exactly as it was (step, answers, start time); a draft
        saved under the form's earlier names (before they became the wire names) too."""
        return cls.model_validate(_renamed_draft(draft))

    # --- changes ------------------------------------------------------------------------

    def set_contact(
        self, field: ContactField, result: ContactCheckResult | None, new_value: str | None = None
    ) -> None:
        """Record a contact point's result; the typed new value is kept even when bad."""
        answer = self.contact_checks.get(field, ContactAnswer())
        value = answer.new_value if new_value is None else new_value
        checks = {**self.contact_checks, field: ContactAnswer(result=result, new_value=value)}
        self.contact_checks = checks

    def answer_transaction(
        self, transaction_id: str, answer: TransactionAnswer, *, summary: str
    ) -> EscalationDraft | None:
        """Record a transaction answer. "Not me" raises an urgent escalation at once (returned);
        taking it back removes the escalation it raised."""
        self.transaction_checks = {**self.transaction_checks, transaction_id: answer}
        return self._fraud(
            answer,
            summary,
            lambda e: e.transaction_id == transaction_id,
            transaction_id=transaction_id,
        )

    def answer_reserved_info(
        self, answer: TransactionAnswer, *, summary: str
    ) -> EscalationDraft | None:
        """Record whether the customer made the change of their reserved information (§六.3).
        "Not me" is suspected fraud: an urgent escalation is raised at once (returned); taking
        it back removes it, as for a transaction."""
        self.reserved_info_answer = answer
        reserved: SpecialEvent = AccountEvent.RESERVED_INFO_CHANGED
        return self._fraud(answer, summary, lambda e: e.event is reserved, event=reserved)

    def _fraud(
        self,
        answer: TransactionAnswer,
        summary: str,
        raised_by: Callable[[EscalationDraft], bool],
        *,
        transaction_id: str | None = None,
        event: SpecialEvent | None = None,
    ) -> EscalationDraft | None:
        """The urgent fraud escalation a "not me" raises (None when it is raised already), or,
        for another answer, none: the one the "not me" had raised is removed."""
        if answer is not TransactionAnswer.NOT_ME:
            self.escalations = [e for e in self.escalations if not raised_by(e)]
            return None
        if any(raised_by(e) for e in self.escalations):
            return None
        escalation = EscalationDraft(
            id=uuid4(),
            category=EscalationCategory.FRAUD,
            department=FRAUD_DEPARTMENT,
            urgency=Urgency.URGENT,
            summary=summary,
            transaction_id=transaction_id,
            event=event,
        )
        self.escalations = [*self.escalations, escalation]
        return escalation

    def set_feature(
        self, feature: Feature, in_use: bool | None, problem: str | None = None
    ) -> None:
        """Whether the customer uses a feature, and the problem they have with it."""
        answer = self.features.get(feature, FeatureAnswer())
        text = answer.problem if problem is None else problem
        self.features = {**self.features, feature: FeatureAnswer(in_use=in_use, problem=text)}

    def set_need(self, product: LeadProduct, wanted: bool | None, note: str | None = None) -> None:
        """Whether the customer is interested in a product (a lead when yes), with a note."""
        answer = self.needs.get(product, NeedAnswer())
        text = answer.note if note is None else note
        self.needs = {**self.needs, product: NeedAnswer(wanted=wanted, note=text)}

    def apply(self, path: str, value: str) -> None:
        """Record one edit from the call screen, named by its form path (see `problems`):
        `contact_checks.<field>` / `contact_checks.<field>.new_value`, `features.<f>` /
        `features.<f>.problem`, `needs.<product>` / `needs.<product>.note`,
        `fraud_warning_delivered`, `security_tips_delivered`, `resolution_satisfied`,
        `satisfaction`, `closure_reason`, `notes`. Transactions go through
        `answer_transaction`, a change of reserved information `answer_reserved_info`."""
        section, _, rest = path.partition(".")
        name, _, part = rest.partition(".")
        if section == "contact_checks" and part == "new_value":
            field = ContactField(name)
            self.set_contact(field, self.contact_checks.get(field, ContactAnswer()).result, value)
        elif section == "contact_checks":
            self.set_contact(ContactField(name), ContactCheckResult(value))
        elif section == "features" and part == "problem":
            feature = Feature(name)
            self.set_feature(feature, self.features.get(feature, FeatureAnswer()).in_use, value)
        elif section == "features":
            self.set_feature(Feature(name), value == "yes")
        elif section == "needs" and part == "note":
            product = LeadProduct(name)
            self.set_need(product, self.needs.get(product, NeedAnswer()).wanted, value)
        elif section == "needs":
            self.set_need(LeadProduct(name), value == "yes")
        elif path in ("fraud_warning_delivered", "security_tips_delivered", "resolution_satisfied"):
            setattr(self, path, value == "yes")
        elif path == "satisfaction":
            self.satisfaction = int(value)
        elif path == "closure_reason":
            self.closure_reason = ClosureReason(value)
        elif path == "notes":
            self.notes = value
        else:
            raise KeyError(path)

    def add_escalation(self) -> EscalationDraft:
        """A new, empty escalation for the agent to fill in."""
        escalation = EscalationDraft(id=uuid4())
        self.escalations = [*self.escalations, escalation]
        return escalation

    def update_escalation(self, index: int, **changes: Any) -> None:
        current = self.escalations[index]
        updated = EscalationDraft.model_validate({**current.model_dump(), **changes})
        self.escalations = [*self.escalations[:index], updated, *self.escalations[index + 1 :]]

    def remove_escalation(self, index: int) -> None:
        self.escalations = [*self.escalations[:index], *self.escalations[index + 1 :]]

    # --- checks -------------------------------------------------------------------------

    def contact_problem(
        self, field: ContactField, policy: RevisitPolicy, today: date, locale: str
    ) -> str | None:
        """The validator's message for a changed contact value as typed, or None when fine."""
        answer = self.contact_checks.get(field)
        if answer is None or answer.result is not ContactCheckResult.CHANGED:
            return None
        _, problem = check_contact_value(field, answer.new_value, policy.bank.default_region, today)
        return None if problem is None else problem.message(locale)

    def callback_time(self, item: QueueItem, now: datetime) -> datetime | None:
        """The typed callback time read in the customer's zone; None when empty or unreadable.

        "YYYY-MM-DD HH:MM" is a date and time; "HH:MM" alone is its next occurrence."""
        zone = ZoneInfo(item.customer.timezone)
        full = _CALLBACK_FULL.match(self.callback_at)
        try:
            if full:
                year, month, day, hour, minute = (int(part) for part in full.groups())
                return datetime(year, month, day, hour, minute, tzinfo=zone)
            short = _CALLBACK_TIME.match(self.callback_at)
            if short:
                local_now = now.astimezone(zone)
                at = datetime.combine(
                    local_now.date(), time(int(short[1]), int(short[2])), tzinfo=zone
                )
                return at if at > local_now else at + timedelta(days=1)
        except ValueError:
            return None
        return None

    def problems(
        self, item: QueueItem, policy: RevisitPolicy, now: datetime, locale: str, t: Translate
    ) -> dict[str, str]:
        """Every field that blocks submitting, keyed by form path, with a message for the agent.

        Keys: `disposition`, `fraud_warning_delivered`, `callback_at`, `contact_checks.<field>`,
        `notes`, `satisfaction`, `escalations.<i>.department`, `escalations.<i>.summary`,
        `needs.<product>.note`, `features.<feature>.problem`."""
        found: dict[str, str] = {}
        if self.disposition is None:
            found["disposition"] = t("call.problem.disposition_missing")
        if self.disposition is Disposition.REACHED and self.fraud_warning_delivered is None:
            found["fraud_warning_delivered"] = t("call.problem.fraud_warning_missing")
        if self.disposition is Disposition.CALLBACK_REQUESTED:  # else the time is not kept
            message = self._callback_message(item, policy, now, locale, t)
            if message:
                found["callback_at"] = message
        if len(self.notes) > NOTES_MAX:
            found["notes"] = t("call.problem.too_long", max=NOTES_MAX, length=len(self.notes))
        if self.disposition is not None and self.disposition not in DISPOSITIONS_WITH_CONVERSATION:
            return found | self._escalation_problems(t)
        for field, answer in self.contact_checks.items():
            if answer.result is ContactCheckResult.CHANGED and not answer.new_value.strip():
                found[f"contact_checks.{field.value}"] = t("call.problem.new_value_missing")
                continue
            message = self.contact_problem(field, policy, now.date(), locale)
            if message:
                found[f"contact_checks.{field.value}"] = message
        if self.satisfaction is not None and not 1 <= self.satisfaction <= 5:
            found["satisfaction"] = t("call.problem.satisfaction_range")
        noted: list[tuple[str, str]] = [
            *((f"features.{name.value}.problem", a.problem) for name, a in self.features.items()),
            *((f"needs.{name.value}.note", a.note) for name, a in self.needs.items()),
        ]
        for path, text in noted:
            if len(text) > SHORT_TEXT_MAX:
                found[path] = t("call.problem.too_long", max=SHORT_TEXT_MAX, length=len(text))
        return found | self._escalation_problems(t)

    def _escalation_problems(self, t: Translate) -> dict[str, str]:
        found: dict[str, str] = {}
        for index, escalation in enumerate(self.escalations):
            if not escalation.department.strip():
                found[f"escalations.{index}.department"] = t("call.problem.department_missing")
            elif len(escalation.department) > 100:
                found[f"escalations.{index}.department"] = t(
                    "call.problem.too_long", max=100, length=len(escalation.department)
                )
            if not escalation.summary.strip():
                found[f"escalations.{index}.summary"] = t("call.problem.summary_missing")
            elif len(escalation.summary) > NOTES_MAX:
                found[f"escalations.{index}.summary"] = t(
                    "call.problem.too_long", max=NOTES_MAX, length=len(escalation.summary)
                )
        return found

    def _callback_message(
        self, item: QueueItem, policy: RevisitPolicy, now: datetime, locale: str, t: Translate
    ) -> str | None:
        if not self.callback_at.strip():
            return t("call.problem.callback_missing")
        at = self.callback_time(item, now)
        if at is None:
            return t("call.problem.callback_unreadable", text=self.callback_at.strip())
        return callback_problem(item.customer, at, now, policy, locale)

    # --- the wire model -----------------------------------------------------------------

    def to_outcome(
        self,
        item: QueueItem,
        policy: RevisitPolicy,
        *,
        agent_id: str,
        ended_at: datetime,
        script_version: str = "",
    ) -> Outcome:
        """The outcome to submit. Call only when `problems` is empty: it raises otherwise.

        The checks answered are kept when the customer was on the line; a call that reached
        no one records only its disposition, escalations and notes."""
        assert self.disposition is not None, "no disposition: check problems() first"
        spoke = self.disposition in DISPOSITIONS_WITH_CONVERSATION
        callback = (
            self.callback_time(item, ended_at)
            if self.disposition is Disposition.CALLBACK_REQUESTED
            else None
        )
        return Outcome(
            id=self.outcome_id,
            task_id=self.task_id,
            agent_id=agent_id,
            started_at=self.started_at,
            ended_at=max(ended_at, self.started_at),
            disposition=self.disposition,
            contact_checks=self._contact_checks(policy, ended_at.date()) if spoke else [],
            transaction_checks=[
                TransactionCheck(transaction_id=tx, answer=answer)
                for tx, answer in self.transaction_checks.items()
            ]
            if spoke
            else [],
            features=[
                FeatureUse(feature=f, in_use=a.in_use, problem=a.problem.strip())
                for f, a in self.features.items()
                if a.in_use is not None
            ]
            if spoke
            else [],
            needs=[Lead(product=p, note=a.note.strip()) for p, a in self.needs.items() if a.wanted]
            if spoke
            else [],
            fraud_warning_delivered=self.fraud_warning_delivered if spoke else None,
            security_tips_delivered=self.security_tips_delivered if spoke else None,
            resolution_satisfied=self.resolution_satisfied if spoke else None,
            satisfaction=self.satisfaction if spoke else None,
            closure_reason=self.closure_reason if spoke else None,
            reserved_info_answer=self.reserved_info_answer if spoke else None,
            escalations=[
                EscalationRequest(
                    id=e.id,
                    category=e.category,
                    department=e.department.strip(),
                    urgency=e.urgency,
                    summary=e.summary.strip(),
                    transaction_id=e.transaction_id,
                    event=e.event,
                )
                for e in self.escalations
            ],
            callback_at=callback,
            notes=self.notes.strip(),
            script_version=script_version,
            task_version=self.task_version,
        )

    def _contact_checks(self, policy: RevisitPolicy, today: date) -> list[ContactCheck]:
        checks = []
        for field, answer in self.contact_checks.items():
            if answer.result is None:
                continue
            value = None
            if answer.result is ContactCheckResult.CHANGED:
                normalized, _ = check_contact_value(
                    field, answer.new_value, policy.bank.default_region, today
                )
                value = normalized
            checks.append(ContactCheck(field=field, result=answer.result, new_value=value))
        return checks


_EARLIER_NAMES = {
    "contacts": "contact_checks",
    "transactions": "transaction_checks",
    "fraud_warning": "fraud_warning_delivered",
    "security_tips": "security_tips_delivered",
}


_EARLIER_ANSWER_NAMES = {
    "features": {"yes": "in_use", "note": "problem"},
    "needs": {"yes": "wanted"},
}


def _renamed_draft(draft: dict[str, Any]) -> dict[str, Any]:
    """A draft with the form's earlier names (a call in progress across an upgrade) renamed."""
    renamed = {_EARLIER_NAMES.get(key, key): value for key, value in draft.items()}
    for section, names in _EARLIER_ANSWER_NAMES.items():
        answers = renamed.get(section)
        if isinstance(answers, dict):
            renamed[section] = {
                item: {names.get(key, key): value for key, value in answer.items()}
                if isinstance(answer, dict)
                else answer
                for item, answer in answers.items()
            }
    return renamed
