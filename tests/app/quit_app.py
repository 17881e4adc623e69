"""Run by test_shell_quit: the app against a server that accepts and never answers; prints
"quitting" when it presses Ctrl+Q (one second after start), then exits as the app does. With
the argument `call`, a call is open by then, its lease request waiting on the server too."""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
from pathlib import Path

from revisit_tui.app.app import RevisitApp
from revisit_tui.app.screens.call import CallScreen
from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import AgentStore
from revisit_tui.config import ClientSettings, Settings, SyncSettings
from revisit_tui.domain.models import Agent
from tests.app.factory import NOW, make_item, make_queue


def main() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[object] = []
    threading.Thread(
        target=lambda: [held.append(listener.accept()) for _ in range(50)], daemon=True
    ).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    data_dir = tempfile.mkdtemp()
    client = ClientSettings(data_dir=data_dir, server_url=url, timeout_seconds=60, retries=0)
    settings = Settings(client=client, sync=SyncSettings(interval_seconds=3600))
    store = AgentStore.open(data_dir, url, "a1")
    store.save_queue(make_queue(5, NOW), "etag")
    api = ApiClient(url, "token", timeout=60, retries=0)
    app = RevisitApp(
        settings, store, api, locale="en", agent=Agent(id="a1", name="A"), data_dir=Path(data_dir)
    )

    async def press_quit() -> None:
        print("quitting", flush=True)
        await app.run_action("quit")

    def open_call() -> None:
        if sys.argv[1:] == ["call"]:
            app.push_screen(CallScreen(make_item(0, NOW)))
        app.set_timer(1.0, press_quit)

    app.call_later(open_call)
    try:
        app.run(headless=True)
    finally:
        store.close()
        api.close()
    print("quit", flush=True)


if __name__ == "__main__":
    sys.exit(main())
