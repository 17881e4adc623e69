"""The central API, seen from the agent's machine: typed calls over httpx with one retry policy.

`ApiClient.request` is the single way out: connection errors, timeouts, 5xx and 429 are
retried with jittered exponential backoff (a Retry-After header is honoured), then raised as
`Unreachable`; a 4xx is never retried and is raised at once as `ApiError` with the server's
Problem. The client is synchronous: the app calls it from thread workers, scripts directly.
"""

from __future__ import annotations

import logging
import random
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

# the token's names are still importable from here, where they lived first
from revisit_tui.client.agent_token import TOKEN_ENV as TOKEN_ENV
from revisit_tui.client.agent_token import TokenError as TokenError
from revisit_tui.client.agent_token import load_token as load_token
from revisit_tui.config import ConfigError, Settings
from revisit_tui.domain.models import (
    AgentStoreReport,
    Disclosure,
    IdentityCheck,
    Lease,
    Me,
    Outcome,
    OutcomeBatch,
    OutcomeBatchResult,
    OutcomeResult,
    Prefetch,
    PrefetchRequest,
    Problem,
    QueueSnapshot,
    Reveal,
    SmsMessage,
    SmsRequest,
    StoreReport,
)

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class ApiError(Exception):
    """The server refused the request (4xx). Not retried: the request itself must change."""

    def __init__(self, status: int, problem: Problem | None, text: str = "") -> None:
        self.status = status
        self.problem = problem
        super().__init__(f"HTTP {status}: {self.reason if problem else text[:200]}")

    @property
    def reason(self) -> str:
        """The server's explanation in one line: message, then each field at fault."""
        if self.problem is None:
            return f"HTTP {self.status}"
        fields = "; ".join(f"{path}: {what}" for path, what in self.problem.fields.items())
        reason = self.problem.message + (f" ({fields})" if fields else "")
        if self.problem.next_allowed_at is not None:
            reason += f"; next allowed at {self.problem.next_allowed_at.isoformat()}"
        return reason


class Unreachable(Exception):
    """The server could not be reached (connection, timeout, 5xx, 429) even after retries;
    `cause` says which: "connection", "timeout", "server_error" or "tls"."""

    def __init__(self, message: str, cause: str = "connection") -> None:
        super().__init__(message)
        self.cause = cause


class BadAnswer(Exception):
    """The server answered 2xx with a body that is not what the API promises (not JSON, or
    another shape): a proxy's error page, a different version. Nothing was understood."""


