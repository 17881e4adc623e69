"""Keeping the local store and the central API in step: push the outbox, pull the queue.

`SyncEngine.sync_once` is one round, meant for a thread worker (nothing here touches the UI):
it sends the outbox in order (outcomes in batches, reveals, SMS and reports one by one),
removes what the server acknowledged, sets aside what it refused with its reason ("needs
attention"; never retried as is), and stops at the first sign the server is unreachable. Then
it pulls the queue with the cached ETag. Each round first asks the server its id: a store is
sent to the server it belongs to only. Between rounds, wait `next_delay()` seconds: the sync
interval while online, a jittered exponential backoff (up to `backoff_max_seconds`) while
offline.

No exception leaves a round: an item this version cannot read is set aside into "needs
attention" with the reason and the others go on; a failed round says why in `trouble`
(unreachable, timeout, server error, bad answer, refused, other server, disk) and
`last_error`.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from revisit_tui.client.api import ApiClient, ApiError, BadAnswer, Unreachable
from revisit_tui.client.durable import DiskError
from revisit_tui.client.store import AgentStore, ItemKind, OutboxItem
from revisit_tui.config import SyncSettings
from revisit_tui.domain.models import Lease, Outcome, Reveal, SmsRequest, StoreReport

log = logging.getLogger(__name__)

ACKNOWLEDGED = frozenset({200, 201, 202})


class Trouble(StrEnum):
    """Why the last round failed; the first four mean the agent works offline."""

    UNREACHABLE = "unreachable"  # no connection (refused, no route, DNS)
    TIMEOUT = "timeout"  # connected, no answer in time
    SERVER_ERROR = "server_error"  # 5xx or 429 after the retries
    BAD_ANSWER = "bad_answer"  # 2xx with a body that is not the API's (proxy page, version)
    REFUSED = "refused"  # the server refused the whole round (e.g. 401: token revoked)
    OTHER_SERVER = "other_server"  # the URL reaches another central API than the store's
    DISK = "disk"  # a local file could not be written: the network is not to blame

    @property
    def offline(self) -> bool:
        return self not in (Trouble.REFUSED, Trouble.OTHER_SERVER, Trouble.DISK)


class OtherServer(Exception):
    """The server answering is not the one the store belongs to: nothing may be sent to it."""

    def __init__(self, answered: str, expected: str) -> None:
        super().__init__(
            f"the server at this address is another central API (id {answered}) than the one"
            f" this agent's store belongs to (id {expected}); nothing was sent: check the"
            " server address, or ask a supervisor"
        )


_CAUSES = {
    "timeout": Trouble.TIMEOUT,
    "server_error": Trouble.SERVER_ERROR,
}


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
    trouble: Trouble | None = None  # why the last round failed (None: it did not)
    disk: DiskError | None = None  # the local write that failed, when trouble is DISK
    set_aside: int = 0  # items this round could not read and set aside for attention
    clock_skew: float | None = None  # seconds our clock is ahead of the server's (behind: <0)
    server_id: str | None = None  # the store's server, once it answered (checked every round)


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
        self._set_aside = 0
        self._queue_changed = False
        self._trouble: Trouble | None = None
        self._disk: DiskError | None = None
        self._clock_skew: float | None = None
        self._server_id: str | None = None  # the id the server last answered with

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
                trouble=self._trouble,
                disk=self._disk,
                clock_skew=self._clock_skew,
                set_aside=self._set_aside,
                server_id=self._server_id,
            )

    def next_delay(self) -> float:
        """Seconds until the next round: the interval while online; while offline the interval
        doubled per failed round, capped at backoff_max_seconds, with jitter (50–100 %)."""
        interval = self.settings.interval_seconds
        with self._state_lock:
            failures = self._failures
        if failures == 0:
            return interval
        doubled = interval * 2.0 ** min(failures - 1, 32)  # bounded: days offline stay finite
        ceiling = min(self.settings.backoff_max_seconds, doubled)
        return ceiling * (0.5 + self._jitter() / 2)

    def sync_once(self) -> SyncState:
        """One round: push the outbox in order, then pull the queue. Never raises: the
        returned state says what happened and, when the round failed, why."""
        with self._round:
            self._sent = 0
            self._set_aside = 0
            self._queue_changed = False
            try:
                self._check_server()
                self._push()
                self._queue_changed = self._pull()
            except Exception as exc:  # the boundary: every failure is reported
                self._failed(exc)
            else:
                self._succeeded()
            self._measure_clock()
            return self.state()

    def _check_server(self) -> None:
        """Ask the server its id (GET /v1/me) before sending anything: another server at the
        same URL (a new database, an address moved) gets none of this store's items. The
        first server to answer a store is recorded as its own."""
        answered = self.api.me().server_id
        expected = self.store.server_id
        if expected is None:
            self.store.note_server(answered)
        elif answered != expected:
            raise OtherServer(answered, expected)
        with self._state_lock:
            self._server_id = answered

    def start_task(self, task_id: str) -> Lease | None:
        """Hold a task before calling; None when the server is unreachable (the agent may
        still call from the cached queue). ApiError (e.g. 409 leased) is raised."""
        try:
            return self.api.start_task(task_id)
        except (Unreachable, BadAnswer) as exc:
            self._failed(exc)
            return None

    def clock_skewed(self) -> bool:
        """Whether our clock is off the server's by more than the configured tolerance."""
        with self._state_lock:
            skew = self._clock_skew
        return skew is not None and abs(skew) > self.settings.clock_tolerance_seconds

    def _measure_clock(self) -> None:
        """Compare our clock with the server's (HTTP Date: to the second) at every round."""
        seen = self.api.server_clock
        if seen is None:
            return
        server, ours = seen
        # the app's clock (a test's fixed one) and the wall clock move together
        offset = (self._clock() - datetime.now(UTC)).total_seconds()
        with self._state_lock:
            self._clock_skew = (ours - server).total_seconds() + offset

    # --- push -------------------------------------------------------------------------------

    def _push(self) -> None:
        items = [item for item in self.store.pending() if self._readable(item)]
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

    def _readable(self, item: OutboxItem) -> bool:
        """Whether this version can read the item; one it cannot (another version wrote it,
        or it was damaged) is set aside for attention, so it never blocks the others."""
        problem = item.unreadable_reason()
        if not problem:
            return True
        reason = f"this version cannot read it ({problem}); nothing was sent"
        log.warning("outbox item %s set aside: %s", item.id, reason)
        self.store.mark_needs_attention(item.id, reason)
        self._set_aside += 1
        return False

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
            elif isinstance(model, StoreReport):
                self.api.store_report(model)
        except ApiError as exc:
            if exc.status == 401:
                raise
            self.store.mark_needs_attention(item.id, exc.reason, exc.status)
            return
        self.store.acknowledge([item.id])
        self._sent += 1

    # --- pull -------------------------------------------------------------------------------

    def _pull(self) -> bool:
        snapshot, etag = self.api.queue(self.store.queue_etag(), self.store.pending_count())
        if snapshot is None:
            return False
        self.store.save_queue(snapshot, etag)
        self._prefetch()
        return True

    def _prefetch(self) -> None:
        """The dial numbers of the next tasks, for calls while the server is unreachable;
        only those not held yet are sent (each sent number is an audited disclosure)."""
        answer = self.api.prefetch(self.store.prefetched_task_ids())
        self.store.save_prefetch(answer.task_ids, answer.items)

    # --- state ------------------------------------------------------------------------------

    def _failed(self, exc: Exception) -> None:
        """Back off and say why: offline for network trouble and answers that make no sense;
        the server is there but refuses for an ApiError on a whole request (e.g. 401, the
        token was revoked); a disk error is the disk's, whatever the network does."""
        trouble, error = _trouble_of(exc)
        now = self._clock()
        with self._state_lock:
            self._failures += 1
            self._trouble = trouble
            self._disk = exc if isinstance(exc, DiskError) else None
            self._last_error = error
            if trouble.offline:
                self._online = False
                self._offline_since = self._offline_since or now
            elif trouble in (Trouble.REFUSED, Trouble.OTHER_SERVER):
                self._online = True
                self._offline_since = None
            self._next_retry_at = now + timedelta(seconds=self.next_delay())

    def _succeeded(self) -> None:
        now = self._clock()
        with self._state_lock:
            self._failures = 0
            self._online = True
            self._offline_since = None
            self._last_success = now
            self._last_error = None
            self._trouble = None
            self._disk = None
            self._next_retry_at = now + timedelta(seconds=self.next_delay())


def _trouble_of(exc: Exception) -> tuple[Trouble, str]:
    """What kind of failure `exc` is, and the words for it (no personal data)."""
    if isinstance(exc, Unreachable):
        trouble = _CAUSES.get(exc.cause, Trouble.UNREACHABLE)
        return trouble, f"server unreachable: {exc}"
    if isinstance(exc, ApiError):
        return Trouble.REFUSED, f"the server refused the request: {exc.reason}"
    if isinstance(exc, DiskError):
        return Trouble.DISK, str(exc)
    if isinstance(exc, OtherServer):
        return Trouble.OTHER_SERVER, str(exc)
    if isinstance(exc, BadAnswer):
        return Trouble.BAD_ANSWER, f"the server's answer made no sense: {exc}"
    log.exception("sync round failed")
    return Trouble.BAD_ANSWER, f"unexpected {type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _outcome(item: OutboxItem) -> Outcome:
    model = item.model
    assert isinstance(model, Outcome)
    return model
