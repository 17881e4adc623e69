"""The agent's local store: the cached queue, the outbox of unsent work, and drafts.

One directory per server and agent (mode 0700) holds these files (mode 0600), kept apart so
a keystroke never re-serialises the queue. A server is named by its id (`Me.server_id`), not
by the URL that reaches it: `localhost` and `127.0.0.1` open the same store.

- `queue.json`  — the last queue snapshot (identifiers masked by the server) and its ETag,
  and the prefetched dial numbers of the next few tasks; rewritten on refresh only, when
  numbers of tasks that left the queue are dropped;
- `outbox.json` + `outbox.log` — outcomes, reveal audits, SMS requests and store reports
  (discards, hand-overs, recoveries: for supervisors) not yet acknowledged by the server, in
  the order they were made, plus items the server refused ("needs attention", with its
  reason) until they are fixed and resubmitted: a snapshot and the journal of changes since
  (see `journal`), so a submit appends one line;
- `drafts.json` — forms in progress, one per task, saved on every change;
- `server.json` — the id of the server the store belongs to, recorded when it first answers:
  the store's items are sent to that server only.

Every write is atomic or appended, and fsynced (see `durable`, `journal`); nothing is read or
written through a symlink. A file that cannot be read is kept aside as
`<name>.corrupt-<UTC timestamp>`, whatever outbox items and drafts can be salvaged from it
are carried into the new file (see `salvage`), and the recovery is reported in
`AgentStore.recovered`, appended to `recovery.log` and sent to the server for supervisors.

The store is safe to use from several threads of one process (the app's UI thread saves
drafts while a worker syncs); a second process opening the same store gets `StoreBusy`.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import json
import logging
import os
import re
import stat
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import AwareDatetime, BaseModel, ConfigDict, TypeAdapter, ValidationError
from tinydb import TinyDB
from tinydb.table import Table

from revisit_tui.client.durable import (
    OPEN_FLAGS,
    AtomicJSONStorage,
    CorruptFile,
    DiskError,
    atomic_write,
    ensure_private_dir,
    fsync_dir,
    private_dir,
    read_private,
    read_tables,
)
from revisit_tui.client.journal import Journal, write_snapshot
from revisit_tui.client.salvage import salvage as salvage_objects
from revisit_tui.domain.models import (
    NOTES_MAX,
    Outcome,
    PrefetchItem,
    QueueSnapshot,
    Reveal,
    SmsRequest,
    StoreReport,
    StoreReportKind,
)

QUEUE_FILE = "queue.json"
OUTBOX_FILE = "outbox.json"
OUTBOX_LOG = "outbox.log"  # changes since outbox.json was written (see `journal`)
DRAFTS_FILE = "drafts.json"
LOCK_FILE = ".lock"
SERVER_FILE = "server.json"  # the id of the server the store belongs to
RECOVERY_LOG = "recovery.log"  # what was kept aside and recovered, one JSON line each
DISCARDED_LOG = "discarded.log"  # refused items the agent discarded or handed over, whole
APP_NAME = "revisit-tui"
COMPACT_MIN_BYTES = 256 * 1024  # a smaller journal is not worth a rewrite of the outbox
OUTBOX_HEADROOM = 256 * 1024  # room kept for a day's outcomes beyond the outbox's size
DRAFT_OUTCOME_KEY = "outcome_id"  # a draft's data names the outcome it will become under this key

log = logging.getLogger(__name__)

SyncMark = Literal["pending", "attention"]
WireItem = Outcome | Reveal | SmsRequest | StoreReport
T = TypeVar("T")


class ItemKind(StrEnum):
    OUTCOME = "outcome"
    REVEAL = "reveal"
    SMS = "sms"
    REPORT = "report"  # a discard, hand-over or recovery, for supervisors


_MODEL_OF: dict[ItemKind, type[WireItem]] = {
    ItemKind.OUTCOME: Outcome,
    ItemKind.REVEAL: Reveal,
    ItemKind.SMS: SmsRequest,
    ItemKind.REPORT: StoreReport,
}


class StoreBusy(Exception):
    """Another process has this agent's store open (e.g. the app is running twice)."""


