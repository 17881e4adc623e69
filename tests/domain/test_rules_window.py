"""Callable windows and SMS rest hours, by the customer's own clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revisit_tui.domain.models import Customer, CustomerType
from revisit_tui.domain.policy import CalendarPolicy, CallPolicy, RevisitPolicy, SmsPolicy
from revisit_tui.domain.rules import (
    DoNotCallError,
    callback_problem,
    check_callback,
    is_callable,
    next_callable_at,
    sms_decision,
)

POLICY = RevisitPolicy()
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


def customer(timezone: str = "Asia/Shanghai", **changes: object) -> Customer:
    base = Customer(
        id="c1",
        type=CustomerType.PERSONAL,
        name="张伟",
        mobile="+8613812345678",
        timezone=timezone,
        branch="b1",
    )
    return base.model_copy(update=changes)


def at(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


def test_window_is_read_in_the_customers_zone_not_the_agents() -> None:
    agent_morning = at(SHANGHAI, 2026, 11, 25, 10, 0)  # 21:00 the day before in New York
    assert is_callable(customer(), agent_morning, POLICY)
    assert not is_callable(customer("America/New_York"), agent_morning, POLICY)
    urumqi = customer("Asia/Urumqi")  # UTC+6: 09:00 Shanghai is 07:00 there
    assert not is_callable(urumqi, at(SHANGHAI, 2026, 11, 25, 9, 0), POLICY)
    assert is_callable(urumqi, at(SHANGHAI, 2026, 11, 25, 11, 0), POLICY)


def test_next_callable_for_new_york_is_its_own_nine_oclock() -> None:
    start = next_callable_at(customer("America/New_York"), at(SHANGHAI, 2026, 11, 25, 10), POLICY)
    assert start.astimezone(NEW_YORK) == at(NEW_YORK, 2026, 11, 25, 9, 0)
    assert start.tzinfo is SHANGHAI


def test_window_crossing_midnight() -> None:
    night = RevisitPolicy(calls=CallPolicy(callable_start=time(22), callable_end=time(2)))
    assert is_callable(customer(), at(SHANGHAI, 2026, 11, 25, 23, 30), night)
    assert is_callable(customer(), at(SHANGHAI, 2026, 11, 26, 1, 59), night)
    assert not is_callable(customer(), at(SHANGHAI, 2026, 11, 26, 2, 0), night)
    found = next_callable_at(customer(), at(SHANGHAI, 2026, 11, 26, 12), night)
    assert found == at(SHANGHAI, 2026, 11, 26, 22, 0)


def test_weekends_off_belong_to_the_day_a_night_window_starts() -> None:
    policy = RevisitPolicy(
        calls=CallPolicy(callable_start=time(20), callable_end=time(1), callable_weekends=False)
    )
    friday_night = at(SHANGHAI, 2026, 11, 28, 0, 30)  # Saturday 00:30, Friday's window
    assert is_callable(customer(), friday_night, policy)
    saturday = at(SHANGHAI, 2026, 11, 28, 21, 0)
    assert not is_callable(customer(), saturday, policy)
    assert next_callable_at(customer(), saturday, policy) == at(SHANGHAI, 2026, 11, 30, 20, 0)


def test_do_not_call_is_never_callable_and_has_no_next_time() -> None:
    quiet = customer(do_not_call=True)
    assert not is_callable(quiet, at(SHANGHAI, 2026, 11, 25, 10), POLICY)
    with pytest.raises(DoNotCallError):
        next_callable_at(quiet, at(SHANGHAI, 2026, 11, 25, 10), POLICY)


def test_unknown_time_zone_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="Mars/Base"):
        is_callable(customer("Mars/Base"), at(SHANGHAI, 2026, 11, 25, 10), POLICY)


ZONES = st.sampled_from(["Asia/Shanghai", "America/New_York", "Asia/Urumqi", "Europe/London"])
CLOCK = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@settings(max_examples=200, deadline=None)
@given(
    zone=ZONES,
    moment=st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC)),
    start=CLOCK,
    end=CLOCK,
    weekends=st.booleans(),
)
def test_next_callable_is_callable_and_not_earlier(
    zone: str, moment: datetime, start: time, end: time, weekends: bool
) -> None:
    policy = RevisitPolicy(
        calls=CallPolicy(callable_start=start, callable_end=end, callable_weekends=weekends)
    )
    found = next_callable_at(customer(zone), moment, policy)
    assert found >= moment
    assert is_callable(customer(zone), found, policy)


def test_callback_in_the_past_or_outside_the_window_is_explained() -> None:
    now = at(SHANGHAI, 2026, 11, 25, 10)
    ny = customer("America/New_York")
    past = check_callback(ny, now - timedelta(hours=1), now, POLICY)
    assert past is not None and past.code == "callback_in_past"
    late = check_callback(ny, at(NEW_YORK, 2026, 11, 25, 22, 0), now, POLICY)
    assert late is not None and late.code == "callback_outside_window"
    english = late.message("en")
    assert "09:00–20:00 America/New_York" in english
    assert "回拨时间" in late.message("zh-CN")
    assert check_callback(ny, at(NEW_YORK, 2026, 11, 25, 10, 0), now, POLICY) is None
    assert callback_problem(ny, at(NEW_YORK, 2026, 11, 25, 10, 0), now, POLICY) is None
    assert callback_problem(ny, now - timedelta(1), now, POLICY, "zh-CN") == past.message("zh-CN")


def test_callback_on_a_weekend_when_weekends_are_off() -> None:
    policy = RevisitPolicy(calls=CallPolicy(callable_weekends=False))
    now = at(SHANGHAI, 2026, 11, 25, 10)
    problem = check_callback(customer(), at(SHANGHAI, 2026, 11, 28, 10), now, policy)
    assert problem is not None and problem.code == "callback_weekend"


# --- SMS ----------------------------------------------------------------------------------


def test_sms_in_rest_hours_waits_for_the_morning_in_the_customers_zone() -> None:
    late = at(NEW_YORK, 2026, 11, 25, 22, 30)
    decision = sms_decision(customer("America/New_York"), late, [], POLICY)
    assert (decision.allowed, decision.code) == (False, "quiet_hours")
    assert decision.next_allowed_at == at(NEW_YORK, 2026, 11, 26, 8, 0)
    assert sms_decision(customer(), late, [], POLICY).allowed  # 11:30 in Shanghai


def test_sms_daily_cap_then_rest_hours_then_weekly_cap() -> None:
    now = at(SHANGHAI, 2026, 11, 25, 15)
    decision = sms_decision(customer(), now, [at(SHANGHAI, 2026, 11, 25, 9)], POLICY)
    assert (decision.code, decision.next_allowed_at) == (
        "frequency_cap",
        at(SHANGHAI, 2026, 11, 26, 8, 0),  # midnight is in the rest hours
    )
    week = [at(SHANGHAI, 2026, 11, day, 10) for day in (20, 22, 24)]
    capped = sms_decision(customer(), now, week, POLICY)
    assert capped.code == "frequency_cap"
    assert capped.next_allowed_at == at(SHANGHAI, 2026, 11, 27, 10)  # the 20th + 7 days


def test_sms_refused_for_opt_out_and_missing_mobile() -> None:
    now = at(SHANGHAI, 2026, 11, 25, 15)
    assert sms_decision(customer(sms_opt_out=True), now, [], POLICY).code == "sms_opt_out"
    assert sms_decision(customer(mobile=None), now, [], POLICY).code == "no_mobile"
    none_allowed = RevisitPolicy(sms=SmsPolicy(max_per_day=0))
    decision = sms_decision(customer(), now, [], none_allowed)
    assert (decision.code, decision.next_allowed_at) == ("frequency_cap", None)


@settings(max_examples=100, deadline=None)
@given(
    zone=ZONES,
    moment=st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC)),
    ages=st.lists(st.integers(1, 60 * 24 * 9), max_size=6),
)
def test_sms_next_allowed_time_is_itself_allowed(
    zone: str, moment: datetime, ages: list[int]
) -> None:
    sent = [moment - timedelta(minutes=age) for age in ages]
    decision = sms_decision(customer(zone), moment, sent, POLICY)
    if decision.allowed:
        return
    assert decision.next_allowed_at is not None and decision.next_allowed_at > moment
    assert sms_decision(customer(zone), decision.next_allowed_at, sent, POLICY).allowed


def test_public_holidays_can_be_taken_out_of_the_callable_days() -> None:
    shanghai = Customer(id="h", type="personal", name="x", branch="b", timezone="Asia/Shanghai")
    closed = RevisitPolicy(
        calls=CallPolicy(callable_holidays=False),
        calendar=CalendarPolicy(extra_holidays=[date(2026, 12, 1)]),
    )
    noon = datetime(2026, 12, 1, 4, tzinfo=UTC)  # 12:00 in Shanghai, the bank's holiday
    assert is_callable(shanghai, noon, RevisitPolicy())
    assert not is_callable(shanghai, noon, closed)
    assert next_callable_at(shanghai, noon, closed) == datetime(2026, 12, 2, 1, tzinfo=UTC)
    problem = check_callback(shanghai, noon, noon - timedelta(days=1), closed)
    assert problem is not None and problem.code == "callback_holiday"


def test_the_window_ends_at_its_end_and_starts_at_its_start() -> None:
    shanghai = Customer(id="w", type="personal", name="x", branch="b", timezone="Asia/Shanghai")
    nine, eight_pm = datetime(2026, 12, 2, 1, tzinfo=UTC), datetime(2026, 12, 2, 12, tzinfo=UTC)
    assert is_callable(shanghai, nine, POLICY)
    assert not is_callable(shanghai, nine - timedelta(seconds=1), POLICY)
    assert not is_callable(shanghai, eight_pm, POLICY)  # 20:00 is the first minute closed
    assert is_callable(shanghai, eight_pm - timedelta(seconds=1), POLICY)
