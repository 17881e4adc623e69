"""Shared app fixtures: settings in a tmp data dir, a store with a cached queue, an app factory.

    async def test_x(app_factory):
        app = app_factory(locale="en")          # offline (api=None), fixed clock NOW
        async with app.run_test(size=(80, 24)) as pilot:
            ...

Async tests run on anyio (`pytestmark = pytest.mark.anyio`); local times are Asia/Shanghai.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from revisit_tui.app.app import RevisitApp
from revisit_tui.client.store import AgentStore
from revisit_tui.config import ClientSettings, Settings, SyncSettings
from revisit_tui.domain.models import Agent
from tests.app.factory import AGENT_ID, NOW, make_queue

QUEUE_SIZE = 24
SERVER_URL = "http://127.0.0.1:9"  # nothing listens there: offline unless a test says so


@pytest.fixture(autouse=True)
def agent_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """App tests see the agent's local time as Asia/Shanghai (clock times on screen); other
    areas' tests keep the machine's zone."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def colour_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """App tests run in a true-colour terminal whatever runs them (an unset TERM means 16
    colours and the app's 16-colour theme); the 16-colour tests say TERM=linux themselves."""
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLORTERM", "truecolor")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """Defaults, with the data dir in tmp and a short sync interval."""
    return Settings(
        client=ClientSettings(
            data_dir=str(data_dir), server_url=SERVER_URL, timeout_seconds=2.0, retries=0
        ),
        sync=SyncSettings(interval_seconds=3600),
    )


@pytest.fixture
def agent() -> Agent:
    return Agent(id=AGENT_ID, name="Agent One")


@pytest.fixture
def store(settings: Settings) -> Iterator[AgentStore]:
    """The agent's store with a cached queue of QUEUE_SIZE items from `make_queue`."""
    opened = AgentStore.open(
        settings.client.data_dir, settings.client.server_url, AGENT_ID, clock=lambda: NOW
    )
    opened.save_queue(make_queue(QUEUE_SIZE, NOW), "etag-1")
    yield opened
    opened.close()


@pytest.fixture
def app_factory(
    settings: Settings, store: AgentStore, agent: Agent, data_dir: Path
) -> Callable[..., RevisitApp]:
    """Build the app on the cached store: `app_factory(locale="en", api=None, **overrides)`."""

    def build(locale: str = "zh-CN", api: Any = None, **overrides: Any) -> RevisitApp:
        options: dict[str, Any] = {
            "clock": lambda: NOW,
            "agent": agent,
            "data_dir": data_dir,
            "store": store,
            "settings": settings,
        }
        options.update(overrides)
        return RevisitApp(
            options.pop("settings"), options.pop("store"), api, locale=locale, **options
        )

    return build
