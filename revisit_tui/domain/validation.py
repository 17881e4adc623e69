"""Validators for values an agent types during a call: phones, e-mail, resident ID, dates.

Each `check_*` returns `(normalized value, None)` or `(None, FieldProblem)`, so a form can show
the problem inline and the server can answer 422 naming every field, from the same code.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from revisit_tui.domain.messages import FIELD_LABELS, MESSAGES
from revisit_tui.domain.models import (
    SHORT_TEXT_MAX,
    AccountEvent,
    ContactCheckResult,
    ContactField,
    Customer,
    DocumentKind,
    Language,
    Outcome,
    TaskKind,
)
from revisit_tui.domain.policy import RevisitPolicy

PhoneKind = Literal["mobile", "landline", "any"]
Checked = tuple[str | None, "FieldProblem | None"]

_PATH_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field: a message code and its parameters, shown in any locale."""

    field: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def message(self, locale: Language | str = Language.ZH_CN) -> str:
        """The sentence for the user, naming the field in their language."""
        language = Language(locale)
        label_key = str(self.params.get("label") or _PATH_INDEX.sub("", self.field).split(".")[-1])
        label = FIELD_LABELS.get(label_key, {}).get(language, label_key)
        text = MESSAGES[self.code][language].format_map({**self.params, "field": label})
        return text[:1].upper() + text[1:]


class InvalidValue(ValueError):
    """Raised by the raising variants (e.g. `normalize_phone`); carries the problem."""

    def __init__(self, problem: FieldProblem) -> None:
        self.problem = problem
        super().__init__(problem.message(Language.EN))


# --- phones -------------------------------------------------------------------------------
# phonenumbers is imported where a number is read: its metadata costs start-up time to every
# importer of this module (the rules, the app's queue) that never handles a phone number.


def check_phone(field: str, value: str, region: str, kind: PhoneKind = "any") -> Checked:
    """A phone number as E.164; numbers without +country are read in `region` (e.g. "CN")."""
    import phonenumbers
    from phonenumbers import PhoneNumberFormat, PhoneNumberType

    text = value.strip()
    if not text:
        return None, FieldProblem(field, "required")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, FieldProblem(field, "phone_unparsable")
    if not phonenumbers.is_valid_number(number):
        return None, FieldProblem(field, "phone_invalid")
    number_type = phonenumbers.number_type(number)
    either = PhoneNumberType.FIXED_LINE_OR_MOBILE
    if kind == "mobile" and number_type not in (PhoneNumberType.MOBILE, either):
        return None, FieldProblem(field, "phone_not_mobile")
    if kind == "landline" and number_type not in (PhoneNumberType.FIXED_LINE, either):
        return None, FieldProblem(field, "phone_not_landline")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), None


def normalize_phone(value: str, region: str, kind: PhoneKind = "any") -> str:
    """E.164 form of a phone number; raises InvalidValue (for importers of master data)."""
    normalized, problem = check_phone("phone", value, region, kind)
    if problem is not None:
        raise InvalidValue(problem)
    assert normalized is not None
    return normalized


def display_phone(e164: str, region: str) -> str:
    """National format for a number of the home region, international format otherwise."""
    import phonenumbers
    from phonenumbers import PhoneNumberFormat

    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    home = phonenumbers.region_code_for_number(number) == region
    return phonenumbers.format_number(
        number, PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL
    )


# --- e-mail -------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}(?<!\.)"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def check_email(field: str, value: str) -> Checked:
    """An e-mail address (name@domain.tld); the domain is lower-cased."""
    text = value.strip()
    if not text:
        return None, FieldProblem(field, "required")
    if len(text) > 254 or not _EMAIL.match(text):
        return None, FieldProblem(field, "email_invalid")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}", None


# --- resident identity card (GB 11643) ----------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
# provinces (GB/T 2260), Hong Kong/Macao/Taiwan residence permits, foreigners' permanent IDs
_PROVINCES = (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55))
_ID_REGIONS = frozenset(str(code) for code in (*_PROVINCES, *range(61, 66), 71, 81, 82, 83, 91))


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def check_resident_id(field: str, value: str, today: date) -> Checked:
    """An 18-character resident ID: region, a real birth date not after today, check digit."""
    text = value.strip().replace(" ", "").upper()
    if not text:
        return None, FieldProblem(field, "required")
    if len(text) != 18:
        return None, FieldProblem(field, "id_length", {"length": len(text)})
    if not _ID_SHAPE.match(text):
        return None, FieldProblem(field, "id_format")
    if text[:2] not in _ID_REGIONS:
        return None, FieldProblem(field, "id_region", {"region": text[:6]})
    birth_text = f"{text[6:10]}-{text[10:12]}-{text[12:14]}"
    try:
        birth = date.fromisoformat(birth_text)
    except ValueError:
        birth = date.min
    if birth.year < 1900:
        return None, FieldProblem(field, "id_birth_date", {"birth": birth_text})
    if birth > today:
        return None, FieldProblem(field, "id_future_birth", {"birth": birth_text})
    expected = id_check_digit(text[:17])
    if text[17] != expected:
        return None, FieldProblem(field, "id_check_digit", {"expected": expected})
    return text, None