class ApiClient:
    """A connection to the central API with the agent's (or a supervisor's) token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        verify: bool | str = True,
        timeout: float = 10.0,
        retries: int = 3,
        transport: httpx.BaseTransport | None = None,
        backoff_base: float = 0.25,
        backoff_max: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`verify`: True (system CAs), False (no TLS check), or a CA bundle file (ConfigError
        if it cannot be read). `retries`: extra tries after the first on connection errors,
        timeouts, 5xx and 429; an untrusted certificate is Unreachable at once."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._sleep = sleep
        # the server's clock (HTTP Date of the last answer) and ours when it came
        self.server_clock: tuple[datetime, datetime] | None = None
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=timeout,
            verify=_tls(verify),
            transport=transport,
        )

    @classmethod
    def from_settings(cls, settings: Settings, token: str | None = None) -> ApiClient:
        """A client as configured in `[client]`; the token is loaded with `load_token`.
        TLS is verified unless verify_tls is false, against ca_bundle when one is given."""
        client = settings.client
        verify: bool | str = (client.ca_bundle or True) if client.verify_tls else False
        return cls(
            client.server_url,
            load_token(client) if token is None else token,
            verify=verify,
            timeout=client.timeout_seconds,
            retries=client.retries,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- the one way out --------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        content: str | bytes | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        retry_429: bool = True,
    ) -> httpx.Response:
        """Send a request with the retry policy; returns the 2xx/3xx response. Raises ApiError
        on 4xx (at once) and Unreachable when connection errors, timeouts, 5xx or 429 outlast
        the retries. A request may thus reach the server twice (an answer lost on the way):
        the agent's writes are idempotent by id; a caller with other writes must allow it.
        `content` is a JSON body already encoded (a model's model_dump_json: one pass, where
        `json` goes through dicts first). `retry_429=False`: a 429 is the caller's own daily
        quota, which seconds of waiting cannot renew: ApiError at once, with its Problem."""
        if content is not None:
            headers = {**(headers or {}), "Content-Type": "application/json"}
        last = ""
        cause = "connection"
        for attempt in range(self.retries + 1):
            wait = self._backoff(attempt)
            try:
                response = self._http.request(
                    method, path, json=json, content=content, params=params, headers=headers
                )
            except httpx.TransportError as exc:
                if _untrusted_certificate(exc):
                    raise Unreachable(
                        f"{self.base_url}: the server's TLS certificate is not trusted; "
                        "set client.ca_bundle to the bank's CA file",
                        "tls",
                    ) from None
                last = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                cause = "timeout" if isinstance(exc, httpx.TimeoutException) else "connection"
            else:
                self._note_server_clock(response)
                if response.status_code == 429 and not retry_429:
                    raise _api_error(response)
                if response.status_code not in RETRY_STATUSES:
                    if 400 <= response.status_code < 500:
                        raise _api_error(response)
                    return response
                last = f"HTTP {response.status_code}"
                cause = "server_error"
                wait = max(wait, _retry_after(response.headers.get("Retry-After")))
            log.info(
                "%s %s failed (%s); attempt %d of %d",
                method,
                path,
                last,
                attempt + 1,
                self.retries + 1,
            )
            if attempt < self.retries:
                self._sleep(min(wait, self.backoff_max))
        raise Unreachable(f"{method} {path}: {last}", cause)

    def _note_server_clock(self, response: httpx.Response) -> None:
        """Keep the server's clock from the Date header, with our clock at that moment."""
        date = response.headers.get("Date")
        if not date:
            return
        try:
            server = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return
        if server.tzinfo is not None:
            self.server_clock = (server, datetime.now(UTC))

    def _backoff(self, attempt: int) -> float:
        """Full jitter: a random wait up to base·2^attempt (capped), so clients spread out."""
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))

    # --- typed calls ------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """GET /v1/health: `{"status": "ok", "version": …}`; needs no token."""
        body: dict[str, Any] = self.request("GET", "/v1/health").json()
        return body

    def me(self) -> Me:
        """Who the token belongs to, and the server's clock."""
        return _parse(Me, self.request("GET", "/v1/me"))

    def queue(
        self, etag: str | None = None, outbox_pending: int | None = None
    ) -> tuple[QueueSnapshot | None, str | None]:
        """The agent's open tasks and the new ETag; (None, etag) when unchanged since `etag`.
        `outbox_pending` tells the supervisors' wallboard how much waits to be sent."""
        headers = {"If-None-Match": etag} if etag else {}
        if outbox_pending is not None:
            headers["X-Outbox-Pending"] = str(outbox_pending)
        response = self.request("GET", "/v1/queue", headers=headers or None)
        if response.status_code == 304:
            return None, etag
        return _parse(QueueSnapshot, response), response.headers.get("ETag")

    def start_task(self, task_id: str) -> Lease:
        """Hold a task for this agent; ApiError 409 (code `leased`) if another agent holds it."""
        return _parse(Lease, self.request("POST", f"/v1/tasks/{task_id}/start"))

    def submit_outcomes(self, outcomes: list[Outcome]) -> OutcomeBatchResult:
        """POST a batch (1–500); the answer has one result per outcome, in order."""
        batch = OutcomeBatch(outcomes=outcomes)
        response = self.request("POST", "/v1/outcomes", json=batch.model_dump(mode="json"))
        return _parse(OutcomeBatchResult, response)

    def put_outcome(self, outcome: Outcome) -> OutcomeResult:
        """Store one outcome by its id: status 201 stored, 200 already stored; ApiError
        otherwise (409 same id with another body, 403, 404, 422)."""
        response = self.request(
            "PUT", f"/v1/outcomes/{outcome.id}", json=outcome.model_dump(mode="json")
        )
        try:
            return OutcomeResult.model_validate_json(response.content)
        except ValidationError:
            return OutcomeResult(outcome_id=outcome.id, status=response.status_code)

    def reveal(self, reveal: Reveal) -> Disclosure:
        """Unmask one field on purpose: the server audits it and answers the value (none for
        a reveal made offline from prefetched numbers, which this only records)."""
        response = self.request("POST", "/v1/reveals", json=reveal.model_dump(mode="json"))
        return Disclosure.model_validate_json(response.content)

    def prefetch(self, have: list[str]) -> Prefetch:
        """Dial numbers and identity checks of the agent's next tasks, for calls made while
        the server cannot be reached; tasks in `have` are not sent again."""
        body = PrefetchRequest(have=have).model_dump(mode="json")
        return Prefetch.model_validate_json(self.request("POST", "/v1/prefetch", json=body).content)

    def identity_check(self, task_id: str) -> IdentityCheck:
        """The task's identity check; ApiError 404 when no identity number is on record."""
        response = self.request("GET", f"/v1/tasks/{task_id}/identity-check")
        return IdentityCheck.model_validate_json(response.content)

    def request_sms(self, sms: SmsRequest) -> SmsMessage:
        """Queue an SMS; ApiError 422 with code quiet_hours / frequency_cap (and
        `next_allowed_at`), sms_opt_out or no_mobile when it may not be sent."""
        response = self.request("POST", "/v1/sms", json=sms.model_dump(mode="json"))
        return _parse(SmsMessage, response)

    def store_report(self, report: StoreReport) -> AgentStoreReport:
        """Tell supervisors what the app discarded, handed over or could not recover."""
        body = report.model_dump(mode="json")
        return _parse(AgentStoreReport, self.request("POST", "/v1/store-reports", json=body))


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], response: httpx.Response) -> M:
    """The answer as `model`; BadAnswer (naming the request, not the body) if it is not one."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        request = response.request
        raise BadAnswer(
            f"{request.method} {request.url.path}: HTTP {response.status_code} with an answer "
            f"that is not a {model.__name__} ({exc.error_count()} problem(s))"
        ) from None


def _tls(verify: bool | str) -> bool | ssl.SSLContext:
    if not isinstance(verify, str):
        return verify
    try:
        return ssl.create_default_context(cafile=verify)
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError("client", [f"ca_bundle: cannot use {verify}: {reason}"]) from None


def _untrusted_certificate(exc: BaseException) -> bool:
    """A TLS verification failure: retrying cannot help, the CA must be configured."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _api_error(response: httpx.Response) -> ApiError:
    try:
        problem: Problem | None = Problem.model_validate_json(response.content)
    except ValidationError:
        problem = None
    return ApiError(response.status_code, problem, response.text)


def _retry_after(value: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); 0 if absent."""
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
