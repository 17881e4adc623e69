"""`revisit wallboard` driven by keys against a real server: what a supervisor sees, the
conditional polling, an agent's token refused, offline from the last snapshot."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from revisit_tui.wallboard.app import WallboardApp
from tests.wallboard.conftest import WallboardFactory, settled
from tests.wallboard.floor import DEPARTMENT, Floor, add_call

pytestmark = pytest.mark.anyio

SIZE = (80, 24)
UNREACHABLE = "http://127.0.0.1:9"  # nothing listens there


def status(app: WallboardApp) -> str:
    return str(app.screen.query_one("#status", Static).render())


def row(app: WallboardApp, table_id: str, key: str) -> list[str]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [str(cell) for cell in table.get_row(key)]


def visible_pane(app: WallboardApp) -> str:
    (pane,) = [pane.id for pane in app.screen.query(".pane") if pane.display]
    return str(pane)


async def test_the_floor_shows_as_the_server_counts_it(
    floor: Floor, wallboard: WallboardFactory
) -> None:
    app = wallboard(floor.supervisor, floor.url)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert "live" in status(app)
        assert floor.today.isoformat() in status(app)
        # new accounts: two attempted, one reached; one still due today, one overdue
        assert row(app, "kinds", "new_account") == ["New acct", "2", "1", "2", "1", "1"]
        assert row(app, "kinds", "periodic")[3:5] == ["1", "1"]
        assert row(app, "urgency", "urgent")[1:3] == ["1", "0"]
        risk = str(app.screen.query_one("#risk", Static).render())
        assert "1 past the limit" in risk and "1 limit today" in risk
        summary = str(app.screen.query_one("#floor-summary", Static).render())
        assert "1 signed in of 2" in summary and "outbox 2" in summary

        await pilot.press("2")
        assert visible_pane(app) == "agents-pane"
        wang = row(app, "agents", "wang")
        assert wang[1:3] == ["yes", "yes"]
        assert wang[4:] == ["2", "1", "2:30", "2"]  # calls, reached, (250 + 50) / 2 s, outbox
        assert row(app, "agents", "li")[2:5] == ["–", "–", "0"]
        assert app.focused is app.screen.query_one("#agents", DataTable)

        await pilot.press("3")
        assert visible_pane(app) == "escalations-pane"
        table = app.screen.query_one("#deadlines", DataTable)
        assert table.row_count == 1
        deadline = [str(cell) for cell in table.get_row_at(0)]
        assert deadline[1:5] == ["Urgent", "Service", DEPARTMENT, "Agent wang"]

        await pilot.press("1")
        assert visible_pane(app) == "overview"


async def test_f2_switches_the_language_of_every_pane(
    floor: Floor, wallboard: WallboardFactory
) -> None:
    app = wallboard(floor.supervisor, floor.url, locale="zh-CN")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert "实时" in status(app)
        assert row(app, "kinds", "new_account")[0] == "新开户"
        await pilot.press("f2")
        assert "live" in status(app)
        assert row(app, "kinds", "new_account")[0] == "New acct"
        await pilot.press("3")
        assert [str(c) for c in app.screen.query_one("#deadlines", DataTable).get_row_at(0)][1] == (
            "Urgent"
        )
        await pilot.press("f2")
        assert [str(c) for c in app.screen.query_one("#deadlines", DataTable).get_row_at(0)][1] == (
            "紧急"
        )


async def test_it_asks_with_its_etag_and_shows_a_change_at_the_next_refresh(
    floor: Floor, wallboard: WallboardFactory
) -> None:
    answers: list[bool] = []  # whether each answer carried a board (False: 304)
    app = wallboard(floor.supervisor, floor.url)
    real_fetch = app.fetch

    def fetch(tz: str, etag: str | None) -> Any:
        board, tag = real_fetch(tz, etag)
        answers.append(board is not None)
        return board, tag

    app.fetch = fetch
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        attempted = int(row(app, "kinds", "periodic")[1])
        await pilot.press("r")
        await settled(pilot)
        assert answers == [True, False]  # nothing changed: 304, the board stays
        assert int(row(app, "kinds", "periodic")[1]) == attempted
        add_call(floor, "etag-test")
        await pilot.press("r")
        await settled(pilot)
        assert answers == [True, False, True]
        assert int(row(app, "kinds", "periodic")[1]) == attempted + 1


async def test_an_agent_s_token_is_refused_and_the_board_says_why(
    floor: Floor, wallboard: WallboardFactory
) -> None:
    app = wallboard(floor.agent, floor.url)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        line = status(app)
        assert "the server refused" in line and "supervisor" in line
        assert app.screen.query_one("#kinds", DataTable).row_count == 0


async def test_offline_it_shows_the_last_snapshot_and_when_it_was_true(
    floor: Floor, wallboard: WallboardFactory
) -> None:
    online = wallboard(floor.supervisor, floor.url)
    async with online.run_test(size=SIZE) as pilot:
        await settled(pilot)
        seen = row(online, "kinds", "new_account")
        seen_agent = row(online, "agents", "wang")
        assert online.current is not None
        as_of = online.current.as_of
    assert oct(online.snapshot_file.stat().st_mode & 0o777) == "0o600"
    assert oct(online.snapshot_file.parent.stat().st_mode & 0o777) == "0o700"
    later = as_of + timedelta(minutes=7)
    offline = wallboard(floor.supervisor, UNREACHABLE, clock=lambda: later)
    async with offline.run_test(size=SIZE) as pilot:
        await settled(pilot)
        line = status(offline)
        assert "OFFLINE" in line
        assert f"as of {as_of.astimezone(offline.zone):%H:%M:%S}" in line
        assert "7 min ago" in line
        assert row(offline, "kinds", "new_account") == seen
        await pilot.press("2")
        assert row(offline, "agents", "wang") == seen_agent


async def test_a_snapshot_that_is_not_one_is_kept_aside_and_reported(
    wallboard: WallboardFactory,
) -> None:
    app = wallboard("token", UNREACHABLE)
    app.snapshot_file.write_text(json.dumps({"board": {"day": "soon"}}))
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        line = status(app)
        assert "could not be read" in line
        kept = list(app.snapshot_file.parent.glob("*.corrupt-*"))
        assert len(kept) == 1
        assert not app.snapshot_file.exists()


async def test_quit_is_at_once_even_while_the_server_hangs(wallboard: WallboardFactory) -> None:
    import socket

    with socket.socket() as hung:  # accepts connections, never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen()
        url = f"http://127.0.0.1:{hung.getsockname()[1]}"
        app = wallboard("token", url)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            started = datetime.now(UTC)
            await pilot.press("ctrl+q")
        assert datetime.now(UTC) - started < timedelta(seconds=2)
