"""The local store loses nothing: not on SIGKILL, not with a corrupt file; and only its owner
can read it."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from revisit_tui.client.store import (
    DRAFT_OUTCOME_KEY,
    DRAFTS_FILE,
    OUTBOX_FILE,
    OUTBOX_LOG,
    QUEUE_FILE,
    AgentStore,
    ItemKind,
    StoreBusy,
)
from revisit_tui.domain.models import Disposition, Outcome, QueueSnapshot

WRITER = Path(__file__).with_name("kill_writer.py")
SERVER = "http://127.0.0.1:9"  # the writer's server URL: the store directory depends on it
AGENT = "a1"
KILLS = 50


def outcome(task_id: str = "t1") -> Outcome:
    now = datetime.now(UTC)
    return Outcome(
        id=uuid.uuid4(),
        task_id=task_id,
        agent_id=AGENT,
        started_at=now,
        ended_at=now,
        disposition=Disposition.NO_ANSWER,
    )


def outbox_ids_on_disk(store_path: Path) -> list[str]:
    """The ids of every outbox item written: the snapshot's, then each journal line's."""
    ids: list[str] = []
    path = store_path / OUTBOX_FILE
    if path.exists():
        tables = json.loads(path.read_text())
        ids += [doc["id"] for doc in tables.get("outbox", {}).values()]
    journal = store_path / OUTBOX_LOG
    if journal.exists():
        for line in journal.read_text().splitlines():
            ids += [doc["id"] for doc in json.loads(line).get("put", [])]
    return ids


def wait_for_line(path: Path, start: str, timeout: float = 10) -> None:
    """Until the writer's log has a line starting with `start`."""
    deadline = time.monotonic() + timeout
    while not (path.exists() and any(x.startswith(start) for x in path.read_text().splitlines())):
        assert time.monotonic() < deadline, f"the writer did not say {start!r}"
        time.sleep(0.002)