class OutboxItem(BaseModel):
    """Something the server has not acknowledged yet: the wire body plus its local state."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str  # the wire item's UUID
    kind: ItemKind
    task_id: str  # "" for a report: it is no task's work
    body: dict[str, Any]  # the wire model as JSON
    queued_at: AwareDatetime
    attention: bool = False  # True: the server refused it; `reason` says why
    reason: str = ""
    status: int | None = None  # the server's status for a refused item
    replaces: str = ""  # the refused item this one corrects, sent again under this new id

    @property
    def model(self) -> WireItem:
        """The wire model this item carries (Outcome, Reveal, SmsRequest or StoreReport)."""
        return _MODEL_OF[self.kind].model_validate(self.body)

    def unreadable_reason(self) -> str:
        """Why this version cannot read the body (one written by another version, or
        damaged); "" when it can."""
        try:
            self.model  # noqa: B018 - validating is the point
        except ValidationError as exc:
            return "; ".join(
                ".".join(str(part) for part in error["loc"]) + ": " + error["msg"]
                for error in exc.errors()
            )
        except (KeyError, TypeError, ValueError) as exc:
            return _first_line(exc)
        return ""

    @classmethod
    def of(cls, item: WireItem, now: datetime) -> OutboxItem:
        kind = next(kind for kind, model in _MODEL_OF.items() if isinstance(item, model))
        return cls(
            id=str(item.id),
            kind=kind,
            task_id="" if isinstance(item, StoreReport) else item.task_id,
            body=compact(item),
            queued_at=now,
        )


class Draft(BaseModel):
    """A form in progress for one task; `data` is whatever the app's screens keep."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    task_id: str
    data: dict[str, Any]
    saved_at: AwareDatetime


def compact(model: BaseModel) -> dict[str, Any]:
    """A model as JSON without its default values: smaller files, cheaper writes. Only for
    documents inserted or replaced whole (a TinyDB update merges, so it takes full dumps)."""
    return model.model_dump(mode="json", exclude_defaults=True)


