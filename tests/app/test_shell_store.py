"""The local store's troubles on screen: a full disk said at once (drafts and submit), files
kept aside at start-up reported with their counts, the reason for "Offline", and an item this
version cannot read shown in My day without breaking it."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.myday import MyDayScreen
from revisit_tui.app.screens.wrapup import WrapUpScreen
from revisit_tui.app.session import DayLog
from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import OUTBOX_FILE, AgentStore, OutboxItem
from revisit_tui.config import Settings
from revisit_tui.domain.models import TaskKind
from tests.app.call_helpers import answer_rows, go_to, item_of, open_call, settle, wrap_up
from tests.app.factory import AGENT_ID, NOW, make_queue
from tests.app.test_shell_myday import outcome
from tests.app.test_shell_queue import screen_text
from tests.app.test_shell_sync import HangingServer, closed_port_url, status_of
from tests.tinydisk import fill, tiny_disk

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]


def messages(app: RevisitApp) -> str:
    return "\n".join(n.message for n in app._notifications)


async def test_a_full_disk_is_said_at_once_for_drafts_and_submit(
    app_factory: AppFactory, settings: Settings, tmp_path: Path
) -> None:
    with tiny_disk(tmp_path, "2m") as disk:
        store = AgentStore.open(disk, settings.client.server_url, AGENT_ID, clock=lambda: NOW)
        store.save_queue(make_queue(24, NOW), "etag-1")
        app = app_factory(locale="en", store=store)
        async with app.run_test(size=(80, 24)) as pilot:
            call = await open_call(app, pilot, item_of(store, TaskKind.PERIODIC))
            fill(disk)
            await go_to(pilot, call, "contact_check")
            await answer_rows(pilot, call)
            await settle(app, pilot)
            said = messages(app)
            assert "Draft NOT saved" in said and "The disk is full" in said
            assert str(store.path / "drafts.json") in said
            assert "Disk problem" in status_of(app)
            await wrap_up(pilot, "2")
            await pilot.press("f9")
            await settle(app, pilot)
            said = messages(app)
            assert "NOT recorded" in said and "draft is kept" not in said
            assert isinstance(app.screen, WrapUpScreen), "what was typed stays on screen"
            assert store.pending_count() == 0
        store.close()


async def test_files_kept_aside_at_start_are_shown_with_their_counts(
    app_factory: AppFactory, settings: Settings, tmp_path: Path
) -> None:
    data_dir = tmp_path / "another"
    opened = AgentStore.open(data_dir, settings.client.server_url, AGENT_ID, clock=lambda: NOW)
    opened.submit_many([outcome(n) for n in range(1, 8)])
    opened.compact()
    opened.close()
    raw = (opened.path / OUTBOX_FILE).read_bytes()
    cut = raw.index(str(UUID(int=6)).encode())  # the 6th outcome cut, the 7th lost whole
    (opened.path / OUTBOX_FILE).write_bytes(raw[:cut])
    store = AgentStore.open(data_dir, settings.client.server_url, AGENT_ID, clock=lambda: NOW)
    app = app_factory(locale="en", store=store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        said = messages(app)
        assert "outbox.json could not be read" in said
        assert "5 item(s) recovered, 1 could not be" in said
        assert str(opened.path / OUTBOX_FILE) + ".corrupt-" in said
    store.close()
    (line,) = (opened.path / "recovery.log").read_text().splitlines()
    logged = json.loads(line)
    assert (logged["file"], logged["recovered"], logged["lost"]) == ("outbox.json", 5, 1)


class NonsenseServer:
    """Answers every request with an HTML page (a captive portal, a proxy's error page): 200
    by default."""

    def __init__(self, status: int = 200) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = b"<html>please log in to the hotel wifi</html>"
                self.send_response(status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def nonsense_server() -> Iterator[NonsenseServer]:
    server = NonsenseServer()
    yield server
    server.close()


@pytest.mark.parametrize("case", ["closed", "hanging", "nonsense", "failing"])
async def test_the_status_line_names_the_reason_for_offline(
    app_factory: AppFactory, nonsense_server: NonsenseServer, case: str
) -> None:
    hanging, failing = HangingServer(), NonsenseServer(status=500)
    url = {
        "closed": closed_port_url(),
        "hanging": hanging.url,
        "nonsense": nonsense_server.url,
        "failing": failing.url,
    }
    api = ApiClient(url[case], "token", timeout=0.5, retries=0)
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        reason = {
            "closed": "no connection",
            "hanging": "timeout",
            "nonsense": "bad answer",
            "failing": "server error",
        }
        assert f"Offline since 10:30 ({reason[case]})" in status_of(app)
    hanging.close()
    failing.close()
    api.close()


async def test_an_unreadable_item_shows_in_my_day_and_cannot_be_resent_as_it_is(
    app_factory: AppFactory, tmp_path: Path
) -> None:
    with AgentStore.open(tmp_path, "http://127.0.0.1:9", AGENT_ID) as first:
        first.submit(outcome(1))
        first.compact()
        path = first.path / OUTBOX_FILE
    tables = json.loads(path.read_text())
    next(iter(tables["outbox"].values()))["body"] = {"written_by": "a later version"}
    path.write_text(json.dumps(tables))
    reopened = AgentStore.open(tmp_path, "http://127.0.0.1:9", AGENT_ID)
    reopened.mark_needs_attention(str(UUID(int=1)), "this version cannot read it")
    app = app_factory(locale="en", store=reopened)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, MyDayScreen)
        assert "Needing attention: 1" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MyDayScreen)
        assert "cannot be read by this version" in messages(app)
    reopened.close()


async def test_the_status_line_is_true_while_a_round_is_in_flight(
    app_factory: AppFactory, store: AgentStore
) -> None:
    hanging = HangingServer()
    api = ApiClient(hanging.url, "token", timeout=30.0, retries=0)
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        assert hanging.accepted.wait(5), "a round is waiting on the server"
        store.submit(outcome(9))
        app.request_sync()
        await pilot.pause()
        assert "Pending 1" in status_of(app) and "⟳" in status_of(app)
    hanging.close()
    api.close()


async def test_a_clock_off_the_servers_is_warned_about(
    app_factory: AppFactory, live_server: object
) -> None:
    token = live_server.add_agent(AGENT_ID)  # type: ignore[attr-defined]
    api = ApiClient(live_server.url, token, timeout=5.0, retries=0)  # type: ignore[attr-defined]
    fast = datetime.now(UTC) + timedelta(hours=2)
    app = app_factory(locale="en", api=api, clock=lambda: fast)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "clock is 120 min ahead of the server's" in messages(app)
    api.close()


def test_two_sessions_of_one_agent_keep_each_others_day_log(tmp_path: Path) -> None:
    first, second = DayLog(tmp_path, AGENT_ID), DayLog(tmp_path, AGENT_ID)
    made = [
        OutboxItem.of(outcome(n).model_copy(update={"ended_at": datetime.now(UTC)}), NOW)
        for n in (1, 2, 3)
    ]
    today = datetime.now(UTC).astimezone().date()
    first.note([made[0]], today)
    second.note([made[1]], today)  # another SSH login of the same agent
    first.note([made[2]], today)
    assert len(DayLog(tmp_path, AGENT_ID).today(today)) == 3
    assert len(second.today(today)) == 3