# --- dates and text -----------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})[-./]?(\d{2})[-./]?(\d{2})$")
LONG_TERM = "long-term"
_LONG_TERM_WORDS = frozenset({"长期", "長期", "long-term", "long term", "permanent"})


def check_date(field: str, value: str, not_before: date | None = None) -> Checked:
    """A date as ISO text; takes 2027-03-31, 20270331 or 2027.03.31 (as printed on ID cards).

    With `not_before` (e.g. today for an expiry date) an earlier date is refused.
    """
    text = value.strip()
    if not text:
        return None, FieldProblem(field, "required")
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError(text)
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, FieldProblem(field, "date_invalid")
    if not_before is not None and day < not_before:
        return None, FieldProblem(field, "date_past", {"value": day.isoformat()})
    return day.isoformat(), None


def check_text(field: str, value: str, max_length: int = SHORT_TEXT_MAX) -> Checked:
    """Free text such as an address: not blank, runs of spaces collapsed, not too long."""
    text = " ".join(value.split())
    if not text:
        return None, FieldProblem(field, "required")
    if len(text) > max_length:
        return None, FieldProblem(field, "too_long", {"max": max_length})
    return text, None


def check_contact_value(field: ContactField, value: str, region: str, today: date) -> Checked:
    """A new value for one contact field, checked and normalized the way that field needs.

    An ID expiry may also be 长期 / long-term (IDs of people over 45 do not expire).
    """
    name = field.value
    if field is ContactField.MOBILE:
        return check_phone(name, value, region, "mobile")
    if field is ContactField.LANDLINE:
        return check_phone(name, value, region, "landline")
    if field is ContactField.EMAIL:
        return check_email(name, value)
    if field is ContactField.ADDRESS:
        return check_text(name, value)
    if field is ContactField.IDENTITY_NUMBER:
        return check_resident_id(name, value, today)
    if value.strip().lower() in _LONG_TERM_WORDS:
        return LONG_TERM, None
    return check_date(name, value, not_before=today)


def validate_outcome(
    outcome: Outcome,
    policy: RevisitPolicy,
    today: date,
    kind: TaskKind | None = None,
    event: AccountEvent | None = None,
) -> list[FieldProblem]:
    """Every problem in an outcome's changed contact values, each with its field path, and,
    given its task's kind and special event, what only another revisit records: a closure
    reason on a task that is not a closure revisit, an answer about a reserved-info change on
    a task that is not about one, an escalation naming an event that is not the task's."""
    problems: list[FieldProblem] = []
    if kind is not None and kind is not TaskKind.CLOSURE and outcome.closure_reason is not None:
        problems.append(FieldProblem("closure_reason", "closure_reason_not_closure"))
    if kind is not None:
        reserved = event is AccountEvent.RESERVED_INFO_CHANGED
        if not reserved and outcome.reserved_info_answer is not None:
            problems.append(FieldProblem("reserved_info_answer", "reserved_info_answer_elsewhere"))
        problems += [
            FieldProblem(f"escalations[{index}].event", "escalation_event_not_the_tasks")
            for index, request in enumerate(outcome.escalations)
            if request.event is not None and request.event is not event
        ]
    for index, check in enumerate(outcome.contact_checks):
        if check.result is not ContactCheckResult.CHANGED or check.new_value is None:
            continue
        _, problem = check_contact_value(
            check.field, check.new_value, policy.bank.default_region, today
        )
        if problem is not None:
            problems.append(
                replace(
                    problem,
                    field=f"contact_checks[{index}].new_value",
                    params={**problem.params, "label": check.field.value},
                )
            )
    return problems


def validate_customer(customer: Customer, region: str, today: date) -> list[FieldProblem]:
    """Every problem in an imported customer's contact data: an IANA time zone, phones in
    E.164, an e-mail address, a resident ID that passes GB 11643. Field names are the
    customer's own (`timezone`, `identity.number`)."""
    problems: list[FieldProblem] = []
    try:
        ZoneInfo(customer.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(FieldProblem("timezone", "timezone_unknown", {"value": customer.timezone}))
    for name in ("mobile", "landline"):
        value = getattr(customer, name)
        if value is None:
            continue
        normalized, problem = check_phone(name, value, region)
        if problem is None and normalized != value:
            problem = FieldProblem(name, "phone_not_e164", {"expected": normalized})
        if problem is not None:
            problems.append(problem)
    if customer.email is not None:
        _, problem = check_email("email", customer.email)
        if problem is not None:
            problems.append(problem)
    identity = customer.identity
    if identity is not None and identity.kind is DocumentKind.RESIDENT_ID:
        _, problem = check_resident_id("identity.number", identity.number, today)
        if problem is not None:
            problems.append(problem)
    return problems