def default_data_dir() -> Path:
    """The user's data directory for revisit-tui (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


def store_dir(data_dir: Path, server_id: str, agent_id: str) -> Path:
    """`<data_dir>/server-<server id>/<agent>`: one directory per server and agent."""
    name = _slug(server_id)
    if name != server_id:  # two ids must not meet in one slug
        name += "-" + hashlib.sha256(server_id.encode("utf-8")).hexdigest()[:10]
    return data_dir / f"server-{name}" / _slug(agent_id)


def url_store_dir(data_dir: Path, server_url: str, agent_id: str) -> Path:
    """Where versions before server ids kept a store: `<host-port>-<hash of the URL>/<agent>`."""
    parts = urlsplit(server_url)
    host = _slug(f"{parts.hostname or 'local'}-{parts.port or parts.scheme}")
    digest = hashlib.sha256(server_url.rstrip("/").encode("utf-8")).hexdigest()[:10]
    return data_dir / f"{host}-{digest}" / _slug(agent_id)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip(".-") or "_"


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AgentStore:
    """One agent's local files for one server. Open it with `AgentStore.open`."""

    def __init__(self, path: Path, clock: Callable[[], datetime] = _utcnow) -> None:
        """Use `AgentStore.open`; this takes a directory that already exists and is private."""
        self.path = path
        self.recovered: list[Recovery] = []  # files kept aside at opening, for the agent
        self._clock = clock
        self._lock_fd = _lock(path / LOCK_FILE)
        self._outbox_lock = threading.RLock()
        self._drafts_lock = threading.RLock()
        self._queue_lock = threading.RLock()
        _remove_stale_tmp(path)
        self._queue_db, queue = self._open_db(
            QUEUE_FILE, _parse_queue, None, keep_free=self._outbox_room
        )
        self._journal = Journal(path / OUTBOX_LOG)
        self._outbox: dict[str, OutboxItem] = {}  # in the order made
        self._attention: set[str] = set()  # ids of refused items
        self._of_task: dict[str, set[str]] = {}  # task id -> ids of its items
        self._snapshot_size = 0
        self._open_outbox()
        self._drafts_db, drafts = self._open_db(DRAFTS_FILE, Draft.model_validate, _as_draft)
        cached = queue.get(1)
        self._queue: tuple[QueueSnapshot, str | None] | None = cached[:2] if cached else None
        self._prefetch: dict[str, PrefetchItem] = cached[2] if cached else {}
        self._drafts: dict[str, tuple[int, Draft]] = {
            draft.task_id: (doc_id, draft) for doc_id, draft in drafts.items()
        }
        self._drop_submitted_drafts()
        self._report_recoveries()
        self.server_id = _read_server_id(path / SERVER_FILE)  # None until a server answered

    @classmethod
    def open(
        cls,
        data_dir: str | os.PathLike[str] | None,
        server_id: str | None,
        agent_id: str,
        clock: Callable[[], datetime] = _utcnow,
        *,
        url: str = "",
    ) -> AgentStore:
        """Open (creating if needed) the store of `agent_id` on the server `server_id` under
        `data_dir` (None or "": the user's data directory). A store an older version kept
        under the server's `url` moves here first; with no server id known yet, that store is
        opened where it is. Raises StoreBusy if another process has the store."""
        root = Path(data_dir) if data_dir else default_data_dir()
        ensure_private_dir(root)
        former = url_store_dir(root, url, agent_id) if url else None
        if server_id is None:
            if former is None:
                raise ValueError("a store needs the server's id or, for an old store, its URL")
            path = former
        else:
            path = store_dir(root, server_id, agent_id)
        private_dir(path.parent)
        if former is not None and former != path and _is_dir(former) and not _exists(path):
            _move_store(former, path)
        return cls(private_dir(path), clock)

    def note_server(self, server_id: str) -> None:
        """Record the id of the server this store belongs to (the first server to answer it);
        from then on the store's items go to that server only."""
        data = json.dumps({"server_id": server_id}).encode("utf-8")
        atomic_write(self.path / SERVER_FILE, data)
        self.server_id = server_id

    def close(self) -> None:
        """Release the files; the store must not be used afterwards."""
        with self._outbox_lock, self._drafts_lock, self._queue_lock:  # after any write
            for db in (self._queue_db, self._drafts_db):
                db.close()
            self._journal.close()
            os.close(self._lock_fd)

    def __enter__(self) -> AgentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- queue ------------------------------------------------------------------------------

    def queue(self) -> QueueSnapshot | None:
        """The last queue snapshot received, or None if there never was one."""
        with self._queue_lock:
            return self._queue[0] if self._queue else None

    def queue_etag(self) -> str | None:
        """The ETag of the cached snapshot, for If-None-Match."""
        with self._queue_lock:
            return self._queue[1] if self._queue else None

    def save_queue(self, snapshot: QueueSnapshot, etag: str | None) -> None:
        """Replace the cached queue with a fresh snapshot and its ETag; prefetched numbers of
        tasks no longer in it leave the cache in the same write."""
        with self._queue_lock:
            in_queue = {item.task.id for item in snapshot.items}
            kept = {k: v for k, v in self._prefetch.items() if k in in_queue}
            self._write_queue(snapshot, etag, kept)

    def prefetched(self, task_id: str) -> PrefetchItem | None:
        """The numbers prefetched for a task (for an offline call), or None."""
        with self._queue_lock:
            return self._prefetch.get(task_id)

    def prefetched_task_ids(self) -> list[str]:
        with self._queue_lock:
            return list(self._prefetch)

    def save_prefetch(self, task_ids: Sequence[str], items: Sequence[PrefetchItem]) -> None:
        """Keep prefetched numbers of `task_ids` only (the server's next tasks): those held
        already and the new `items`; the rest leave the cache."""
        with self._queue_lock:
            merged = {**self._prefetch, **{item.task_id: item for item in items}}
            kept = {k: merged[k] for k in task_ids if k in merged}
            snapshot, etag = self._queue if self._queue else (None, None)
            if snapshot is not None:
                self._write_queue(snapshot, etag, kept)

    def _write_queue(
        self, snapshot: QueueSnapshot, etag: str | None, prefetch: dict[str, PrefetchItem]
    ) -> None:
        doc = {
            "snapshot": compact(snapshot),
            "etag": etag,
            "prefetch": [compact(item) for item in prefetch.values()],
        }
        _put(self._queue_t, 1, doc)
        self._queue = (snapshot, etag)
        self._prefetch = prefetch

    # --- drafts -----------------------------------------------------------------------------

    def draft(self, task_id: str) -> dict[str, Any] | None:
        """The saved form data for a task, or None."""
        with self._drafts_lock:
            entry = self._drafts.get(task_id)
            return json.loads(json.dumps(entry[1].data)) if entry else None

    def draft_task_ids(self) -> list[str]:
        """Tasks with a draft (e.g. to offer "continue where you left off")."""
        with self._drafts_lock:
            return list(self._drafts)

    def save_draft(self, task_id: str, data: dict[str, Any]) -> None:
        """Save a task's form data durably (call on every change). `data` must be JSON-able;
        put the outcome's id under DRAFT_OUTCOME_KEY so a crash during submit is recovered."""
        # a detached JSON copy: refuses what JSON cannot hold before anything is written, and
        # later changes to the caller's dict do not reach the cache unsaved
        detached = json.loads(json.dumps(data))
        draft = Draft(task_id=task_id, data=detached, saved_at=self._clock())
        doc = draft.model_dump(mode="json")
        with self._drafts_lock:
            entry = self._drafts.get(task_id)
            doc_id = _put(self._drafts_t, entry[0] if entry else None, doc)
            self._drafts[task_id] = (doc_id, draft)

    def drop_draft(self, task_id: str) -> None:
        """Forget a task's draft (after submit, or when the agent discards it)."""
        with self._drafts_lock:
            entry = self._drafts.get(task_id)
            if entry:
                self._drafts_t.remove(doc_ids=[entry[0]])
                del self._drafts[task_id]

    # --- outbox -----------------------------------------------------------------------------

    def submit(self, outcome: Outcome) -> None:
        """Put an outcome into the outbox durably, then drop its task's draft. Submitting the
        same outcome id again changes nothing (it is already waiting)."""
        self.submit_many([outcome])

    def submit_many(self, outcomes: Sequence[Outcome]) -> None:
        """`submit` for several outcomes with one outbox write (bulk loads: attempts recorded
        elsewhere, benchmarks); each write rewrites the whole outbox, so this is n times
        cheaper than n submits."""
        self._enqueue(outcomes)
        with self._drafts_lock:
            for outcome in outcomes:
                entry = self._drafts.get(outcome.task_id)
                if entry and entry[1].data.get(DRAFT_OUTCOME_KEY) in (None, str(outcome.id)):
                    self.drop_draft(outcome.task_id)

    def add_reveal(self, reveal: Reveal) -> None:
        """Record a deliberate unmasking for the server's audit."""
        self._enqueue([reveal])

    def add_sms(self, sms: SmsRequest) -> None:
        """Queue an SMS request; the server checks quiet hours and the frequency cap."""
        self._enqueue([sms])

    def pending(self) -> list[OutboxItem]:
        """Items waiting to be sent, oldest first."""
        with self._outbox_lock:
            return [item for item in self._outbox.values() if not item.attention]

    def needs_attention(self) -> list[OutboxItem]:
        """Items the server refused, with its reason, oldest first."""
        with self._outbox_lock:
            return [item for item in self._outbox.values() if item.attention]

    def pending_count(self) -> int:
        """How many items wait to be sent."""
        with self._outbox_lock:
            return len(self._outbox) - len(self._attention)

    def attention_count(self) -> int:
        """How many refused items wait to be fixed."""
        with self._outbox_lock:
            return len(self._attention)

    def acknowledge(self, ids: Iterable[str]) -> None:
        """The server has these items: remove them from the outbox (one write)."""
        with self._outbox_lock:
            gone = list(dict.fromkeys(str(i) for i in ids if str(i) in self._outbox))
            if not gone:
                return
            self._journal.append(deletes=gone)
            for item_id in gone:
                self._forget(item_id)
            self._compact_if_worth_it()

    def mark_needs_attention(self, item_id: str, reason: str, status: int | None = None) -> None:
        """The server refused an item: keep it aside with the reason until it is fixed."""
        self._update(item_id, {"attention": True, "reason": reason, "status": status})

    def resubmit(self, item: WireItem) -> None:
        """A fixed item (same id) goes back to the pending queue in its place."""
        with self._outbox_lock:
            if str(item.id) not in self._outbox:
                self._enqueue([item])
                return
            self._update(
                str(item.id),
                {
                    "body": compact(item),
                    "attention": False,
                    "reason": "",
                    "status": None,
                },
            )

    def compact(self) -> None:
        """Fold the outbox's journal into its snapshot now (before copying the files away;
        the store does it by itself as acknowledgements accumulate)."""
        with self._outbox_lock:
            self._write_outbox_snapshot()

    def replace(self, refused_id: str, fixed: WireItem) -> WireItem:
        """Send a corrected item under a new id that records the refused one it replaces (the
        server may hold the old id with another body: resending it could never succeed); the
        refused item leaves the outbox in the same write. Returns the item as queued."""
        update: dict[str, Any] = {"id": uuid.uuid4()}
        if isinstance(fixed, Outcome):
            update["replaces"] = uuid.UUID(refused_id)
        corrected = fixed.model_copy(update=update)
        entry = OutboxItem.of(corrected, self._clock()).model_copy(update={"replaces": refused_id})
        with self._outbox_lock:
            gone = [refused_id] if refused_id in self._outbox else []
            self._journal.append(puts=[compact(entry)], deletes=gone)
            for item_id in gone:
                self._forget(item_id)
            self._remember(entry)
        return corrected

    def discard(self, item_id: str, reason: str, handed_over: bool = False) -> None:
        """Take a refused item out of the outbox for good, with the agent's reason: in the same
        write a report of it (whole, with the server's reason) joins the outbox for the
        supervisors (POST /v1/store-reports); it is also appended to `discarded.log` here.
        `handed_over`: the agent hands it to a supervisor (e.g. the task is gone)."""
        with self._outbox_lock:
            item = self._outbox.get(item_id)
            if item is None:
                return
            now = self._clock()
            kind = StoreReportKind.HANDED_OVER if handed_over else StoreReportKind.DISCARDED
            report = StoreReport(
                id=uuid.uuid4(),
                kind=kind,
                at=now,
                reason=reason[:NOTES_MAX],
                item_id=uuid.UUID(item.id),
                item_kind=item.kind.value,
                task_id=item.task_id or None,
                refusal=item.reason[:NOTES_MAX],
                refusal_status=item.status,
                item=item.body,
            )
            record = {
                "at": now.astimezone(UTC).isoformat(),
                "action": kind.value,
                "reason": reason,
                "item": item.model_dump(mode="json"),
            }
            _append_line(self.path / DISCARDED_LOG, record)
            entry = OutboxItem.of(report, now)
            self._journal.append(puts=[compact(entry)], deletes=[item_id])
            self._forget(item_id)
            self._remember(entry)

    def task_sync_state(self, task_id: str) -> SyncMark | None:
        """Whether an item of the task was refused ("attention"), waits ("pending"), or None."""
        with self._outbox_lock:
            ids = self._of_task.get(task_id, ())
            if not ids:
                return None
            return "attention" if any(i in self._attention for i in ids) else "pending"

    # --- internals --------------------------------------------------------------------------

    @property
    def _queue_t(self) -> Table:
        return self._queue_db.table("queue")

    @property
    def _drafts_t(self) -> Table:
        return self._drafts_db.table("drafts")

    def _enqueue(self, items: Sequence[WireItem]) -> None:
        """Append the items not already in the outbox, in one write."""
        with self._outbox_lock:
            now = self._clock()
            new: dict[str, OutboxItem] = {}
            for item in items:
                if str(item.id) not in self._outbox:
                    new.setdefault(str(item.id), OutboxItem.of(item, now))
            if not new:
                return
            self._journal.append(puts=[compact(entry) for entry in new.values()])
            for entry in new.values():
                self._remember(entry)

    def _update(self, item_id: str, fields: dict[str, Any]) -> None:
        """Change an item in place (one write); one no longer in the outbox is left alone."""
        with self._outbox_lock:
            if item_id not in self._outbox:
                return
            item = self._outbox[item_id]
            updated = OutboxItem.model_validate({**item.model_dump(), **fields})
            self._journal.append(puts=[compact(updated)])
            self._remember(updated)
            self._compact_if_worth_it()

    def _remember(self, item: OutboxItem) -> None:
        """Put an item into memory and the indexes (in its place if it is there already)."""
        self._outbox[item.id] = item
        if item.task_id:
            self._of_task.setdefault(item.task_id, set()).add(item.id)
        if item.attention:
            self._attention.add(item.id)
        else:
            self._attention.discard(item.id)

    def _forget(self, item_id: str) -> None:
        item = self._outbox.pop(item_id)
        self._attention.discard(item_id)
        ids = self._of_task.get(item.task_id)
        if ids is not None:
            ids.discard(item_id)
            if not ids:
                del self._of_task[item.task_id]

    def _compact_if_worth_it(self) -> None:
        """Fold the journal into a new snapshot once it outgrows it (on acknowledgements and
        fixes, never on submit: a submit stays one line). A failure leaves the journal as
        it is, which still holds everything."""
        if self._journal.size <= max(COMPACT_MIN_BYTES, self._snapshot_size):
            return
        try:
            self._write_outbox_snapshot()
        except DiskError as exc:
            log.warning("outbox not compacted (the journal keeps every change): %s", exc)

    def _write_outbox_snapshot(self) -> None:
        path = self.path / OUTBOX_FILE
        write_snapshot(path, "outbox", (compact(item) for item in self._outbox.values()))
        self._snapshot_size = path.stat().st_size
        self._journal.clear()

    def _open_outbox(self) -> None:
        """The snapshot (salvaged when damaged), then the journal's changes on top; damaged
        journal lines are salvaged and reported, and the result compacted at once."""
        with _collector_paused():
            self._read_outbox()

    def _read_outbox(self) -> None:
        path = self.path / OUTBOX_FILE
        try:
            items = _parse_outbox(path)
        except CorruptFile as exc:
            self._move_aside(path, exc.reason, _as_item)
            items = _parse_outbox(path)
        self._outbox = {item.id: item for item in items}
        self._attention = {item.id for item in items if item.attention}
        for item in items:
            if item.task_id:
                self._of_task.setdefault(item.task_id, set()).add(item.id)
        self._snapshot_size = _size(path)
        try:
            replay = self._journal.replay()
        except CorruptFile as exc:  # a link or a directory in its place: never followed
            self._move_aside(self.path / OUTBOX_LOG, exc.reason, None)
            replay = self._journal.replay()
        bad = list(replay.bad_lines)
        for change, value in replay.changes:
            if change == "del":
                if value in self._outbox:
                    self._forget(value)
                continue
            try:
                self._remember(OutboxItem.model_validate(value))
            except ValidationError:
                bad.append(json.dumps(value).encode())
        if bad:
            self._salvage_journal(bad)

    def _salvage_journal(self, bad: list[bytes]) -> None:
        log_path = self.path / OUTBOX_LOG
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = log_path.with_name(f"{log_path.name}.corrupt-{stamp}")
        _keep_copy(log_path, aside, read_private(log_path) or b"")
        found = _unique(salvage_objects(b"\n".join(bad), _as_item).found)
        for item in found:
            if item.id not in self._outbox:
                self._remember(item)
        recovery = Recovery(
            OUTBOX_LOG, f"{len(bad)} damaged line(s)", aside, len(found), len(bad) - len(found)
        )
        self._write_outbox_snapshot()
        self.recovered.append(recovery)
        _log_recovery(self.path, recovery)

    def _report_recoveries(self) -> None:
        """Each file recovered at opening is reported to the supervisors through the outbox
        (it is in `recovery.log` already: a failure here loses no record of it)."""
        now = self._clock()
        reports = [
            StoreReport(
                id=uuid.uuid4(),
                kind=StoreReportKind.RECOVERY,
                at=now,
                reason=recovery.reason[:NOTES_MAX],
                file=recovery.file,
                aside=str(recovery.aside)[:NOTES_MAX],
                recovered=recovery.recovered,
                lost=recovery.lost,
            )
            for recovery in self.recovered
        ]
        try:
            self._enqueue(reports)
        except DiskError as exc:
            log.warning("recoveries not reported to the server (see %s): %s", RECOVERY_LOG, exc)

    def _drop_submitted_drafts(self) -> None:
        """A crash between the outbox write and the draft removal leaves a draft whose outcome
        is already waiting: drop it so it is not submitted twice."""
        for task_id, (_, draft) in list(self._drafts.items()):
            if str(draft.data.get(DRAFT_OUTCOME_KEY)) in self._outbox:
                self.drop_draft(task_id)

    def _outbox_room(self) -> int:
        """Bytes the queue cache leaves free: room to rewrite the outbox and drafts once more
        (a write needs the new copy beside the old) and to grow them a little."""
        used = sum(_size(self.path / name) for name in (OUTBOX_FILE, OUTBOX_LOG, DRAFTS_FILE))
        return used + OUTBOX_HEADROOM

    def _open_db(
        self,
        name: str,
        parse: Callable[[Any], T],
        salvage: Callable[[Any], T | None] | None,
        keep_free: Callable[[], int] | None = None,
    ) -> tuple[TinyDB, dict[int, T]]:
        """Open one file, its entries parsed by doc id. An unreadable file (bad JSON or an
        invalid entry) is moved aside; with `salvage`, what can be parsed from it is kept."""
        path = self.path / name
        try:
            entries = _parse_file(path, parse)
        except CorruptFile as exc:
            self._move_aside(path, exc.reason, salvage)
            entries = _parse_file(path, parse)
        return TinyDB(path, storage=AtomicJSONStorage, keep_free=keep_free), entries

    def _move_aside(self, path: Path, reason: str, salvage: Callable[[Any], Any] | None) -> None:
        """Keep the damaged file as `<name>.corrupt-<UTC time>` and carry what can be salvaged
        into a new file. Resumable: the damaged file stays in place until the new one replaces
        it, so a kill half-way leaves it to be salvaged again at the next start."""
        stamp = self._clock().astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        raw = None if salvage is None else _regular_bytes(path)
        if raw is None or salvage is None:  # a cache, a link, a directory: set it aside
            os.replace(path, aside)
            recovery = Recovery(path.name, reason, aside, None, 0)
        else:
            salvaged = salvage_objects(raw, salvage)
            kept = _unique(salvaged.found)
            _keep_copy(path, aside, raw)
            table = {str(n): compact(doc) for n, doc in enumerate(kept, start=1)}
            atomic_write(path, json.dumps({_TABLES[path.name]: table}).encode("utf-8"))
            lost = max(0, salvaged.seen - len(kept))
            recovery = Recovery(path.name, reason, aside, len(kept), lost)
        self.recovered.append(recovery)
        _log_recovery(self.path, recovery)


