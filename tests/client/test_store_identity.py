"""One store per agent and server: the server names itself in /v1/me (the same id whatever
URL or process answers), a store is sent to the server it belongs to only, and a store an
older version kept by its URL moves to its server's id without losing anything."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from agent_world import no_answer, seed_tasks, stored_outcome_ids

from revisit_tui.client.api import ApiClient
from revisit_tui.client.store import SERVER_FILE, AgentStore, store_dir, url_store_dir
from revisit_tui.client.sync import SyncEngine, Trouble
from revisit_tui.config import SyncSettings
from tests.conftest import LiveServer, sqlite_url


def server_id_at(url: str, token: str) -> str:
    answer = httpx.get(f"{url}/v1/me", headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    return str(answer.json()["server_id"])


def test_me_names_the_database_whichever_url_or_process_answers(
    live_server: LiveServer, tmp_path: Path
) -> None:
    token = live_server.add_agent("who")
    first = server_id_at(live_server.url, token)
    assert first
    assert server_id_at(live_server.url.replace("127.0.0.1", "localhost"), token) == first
    second_process = LiveServer(live_server.db_url)
    with second_process.process:
        assert server_id_at(second_process.url, token) == first
    (tmp_path / "other").mkdir()
    elsewhere = LiveServer(sqlite_url(tmp_path / "other"))
    other_token = elsewhere.add_agent("who")
    with elsewhere.process:
        assert server_id_at(elsewhere.url, other_token) != first


def test_another_server_at_the_stores_address_gets_nothing(
    live_server: LiveServer, tmp_path: Path
) -> None:
    token, boss, (task,) = seed_tasks(live_server, "moved", 1)
    outcome = no_answer(task, "moved")
    with (
        ApiClient(live_server.url, token, retries=0) as api,
        AgentStore.open(tmp_path, "the-old-server", "moved") as store,
    ):
        store.note_server("the-old-server")
        store.submit(outcome)
        state = SyncEngine(api, store, SyncSettings()).sync_once()
        assert state.trouble is Trouble.OTHER_SERVER and state.online
        assert state.last_error is not None and "nothing was sent" in state.last_error
        assert store.pending_count() == 1
    assert stored_outcome_ids(live_server, boss, "moved") == []


def test_the_first_server_to_answer_a_store_is_recorded_as_its_own(
    live_server: LiveServer, tmp_path: Path
) -> None:
    token, boss, (task,) = seed_tasks(live_server, "first", 1)
    with (
        ApiClient(live_server.url, token, retries=0) as api,
        AgentStore.open(tmp_path, live_server.server_id, "first") as store,
    ):
        outcome = no_answer(task, "first")
        store.submit(outcome)
        state = SyncEngine(api, store, SyncSettings()).sync_once()
        assert state.online and state.sent == 1 and state.server_id == live_server.server_id
    assert stored_outcome_ids(live_server, boss, "first") == [str(outcome.id)]
    recorded = json.loads((store.path / SERVER_FILE).read_text())
    assert recorded == {"server_id": live_server.server_id}
    with AgentStore.open(tmp_path, live_server.server_id, "first") as reopened:
        assert reopened.server_id == live_server.server_id


def test_a_store_kept_by_its_url_moves_to_its_servers_id(tmp_path: Path) -> None:
    url = "http://localhost:8700"
    with AgentStore.open(tmp_path, None, "a1", url=url) as old:
        assert old.path == url_store_dir(tmp_path, url, "a1")
        old.save_draft("t1", {"notes": "typed before the upgrade"})
    with AgentStore.open(tmp_path, "server-1", "a1", url=url) as moved:
        assert moved.path == store_dir(tmp_path, "server-1", "a1")
        assert moved.draft("t1") == {"notes": "typed before the upgrade"}
    assert not url_store_dir(tmp_path, url, "a1").exists()
    with AgentStore.open(tmp_path, "server-1", "a1", url="http://127.0.0.1:8700") as same:
        assert same.draft("t1") == {"notes": "typed before the upgrade"}
