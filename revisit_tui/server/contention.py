"""Writer contention is never an error: a request that lost a race for the database is run
again, and one that still cannot proceed is answered 503 with Retry-After, never 500.

Lost races are SQLite's "database is locked" (the busy timeout ran out), PostgreSQL's
serialization failures, deadlocks and lock time-outs, a pool with no free connection, and
a unique key inserted by a concurrent request (run again, the request finds the stored row
and answers as a re-sent one does). Every route writes in one transaction, rolled back when
the exception left it, so running the request again is safe."""

from __future__ import annotations

import asyncio
import logging
import random

import sqlalchemy.exc as sa_exc
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from revisit_tui.domain.models import Problem
from revisit_tui.server import problems

log = logging.getLogger("revisit.server")

ATTEMPTS = 4
RETRY_AFTER_SECONDS = 1
_PG_RETRYABLE = {"40001", "40P01", "55P03"}  # serialization, deadlock, lock not available
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")


def lost_race(exc: BaseException) -> bool:
    """Whether exc says another transaction got in the way (running again may succeed)."""
    if isinstance(exc, sa_exc.TimeoutError | sa_exc.IntegrityError):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if getattr(exc.orig, "sqlstate", None) in _PG_RETRYABLE:
            return True
        return any(text in str(exc.orig) for text in _SQLITE_BUSY)
    return False


class RetryContention:
    """Runs a request up to ATTEMPTS times while it loses races, then answers 503."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            body = await _read_body(receive)
        except HTTPException as exc:  # BodyLimit: a streamed body over the limit
            problem = Problem(code="too_large", message=str(exc.detail))
            await problems.problem_response(exc.status_code, problem)(scope, receive, send)
            return
        for attempt in range(1, ATTEMPTS + 1):
            started = False
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            async def tracking_send(message: Message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            try:
                await self.app(scope, replay, tracking_send)
                return
            except Exception as exc:
                if started or not lost_race(exc):
                    raise
                if attempt == ATTEMPTS and isinstance(exc, sa_exc.IntegrityError):
                    raise  # not a race after all: a fault, logged as one
                route = getattr(scope.get("route"), "path", scope.get("path", "?"))
                log.warning(
                    "%s %s lost a race (%s), attempt %d",
                    scope["method"],
                    route,
                    type(exc).__name__,
                    attempt,
                )
                if attempt < ATTEMPTS:
                    await asyncio.sleep(random.uniform(0.01, 0.05 * 2**attempt))
        busy = Problem(code="busy", message="the database is busy; retry after a second")
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        await problems.problem_response(503, busy, headers=headers)(scope, receive, send)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