@dataclass(frozen=True)
class Recovery:
    """A file of the store that could not be read at start-up, and what became of it."""

    file: str  # queue.json, outbox.json or drafts.json
    reason: str  # why it could not be read
    aside: Path  # where the damaged file is kept
    recovered: int | None  # entries carried into the new file; None: not salvaged (a cache)
    lost: int  # entries seen in the damaged file that could not be recovered

    def __str__(self) -> str:
        text = f"{self.file} could not be read ({self.reason}); kept aside as {self.aside}"
        if self.recovered is not None:
            text += f"; {self.recovered} entries recovered from it, {self.lost} could not be"
        return text


def _regular_bytes(path: Path) -> bytes | None:
    """The file's bytes if it is a regular file (not a link, not a directory), else None."""
    try:
        return read_private(path)
    except CorruptFile:
        return None


def _keep_copy(path: Path, aside: Path, raw: bytes) -> None:
    """`aside` holds what `path` holds now (a hard link; a copy where links are refused)."""
    try:
        os.link(path, aside, follow_symlinks=False)
    except OSError:
        atomic_write(aside, raw)


def _log_recovery(store_path: Path, recovery: Recovery) -> None:
    """Append the recovery to the store's `recovery.log` (JSON lines, kept for supervisors to
    collect) and to the application log."""
    log.warning("%s", recovery)
    _append_line(
        store_path / RECOVERY_LOG,
        {
            "at": datetime.now(UTC).isoformat(),
            "file": recovery.file,
            "reason": recovery.reason,
            "aside": str(recovery.aside),
            "recovered": recovery.recovered,
            "lost": recovery.lost,
        },
    )


