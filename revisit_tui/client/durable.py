"""Crash-safe TinyDB storage: every write replaces the whole file atomically, owner-only.

A write goes to a temporary file in the same directory, is fsynced, renamed over the old
file and the directory is fsynced, so after a crash the file holds either the old or the new
state, never a mix. Reads come from memory after the first one, so a save costs one write.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

FILE_MODE = 0o600
DIR_MODE = 0o700
OPEN_FLAGS = os.O_NOFOLLOW | os.O_CLOEXEC  # never through a planted symlink

Tables = dict[str, dict[str, Any]]


class CorruptFile(Exception):
    """The file exists but is not a TinyDB JSON document; `path` names it, `reason` says why."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path.name}: {reason}")


class DiskError(Exception):
    """A local file could not be written or read: what, where, and what the agent can do.

    `kind` is "full" (no space or quota), "denied" (permissions, read-only disk) or "other";
    the app words its message from it, the `str()` says it in English for logs and scripts."""

    def __init__(self, action: str, path: Path, error: OSError) -> None:
        self.action = action
        self.path = path
        self.errno = error.errno
        self.strerror = error.strerror or str(error)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            self.kind = "full"
            advice = f"free space on the disk holding {path.parent}"
        elif error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            self.kind = "denied"
            advice = f"make {path.parent} writable by you"
        else:
            self.kind = "other"
            advice = f"check the disk holding {path.parent}"
        super().__init__(f"could not {action} {path}: {self.strerror}; {advice}, then try again")


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed; a directory this creates is readable by its
    owner only. An existing directory is left as it is (it may be the user's own: a token
    file's folder, the home directory); `private_dir` checks the store's own directories."""
    created = not path.exists()
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        if created:
            os.chmod(path, DIR_MODE)
            fsync_dir(path.parent)  # the new directory's entry survives a crash too
    except OSError as exc:
        raise DiskError("create the folder", path, exc) from None
    return path


def private_dir(path: Path) -> Path:
    """`ensure_private_dir` for a directory the store owns: also made owner-only if it was not
    (a folder inside the data directory, never one above it)."""
    ensure_private_dir(path)
    try:
        if stat.S_IMODE(os.lstat(path).st_mode) != DIR_MODE:
            os.chmod(path, DIR_MODE, follow_symlinks=False)
    except OSError as exc:
        raise DiskError("protect the folder", path, exc) from None
    return path


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: a new temp file (O_EXCL, mode 0600, never a symlink) + fsync
    + rename + fsync of the dir. On any failure the temp file is removed (it must not eat the
    last free space) and DiskError says what happened; `path` then still holds its old data."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | OPEN_FLAGS, FILE_MODE)
    except OSError as exc:
        raise DiskError("write", path, exc) from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise DiskError("write", path, exc) from None
        raise
    try:
        fsync_dir(path.parent)
    except OSError as exc:
        raise DiskError("write", path, exc) from None


def read_private(path: Path) -> bytes | None:
    """The bytes of a regular file, never through a symlink; None if it does not exist.
    CorruptFile if `path` is a symlink, a directory or another non-file (kept aside by the
    caller); DiskError if it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | OPEN_FLAGS | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise CorruptFile(path, "a symbolic link, not the store's own file") from None
        raise DiskError("read", path, exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise CorruptFile(path, "not a regular file (a directory or a device)")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise DiskError("read", path, exc) from None
    finally:
        os.close(fd)


def read_tables(path: Path) -> Tables | None:
    """The file's tables, None if it does not exist; CorruptFile if it is unreadable, empty
    (the store never writes an empty file: one is a loss to report) or of the wrong shape."""
    raw = read_private(path)
    if raw is None:
        return None
    if not raw.strip():
        raise CorruptFile(path, "empty (0 bytes)" if not raw else "only blanks")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise CorruptFile(path, f"not valid JSON ({exc})") from None
    except RecursionError:
        raise CorruptFile(path, "not valid JSON (nested too deeply)") from None
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise CorruptFile(path, "not a table of documents")
    return data


def free_bytes(directory: Path) -> int:
    """Bytes an unprivileged writer may still use on the disk holding `directory`."""
    info = os.statvfs(directory)
    return info.f_bavail * info.f_frsize


class AtomicJSONStorage(Storage):
    """TinyDB storage over one JSON file, written atomically with fsync and cached in memory.

    `keep_free()` (if given) is how many bytes must stay free after a write: a file that
    may be dropped (the queue cache) refuses a write that would leave less, so it can never
    take the space the outbox needs."""

    def __init__(
        self, path: str | os.PathLike[str], keep_free: Callable[[], int] | None = None
    ) -> None:
        self.path = Path(path)
        self._keep_free = keep_free
        self._cache: Tables | None = None
        self._loaded = False
        self._closed = False

    def read(self) -> Tables | None:
        if not self._loaded:
            self._cache = read_tables(self.path)
            self._loaded = True
        return self._cache

    def close(self) -> None:
        """Refuse later writes (a thread still running at exit writes nothing more)."""
        self._closed = True

    def write(self, data: Tables) -> None:
        if self._closed:
            raise DiskError("write", self.path, OSError(errno.EBADF, "the store is closed"))
        try:
            raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            if self._keep_free is not None:
                self._check_room(len(raw), self._keep_free())
            atomic_write(self.path, raw)
        except BaseException:
            # TinyDB changed the cached dict before handing it to us; forget it so the
            # next read sees what is really on disk.
            self._loaded = False
            self._cache = None
            raise
        self._cache = data
        self._loaded = True

    def _check_room(self, size: int, keep: int) -> None:
        try:
            free = free_bytes(self.path.parent)
        except OSError as exc:
            raise DiskError("write", self.path, exc) from None
        if free - size < keep:
            full = OSError(errno.ENOSPC, f"{keep} bytes are kept free for the outbox")
            raise DiskError("write", self.path, full)
