"""The status line and the sync worker: offline from the cache, the API down, the API hanging
(the UI still answers keys), and a real server (online, then a refused item to attend to)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from uuid import UUID

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.i18n import translate
from revisit_tui.app.screens.queue import QueueScreen
from revisit_tui.app.widgets.status_line import SyncFigures, status_text
from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.domain.models import Disposition, Outcome
from tests.app.conftest import QUEUE_SIZE
from tests.app.factory import AGENT_ID, NOW

pytestmark = pytest.mark.anyio

AppFactory = Callable[..., RevisitApp]


def status_of(app: RevisitApp) -> str:
    return str(app.screen.query_one("StatusLine").render())


class HangingServer:
    """Accepts TCP connections and never answers."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self.accepted = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            self.accepted.set()

    def close(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def hanging_server() -> Iterator[HangingServer]:
    server = HangingServer()
    yield server
    server.close()


def closed_port_url() -> str:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_status_text_states() -> None:
    def en(key: str, **params: object) -> str:
        return translate("en", key, **params)

    at = datetime(2026, 11, 25, 2, 5, tzinfo=NOW.tzinfo)
    assert status_text(SyncFigures(online=None), en, "EN").startswith("Connecting")
    online = status_text(SyncFigures(online=True, pending=2, last_sync=at), en, "EN")
    assert "Online" in online and "Pending 2" in online and "Synced 10:05" in online
    assert "Attention" not in online
    offline = status_text(SyncFigures(online=False, offline_since=at, attention=3), en, "EN")
    assert "Offline since 10:05" in offline and "Attention 3" in offline


async def test_offline_start_shows_the_cached_queue_and_says_so(app_factory: AppFactory) -> None:
    app = app_factory(locale="en", api=None)
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, QueueScreen)
        assert len(app.screen.shown) == QUEUE_SIZE
        assert "Offline since 10:30" in status_of(app)


async def test_api_down_the_queue_stays_and_the_status_says_offline(
    app_factory: AppFactory,
) -> None:
    api = ApiClient(closed_port_url(), "token", timeout=1.0, retries=0)
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.figures.online is False
        assert "Offline since 10:30" in status_of(app)
        assert [n for n in app._notifications if "working offline" in n.message]
        assert isinstance(app.screen, QueueScreen)
        assert len(app.screen.shown) == QUEUE_SIZE
    api.close()


async def test_the_ui_answers_keys_while_the_api_hangs(
    app_factory: AppFactory, hanging_server: HangingServer
) -> None:
    api = ApiClient(hanging_server.url, "token", timeout=30.0, retries=0)
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        assert hanging_server.accepted.wait(5), "the sync worker is waiting on the server"
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        await pilot.press("o", "down", "down")
        assert all(row.overdue for row in queue.shown)
        assert queue.table.cursor_row == 2
        await pilot.press("f2")
        assert app.locale == "zh-CN"
        assert app.figures.online is None, "the round has not come back yet"
        assert "连接中" in status_of(app)
        hanging_server.close()  # the worker now fails and the app can finish
        await app.workers.wait_for_complete()
    api.close()


async def test_real_server_online_then_a_refused_outcome_needs_attention(
    app_factory: AppFactory, store: AgentStore, live_server: object
) -> None:
    token = live_server.add_agent(AGENT_ID)  # type: ignore[attr-defined]
    api = ApiClient(live_server.url, token, timeout=5.0, retries=0)  # type: ignore[attr-defined]
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.figures.online is True
        assert "Online" in status_of(app) and "Synced 10:30" in status_of(app)
        store.submit(
            Outcome(
                id=UUID(int=7),
                task_id="no-such-task",
                agent_id=AGENT_ID,
                started_at=NOW - timedelta(minutes=3),
                ended_at=NOW,
                disposition=Disposition.NO_ANSWER,
            )
        )
        app.request_sync()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.figures.attention == 1
        assert "Attention 1" in status_of(app)
    api.close()


async def test_a_refused_token_shows_as_refused_not_online(
    app_factory: AppFactory, live_server: object
) -> None:
    api = ApiClient(live_server.url, "revoked-token", timeout=5.0, retries=0)  # type: ignore[attr-defined]
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status_of(app).startswith("⚠ Refused")
        assert [n for n in app._notifications if "refused" in n.message]
        assert len(app.screen.shown) == QUEUE_SIZE, "the cached queue stays"  # type: ignore[attr-defined]
    api.close()


async def test_another_server_at_the_address_is_said_and_gets_nothing(
    app_factory: AppFactory, store: AgentStore, live_server: object
) -> None:
    token = live_server.add_agent(AGENT_ID)  # type: ignore[attr-defined]
    store.note_server("the-server-this-store-came-from")
    api = ApiClient(live_server.url, token, timeout=5.0, retries=0)  # type: ignore[attr-defined]
    app = app_factory(locale="en", api=api)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status_of(app).startswith("⚠ Other server")
        assert [n for n in app._notifications if "nothing was sent" in n.message]
    assert store.queue_etag() == "etag-1", "the other server's queue is not taken either"
    api.close()