def test_every_saved_outcome_and_draft_survives_sigkill(tmp_path: Path) -> None:
    rng = random.Random(4)
    saved_total = 0
    zygote = subprocess.Popen(
        [sys.executable, str(WRITER), str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    try:
        for run in range(KILLS):
            log = tmp_path / f"run-{run}.log"
            zygote.stdin.write(f"run {run} {log}\n")
            zygote.stdin.flush()
            pid = int(zygote.stdout.readline().split()[1])
            wait_for_line(log, "ready")  # 1 run in 3 may die while opening the store
            if run % 3:
                wait_for_line(log, "O ")
            time.sleep(rng.uniform(0.0, 0.1))
            os.kill(pid, signal.SIGKILL)
            assert zygote.stdout.readline().split() == ["exit", str(pid), str(signal.SIGKILL)]
            lines = log.read_text().splitlines()
            saved = [line.split()[1:] for line in lines if line.startswith("O ")]
            drafted = [int(line.split()[1]) for line in lines if line.startswith("D ")]
            with AgentStore.open(tmp_path, SERVER, AGENT) as store:
                on_disk = outbox_ids_on_disk(store.path)
                assert len(on_disk) == len(set(on_disk)), f"run {run}: an outcome is duplicated"
                pending = {item.id for item in store.pending()}
                for outcome_id, task_id in saved:
                    assert outcome_id in pending, f"run {run}: saved outcome lost"
                    assert store.draft(task_id) is None, f"run {run}: submitted draft still there"
                for task_id in store.draft_task_ids():
                    draft = store.draft(task_id)
                    assert draft is not None
                    assert draft.get(DRAFT_OUTCOME_KEY) not in pending, f"run {run}: draft twice"
                if drafted:
                    typing = store.draft("typing")
                    assert typing is not None and typing["n"] in (drafted[-1], drafted[-1] + 1)
                assert store.recovered == []
                saved_total += len(saved)
                store.acknowledge(pending)  # keep the outbox small for the next run
                for task_id in store.draft_task_ids():
                    if task_id != "typing":
                        store.drop_draft(task_id)
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=10)
    assert saved_total >= KILLS * 2 // 3  # most kills hit a writer in full swing
    assert not list(tmp_path.rglob(".*.tmp"))  # interrupted writes left nothing behind


def test_files_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        store.save_draft("t1", {"notes": "x"})
        store.submit(outcome("t2"))
        store.save_queue(
            QueueSnapshot(agent_id=AGENT, generated_at=datetime.now(UTC), items=[]), '"e1"'
        )
        store.compact()
        for name in (QUEUE_FILE, OUTBOX_FILE, OUTBOX_LOG, DRAFTS_FILE):
            assert stat.S_IMODE((store.path / name).stat().st_mode) == 0o600, name
        for directory in (store.path, store.path.parent):
            assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_a_second_process_cannot_open_the_same_store(tmp_path: Path) -> None:
    with AgentStore.open(tmp_path, SERVER, AGENT), pytest.raises(StoreBusy) as busy:
        AgentStore.open(tmp_path, SERVER, AGENT)
    assert "another session" in str(busy.value) and "quit that one" in str(busy.value)


def test_a_resubmitted_outcome_keeps_its_place_and_leaves_attention(tmp_path: Path) -> None:
    first, second = outcome("t1"), outcome("t2")
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        store.submit(first)
        store.submit(second)
        store.mark_needs_attention(str(first.id), "task t1 is unknown", 404)
        assert store.task_sync_state("t1") == "attention"
        assert [item.reason for item in store.needs_attention()] == ["task t1 is unknown"]
        fixed = first.model_copy(update={"notes": "checked"})
        store.resubmit(fixed)
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        assert [item.id for item in store.pending()] == [str(first.id), str(second.id)]
        assert store.pending()[0].model == fixed
        assert store.needs_attention() == []
        assert store.task_sync_state("t1") == "pending"
        store.acknowledge([str(first.id), str(second.id)])
        assert store.task_sync_state("t1") is None


CORRUPT_NAME = re.compile(r"^(queue|outbox|drafts)\.json\.corrupt-\d{8}T\d{12}Z$")


@pytest.mark.parametrize("name", [QUEUE_FILE, OUTBOX_FILE, DRAFTS_FILE])
def test_garbage_is_moved_aside_and_reported(tmp_path: Path, name: str) -> None:
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        path = store.path
    (path / name).write_bytes(b"\x00\xffnot json at all{")
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        assert len(store.recovered) == 1 and name in str(store.recovered[0])
        aside = [p.name for p in path.iterdir() if p.name.startswith(name + ".corrupt-")]
        assert len(aside) == 1 and CORRUPT_NAME.match(aside[0])
        assert (path / aside[0]).read_bytes() == b"\x00\xffnot json at all{"
        store.save_draft("t1", {"notes": "still works"})
        store.submit(outcome("t2"))
        kinds = [item.kind for item in store.pending()]
        assert kinds == [ItemKind.REPORT, ItemKind.OUTCOME], "the recovery is reported too"


def test_outcomes_are_salvaged_from_a_truncated_outbox(tmp_path: Path) -> None:
    outcomes = [outcome(f"t{i}") for i in range(5)]
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        for item in outcomes:
            store.submit(item)
        store.compact()
        path = store.path / OUTBOX_FILE
    raw = path.read_bytes()
    cut = raw.index(str(outcomes[4].id).encode()) + 20  # mid-way through the last outcome
    path.write_bytes(raw[:cut])
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        assert [i.model for i in store.pending() if i.kind is ItemKind.OUTCOME] == outcomes[:4]
        assert "4 entries recovered" in str(store.recovered[0])


def test_a_draft_with_a_wrong_shape_is_reported_and_the_others_kept(tmp_path: Path) -> None:
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        store.save_draft("t1", {"notes": "keep me"})
        path = store.path / DRAFTS_FILE
    tables = json.loads(path.read_text())
    tables["drafts"]["9"] = {"task_id": 7, "data": "not a form"}
    path.write_text(json.dumps(tables))
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        assert "entry 9" in str(store.recovered[0])
        assert store.draft("t1") == {"notes": "keep me"}


def test_a_crash_between_outbox_and_draft_leaves_one_copy(tmp_path: Path) -> None:
    attempt = outcome("t1")
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        store.save_draft("t1", {DRAFT_OUTCOME_KEY: str(attempt.id), "notes": "typed"})
        store.save_draft("t2", {"notes": "another call, not submitted"})
        store.resubmit(attempt)  # into the outbox without touching the draft, as if killed
        assert store.draft("t1") is not None
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        assert store.draft("t1") is None
        assert store.draft("t2") == {"notes": "another call, not submitted"}
        store.submit(attempt)  # the same outcome again: still one copy
        assert [item.id for item in store.pending()] == [str(attempt.id)]


def test_the_ui_and_the_sync_thread_do_not_trip_over_each_other(tmp_path: Path) -> None:
    outcomes = [outcome(f"t{i}") for i in range(60)]
    acknowledged = {str(o.id) for o in outcomes if o.task_id.endswith(("0", "5"))}
    submitted = threading.Event()
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:

        def ui() -> None:  # types and submits
            try:
                for n, item in enumerate(outcomes):
                    store.save_draft("typing", {"n": n})
                    store.submit(item)
            finally:
                submitted.set()

        def sync() -> None:  # acknowledges what the server took, while the UI writes
            while True:
                done = submitted.is_set()
                store.acknowledge(item.id for item in store.pending() if item.id in acknowledged)
                if done:
                    return
                time.sleep(0.001)

        threads = [threading.Thread(target=ui), threading.Thread(target=sync)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with AgentStore.open(tmp_path, SERVER, AGENT) as store:
        assert store.draft("typing") == {"n": 59}
        assert [item.id for item in store.pending()] == [
            str(o.id) for o in outcomes if str(o.id) not in acknowledged
        ]
        assert store.recovered == []
