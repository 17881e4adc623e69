"""Crash-safe TinyDB storage: every write replaces the whole file atomically, owner-only.

A write goes to a temporary file in the same directory, is fsynced, renamed over the old
file and the directory is fsynced, so after a crash the file holds either the old or the new
state, never a mix. Reads come from memory after the first one, so a save costs one write.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

FILE_MODE = 0o600
DIR_MODE = 0o700

Tables = dict[str, dict[str, Any]]


class CorruptFile(Exception):
    """The file exists but is not a TinyDB JSON document; `path` names it, `reason` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.name}: {reason}")


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed and make it readable by its owner only."""
    created = not path.exists()
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    os.chmod(path, DIR_MODE)
    if created:
        fsync_dir(path.parent)  # the new directory's entry survives a crash too
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: tmp file (mode 0600) + fsync + rename + fsync of the dir."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def read_tables(path: Path) -> Tables | None:
    """The file's tables, None if it does not exist or is empty; CorruptFile if unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    if not raw.strip():
        return None
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise CorruptFile(path, f"not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise CorruptFile(path, "not a table of documents")
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage over one JSON file, written atomically with fsync and cached in memory."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._cache: Tables | None = None
        self._loaded = False

    def read(self) -> Tables | None:
        if not self._loaded:
            self._cache = read_tables(self.path)
            self._loaded = True
        return self._cache

    def write(self, data: Tables) -> None:
        try:
            atomic_write(
                self.path,
                json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            )
        except BaseException:
            # TinyDB changed the cached dict before handing it to us; forget it so the
            # next read sees what is really on disk.
            self._loaded = False
            self._cache = None
            raise
        self._cache = data
        self._loaded = True
