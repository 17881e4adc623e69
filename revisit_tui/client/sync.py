"""Keeping the local store and the central API in step: push the outbox, pull the queue.

`SyncEngine.sync_once` is one round, meant for a thread worker (nothing here touches the UI):
it sends the outbox in order (outcomes in batches, reveals and SMS one by one), removes what
the server acknowledged, sets aside what it refused with its reason ("needs attention"; never
retried as is), and stops at the first sign the server is unreachable. Then it pulls the queue
with the cached ETag. Between rounds, wait `next_delay()` seconds: the sync interval while
online, a jittered exponential backoff (up to `backoff_max_seconds`) while offline.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from revisit_tui.client.api import ApiClient, ApiError, Unreachable
from revisit_tui.client.store import AgentStore, ItemKind, OutboxItem
from revisit_tui.config import SyncSettings
from revisit_tui.domain.models import Lease, Outcome, Reveal, SmsRequest

ACKNOWLEDGED = frozenset({200, 201, 202})


@dataclass(frozen=True)
class SyncState:
    """What the status line shows after a round."""

    online: bool
    offline_since: datetime | None  # first failure since the last successful round
    pending: int  # items waiting to be sent
    needs_attention: int  # items the server refused
    last_success: datetime | None
    last_error: str | None  # why the last round failed (no personal data)
    next_retry_at: datetime | None  # when the next round is due
    sent: int = 0  # items the server acknowledged in the last round
    queue_changed: bool = False  # the last round brought a new queue snapshot


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SyncEngine:
    """Pushes one agent's outbox and pulls their queue; thread-safe, one round at a time."""

    def __init__(
        self,
        api: ApiClient,
        store: AgentStore,
        settings: SyncSettings | None = None,
        clock: Callable[[], datetime] = _utcnow,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.api = api
        self.store = store
        self.settings = settings or SyncSettings()
        self._clock = clock
        self._jitter = jitter
        self._round = threading.Lock()  # one round at a time
        self._state_lock = threading.RLock()  # the fields below, also set by start_task
        self._failures = 0
        self._online = True
        self._offline_since: datetime | None = None
        self._last_success: datetime | None = None
        self._last_error: str | None = None
        self._next_retry_at: datetime | None = None
        self._sent = 0
        self._queue_changed = False

    def state(self) -> SyncState:
        """The state now, without touching the network."""
        with self._state_lock:
            return SyncState(
                online=self._online,
                offline_since=self._offline_since,
                pending=self.store.pending_count(),
                needs_attention=self.store.attention_count(),
                last_success=self._last_success,
                last_error=self._last_error,
                next_retry_at=self._next_retry_at,
                sent=self._sent,
                queue_changed=self._queue_changed,
            )

    def next_delay(self) -> float:
        """Seconds until the next round: the interval while online; while offline the interval
        doubled per failed round, capped at backoff_max_seconds, with jitter (50–100 %)."""
        interval = self.settings.interval_seconds
        with self._state_lock:
            failures = self._failures
        if failures == 0:
            return interval
        doubled = interval * 2 ** min(failures - 1, 32)  # bounded: days offline stay finite
        ceiling = min(self.settings.backoff_max_seconds, doubled)
        return ceiling * (0.5 + self._jitter() / 2)

    def sync_once(self) -> SyncState:
        """One round: push the outbox in order, then pull the queue. Never raises for network
        trouble or refusals: the returned state says what happened."""
        with self._round:
            self._sent = 0
            self._queue_changed = False
            try:
                self._push()
                self._queue_changed = self._pull()
            except (Unreachable, ApiError) as exc:
                self._failed(exc)
            else:
                self._succeeded()
            return self.state()

    def start_task(self, task_id: str) -> Lease | None:
        """Hold a task before calling; None when the server is unreachable (the agent may
        still call from the cached queue). ApiError (e.g. 409 leased) is raised."""
        try:
            return self.api.start_task(task_id)
        except Unreachable as exc:
            self._failed(exc)
            return None

    # --- push -------------------------------------------------------------------------------

    def _push(self) -> None:
        items = self.store.pending()
        i = 0
        while i < len(items):
            item = items[i]
            if item.kind is ItemKind.OUTCOME:
                batch = [item]
                while (
                    len(batch) < self.settings.batch_size
                    and i + len(batch) < len(items)
                    and items[i + len(batch)].kind is ItemKind.OUTCOME
                ):
                    batch.append(items[i + len(batch)])
                self._push_outcomes(batch)
                i += len(batch)
            else:
                self._push_one(item)
                i += 1

    def _push_outcomes(self, batch: list[OutboxItem]) -> None:
        outcomes = [_outcome(item) for item in batch]
        try:
            answer = self.api.submit_outcomes(outcomes)
        except ApiError as exc:
            if exc.status == 401:
                raise
            # The batch as a whole was refused (too large, or one outcome invalid): send each
            # on its own so only the culprit is set aside.
            for item in batch:
                self._push_one(item)
            return
        by_id = {str(result.outcome_id): result for result in answer.results}
        done: list[str] = []
        for item in batch:
            result = by_id.get(item.id)
            if result is None or result.status >= 500:
                continue  # not answered: it stays pending for the next round
            if result.status in ACKNOWLEDGED:
                done.append(item.id)
            else:
                reason = result.reason or f"refused by the server (HTTP {result.status})"
                self.store.mark_needs_attention(item.id, reason, result.status)
        self.store.acknowledge(done)
        self._sent += len(done)

    def _push_one(self, item: OutboxItem) -> None:
        model = item.model
        try:
            if isinstance(model, Outcome):
                self.api.put_outcome(model)
            elif isinstance(model, Reveal):
                self.api.reveal(model)
            elif isinstance(model, SmsRequest):
                self.api.request_sms(model)
        except ApiError as exc:
            if exc.status == 401:
                raise
            self.store.mark_needs_attention(item.id, exc.reason, exc.status)
            return
        self.store.acknowledge([item.id])
        self._sent += 1

    # --- pull -------------------------------------------------------------------------------

    def _pull(self) -> bool:
        snapshot, etag = self.api.queue(self.store.queue_etag())
        if snapshot is None:
            return False
        self.store.save_queue(snapshot, etag)
        return True

    # --- state ------------------------------------------------------------------------------

    def _failed(self, exc: Unreachable | ApiError) -> None:
        """Unreachable: offline, back off. ApiError on a whole request (e.g. 401, the token was
        revoked): the server is there but refuses; back off too, and say why."""
        now = self._clock()
        with self._state_lock:
            self._failures += 1
            if isinstance(exc, Unreachable):
                self._online = False
                self._offline_since = self._offline_since or now
                self._last_error = f"server unreachable: {exc}"
            else:
                self._online = True
                self._offline_since = None
                self._last_error = f"the server refused the request: {exc.reason}"
            self._next_retry_at = now + timedelta(seconds=self.next_delay())

    def _succeeded(self) -> None:
        now = self._clock()
        with self._state_lock:
            self._failures = 0
            self._online = True
            self._offline_since = None
            self._last_success = now
            self._last_error = None
            self._next_retry_at = now + timedelta(seconds=self.next_delay())


def _outcome(item: OutboxItem) -> Outcome:
    model = item.model
    assert isinstance(model, Outcome)
    return model
