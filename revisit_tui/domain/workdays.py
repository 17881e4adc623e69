"""Working days of the Chinese calendar: public holidays and adjusted working days (调休).

Built on `holidays.China`, which knows the State Council's holidays and the weekend days made
working days for the years it has data for (2025 and 2026 included); for a later year it knows
the fixed holidays but not the 调休 Saturdays/Sundays, which the bank adds in
`[calendar] extra_working_days` (and `extra_holidays`) once they are published.
Each year is computed once and cached, so lookups cost an index into a tuple.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from revisit_tui.domain.policy import CalendarPolicy

SATURDAY = 5


@lru_cache(maxsize=64)
def _china_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The package's public holidays and adjusted working weekend days of one year (holidays is
    imported here, on first use: it is slow to import and the queue's first paint needs none)."""
    from holidays.countries.china import China

    calendar = China(years=year)
    days_off = frozenset(day for day in calendar if day.year == year)
    working_weekends = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, working_weekends


def is_public_holiday(day: date, policy: CalendarPolicy) -> bool:
    """A public holiday of the Chinese calendar or one the bank added, unless declared a
    working day."""
    if day in policy.extra_working_days:
        return False
    return day in policy.extra_holidays or day in _china_year(day.year)[0]


class WorkCalendar:
    """Answers "is this a working day?" and "which day is N working days later?"."""

    def __init__(self, policy: CalendarPolicy) -> None:
        self._extra_holidays = frozenset(policy.extra_holidays)
        self._extra_working_days = frozenset(policy.extra_working_days)
        self._years: dict[int, tuple[bool, ...]] = {}
        self._added: dict[tuple[date, int], date] = {}

    def is_working_day(self, day: date) -> bool:
        """True on weekdays that are not holidays, and on weekend days declared working."""
        flags = self._years.get(day.year) or self._year(day.year)
        return flags[day.timetuple().tm_yday - 1]

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n=0: `start` itself, or the next working day)."""
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        key = (start, n)
        found = self._added.get(key)
        if found is None:
            found = self._walk(start, n)
            self._added[key] = found
        return found

    def _walk(self, start: date, n: int) -> date:
        day = start
        if n == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def _year(self, year: int) -> tuple[bool, ...]:
        days_off, working_weekends = _china_year(year)
        first = date(year, 1, 1)
        flags = []
        for offset in range((date(year + 1, 1, 1) - first).days):
            day = first + timedelta(days=offset)
            if day in self._extra_working_days:
                working = True
            elif day in self._extra_holidays or day in days_off:
                working = False
            else:
                working = day.weekday() < SATURDAY or day in working_weekends
            flags.append(working)
        self._years[year] = tuple(flags)
        return self._years[year]
