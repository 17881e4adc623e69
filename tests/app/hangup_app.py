"""Run by test_shell_quit: the app offline with a call open. Prints its data directory, then
"calling" once the call is on screen, and runs until a signal ends it. With the argument
`own-handler`, the process has its own SIGHUP/SIGTERM handler first (as `revisit demo` does,
to stop its API), which exits with status OWN_HANDLER_STATUS."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from pathlib import Path

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.client.store import AgentStore
from revisit_tui.config import ClientSettings, Settings
from revisit_tui.domain.models import Agent
from tests.app.factory import NOW, make_item, make_queue

URL = "http://127.0.0.1:9"
AGENT_ID = "a1"
OWN_HANDLER_STATUS = 7


def main() -> None:
    data_dir = tempfile.mkdtemp()
    settings = Settings(client=ClientSettings(data_dir=data_dir, server_url=URL))
    store = AgentStore.open(data_dir, URL, AGENT_ID)
    store.save_queue(make_queue(5, NOW), "etag")
    app = RevisitApp(
        settings,
        store,
        None,
        locale="en",
        agent=Agent(id=AGENT_ID, name="A"),
        data_dir=Path(data_dir),
    )

    def open_call() -> None:
        app.push_screen(CallScreen(make_item(0, NOW)), wait_for_dismiss=False)
        app.call_after_refresh(print, "calling", flush=True)

    if sys.argv[1:] == ["own-handler"]:
        for signal_number in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: os._exit(OWN_HANDLER_STATUS))
    print(data_dir, flush=True)
    app.call_later(open_call)
    try:
        app.run(headless=True)
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())
