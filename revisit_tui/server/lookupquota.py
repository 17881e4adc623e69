"""The daily quota of account-id lookups: how many numbers one caller may have turned into
account ids per day (`privacy.account_id_lookups_per_day`).

`POST /v1/accounts/ids` answers the id of any number, and listings show every id beside its
masked number: without a bound a supervisor token confirms guessed numbers. The count is one
row per caller and day, raised by a single upsert that adds a request's numbers only while the
total stays within the quota: on PostgreSQL concurrent upserts of one row wait on its lock and
each sees the total the one before left (whichever worker runs it); SQLite has one writer.
The day is the centre's ([supervisor] timezone), so a quota renews at its midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from revisit_tui.server.tables import account_id_lookups


@dataclass(frozen=True)
class Taken:
    """What a request took of the caller's day: `granted` False when it would have gone past
    the quota (then it took nothing); `used` is the day's total after it."""

    granted: bool
    used: int


def take(conn: Connection, actor: str, day: date, count: int, per_day: int) -> Taken:
    """Add `count` numbers to the actor's day if the total stays within `per_day`."""
    table = account_id_lookups
    if count <= per_day:
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        statement = insert(table).values(actor=actor, day=day, numbers=count)
        total = table.c.numbers + statement.excluded.numbers
        upsert = statement.on_conflict_do_update(
            index_elements=[table.c.actor, table.c.day],
            set_={"numbers": total},
            where=total <= per_day,
        )
        used = conn.scalar(upsert.returning(table.c.numbers))
        if used is not None:
            return Taken(granted=True, used=used)
    held = conn.scalar(sa.select(table.c.numbers).where(table.c.actor == actor, table.c.day == day))
    return Taken(granted=False, used=held or 0)


def quota_day(now: datetime, zone: str) -> tuple[date, datetime]:
    """The centre's day at `now` and the moment it ends (its next midnight)."""
    local = now.astimezone(ZoneInfo(zone))
    tomorrow = local.date() + timedelta(days=1)
    return local.date(), datetime.combine(tomorrow, datetime.min.time(), local.tzinfo)
