"""The wallboard's last snapshot on disk: the board, its ETag and when it was true, so the
wallboard opens on the floor as last seen (marked "as of") while the API is unreachable.

One file per server (`<data dir>/wallboard/<host-port>-<hash>.json`), mode 0600, replaced
atomically; a file that cannot be read is moved aside and reported, never silently dropped.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError

from revisit_tui.client.durable import CorruptFile, atomic_write, private_dir, read_private
from revisit_tui.domain.wallboard import Wallboard


@dataclass(frozen=True)
class Snapshot:
    """A board as the server answered it, and the last moment the server confirmed it."""

    board: Wallboard
    etag: str | None
    as_of: datetime


def snapshot_path(data_dir: Path, server_url: str) -> Path:
    """Where the snapshot of this server's board lives (the folder is made owner-only)."""
    parts = urlsplit(server_url)
    host = f"{parts.hostname or 'server'}-{parts.port or ''}".strip("-")
    digest = hashlib.sha256(server_url.rstrip("/").encode()).hexdigest()[:12]
    return private_dir(data_dir / "wallboard") / f"{host}-{digest}.json"


def save(path: Path, snapshot: Snapshot) -> None:
    """Replace the snapshot (atomic, fsynced)."""
    document = {
        "board": snapshot.board.model_dump(mode="json"),
        "etag": snapshot.etag,
        "as_of": snapshot.as_of.isoformat(),
    }
    atomic_write(path, json.dumps(document, ensure_ascii=False).encode())


def load(path: Path) -> Snapshot | None:
    """The saved snapshot; None when there is none. A file that is not one is moved aside
    (`<name>.corrupt-<n>`) and CorruptFile says where it went."""
    try:
        data = read_private(path)
    except CorruptFile:
        _move_aside(path)
        raise
    if data is None:
        return None
    try:
        document = json.loads(data)
        return Snapshot(
            board=Wallboard.model_validate(document["board"]),
            etag=document["etag"],
            as_of=datetime.fromisoformat(document["as_of"]),
        )
    except (ValueError, KeyError, TypeError, ValidationError):
        kept = _move_aside(path)
        raise CorruptFile(path, f"not a wallboard snapshot; kept as {kept.name}") from None


def _move_aside(path: Path) -> Path:
    n = 1
    while (kept := path.with_name(f"{path.name}.corrupt-{n}")).exists():
        n += 1
    path.rename(kept)
    return kept
