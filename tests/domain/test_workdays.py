"""Working days of the Chinese calendar, 调休 included, and the bank's own corrections."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from revisit_tui.domain.policy import CalendarPolicy
from revisit_tui.domain.workdays import WorkCalendar

CAL = WorkCalendar(CalendarPolicy())


def test_national_day_2025_is_off_and_its_make_up_weekend_days_are_working() -> None:
    for day in range(1, 9):
        assert not CAL.is_working_day(date(2025, 10, day)), f"2025-10-0{day}"
    assert CAL.is_working_day(date(2025, 9, 28))  # Sunday, worked for National Day
    assert CAL.is_working_day(date(2025, 10, 11))  # Saturday, worked for National Day
    assert CAL.is_working_day(date(2025, 10, 9))


def test_2026_spring_festival_and_make_up_saturdays() -> None:
    assert not CAL.is_working_day(date(2026, 2, 16))  # New Year's Eve (Monday)
    assert not CAL.is_working_day(date(2026, 2, 23))  # Monday, the holiday's last day
    assert CAL.is_working_day(date(2026, 2, 14))  # Saturday worked
    assert CAL.is_working_day(date(2026, 2, 28))  # Saturday worked
    assert CAL.is_working_day(date(2026, 1, 4))  # Sunday worked for New Year


def test_plain_weekend_is_not_a_working_day() -> None:
    assert not CAL.is_working_day(date(2026, 11, 28))  # Saturday
    assert not CAL.is_working_day(date(2026, 11, 29))  # Sunday
    assert CAL.is_working_day(date(2026, 11, 30))


def test_add_working_days_skips_the_national_day_week() -> None:
    # Tuesday 2025-09-30 + 1 working day: Oct 1–8 are off, so Thursday Oct 9
    assert CAL.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    # Friday 2025-09-26 + 1 lands on the make-up Sunday 2025-09-28
    assert CAL.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)
    # from a Saturday, 0 working days rolls to Monday
    assert CAL.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)


def test_bank_corrections_apply_to_a_year_the_package_lacks() -> None:
    extra_working = date(2027, 9, 26)  # a Sunday the bank declares working
    extra_holiday = date(2027, 10, 8)  # a Friday the bank declares off
    calendar = WorkCalendar(
        CalendarPolicy(extra_working_days=[extra_working], extra_holidays=[extra_holiday])
    )
    assert not CAL.is_working_day(extra_working)
    assert calendar.is_working_day(extra_working)
    assert CAL.is_working_day(extra_holiday)
    assert not calendar.is_working_day(extra_holiday)
    assert not calendar.is_working_day(date(2027, 10, 1))  # National Day, from the package


def test_negative_count_is_refused() -> None:
    try:
        CAL.add_working_days(date(2026, 1, 5), -1)
    except ValueError as exc:
        assert "-1" in str(exc)
    else:
        raise AssertionError("a negative count was accepted")


@settings(max_examples=150, deadline=None)
@given(st.dates(date(2020, 1, 1), date(2032, 12, 31)), st.integers(0, 40), st.integers(0, 40))
def test_add_working_days_lands_on_a_working_day_and_is_monotone(
    start: date, n: int, extra: int
) -> None:
    first = CAL.add_working_days(start, n)
    later = CAL.add_working_days(start, n + extra)
    assert CAL.is_working_day(first)
    assert first >= start
    assert later >= first
    between = sum(
        CAL.is_working_day(start + timedelta(days=k)) for k in range(1, (first - start).days + 1)
    )
    assert n == 0 or between == n
