"""80×24 snapshots of the wallboard's panes in both languages, live and offline, and the
large-screen layout (a fixed board and clock: the server's answers carry the real time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from textual.pilot import Pilot

from revisit_tui.client.api import Unreachable
from revisit_tui.domain.models import EscalationCategory, TaskKind, Urgency
from revisit_tui.domain.wallboard import (
    AgentOnFloor,
    EscalationDeadline,
    HourCalls,
    KindProgress,
    NewAccountsAtRisk,
    UrgencyLine,
    Wallboard,
)
from revisit_tui.wallboard import snapshot
from revisit_tui.wallboard.app import WallboardApp
from revisit_tui.wallboard.snapshot import Snapshot, snapshot_path
from tests.wallboard.conftest import settled

NOW = datetime(2026, 11, 25, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
SIZE = (80, 24)
LOCALES = ["zh-CN", "en"]
CALLS = [0] * 9 + [38, 61, 57, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
NAMES = ["李晓雯", "王建国", "张伟", "刘芳", "Margaret Thompson-Whitfield", "陈静", "杨洋", "赵磊"]

BOARD = Wallboard(
    day=date(2026, 11, 25),
    time_zone="Asia/Shanghai",
    generated_at=NOW,
    signed_in_seconds=120,
    kinds=[
        KindProgress(kind=kind, attempted=a, done=d, remaining=r, due_today=t, overdue=o)
        for kind, (a, d, r, t, o) in zip(
            TaskKind,
            [
                (64, 41, 37, 30, 7),
                (83, 52, 210, 96, 114),
                (9, 6, 3, 3, 0),
                (7, 5, 2, 2, 0),
                (5, 4, 0, 0, 0),
                (3, 2, 4, 1, 0),
            ],
            strict=True,
        )
    ],
    agents=[
        AgentOnFloor(
            agent_id=f"agent-{n}",
            name=name,
            on_shift=n != 6,
            signed_in=n not in (5, 6),
            last_sync_at=None if n == 6 else NOW - timedelta(minutes=n * 7),
            calls_today=0 if n == 6 else 30 - n * 3,
            reached_today=0 if n == 6 else 19 - n * 2,
            average_handle_seconds=None if n == 6 else 200 + n * 17,
            outbox_pending=None if n == 6 else (4 if n == 5 else 0),
        )
        for n, name in enumerate(NAMES)
    ],
    escalations=[
        UrgencyLine(
            urgency=Urgency.URGENT, open=2, overdue=1, next_deadline=NOW - timedelta(hours=1)
        ),
        UrgencyLine(
            urgency=Urgency.HIGH, open=5, overdue=0, next_deadline=NOW + timedelta(hours=5)
        ),
        UrgencyLine(
            urgency=Urgency.NORMAL, open=11, overdue=2, next_deadline=NOW - timedelta(days=1)
        ),
        UrgencyLine(urgency=Urgency.LOW, open=0, overdue=0, next_deadline=None),
    ],
    nearest_deadlines=[
        EscalationDeadline(
            escalation_id=UUID(int=n + 1),
            urgency=urgency,
            category=category,
            department=department,
            agent_id=f"agent-{n}",
            deadline=NOW + timedelta(hours=hours),
        )
        for n, (urgency, category, department, hours) in enumerate(
            [
                (Urgency.NORMAL, EscalationCategory.PRODUCT, "电子银行部", -26),
                (Urgency.URGENT, EscalationCategory.FRAUD, "风险管理部", -1),
                (Urgency.URGENT, EscalationCategory.SERVICE, "个人金融部", 3),
                (Urgency.HIGH, EscalationCategory.POLICY, "运营管理部", 5),
            ]
        )
    ],
    new_accounts_at_risk=NewAccountsAtRisk(
        overdue=7, due_today=30, due_next_working_day=22, next_working_day=date(2026, 11, 26)
    ),
    calls_by_hour=[HourCalls(hour=h, calls=c, reached=c * 2 // 3) for h, c in enumerate(CALLS)],
)


def make_app(tmp_path: Path, locale: str, *, online: bool) -> WallboardApp:
    """The app on BOARD: answered by the server (`online`), or its snapshot of 12:00 read
    at 12:07 with the server unreachable."""
    path = snapshot_path(tmp_path, "http://wallboard.test")

    def fetch(tz: str, etag: str | None) -> Any:
        if online:
            return BOARD, '"fixed"'
        raise Unreachable("cannot reach http://127.0.0.1:8700: connection refused")

    if not online:
        snapshot.save(path, Snapshot(board=BOARD, etag='"fixed"', as_of=NOW))
    return WallboardApp(
        fetch,
        timezone="Asia/Shanghai",
        locale=locale,
        refresh_seconds=3600,
        snapshot_file=path,
        clock=lambda: NOW if online else NOW + timedelta(minutes=7),
    )


async def _settle(pilot: Pilot[None]) -> None:
    await settled(pilot)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("pane", ["1", "2", "3"])
def test_pane(snap_compare: Any, tmp_path: Path, locale: str, pane: str) -> None:
    app = make_app(tmp_path, locale, online=True)
    assert snap_compare(app, press=[pane], terminal_size=SIZE, run_before=_settle)


@pytest.mark.parametrize("locale", LOCALES)
def test_offline_from_the_last_snapshot(snap_compare: Any, tmp_path: Path, locale: str) -> None:
    app = make_app(tmp_path, locale, online=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_large_screen(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path, "zh-CN", online=True)
    assert snap_compare(app, terminal_size=(160, 40), run_before=_settle)


@pytest.mark.anyio
async def test_a_narrow_wallboard_ends_its_lines_with_an_ellipsis(tmp_path: Path) -> None:
    """The status line and the calls-per-hour lines are one line each: folded on a narrow
    terminal, their ends were cut off without a sign (the hour labels' fold was hidden)."""
    app = make_app(tmp_path, "zh-CN", online=False)
    async with app.run_test(size=(60, 24)) as pilot:
        await settled(pilot)
        strips = app.screen._compositor.render_strips()
        shown = {}
        for selector in ("#status", "#hours"):
            region = app.screen.query_one(selector).content_region
            shown[selector] = [
                "".join(segment.text for segment in strips[y].crop(region.x, region.right))
                for y in range(region.y, region.bottom)
            ]
    assert shown["#status"][0].rstrip().endswith("…"), shown
    assert shown["#hours"][2].lstrip().startswith("0"), shown
    assert shown["#hours"][2].rstrip().endswith("…"), shown
