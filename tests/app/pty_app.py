"""The agent app on the test queue (`factory.make_queue`), offline, for tests that type into a
real terminal: `python -m tests.app.pty_app DATA_DIR LOCALE`.

The store in DATA_DIR must hold the queue already (the test writes it, then reads the outbox
after the app has quit)."""

from __future__ import annotations

import sys

from revisit_tui.app.app import RevisitApp
from revisit_tui.client.store import AgentStore
from revisit_tui.config import ClientSettings, Settings, SyncSettings
from revisit_tui.domain.models import Agent
from tests.app.conftest import SERVER_URL
from tests.app.factory import AGENT_ID, NOW


def settings_for(data_dir: str) -> Settings:
    return Settings(
        client=ClientSettings(data_dir=data_dir, server_url=SERVER_URL, retries=0),
        sync=SyncSettings(interval_seconds=3600),
    )


def main(data_dir: str, locale: str) -> None:
    settings = settings_for(data_dir)
    store = AgentStore.open(data_dir, SERVER_URL, AGENT_ID, clock=lambda: NOW)
    try:
        app = RevisitApp(
            settings,
            store,
            None,
            locale=locale,
            clock=lambda: NOW,
            agent=Agent(id=AGENT_ID, name="Agent One"),
        )
        app.run()
    finally:
        store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