def _append_line(path: Path, record: dict[str, Any]) -> None:
    """Append one JSON line durably (a supervisor's log in the store: mode 0600, no links)."""
    data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | OPEN_FLAGS
    try:
        fd = os.open(path, flags, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise DiskError("write", path, exc) from None


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


_OUTBOX_TABLES: TypeAdapter[dict[str, dict[str, OutboxItem]]] = TypeAdapter(
    dict[str, dict[str, OutboxItem]]
)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic collector paused while a large outbox is read: the hundreds of thousands
    of objects it makes, none of them garbage, set off full collections that scan every live
    object (opening 100,000 items took 2.0-2.6 s instead of 0.7 s)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_outbox(path: Path) -> list[OutboxItem]:
    """The snapshot's items in order. Fast path: parsed and validated in one pass by
    pydantic-core; on any problem the slow path says which entry (CorruptFile)."""
    raw = read_private(path)
    if raw is None:
        return []
    try:
        tables = _OUTBOX_TABLES.validate_json(raw)
    except ValidationError:
        entries = _parse_file(path, OutboxItem.model_validate)
        return [entries[key] for key in sorted(entries)]
    docs = tables.get("outbox", {})
    try:
        return [docs[key] for key in sorted(docs, key=int)]
    except ValueError:
        raise CorruptFile(path, "a document id is not a number") from None


def _put(table: Table, doc_id: int | None, doc: dict[str, Any]) -> int:
    """Insert or replace one document in a single write."""
    if doc_id is not None and table.contains(doc_id=doc_id):
        table.update(doc, doc_ids=[doc_id])
        return doc_id
    return table.insert(doc)


_TABLES = {QUEUE_FILE: "queue", OUTBOX_FILE: "outbox", DRAFTS_FILE: "drafts"}


def _parse_file(path: Path, parse: Callable[[Any], T]) -> dict[int, T]:
    tables = read_tables(path) or {}
    entries: dict[int, T] = {}
    for doc_id, doc in tables.get(_TABLES[path.name], {}).items():
        try:
            entries[int(doc_id)] = parse(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise CorruptFile(path, f"entry {doc_id} is not valid: {_first_line(exc)}") from None
    return entries


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _parse_queue(doc: Any) -> tuple[QueueSnapshot, str | None, dict[str, PrefetchItem]]:
    etag = doc["etag"]
    if etag is not None and not isinstance(etag, str):
        raise TypeError("etag is not text")
    prefetch = [PrefetchItem.model_validate(item) for item in doc.get("prefetch", [])]
    snapshot = QueueSnapshot.model_validate(doc["snapshot"])
    return snapshot, etag, {item.task_id: item for item in prefetch}


def _as_item(obj: Any) -> OutboxItem | None:
    """An outbox entry, or a bare outcome wrapped as one; None if it is neither."""
    try:
        return OutboxItem.model_validate(obj)
    except ValidationError:
        pass
    try:
        return OutboxItem.of(Outcome.model_validate(obj), _utcnow())
    except ValidationError:
        return None


def _as_draft(obj: Any) -> Draft | None:
    try:
        return Draft.model_validate(obj)
    except ValidationError:
        return None


def _unique(entries: list[T]) -> list[T]:
    """The first entry for each id (outbox) or task (drafts)."""
    seen: set[str] = set()
    out: list[T] = []
    for entry in entries:
        key = str(getattr(entry, "id", None) or getattr(entry, "task_id", ""))
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def _lock(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | OPEN_FLAGS, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StoreBusy(
            f"this agent's store ({path.parent}) is open in another session of the app (another"
            " login or terminal of the same agent): quit that one (Ctrl+Q), then start again"
        ) from None
    return fd


def _read_server_id(path: Path) -> str | None:
    """The id in `server.json`; None when there is none yet (or it cannot be read: the next
    answer of the server records it again)."""
    try:
        raw = read_private(path)
        found = json.loads(raw)["server_id"] if raw else None
    except (CorruptFile, DiskError, ValueError, KeyError, TypeError, RecursionError):
        return None
    return found if isinstance(found, str) and found else None


def _move_store(former: Path, path: Path) -> None:
    """Move a store to its new place, under its lock (a session of an older version holding
    it gets StoreBusy here, not a store pulled from under it)."""
    fd = _lock(former / LOCK_FILE)
    try:
        os.rename(former, path)
        fsync_dir(path.parent)
        fsync_dir(former.parent)
    except OSError as exc:
        raise DiskError("move the store to", path, exc) from None
    finally:
        os.close(fd)


def _is_dir(path: Path) -> bool:
    """A real directory (a link in its place is not followed)."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _exists(path: Path) -> bool:
    try:
        path.lstat()
    except FileNotFoundError:
        return False
    return True


def _remove_stale_tmp(path: Path) -> None:
    """Temporary files left by a write that was interrupted (the real file is intact)."""
    for tmp in path.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
