"""The outbox's files: a snapshot plus an append-only journal, so a change costs one line.

`outbox.json` is a TinyDB-format snapshot (`{"outbox": {"1": doc, …}}`) of documents keyed
by their `id`; `outbox.log` holds one JSON line per change made since (`{"put": [doc, …]}`
or `{"del": [id, …]}`), each appended and fsynced before the change is reported done. A
submit therefore writes ~1 KB whatever the outbox holds (rewriting a 100,000-item outbox
takes seconds). `compact` folds the journal into a new snapshot (atomic replace), then
empties the journal; replaying a change twice changes nothing, so a crash in between is
harmless. A line cut short by a crash (the write never returned) is dropped at opening.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revisit_tui.client.durable import FILE_MODE, OPEN_FLAGS, DiskError, atomic_write, read_private

Doc = dict[str, Any]


@dataclass
class Replay:
    """What the journal says on top of the snapshot: ("put", doc) and ("del", id) in order;
    `bad_lines` are whole lines that are not a change (damage: kept for salvage)."""

    changes: list[tuple[str, Any]] = field(default_factory=list)
    bad_lines: list[bytes] = field(default_factory=list)


class Journal:
    """The append-only half; the snapshot is read and written by the store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._good = 0  # bytes of whole, fsynced lines: the next line goes here
        self._closed = False

    @property
    def size(self) -> int:
        return self._good

    def replay(self) -> Replay:
        """Read the journal: its changes in order; a torn last line is cut off the file."""
        raw = read_private(self.path)
        replay = Replay()
        if raw is None:
            self._good = 0
            return replay
        end = raw.rfind(b"\n") + 1  # past the last whole line; a torn tail is never acknowledged
        for line in raw[:end].splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                puts, deletes = _change(record)
            except (ValueError, RecursionError, TypeError):
                replay.bad_lines.append(line)
                continue
            replay.changes.extend(("put", doc) for doc in puts)
            replay.changes.extend(("del", item_id) for item_id in deletes)
        self._good = end
        if end != len(raw):
            self._open()
            self._truncate()
        return replay

    def append(self, puts: Iterable[Doc] = (), deletes: Iterable[str] = ()) -> None:
        """Write one change durably (one line, fsynced); DiskError if it could not be, and then
        nothing of it counts (the next line overwrites what was half written)."""
        record: dict[str, Any] = {}
        put_list, delete_list = list(puts), list(deletes)
        if put_list:
            record["put"] = put_list
        if delete_list:
            record["del"] = delete_list
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        fd = self._open()
        try:
            view, offset = memoryview(line), self._good
            while view:
                written = os.pwrite(fd, view, offset)
                view, offset = view[written:], offset + written
            os.fsync(fd)
        except OSError as exc:
            self._truncate_quietly()
            raise DiskError("write", self.path, exc) from None
        self._good += len(line)

    def clear(self) -> None:
        """Empty the journal (after its changes went into a new snapshot)."""
        self._open()
        self._good = 0
        self._truncate()

    def close(self) -> None:
        """Close the file; a later write is refused (a thread still running at exit must not
        write through a descriptor number the process reused)."""
        self._closed = True
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _open(self) -> int:
        if self._closed:
            raise DiskError("write", self.path, OSError(errno.EBADF, "the store is closed"))
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | OPEN_FLAGS, FILE_MODE)
            except OSError as exc:
                raise DiskError("write", self.path, exc) from None
        return self._fd

    def _truncate(self) -> None:
        try:
            os.ftruncate(self._open(), self._good)
            os.fsync(self._open())
        except OSError as exc:
            raise DiskError("write", self.path, exc) from None

    def _truncate_quietly(self) -> None:
        """Cut a half-written line off (a full disk can still shrink a file)."""
        with contextlib.suppress(OSError, DiskError):  # else the next append writes over it
            os.ftruncate(self._open(), self._good)


def _change(record: Any) -> tuple[list[Doc], list[str]]:
    if not isinstance(record, dict) or not record or set(record) - {"put", "del"}:
        raise ValueError("not a change")
    puts = record.get("put", [])
    deletes = record.get("del", [])
    if not isinstance(puts, list) or not all(isinstance(doc, dict) for doc in puts):
        raise ValueError("put is not a list of documents")
    if not isinstance(deletes, list) or not all(isinstance(i, str) for i in deletes):
        raise ValueError("del is not a list of ids")
    return puts, deletes


def write_snapshot(path: Path, table: str, docs: Iterable[Doc]) -> None:
    """Replace the snapshot with `docs`, in order (TinyDB's format: doc ids from 1)."""
    body = ",".join(
        f'"{n}":' + json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        for n, doc in enumerate(docs, start=1)
    )
    atomic_write(path, ('{"' + table + '":{' + body + "}}").encode("utf-8"))
