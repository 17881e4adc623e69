"""GET /v1/wallboard: the floor's day in aggregates, for supervisors, polled with ETags.

Each part is read the cheap way for a centre of a million tasks: open tasks are counted per
kind over the (status, kind, due) index for the due dates that matter today; today's
outcomes are tallied once and then caught up from the rows stored since (DayTally); the
roster, presence and unresolved escalations are small.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from fastapi import APIRouter, Header, Response
from sqlalchemy.engine import Connection, Engine

from revisit_tui.domain.models import Disposition, Escalation, Role, TaskKind, TaskStatus, Urgency
from revisit_tui.domain.wallboard import HOURS, NEAREST_DEADLINES, Wallboard
from revisit_tui.domain.workdays import WorkCalendar
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.periods import Zone, day_range, zone
from revisit_tui.server.presence import SIGNED_IN_SECONDS
from revisit_tui.server.problems import errors
from revisit_tui.server.routes.escalations import UNRESOLVED
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import (
    UtcDateTime,
    agent_presence,
    escalations,
    outcomes,
    principals,
    tasks,
)
from revisit_tui.server.taskstore import chunks

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)

# outcomes are stamped received_at before their transaction commits: each catch-up re-reads
# this far back so that one committed late (a big batch waiting out the busy timeout and its
# retries) is still counted, once
CATCH_UP_OVERLAP = timedelta(minutes=1)


@router.get(
    "/wallboard",
    response_model=Wallboard,
    responses={**errors(), 304: {"description": "not modified since the ETag given"}},
)
def wallboard(
    context: Context,
    _caller: Supervisor,
    tz: Zone = "UTC",
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """Today (in `tz`, the centre's time zone) on the floor: progress per kind of task,
    agents, unresolved escalations by urgency and the nearest deadlines, new-account
    revisits near their working-day limit, calls per hour. Aggregates only, no customer."""
    began, cpu = time.perf_counter(), time.thread_time()
    where = zone(tz)
    now = datetime.now(UTC)
    board = build(context.read, context.calendar, tz, where, now)
    generated_at = board.pop("generated_at")
    body = json.dumps(board, ensure_ascii=False, separators=(",", ":"))
    tag = f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'
    # the time the board took, and the CPU time of it (the rest is waiting for the CPU or the
    # disk), for monitoring and bench/bench_wallboard.py (W3C Server-Timing)
    took = (time.perf_counter() - began) * 1000
    used = (time.thread_time() - cpu) * 1000
    headers = {"ETag": tag, "Server-Timing": f"board;dur={took:.1f}, cpu;dur={used:.1f}"}
    if if_none_match and tag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    content = f'{{"generated_at":{json.dumps(generated_at)},{body[1:]}'
    return Response(content=content, media_type="application/json", headers=headers)


def build(
    engine: Engine, calendar: WorkCalendar, tz: str, where: Any, now: datetime
) -> dict[str, Any]:
    """The board as of `now`, as the JSON of a Wallboard. Plain data, not models: the
    values are the server's own, and validating hundreds of rows on every refresh would
    cost more than reading them (the tests read every answer with the wire model)."""
    today = now.astimezone(where).date()
    next_working_day = calendar.add_working_days(today + timedelta(days=1), 0)
    tally = _tally(engine, tz, today, where)
    with engine.connect() as conn:
        tally.catch_up(conn)
        open_counts = _open_counts(conn, today, next_working_day)
        agents = _agents(conn, tally, now)
        lines, nearest = _escalations(conn, now)
    return {
        "generated_at": _spelled(now),
        "day": today.isoformat(),
        "time_zone": tz,
        "signed_in_seconds": SIGNED_IN_SECONDS,
        "kinds": [
            {
                "kind": kind.value,
                "attempted": len(tally.attempted[kind]),
                "done": len(tally.reached[kind]),
                "remaining": open_counts[kind, "overdue"] + open_counts[kind, "today"],
                "due_today": open_counts[kind, "today"],
                "overdue": open_counts[kind, "overdue"],
            }
            for kind in TaskKind
        ],
        "agents": agents,
        "escalations": lines,
        "nearest_deadlines": nearest,
        "new_accounts_at_risk": {
            "overdue": open_counts[TaskKind.NEW_ACCOUNT, "overdue"],
            "due_today": open_counts[TaskKind.NEW_ACCOUNT, "today"],
            "due_next_working_day": open_counts[TaskKind.NEW_ACCOUNT, "next"],
            "next_working_day": next_working_day.isoformat(),
        },
        "calls_by_hour": [
            {"hour": hour, "calls": tally.hour_calls[hour], "reached": tally.hour_reached[hour]}
            for hour in range(HOURS)
        ],
    }


def _spelled(moment: datetime | None) -> str | None:
    """A time as the wire spells it: ISO 8601 in UTC."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


# for the times that repeat from one refresh to the next (agents' polls, deadlines)
_wire = lru_cache(maxsize=8192)(_spelled)


# statements built once (a refresh runs each of them): only their parameters change
_OPEN_KIND = (
    tasks.c.status == TaskStatus.OPEN.value,
    tasks.c.kind.in_([kind.value for kind in TaskKind]),
)
_OPEN_BEFORE = (
    sa.select(tasks.c.kind, sa.func.count())
    .where(*_OPEN_KIND, tasks.c.due < sa.bindparam("day", type_=sa.Date))
    .group_by(tasks.c.kind)
)
_OPEN_ON = (
    sa.select(tasks.c.kind, sa.func.count())
    .where(*_OPEN_KIND, tasks.c.due == sa.bindparam("day", type_=sa.Date))
    .group_by(tasks.c.kind)
)
# every active agent with their app's latest poll: one query, signed in decided by the database
_PEOPLE = (
    sa.select(
        principals.c.id,
        principals.c.name,
        principals.c.profile["on_shift"].as_boolean().label("on_shift"),
        agent_presence.c.seen_at,
        agent_presence.c.outbox_pending,
        (agent_presence.c.seen_at >= sa.bindparam("since", type_=UtcDateTime)).label("signed_in"),
    )
    .outerjoin(agent_presence, agent_presence.c.agent_id == principals.c.id)
    .where(principals.c.role == Role.AGENT.value, sa.not_(principals.c.revoked))
    .order_by(principals.c.id)
)
# the unresolved escalations soonest deadline first, with whether each is past it: their
# deadlines are compared in the database (parsing thousands of times here cost more)
_WAITING = (
    sa.select(
        escalations.c.id,
        (escalations.c.deadline < sa.bindparam("now", type_=UtcDateTime)).label("late"),
    )
    .where(escalations.c.status.in_(UNRESOLVED))
    .order_by(escalations.c.deadline, escalations.c.id)
)
_URGENCY_OF = sa.select(
    escalations.c.id, escalations.c.body["urgency"].as_string().label("urgency")
).where(escalations.c.id.in_(sa.bindparam("ids", expanding=True)))
_BODIES_OF = sa.select(escalations.c.body).where(
    escalations.c.id.in_(sa.bindparam("ids", expanding=True))
)
_TODAYS_CALLS = sa.select(
    outcomes.c.id,
    outcomes.c.task_id,
    outcomes.c.agent_id,
    outcomes.c.disposition,
    outcomes.c.started_at,
    outcomes.c.received_at,
    outcomes.c.body["ended_at"].as_string().label("ended_at"),
    tasks.c.kind,
).join(tasks, tasks.c.id == outcomes.c.task_id, isouter=True)
_CALLS_STARTED = _TODAYS_CALLS.where(
    outcomes.c.started_at >= sa.bindparam("start", type_=UtcDateTime),
    outcomes.c.started_at < sa.bindparam("end", type_=UtcDateTime),
)
# by received_at alone, so that its index is the one read; only the ids, then the rows of
# those not counted yet (most of the overlap was counted by the previous refresh)
_STORED_SINCE = sa.select(outcomes.c.id).where(
    outcomes.c.received_at >= sa.bindparam("since", type_=UtcDateTime)
)
_CALLS_WITH_IDS = _TODAYS_CALLS.where(outcomes.c.id.in_(sa.bindparam("ids", expanding=True)))


def _open_counts(conn: Connection, today: date, next_working_day: date) -> Counter[Any]:
    """Open tasks per (kind, overdue | today | next): ranges of the (status, kind, due)
    index, counted without reading the tasks."""
    counts: Counter[Any] = Counter()
    for when, statement, day in (
        ("overdue", _OPEN_BEFORE, today),
        ("today", _OPEN_ON, today),
        ("next", _OPEN_ON, next_working_day),
    ):
        for kind, count in conn.execute(statement, {"day": day}):
            counts[TaskKind(kind), when] = count
    return counts


def _agents(conn: Connection, tally: DayTally, now: datetime) -> list[dict[str, Any]]:
    """Every active agent's AgentOnFloor."""
    since = now - timedelta(seconds=SIGNED_IN_SECONDS)
    calls, reached, handled = tally.calls, tally.reached_calls, tally.handled
    rows = []
    for person in conn.execute(_PEOPLE, {"since": since}):
        count = handled.get(person.id, 0)
        rows.append(
            {
                "agent_id": person.id,
                "name": person.name,
                "on_shift": person.on_shift is not False,
                "signed_in": bool(person.signed_in),
                "last_sync_at": _wire(person.seen_at),
                "calls_today": calls.get(person.id, 0),
                "reached_today": reached.get(person.id, 0),
                "average_handle_seconds": (
                    round(tally.handle_seconds[person.id] / count) if count else None
                ),
                "outbox_pending": person.outbox_pending,
            }
        )
    return rows


def _escalations(
    conn: Connection, now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """UrgencyLines for every urgency, and the EscalationDeadlines nearest now. An
    escalation's urgency never changes, so each one's is read from its body once per
    process; a refresh reads the ids of the unresolved ones in deadline order, and the
    bodies only of those it shows."""
    waiting = conn.execute(_WAITING, {"now": now}).all()
    ids = {row.id for row in waiting}
    with _caches_lock:
        urgency_of = _urgencies.setdefault(conn.engine, {})
        for resolved in urgency_of.keys() - ids:
            del urgency_of[resolved]
        unknown = sorted(ids - urgency_of.keys())
    for part in chunks(unknown):
        found = conn.execute(_URGENCY_OF, {"ids": list(part)}).tuples().all()
        with _caches_lock:
            urgency_of.update(found)
    counts: Counter[tuple[str | None, bool]] = Counter()
    first: dict[str | None, str] = {}  # urgency → its escalation with the soonest deadline
    for escalation_id, late in waiting:
        level = urgency_of.get(escalation_id)
        counts[level, bool(late)] += 1
        if level not in first:
            first[level] = escalation_id
    shown = {row.id for row in waiting[:NEAREST_DEADLINES]} | set(first.values())
    cases = {
        str(case.id): case
        for case in (
            Escalation.model_validate(row.body)
            for row in conn.execute(_BODIES_OF, {"ids": sorted(shown)})
        )
    }
    lines = [
        {
            "urgency": level.value,
            "open": counts[level.value, False] + counts[level.value, True],
            "overdue": counts[level.value, True],
            "next_deadline": (
                _wire(cases[first[level.value]].deadline) if level.value in first else None
            ),
        }
        for level in Urgency
    ]
    nearest = [
        {
            "escalation_id": row.id,
            "urgency": cases[row.id].urgency.value,
            "category": cases[row.id].category.value,
            "department": cases[row.id].department,
            "agent_id": cases[row.id].agent_id,
            "deadline": _wire(cases[row.id].deadline),
        }
        for row in waiting[:NEAREST_DEADLINES]
    ]
    return lines, nearest


# --- today's outcomes, tallied once and caught up ---------------------------------------------


@dataclass
class DayTally:
    """Today's outcomes (started today in one time zone) as running figures. Outcomes are
    never changed once stored, so counting each id once is exact."""

    start: datetime
    end: datetime
    where: Any
    watermark: datetime | None = None  # the latest received_at counted
    counted: set[str] = field(default_factory=set)
    attempted: dict[TaskKind, set[str]] = field(
        default_factory=lambda: {kind: set() for kind in TaskKind}
    )
    reached: dict[TaskKind, set[str]] = field(
        default_factory=lambda: {kind: set() for kind in TaskKind}
    )
    calls: Counter[str] = field(default_factory=Counter)
    reached_calls: Counter[str] = field(default_factory=Counter)
    handle_seconds: Counter[str] = field(default_factory=Counter)
    handled: Counter[str] = field(default_factory=Counter)
    hour_calls: Counter[int] = field(default_factory=Counter)
    hour_reached: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def catch_up(self, conn: Connection) -> None:
        """Count the outcomes stored since the last call (all of today's the first time)."""
        with self.lock:
            if self.watermark is None:
                rows = list(conn.execute(_CALLS_STARTED, {"start": self.start, "end": self.end}))
            else:
                since = self.watermark - CATCH_UP_OVERLAP
                new = sorted(set(conn.scalars(_STORED_SINCE, {"since": since})) - self.counted)
                rows = [
                    row
                    for part in chunks(new)
                    for row in conn.execute(_CALLS_WITH_IDS, {"ids": list(part)})
                ]
            for row in rows:
                if row.id in self.counted:
                    continue
                self.counted.add(row.id)  # another day's call too: it is not read again
                if self.start <= row.started_at < self.end:
                    self._count(row)
                if self.watermark is None or row.received_at > self.watermark:
                    self.watermark = row.received_at
            if self.watermark is None:
                self.watermark = datetime.now(UTC)

    def _count(self, row: Any) -> None:
        reached = row.disposition == Disposition.REACHED.value
        if row.kind is not None:
            kind = TaskKind(row.kind)
            self.attempted[kind].add(row.task_id)
            if reached:
                self.reached[kind].add(row.task_id)
        self.calls[row.agent_id] += 1
        self.reached_calls[row.agent_id] += reached
        if row.ended_at:
            ended = datetime.fromisoformat(row.ended_at)
            self.handle_seconds[row.agent_id] += max(
                0, int((ended - row.started_at).total_seconds())
            )
            self.handled[row.agent_id] += 1
        hour = row.started_at.astimezone(self.where).hour
        self.hour_calls[hour] += 1
        self.hour_reached[hour] += reached


_tallies: WeakKeyDictionary[Engine, dict[str, DayTally]] = WeakKeyDictionary()
# per database: each unresolved escalation's urgency (id → urgency), kept while unresolved
_urgencies: WeakKeyDictionary[Engine, dict[str, str]] = WeakKeyDictionary()
_caches_lock = threading.Lock()


def _tally(engine: Engine, tz: str, today: date, where: Any) -> DayTally:
    """This process's tally of today in `tz` (a new one when the day turned)."""
    start, end = day_range(today.isoformat(), where)
    with _caches_lock:
        per_zone = _tallies.setdefault(engine, {})
        tally = per_zone.get(tz)
        if tally is None or tally.start != start:
            tally = per_zone[tz] = DayTally(start=start, end=end, where=where)
        return tally
