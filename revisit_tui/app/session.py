"""What the app remembers between runs in the data dir (files of mode 0600): the token, the
last agent signed in on each server (to start offline from the cache), and today's attempts.

No customer data here: agent profiles, outcome ids, task ids, dispositions and times only.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from revisit_tui.client.durable import (
    OPEN_FLAGS,
    CorruptFile,
    DiskError,
    atomic_write,
    ensure_private_dir,
    read_private,
)
from revisit_tui.client.store import OutboxItem, default_data_dir
from revisit_tui.config import Settings
from revisit_tui.domain.models import Agent

TOKEN_FILE = "token"
SESSIONS_FILE = "sessions.json"
DAY_LOG_FILE = "day-{agent}.json"
SESSION_LOCK = ".session.lock"  # held while sessions.json or a day log is read and rewritten


def data_dir_of(settings: Settings) -> Path:
    """The configured data dir, or the user's data directory."""
    if settings.client.data_dir:
        return Path(settings.client.data_dir).expanduser()
    return default_data_dir()


def token_path(settings: Settings, data_dir: Path) -> Path:
    """Where the token lives: `client.token_file`, else `<data dir>/token`."""
    if settings.client.token_file:
        return Path(settings.client.token_file).expanduser()
    return data_dir / TOKEN_FILE


def save_token(path: Path, token: str) -> None:
    """Write the token readable by its owner only."""
    ensure_private_dir(path.parent)
    atomic_write(path, token.encode("utf-8"))


@dataclass(frozen=True)
class Session:
    """Who last signed in on a server URL, and the id that server answered with (None: noted
    by an older version; the first sync round learns it)."""

    agent: Agent
    server_id: str | None


def remember_agent(data_dir: Path, server_url: str, agent: Agent, server_id: str) -> None:
    """Note who signed in on this server and its id, so a later start can open the cache
    offline (read, change and write under the data dir's lock: another session may write
    it too)."""
    ensure_private_dir(data_dir)
    with _locked(data_dir):
        sessions = _read_json(data_dir / SESSIONS_FILE)
        entry = {"agent": agent.model_dump(mode="json"), "server_id": server_id}
        sessions[server_url.rstrip("/")] = entry
        atomic_write(data_dir / SESSIONS_FILE, json.dumps(sessions, ensure_ascii=False).encode())


def remembered(data_dir: Path, server_url: str) -> Session | None:
    """The last agent signed in on this server and the server's id, or None."""
    raw = _read_json(data_dir / SESSIONS_FILE).get(server_url.rstrip("/"))
    if not isinstance(raw, dict):
        return None
    server_id = raw.get("server_id")
    agent = raw.get("agent") if "server_id" in raw else raw  # an older version's entry
    try:
        return Session(Agent.model_validate(agent), str(server_id) if server_id else None)
    except ValueError:
        return None


class DayLog:
    """Today's attempts of one agent, noted from the outbox before they sync away, so "my day"
    can count what was done after the server acknowledged it; an outcome fixed and sent again
    under a new id is counted once."""

    def __init__(self, data_dir: Path, agent_id: str) -> None:
        self.path = data_dir / DAY_LOG_FILE.format(agent=agent_id)
        self._data = _read_json(self.path)
        self._noting = threading.Lock()  # one note at a time in this process

    def note(self, items: list[OutboxItem], today: date) -> bool:
        """Record the outcomes among `items` made today; writes (durably: call it off the UI
        thread) only when something is new, merged under the data dir's lock with what another
        session of the agent wrote. True when something was written."""
        with self._noting:
            return self._note(items, today)

    def _note(self, items: list[OutboxItem], today: date) -> bool:
        known = self.today(today) if self._data.get("date") == today.isoformat() else {}
        new: dict[str, dict[str, str]] = {}
        replaced: set[str] = set()  # a fixed outcome sent again stands for the refused one
        for item in items:
            if item.kind != "outcome" or item.id in known:
                continue
            if item.replaces:
                replaced.add(item.replaces)
            try:  # an item this version cannot read is in "needs attention", not counted here
                ended = datetime.fromisoformat(item.body["ended_at"])
                disposition = str(item.body["disposition"])
            except (KeyError, TypeError, ValueError):
                continue
            if ended.astimezone().date() != today:
                continue
            new[item.id] = {
                "task_id": item.task_id,
                "disposition": disposition,
                "at": str(item.body["ended_at"]),
            }
        if not new:
            return False
        ensure_private_dir(self.path.parent)
        with _locked(self.path.parent):
            data = _read_json(self.path)
            if data.get("date") != today.isoformat() or not isinstance(data.get("outcomes"), dict):
                data = {"date": today.isoformat(), "outcomes": {}}
            data["outcomes"].update(new)
            for refused in replaced:
                data["outcomes"].pop(refused, None)
            atomic_write(self.path, json.dumps(data).encode())
        self._data = data
        return True

    def today(self, today: date) -> dict[str, dict[str, str]]:
        """Outcome id → task id, disposition, time, for today (as every session noted it)."""
        self._data = _read_json(self.path) or self._data
        if self._data.get("date") != today.isoformat():
            return {}
        return dict(self._data.get("outcomes", {}))


@contextlib.contextmanager
def _locked(data_dir: Path) -> Iterator[None]:
    """The data dir's session lock (flock): one read-change-write at a time across sessions."""
    fd = os.open(data_dir / SESSION_LOCK, os.O_RDWR | os.O_CREAT | OPEN_FLAGS, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        raw = read_private(path)
        data = json.loads(raw) if raw else {}
    except (CorruptFile, DiskError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}
