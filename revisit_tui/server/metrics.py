"""Prometheus metrics of the central API, served at GET /metrics (no token: scrape the nodes
on the internal network; the proxy does not pass it on).

Requests are counted by route template (`/v1/outcomes/{outcome_id}`), never by raw URL: URLs
name customers. Counters and histograms of several uvicorn workers add up through
prometheus-client's multiprocess mode (`revisit serve` gives the workers one directory in
PROMETHEUS_MULTIPROC_DIR); the gauges (escalations overdue) are read from the database at each
scrape, so every worker answers the same.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from revisit_tui.domain.models import EscalationStatus
from revisit_tui.server.command_serve import MULTIPROCESS_ENV
from revisit_tui.server.deps import Context, ServerContext
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import escalations

UNMATCHED = "unmatched"  # requests no route took: their path is not recorded
UNRESOLVED = (EscalationStatus.OPEN.value, EscalationStatus.REOPENED.value)

REQUESTS = Counter(
    "revisit_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "revisit_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
OUTBOX_LAG = Histogram(
    "revisit_outcome_outbox_lag_seconds",
    "From the end of a call (the client's ended_at) to the server storing its outcome: how "
    "long outcomes wait in the agents' outboxes",
    buckets=(1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600),
)

router = APIRouter(route_class=StrictJsonRoute)


@router.get("/metrics", include_in_schema=False)
def metrics(context: Context) -> Response:
    """The Prometheus text exposition: this node's workers together, and database gauges."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROCESS_ENV):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    output = generate_latest(registry) + generate_latest(_database_registry(context))
    return Response(output, media_type=CONTENT_TYPE_LATEST)


def observe_stored_outcomes(ended: Iterable[datetime]) -> None:
    """Record the outbox lag of outcomes stored just now (their calls ended at `ended`)."""
    now = datetime.now(UTC)
    for ended_at in ended:
        OUTBOX_LAG.observe(max(0.0, (now - ended_at).total_seconds()))


class RequestMetrics:
    """ASGI middleware counting each HTTP request by method, route template and status, and
    timing it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless an answer starts
        recorded = False

        def record() -> None:
            nonlocal recorded
            if recorded:
                return
            recorded = True
            route = getattr(scope.get("route"), "path", UNMATCHED)
            method = scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                record()  # before the last byte leaves: a client that saw it sees it counted
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            record()


class _DatabaseGauges(Collector):
    """Gauges read from the database at scrape time (the same whichever worker answers)."""

    def __init__(self, context: ServerContext) -> None:
        self.context = context

    def collect(self) -> Iterator[Metric]:
        query = sa.select(
            sa.func.count().filter(escalations.c.deadline < sa.bindparam("now")),
            sa.func.count(),
        ).where(escalations.c.status.in_(UNRESOLVED))
        with self.context.read.connect() as conn:
            overdue, unresolved = conn.execute(query, {"now": datetime.now(UTC)}).one()
        yield GaugeMetricFamily(
            "revisit_escalations_overdue",
            "Open or reopened escalations past their deadline",
            value=overdue,
        )
        yield GaugeMetricFamily(
            "revisit_escalations_unresolved", "Open or reopened escalations", value=unresolved
        )


def _database_registry(context: ServerContext) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseGauges(context))
    return registry
