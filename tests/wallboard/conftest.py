"""Wallboard fixtures: a real server with a small floor on it, and an app factory.

async def test_x(floor, wallboard):
    app = wallboard(floor.supervisor)           # polls the floor's server
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from revisit_tui.client.api import ApiClient
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.wallboard.app import WallboardApp
from revisit_tui.wallboard.snapshot import snapshot_path
from tests.conftest import LiveServer
from tests.wallboard.floor import ZONE, Floor, make_floor

pytestmark = pytest.mark.anyio

WallboardFactory = Callable[..., WallboardApp]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def floor(module_live_server: LiveServer) -> Floor:
    return make_floor(module_live_server)


@pytest.fixture
def wallboard(tmp_path: Path) -> Iterator[WallboardFactory]:
    """`wallboard(token, url=..., locale=..., clock=...)`: the app on a real API client; the
    snapshot lives in this test's data dir (the same for every app of the test)."""
    clients: list[ApiClient] = []

    def make(
        token: str,
        url: str,
        locale: str = "en",
        clock: Callable[[], datetime] | None = None,
        **options: Any,
    ) -> WallboardApp:
        client = ApiClient(url, token, retries=0, timeout=10)
        clients.append(client)
        extra = {"clock": clock} if clock else {}
        return WallboardApp(
            SupervisorApi(client).wallboard,
            timezone=ZONE,
            locale=locale,
            refresh_seconds=3600,
            snapshot_file=snapshot_path(tmp_path, "http://wallboard.test"),
            **extra,
            **options,
        )

    yield make
    for client in clients:
        client.close()


async def settled(pilot: Pilot[None]) -> None:
    """Wait until the app's request has been answered and its message handled."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
