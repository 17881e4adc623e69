"""Validators with real-world values: Chinese and foreign phones, resident IDs, e-mail, dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from revisit_tui.domain.models import (
    AccountEvent,
    ContactCheck,
    ContactCheckResult,
    ContactField,
    Disposition,
    EscalationCategory,
    EscalationRequest,
    Outcome,
    TaskKind,
    TransactionAnswer,
    Urgency,
)
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.validation import (
    InvalidValue,
    check_contact_value,
    check_date,
    check_email,
    check_phone,
    check_resident_id,
    display_phone,
    id_check_digit,
    normalize_phone,
    validate_outcome,
)

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("13812345678", "+8613812345678"),
        ("159 1234 5678", "+8615912345678"),
        ("+86 199-1234-5678", "+8619912345678"),
        ("+852 9123 4567", "+85291234567"),
        ("+1 646 555 0123", "+16465550123"),  # US numbers are fixed line or mobile
        ("+44 7911 123456", "+447911123456"),
    ],
)
def test_mobiles_are_stored_as_e164(typed: str, e164: str) -> None:
    assert check_phone("mobile", typed, "CN", "mobile") == (e164, None)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("010-62345678", "+861062345678"),
        ("021 6234 5678", "+862162345678"),
        ("0755-8888 6666", "+8675588886666"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_landlines_with_area_codes(typed: str, e164: str) -> None:
    assert check_phone("landline", typed, "CN", "landline") == (e164, None)


@pytest.mark.parametrize(
    ("typed", "kind", "code"),
    [
        ("", "any", "required"),
        ("call me", "any", "phone_unparsable"),
        ("1381234567", "any", "phone_invalid"),  # 10 digits
        ("12345678901", "any", "phone_invalid"),  # no 12x mobile range
        ("010-62345678", "mobile", "phone_not_mobile"),
        ("13812345678", "landline", "phone_not_landline"),
    ],
)
def test_bad_phones_say_what_is_wrong(typed: str, kind: str, code: str) -> None:
    value, problem = check_phone("mobile", typed, "CN", kind)  # type: ignore[arg-type]
    assert value is None and problem is not None and problem.code == code


def test_phone_messages_name_the_field_in_both_languages() -> None:
    _, problem = check_phone("mobile", "12345", "CN", "mobile")
    assert problem is not None
    assert problem.message("zh-CN").startswith("手机号码")
    assert problem.message("en").startswith("Mobile number")


def test_normalize_phone_raises_with_the_problem() -> None:
    assert normalize_phone("13812345678", "CN") == "+8613812345678"
    with pytest.raises(InvalidValue) as caught:
        normalize_phone("999", "CN")
    assert caught.value.problem.code == "phone_invalid"


def test_display_phone_is_national_at_home_and_international_abroad() -> None:
    assert display_phone("+8613812345678", "CN") == "138 1234 5678"
    assert display_phone("+861062345678", "CN") == "010 6234 5678"
    assert display_phone("+85291234567", "CN") == "+852 9123 4567"
    assert display_phone("not a number", "CN") == "not a number"


def test_gb11643_example_and_its_check_digit() -> None:
    assert id_check_digit("11010519491231002") == "X"
    assert check_resident_id("identity_number", "11010519491231002x", TODAY) == (
        "11010519491231002X",
        None,
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1101051949123100", "id_length"),
        ("11010519491231002Y", "id_format"),
        ("99010519491231002X", "id_region"),
        ("110105194902300028", "id_birth_date"),  # 30 February
        ("110105203001010011", "id_future_birth"),
        ("110105194912310021", "id_check_digit"),
    ],
)
def test_bad_resident_ids(typed: str, code: str) -> None:
    value, problem = check_resident_id("identity_number", typed, TODAY)
    assert value is None and problem is not None and problem.code == code


def test_wrong_check_digit_message_says_the_expected_one() -> None:
    _, problem = check_resident_id("identity_number", "110105194912310021", TODAY)
    assert problem is not None and "X" in problem.message("en") and "X" in problem.message("zh-CN")


@pytest.mark.parametrize("good", ["zhang.wei@example.com", "li+bank@mail.Example.CN", "a@b.io"])
def test_good_emails(good: str) -> None:
    value, problem = check_email("email", good)
    assert problem is None and value is not None and value.split("@")[1].islower()


@pytest.mark.parametrize(
    "bad", ["zhang.wei", "zhang@", "@example.com", "zhang wei@example.com", "a..b@x.cn", "a@x"]
)
def test_bad_emails(bad: str) -> None:
    assert check_email("email", bad)[1] is not None


def test_dates_in_the_forms_people_type_them() -> None:
    assert check_date("date", "2030-05-01") == ("2030-05-01", None)
    assert check_date("date", "20300501") == ("2030-05-01", None)
    assert check_date("date", "2030.05.01") == ("2030-05-01", None)  # as on the ID card
    assert check_date("date", "2030-02-30")[1] is not None
    _, past = check_date("identity_expiry", "2020-01-01", not_before=TODAY)
    assert past is not None and past.code == "date_past"
    assert "证件有效期" in past.message("zh-CN")


def test_contact_values_dispatch_by_field() -> None:
    assert check_contact_value(ContactField.MOBILE, "13812345678", "CN", TODAY)[0] == (
        "+8613812345678"
    )
    assert check_contact_value(ContactField.ADDRESS, "  上海市  浦东新区 ", "CN", TODAY)[0] == (
        "上海市 浦东新区"
    )
    assert check_contact_value(ContactField.ADDRESS, "x" * 201, "CN", TODAY)[1] is not None
    assert check_contact_value(ContactField.IDENTITY_EXPIRY, "长期", "CN", TODAY)[0] == "long-term"
    assert check_contact_value(ContactField.IDENTITY_EXPIRY, "2019-01-01", "CN", TODAY)[1]


def test_validate_outcome_names_every_changed_field_by_path() -> None:
    now = datetime(2026, 11, 25, 3, tzinfo=UTC)
    outcome = Outcome(
        id=uuid4(),
        task_id="t1",
        agent_id="a1",
        started_at=now,
        ended_at=now,
        disposition=Disposition.REACHED,
        fraud_warning_delivered=True,
        contact_checks=[
            ContactCheck(field=ContactField.MOBILE, result=ContactCheckResult.CONFIRMED),
            ContactCheck(field=ContactField.MOBILE, result="changed", new_value="1381234"),
            ContactCheck(field=ContactField.EMAIL, result="changed", new_value="ok@example.com"),
            ContactCheck(field=ContactField.IDENTITY_NUMBER, result="changed", new_value="123"),
        ],
    )
    problems = validate_outcome(outcome, RevisitPolicy(), TODAY)
    assert [p.field for p in problems] == [
        "contact_checks[1].new_value",
        "contact_checks[3].new_value",
    ]
    assert problems[0].message("en").startswith("Mobile number")
    assert problems[1].message("zh-CN").startswith("身份证号码")


def test_a_reserved_info_answer_or_escalation_belongs_only_to_a_reserved_info_revisit() -> None:
    now = datetime(2026, 11, 25, 3, tzinfo=UTC)
    outcome = Outcome(
        id=uuid4(),
        task_id="t1",
        agent_id="a1",
        started_at=now,
        ended_at=now,
        disposition=Disposition.REACHED,
        fraud_warning_delivered=True,
        reserved_info_answer=TransactionAnswer.NOT_ME,
        escalations=[
            EscalationRequest(
                id=uuid4(),
                category=EscalationCategory.FRAUD,
                department="fraud",
                urgency=Urgency.URGENT,
                summary="not me",
                event=AccountEvent.RESERVED_INFO_CHANGED,
            )
        ],
    )
    policy = RevisitPolicy()
    event = AccountEvent.RESERVED_INFO_CHANGED
    assert validate_outcome(outcome, policy, TODAY, TaskKind.SPECIAL_EVENT, event) == []
    for kind, other in [
        (TaskKind.SPECIAL_EVENT, AccountEvent.COMPLAINT),
        (TaskKind.SPECIAL_EVENT, AccountEvent.LARGE_ABNORMAL_TRANSACTION),
        (TaskKind.PERIODIC, None),
    ]:
        problems = validate_outcome(outcome, policy, TODAY, kind, other)
        assert [p.field for p in problems] == ["reserved_info_answer", "escalations[0].event"]
        assert "reserved information" in problems[0].message("en")
        assert problems[0].message("zh-CN").startswith("只有")


@settings(max_examples=150, deadline=None)
@given(
    region=st.sampled_from(["11", "31", "44", "65", "81"]),
    birth=st.dates(date(1900, 1, 1), TODAY),
    serial=st.integers(0, 999),
    position=st.integers(0, 16),
    shift=st.integers(1, 9),
)
def test_any_single_digit_error_in_a_resident_id_is_caught(
    region: str, birth: date, serial: int, position: int, shift: int
) -> None:
    first17 = f"{region}0101{birth:%Y%m%d}{serial:03d}"
    valid = first17 + id_check_digit(first17)
    assert check_resident_id("identity_number", valid, TODAY) == (valid, None)
    digits = list(valid)
    digits[position] = str((int(digits[position]) + shift) % 10)
    assert check_resident_id("identity_number", "".join(digits), TODAY)[0] is None


@pytest.mark.parametrize("region", ["CN", "HK", "US", "GB", "JP"])
def test_normalized_numbers_normalize_to_themselves(region: str) -> None:
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
    assert check_phone("mobile", national, region, "mobile") == (e164, None)
    assert check_phone("mobile", e164, "CN", "mobile") == (e164, None)
