"""The FastAPI application factory of the central API (docs/api.md)."""

from __future__ import annotations

import json
import logging
import traceback
import warnings
from typing import Any

from fastapi import FastAPI
from pydantic.warnings import UnsupportedFieldAttributeWarning
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from revisit_tui import __version__
from revisit_tui.config import Settings, load_settings
from revisit_tui.domain.models import Problem
from revisit_tui.server import metrics, problems
from revisit_tui.server.contention import RetryContention
from revisit_tui.server.deps import ServerContext
from revisit_tui.server.routes import (
    agents,
    donotcall,
    escalations,
    floor,
    health,
    masterdata,
    online,
    outcomes,
    qareview,
    queue,
    reports,
    retention,
    reveals,
    sms,
    storereports,
    tasks,
    wallboard,
)

log = logging.getLogger("revisit.server")

ROUTERS = (
    health.router,
    queue.router,
    outcomes.router,
    reveals.router,
    sms.router,
    online.router,
    agents.router,
    masterdata.router,
    donotcall.router,
    tasks.router,
    escalations.router,
    reports.router,
    floor.router,
    wallboard.router,
    retention.router,
    storereports.router,
    qareview.router,
)


def create_app(settings: Settings) -> FastAPI:
    """The API on the database named by settings.server.db (already migrated)."""
    app = FastAPI(
        title="revisit-tui central API",
        version=__version__,
        description="See docs/api.md. Every 4xx body is a Problem.",
    )
    app.state.context = ServerContext.from_settings(settings)
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(metrics.router)
    with warnings.catch_warnings():
        # FastAPI builds the body parameters' TypeAdapters with this (false positive, pydantic
        # #12356) warning silenced, but the deferred domain models build later, outside its
        # filter; building the schema here does it under the same filter, before any request
        warnings.simplefilter("ignore", UnsupportedFieldAttributeWarning)
        app.openapi()
    app.add_middleware(RetryContention)
    app.add_middleware(BodyLimit, max_bytes=settings.server.max_body_bytes)
    app.add_middleware(HeaderLimit)
    app.add_middleware(SafeErrors)
    app.add_middleware(NoStore)  # outside SafeErrors: its 500s say no-store too
    app.add_middleware(metrics.RequestMetrics)  # outermost: it sees SafeErrors' 500s too
    return app


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn workers: settings from REVISIT_CONFIG and REVISIT_* variables."""
    return create_app(load_settings())


class SafeErrors:
    """A crash answers 500 with a Problem and logs where it happened, never the exception's
    message: messages of validation and database errors quote values, i.e. personal data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            route = getattr(scope.get("route"), "path", "?")
            frames = "".join(traceback.format_tb(exc.__traceback__))
            log.error("%s %s failed: %s\n%s", scope["method"], route, type(exc).__name__, frames)
            if started:
                raise
            response = problems.problem_response(
                500, Problem(code="internal", message="internal error; the server logged where")
            )
            await response(scope, receive, send)


MAX_HEADER_BYTES = 16 * 1024  # what nginx's default large_client_header_buffers allow


class HeaderLimit:
    """Request headers over MAX_HEADER_BYTES in all get 431 with a Problem (uvicorn, whose
    parser reads up to command_serve.HEADER_READ_LIMIT, would let them through or reset)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = sum(len(name) + len(value) + 4 for name, value in scope["headers"])
            if size > MAX_HEADER_BYTES:
                problem = Problem(
                    code="headers_too_large",
                    message=f"the request headers are larger than {MAX_HEADER_BYTES} bytes",
                )
                response = problems.problem_response(431, problem, {"Connection": "close"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class NoStore:
    """`Cache-Control: no-store` on every answer of the API: most carry personal data (even
    masked, names and addresses), and no proxy or client cache may keep any of them."""

    HEADER = (b"cache-control", b"no-store")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != self.HEADER[0]]
                message = {**message, "headers": [*headers, self.HEADER]}
            await send(message)

        await self.app(scope, receive, send_no_store)


class BodyLimit:
    """Refuses request bodies over max_bytes with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0

        async def limited_receive() -> Message:
            # a chunked body without Content-Length: the route's Problem handler answers 413
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(
                        413, f"the request body is larger than {self.max_bytes} bytes"
                    )
            return message

        await self.app(scope, limited_receive, send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "code": "too_large",
                "message": f"the request body is larger than {self.max_bytes} bytes",
                "fields": {},
                "next_allowed_at": None,
            }
        ).encode()
        headers: list[Any] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
