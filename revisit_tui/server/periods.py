"""Report periods: a month (YYYY-MM) or a day (YYYY-MM-DD), as UTC half-open ranges.

Periods are UTC days and months: the API's times are UTC, and a report spanning the bank's
time zones must not depend on the server's clock settings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import Query

from revisit_tui.server.problems import ProblemError

Month = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]


def month_range(month: str) -> tuple[datetime, datetime]:
    """[first instant, first instant of the next month) of 'YYYY-MM'; 422 on a bad month."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = datetime(year, number, 1, tzinfo=UTC)
    except ValueError:
        raise _bad("month", "not a month YYYY-MM") from None
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


def day_range(day: str) -> tuple[datetime, datetime]:
    """[midnight, next midnight) of 'YYYY-MM-DD'; 422 on a bad date."""
    try:
        start_day = date.fromisoformat(day)
    except ValueError:
        raise _bad("day", "not a date YYYY-MM-DD") from None
    start = datetime(start_day.year, start_day.month, start_day.day, tzinfo=UTC)
    return start, datetime.fromordinal(start_day.toordinal() + 1).replace(tzinfo=UTC)


def _bad(field: str, message: str) -> ProblemError:
    return ProblemError(422, "invalid", f"invalid fields: {field}", {field: message})
