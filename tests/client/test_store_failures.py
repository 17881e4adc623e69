"""The failures around the store: an item this version cannot read, a full disk, a server
that answers nonsense. Each is reported for what it is, and none stops the rest of the work."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from agent_world import no_answer, seed_tasks, stored_outcome_ids

from revisit_tui.client.api import ApiClient, ApiError
from revisit_tui.client.durable import DiskError
from revisit_tui.client.store import OUTBOX_FILE, OUTBOX_LOG, QUEUE_FILE, AgentStore, ItemKind
from revisit_tui.client.supervisor_api import SupervisorApi
from revisit_tui.client.sync import SyncEngine, Trouble
from revisit_tui.config import SyncSettings
from revisit_tui.domain.models import Disposition, Outcome
from revisit_tui.server import admin
from tests.tinydisk import fill, tiny_disk

FAST = SyncSettings(batch_size=10, interval_seconds=1.0, backoff_max_seconds=8.0)
SERVER = "http://127.0.0.1:9"


def outcome(task_id: str = "t1", notes: str = "") -> Outcome:
    now = datetime.now(UTC)
    return Outcome(
        id=uuid.uuid4(),
        task_id=task_id,
        agent_id="a1",
        started_at=now,
        ended_at=now,
        disposition=Disposition.NO_ANSWER,
        notes=notes,
    )


def rewrite_outbox(store_path: Path, change: dict[str, object], which: int) -> None:
    """Change the body of the `which`-th outbox entry on disk (another version wrote it)."""
    path = store_path / OUTBOX_FILE
    tables = json.loads(path.read_text())
    doc = list(tables["outbox"].values())[which]
    doc["body"].update(change)
    path.write_text(json.dumps(tables))


def test_an_unreadable_item_is_set_aside_and_the_rest_syncs(
    module_live_server, tmp_path: Path
) -> None:
    server = module_live_server
    token, boss, tasks = seed_tasks(server, "unreadable", 3)
    good = [no_answer(task, "unreadable") for task in tasks]
    with AgentStore.open(tmp_path, server.url, "unreadable") as store:
        store.submit_many(good)
        store.compact()
        path = store.path
    rewrite_outbox(path, {"disposition": "teleported", "mood": 7}, which=1)
    with (
        ApiClient(server.url, token) as api,
        AgentStore.open(tmp_path, server.url, "unreadable") as store,
    ):
        state = SyncEngine(api, store, FAST).sync_once()
        assert state.online and state.trouble is None and state.last_error is None
        assert state.sent == 2 and state.set_aside == 1 and state.pending == 0
        assert store.queue() is not None  # the queue was pulled after the push
        (aside,) = store.needs_attention()
        assert aside.id == str(good[1].id)
        assert "cannot read" in aside.reason and "disposition" in aside.reason
        again = SyncEngine(api, store, FAST).sync_once()
        assert again.trouble is None and again.needs_attention == 1
    assert sorted(stored_outcome_ids(server, boss, "unreadable")) == sorted(
        [str(good[0].id), str(good[2].id)]
    )


def test_a_failed_write_changes_nothing_in_memory(tmp_path: Path) -> None:
    with tiny_disk(tmp_path, "1m") as disk:
        with AgentStore.open(disk, SERVER, "a1") as store:
            store.submit_many([outcome(f"t{n}") for n in range(300)])
            filler = fill(disk)
            waiting = [item.id for item in store.pending()]
            with pytest.raises(DiskError) as failed:  # acknowledgements until the disk says no
                while waiting:
                    store.acknowledge([waiting[0]])
                    waiting.pop(0)
            assert failed.value.kind == "full" and failed.value.path == store.path / OUTBOX_LOG
            assert "No space left" in str(failed.value) and "free space" in str(failed.value)
            assert [item.id for item in store.pending()] == waiting  # memory = what is on disk
            with pytest.raises(DiskError):
                store.submit(outcome("late"))
            assert store.pending_count() == len(waiting)
            assert [p.name for p in store.path.iterdir() if p.name.endswith(".tmp")] == []
            filler.unlink()
            store.acknowledge([waiting[0]])
        with AgentStore.open(disk, SERVER, "a1") as store:
            assert [item.id for item in store.pending()] == waiting[1:]
            assert store.recovered == []


def test_a_failed_draft_removal_keeps_the_draft_in_memory(tmp_path: Path) -> None:
    with tiny_disk(tmp_path, "1m") as disk, AgentStore.open(disk, SERVER, "a1") as store:
        store.save_draft("t1", {"notes": "n" * 3000})
        fill(disk)
        with pytest.raises(DiskError):
            store.drop_draft("t1")
        assert store.draft("t1") == {"notes": "n" * 3000}


def test_the_queue_cache_never_takes_the_outboxs_space(tmp_path: Path) -> None:
    from tests.app.factory import NOW, make_queue

    big = make_queue(300, NOW)
    with tiny_disk(tmp_path, "2m") as disk, AgentStore.open(disk, SERVER, "a1") as store:
        store.submit(outcome("t0"))
        fill(disk, leave=len(json.dumps(big.model_dump(mode="json"))) // 2)
        with pytest.raises(DiskError) as failed:
            store.save_queue(big, "etag-big")
        assert failed.value.path == store.path / QUEUE_FILE
        assert [p.name for p in store.path.iterdir() if p.name.endswith(".tmp")] == []
        assert store.queue() is None
        for n in range(1, 20):  # the outcomes still go in after the queue write failed
            store.submit(outcome(f"t{n}", "typed notes " * 10))
        assert store.pending_count() == 20


def test_a_full_disk_during_sync_is_a_disk_problem_not_offline(
    module_live_server, tmp_path: Path
) -> None:
    server = module_live_server
    token, boss, tasks = seed_tasks(server, "diskfull", 1)
    sent = no_answer(tasks[0], "diskfull", notes="z" * 1500)
    with (
        tiny_disk(tmp_path, "1m") as disk,
        ApiClient(server.url, token) as api,
        AgentStore.open(disk, server.url, "diskfull") as store,
    ):
        store.submit(sent)
        filler = fill(disk)
        state = SyncEngine(api, store, FAST).sync_once()
        assert state.trouble is Trouble.DISK and state.online
        assert state.disk is not None and state.disk.kind == "full"
        assert str(store.path) in (state.last_error or "")
        assert store.queue() is None  # the queue could not be cached
        filler.unlink()
        state = SyncEngine(api, store, FAST).sync_once()
        assert state.trouble is None and state.pending == 0
    assert stored_outcome_ids(server, boss, "diskfull") == [str(sent.id)]


@pytest.mark.parametrize("name", [OUTBOX_FILE, OUTBOX_LOG])
def test_a_symlinked_outbox_is_not_read_nor_written_through(tmp_path: Path, name: str) -> None:
    elsewhere = tmp_path / "other-agent"
    with AgentStore.open(elsewhere, SERVER, "a2") as other:
        other.submit(outcome("theirs"))
        if name == OUTBOX_FILE:
            other.compact()
        theirs = other.path / name
    before = theirs.read_bytes()
    with AgentStore.open(tmp_path / "mine", SERVER, "a1") as store:
        path = store.path
    (path / name).symlink_to(theirs)
    with AgentStore.open(tmp_path / "mine", SERVER, "a1") as store:
        assert [item.kind for item in store.pending()] == [ItemKind.REPORT], "theirs not read"
        assert "symbolic link" in str(store.recovered[0])
        store.submit(outcome("mine"))
        store.compact()
    assert theirs.read_bytes() == before
    assert not (path / name).is_symlink()


ODD_SHAPES = [
    *((OUTBOX_FILE, shape) for shape in ("empty", "directory", "nested", "binary")),
    *((OUTBOX_LOG, shape) for shape in ("directory", "nested", "binary")),  # empty is normal
]


@pytest.mark.parametrize(("name", "shape"), ODD_SHAPES)
def test_odd_files_are_kept_aside_and_reported_without_a_traceback(
    tmp_path: Path, name: str, shape: str
) -> None:
    with AgentStore.open(tmp_path, SERVER, "a1") as store:
        path = store.path / name
    if shape == "directory":
        path.mkdir()
    else:
        path.write_bytes(
            {"empty": b"", "nested": b"[" * 200_000 + b"\n", "binary": bytes(range(256)) * 64}[
                shape
            ]
        )
    with AgentStore.open(tmp_path, SERVER, "a1") as store:
        (report,) = store.recovered
        assert name in str(report)
        store.submit(outcome())
        kinds = [item.kind for item in store.pending()]
        assert kinds == [ItemKind.REPORT, ItemKind.OUTCOME], "the recovery is reported too"


def test_a_rotated_token_delivers_the_outbox_a_revoked_one_stranded(
    module_live_server, tmp_path: Path
) -> None:
    server = module_live_server
    token, boss, tasks = seed_tasks(server, "rotated", 2)
    with ApiClient(server.url, token) as api:
        snapshot, _ = api.queue()
    assert snapshot is not None
    # made as the app makes them, against the versions its queue held; the revoke then returns
    # the tasks to the pool, and the calls, made while they were the agent's, still count
    versions = {item.task.id: item.task.version for item in snapshot.items}
    waiting = [no_answer(task, "rotated", task_version=versions[task]) for task in tasks]
    admin.revoke(server.db_url, "rotated")
    with (
        ApiClient(server.url, token) as api,
        AgentStore.open(tmp_path, server.url, "rotated") as store,
    ):
        store.submit_many(waiting)
        state = SyncEngine(api, store, FAST).sync_once()
        assert state.trouble is Trouble.REFUSED and state.pending == 2
    cli = [sys.executable, "-m", "revisit_tui.cli", "admin", "--db", server.db_url]
    rotated = subprocess.run(
        [*cli, "rotate-token", "rotated"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert rotated.returncode == 0, rotated.stderr
    new_token = rotated.stdout.strip().splitlines()[-1]
    assert new_token != token
    with (
        ApiClient(server.url, new_token) as api,
        AgentStore.open(tmp_path, server.url, "rotated") as store,
    ):
        state = SyncEngine(api, store, FAST).sync_once()
        assert state.trouble is None and state.sent == 2 and state.pending == 0
    with ApiClient(server.url, token) as old, pytest.raises(ApiError) as refused:
        old.me()
    assert refused.value.status == 401
    assert sorted(stored_outcome_ids(server, boss, "rotated")) == sorted(str(o.id) for o in waiting)


def test_a_clock_two_hours_fast_is_noticed_at_every_round(
    module_live_server, tmp_path: Path
) -> None:
    server = module_live_server
    token, _, _ = seed_tasks(server, "skewed", 1)
    fast = timedelta(hours=2)
    with (
        ApiClient(server.url, token) as api,
        AgentStore.open(tmp_path, server.url, "skewed") as store,
    ):
        right = SyncEngine(api, store, FAST)
        assert right.sync_once().clock_skew is not None
        assert not right.clock_skewed()
        skewed = SyncEngine(api, store, FAST, clock=lambda: datetime.now(UTC) + fast)
        state = skewed.sync_once()
        assert state.clock_skew is not None and abs(state.clock_skew - 7200) < 5
        assert skewed.clock_skewed()


def test_a_409_item_goes_through_under_a_new_id_that_names_the_old_one(
    module_live_server, tmp_path: Path
) -> None:
    server = module_live_server
    token, boss, (task,) = seed_tasks(server, "conflict", 1)
    mine = no_answer(task, "conflict", notes="what I typed")
    with ApiClient(server.url, token) as api:
        api.put_outcome(mine.model_copy(update={"notes": "another body, same id"}))
        with AgentStore.open(tmp_path, server.url, "conflict") as store:
            store.submit(mine)
            engine = SyncEngine(api, store, FAST)
            engine.sync_once()
            (refused,) = store.needs_attention()
            assert refused.status == 409
            store.resubmit(mine)
            engine.sync_once()
            assert store.needs_attention()[0].status == 409, "the same id can never succeed"
            sent = store.replace(refused.id, mine)
            state = engine.sync_once()
            assert state.sent == 1 and state.pending == 0 and state.needs_attention == 0
    assert sorted(stored_outcome_ids(server, boss, "conflict")) == sorted(
        [str(mine.id), str(sent.id)]
    )
    with ApiClient(server.url, boss) as client:
        month = datetime.now(UTC).strftime("%Y-%m")
        stored = {str(o.id): o for o in SupervisorApi(client).outcomes(month, agent="conflict")}
    assert stored[str(sent.id)].replaces == mine.id
    assert stored[str(sent.id)].notes == "what I typed"
