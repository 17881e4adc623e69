"""Report periods: a month (YYYY-MM) or a day (YYYY-MM-DD), as half-open ranges of instants.

Periods are days and months of the time zone the caller names (`tz`, an IANA name, e.g. the
centre's Asia/Shanghai), UTC when it names none: never the server's own clock settings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Query

from revisit_tui.server.problems import ProblemError

Month = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
Zone = Annotated[
    str,
    Query(max_length=64, description="IANA time zone of the days and months (default UTC)"),
]


def zone(name: str) -> tzinfo:
    """The time zone of an IANA name; 422 naming `tz` when there is no such zone."""
    if name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _bad("tz", f"unknown time zone {name!r}") from None


def month_range(month: str, tz: tzinfo = UTC) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of 'YYYY-MM' in `tz`, as UTC; 422 on
    a bad month."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, tzinfo=tz)
    except ValueError:
        raise _bad("month", "not a month YYYY-MM") from None
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def day_range(day: str, tz: tzinfo = UTC) -> tuple[datetime, datetime]:
    """[midnight, next midnight) of 'YYYY-MM-DD' in `tz`, as UTC; 422 on a bad date."""
    try:
        start_day = date.fromisoformat(day)
    except ValueError:
        raise _bad("day", "not a date YYYY-MM-DD") from None
    start = datetime(start_day.year, start_day.month, start_day.day, tzinfo=tz)
    end_day = date.fromordinal(start_day.toordinal() + 1)
    end = datetime(end_day.year, end_day.month, end_day.day, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _bad(field: str, message: str) -> ProblemError:
    return ProblemError(422, "invalid", f"invalid fields: {field}", {field: message})
