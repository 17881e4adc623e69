"""The supervisor endpoints of docs/api.md as typed calls over `ApiClient.request`.

Lists that page (`cursor`/`limit`/`next_cursor`) are read as iterators that fetch page after
page, so a caller holds one page at a time unless it keeps the items.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any, Generic, TypeVar
from uuid import UUID, uuid4

from pydantic import BaseModel

from revisit_tui.client.api import ApiClient
from revisit_tui.domain.models import (
    AccountRecord,
    Agent,
    AgentMonth,
    AgentStoreReport,
    Assignment,
    AssignmentBatch,
    ClosureReport,
    Customer,
    CustomerBrief,
    Disclosure,
    Escalation,
    EscalationStatus,
    EventRecord,
    ImportBatch,
    ImportResult,
    KindReport,
    MaskedField,
    Outcome,
    PurgeRequest,
    PurgeResult,
    QaDisclosure,
    QaRecord,
    Resolution,
    StoreReportKind,
    Task,
    TaskBatch,
    TaskBatchResult,
    TaskBrief,
    TaskCreate,
    TaskKind,
    TaskStatus,
)
from revisit_tui.domain.wallboard import Wallboard

PAGE_LIMIT = 1000  # the server's largest page
BRIEF_PAGE_LIMIT = 5000  # the server's largest page of briefs
BATCH_LIMIT = 5000  # the server's largest list of ids in one request
M = TypeVar("M", bound=BaseModel)


class SupervisorApi:
    """Typed supervisor calls; every error surfaces as the client's ApiError or Unreachable."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    # --- agents and master data -----------------------------------------------------------

    def agents(self) -> list[Agent]:
        """Every agent and supervisor with their languages, skills, capacity and shift."""
        response = self.client.request("GET", "/v1/agents")
        return [Agent.model_validate(item) for item in response.json()]

    def put_agent(self, agent: Agent) -> Agent:
        """Replace an agent's profile (languages, skills, capacity, branch, on_shift)."""
        response = self.client.request(
            "PUT", f"/v1/agents/{agent.id}", json=agent.model_dump(mode="json")
        )
        return Agent.model_validate(response.json())

    def import_batch(self, batch: ImportBatch) -> ImportResult:
        """Upsert customers, accounts, transactions and events."""
        response = self.client.request("POST", "/v1/import", json=batch.model_dump(mode="json"))
        return ImportResult.model_validate(response.json())

    def accounts(self, opened_since: date | None = None) -> Iterator[AccountRecord]:
        """All accounts (or those opened since a day), masked with their ids, page by page."""
        params = {"opened_since": opened_since.isoformat()} if opened_since else {}
        return self._pages("/v1/accounts", AccountRecord, params)

    def account_ids(self, numbers: list[str]) -> list[str]:
        """The account ids of full account numbers the caller holds (an export file), in
        order; the server audits the lookup. ApiError 429 (`code=lookup_quota`, not retried)
        when the caller's daily quota of looked-up numbers would be exceeded."""
        ids: list[str] = []
        for start in range(0, len(numbers), BATCH_LIMIT):
            response = self.client.request(
                "POST",
                "/v1/accounts/ids",
                json={"numbers": numbers[start : start + BATCH_LIMIT]},
                retry_429=False,
            )
            ids += [str(found) for found in response.json()["ids"]]
        return ids

    def customers(self, branch: str | None = None) -> Iterator[Customer]:
        """All customers (or one branch's), page by page."""
        return self._pages("/v1/customers", Customer, {"branch": branch} if branch else {})

    def customer_briefs(self, branch: str | None = None) -> Iterator[CustomerBrief]:
        """What an assignment plan reads of all customers (or one branch's), page by page."""
        params = {"branch": branch}
        return self._pages("/v1/customers/briefs", CustomerBrief, params, BRIEF_PAGE_LIMIT)

    def events(self, since: datetime | None = None) -> Iterator[EventRecord]:
        """All account events (or those at or after a time), by account id, page by page."""
        return self._pages("/v1/events", EventRecord, {"since": since.isoformat()} if since else {})

    # --- tasks ----------------------------------------------------------------------------

    def create_tasks(self, tasks: list[TaskCreate]) -> TaskBatchResult:
        """Create tasks by key; a key the server has seen before creates nothing."""
        batch = TaskBatch(tasks=tasks)
        response = self.client.request("POST", "/v1/tasks/bulk", content=batch.model_dump_json())
        return TaskBatchResult.model_validate(response.json())

    def tasks(
        self,
        *,
        status: TaskStatus | None = None,
        kind: TaskKind | None = None,
        agent: str | None = None,
        customer: str | None = None,
        unassigned: bool | None = None,
        due_before: date | None = None,
    ) -> Iterator[Task]:
        """Tasks matching every filter given, page by page."""
        params: dict[str, Any] = {
            "status": status.value if status else None,
            "kind": kind.value if kind else None,
            "agent": agent,
            "customer": customer,
            "unassigned": None if unassigned is None else str(unassigned).lower(),
            "due_before": due_before.isoformat() if due_before else None,
        }
        return self._pages("/v1/tasks", Task, params)

    def task_briefs(
        self, *, status: TaskStatus | None = None, agent: str | None = None
    ) -> Iterator[TaskBrief]:
        """What an assignment plan reads of the tasks matching the filters, page by page."""
        params = {"status": status.value if status else None, "agent": agent}
        return self._pages("/v1/tasks/briefs", TaskBrief, params, BRIEF_PAGE_LIMIT)

    def assign(self, assignments: list[Assignment]) -> int:
        """Set (or clear) the agent of each task; answers how many tasks were updated."""
        batch = AssignmentBatch(assignments=assignments)
        response = self.client.request("POST", "/v1/assignments", content=batch.model_dump_json())
        return int(response.json()["updated"])

    def transfer_customers(
        self, customer_ids: list[str], to_branch: str, *, dry_run: bool = False
    ) -> dict[str, Any]:
        """Move customers to a branch (their open tasks become unassigned), or with `dry_run`
        only check it: {"customers", "tasks", "dry_run", "moves": [{customer_id,
        from_branch, open_tasks}]}."""
        response = self.client.request(
            "POST",
            "/v1/customers/transfer",
            json={"customer_ids": customer_ids, "to_branch": to_branch, "dry_run": dry_run},
        )
        return dict(response.json())

    def tasks_by_id(self, task_ids: list[str]) -> list[Task]:
        """The tasks with these ids (unknown ids are left out)."""
        found: list[Task] = []
        for start in range(0, len(task_ids), BATCH_LIMIT):
            part = task_ids[start : start + BATCH_LIMIT]
            response = self.client.request("POST", "/v1/tasks/by-id", json={"task_ids": part})
            found += [Task.model_validate(item) for item in response.json()]
        return found

    def park_tasks(self, task_ids: list[str], until: datetime) -> int:
        """Hold open tasks until a moment (nobody may start them before); how many changed."""
        body = {"task_ids": task_ids, "until": until.isoformat()}
        response = self.client.request("POST", "/v1/tasks/park", json=body)
        return int(response.json()["updated"])

    def last_reached(self, customer_ids: list[str]) -> dict[str, str]:
        """Customer → the agent who last reached them (customers never reached are absent)."""
        found: dict[str, str] = {}
        for start in range(0, len(customer_ids), BATCH_LIMIT):
            part = customer_ids[start : start + BATCH_LIMIT]
            response = self.client.request(
                "POST", "/v1/customers/last-reached", json={"customer_ids": part}
            )
            found.update(response.json())
        return found

    # --- escalations ----------------------------------------------------------------------

    def escalations(
        self, status: EscalationStatus | None = None, overdue: bool | None = None
    ) -> Iterator[Escalation]:
        """Escalations matching the filters, page by page."""
        params = {
            "status": status.value if status else None,
            "overdue": None if overdue is None else str(overdue).lower(),
        }
        return self._pages("/v1/escalations", Escalation, params)

    def escalation(self, escalation_id: str) -> Escalation:
        """One escalation with its whole history."""
        response = self.client.request("GET", f"/v1/escalations/{escalation_id}")
        return Escalation.model_validate(response.json())

    def resolve_escalation(self, escalation_id: str, resolution: str) -> Escalation:
        """Record the department's answer; the server creates the follow-up task."""
        return self._escalation_action(escalation_id, "resolve", resolution)

    def reopen_escalation(self, escalation_id: str, resolution: str) -> Escalation:
        """Start the problem handling again (the customer was not satisfied)."""
        return self._escalation_action(escalation_id, "reopen", resolution)

    # --- records, reports, QA, retention --------------------------------------------------

    def disclose(self, outcome_id: UUID, field: MaskedField, reason: str) -> Disclosure:
        """One field of a reviewed record's customer in full; the server audits it first."""
        request = QaDisclosure(id=uuid4(), outcome_id=outcome_id, field=field, reason=reason)
        response = self.client.request(
            "POST", "/v1/disclosures", json=request.model_dump(mode="json")
        )
        return Disclosure.model_validate(response.json())

    def outcomes(self, month: str, agent: str | None = None) -> Iterator[Outcome]:
        """A month's (YYYY-MM) outcomes, optionally one agent's, page by page."""
        return self._pages("/v1/outcomes", Outcome, {"month": month, "agent": agent})

    def store_reports(
        self, agent: str | None = None, kind: StoreReportKind | None = None
    ) -> Iterator[AgentStoreReport]:
        """What agents' apps discarded, handed over or could not recover, newest first."""
        params = {"agent": agent, "kind": kind.value if kind else None}
        return self._pages("/v1/store-reports", AgentStoreReport, params)

    def agent_report(
        self,
        *,
        month: str | None = None,
        day: date | None = None,
        tz: str = "UTC",
        min_ratings: int = 1,
    ) -> list[AgentMonth]:
        """Per-agent figures of a month (YYYY-MM) or a day of time zone `tz`, ranked by
        satisfaction among agents with at least `min_ratings` ratings."""
        params: dict[str, Any] = (
            {"month": month} if month else {"day": day.isoformat() if day else None}
        )
        params |= {"tz": tz, "min_ratings": min_ratings}
        response = self.client.request("GET", "/v1/reports/agents", params=_present(params))
        return [AgentMonth.model_validate(item) for item in response.json()]

    def kind_report(
        self,
        *,
        month: str | None = None,
        day: date | None = None,
        tz: str = "UTC",
        agent: str | None = None,
    ) -> list[KindReport]:
        """Per-kind figures of a month or a day of time zone `tz`, optionally one agent's."""
        params: dict[str, Any] = (
            {"month": month} if month else {"day": day.isoformat() if day else None}
        )
        params |= {"tz": tz, "agent": agent}
        response = self.client.request("GET", "/v1/reports/kinds", params=_present(params))
        return [KindReport.model_validate(item) for item in response.json()]

    def closure_report(
        self, *, month: str, tz: str = "UTC", agent: str | None = None
    ) -> ClosureReport:
        """Why customers closed their accounts in a month of time zone `tz` (seed 000 §一)."""
        params = _present({"month": month, "tz": tz, "agent": agent})
        response = self.client.request("GET", "/v1/reports/closures", params=params)
        return ClosureReport.model_validate(response.json())

    def qa_sample(self, month: str, rate: float, seed: int, tz: str = "UTC") -> list[QaRecord]:
        """A month's (of time zone `tz`) reproducible random sample with the review checks
        (same seed, same set)."""
        params = {"month": month, "rate": rate, "seed": seed, "tz": tz}
        response = self.client.request("GET", "/v1/qa-sample", params=params)
        return [QaRecord.model_validate(item) for item in response.json()]

    def wallboard(self, tz: str, etag: str | None = None) -> tuple[Wallboard | None, str | None]:
        """The floor's day in `tz` and its ETag; (None, etag) when unchanged since `etag`."""
        headers = {"If-None-Match": etag} if etag else None
        response = self.client.request("GET", "/v1/wallboard", params={"tz": tz}, headers=headers)
        if response.status_code == 304:
            return None, etag
        return Wallboard.model_validate(response.json()), response.headers.get("ETag")

    def purge(self, request: PurgeRequest) -> PurgeResult:
        """Count (dry run) or remove personal fields of records older than the cutoff."""
        response = self.client.request(
            "POST", "/v1/retention/purge", json=request.model_dump(mode="json")
        )
        return PurgeResult.model_validate(response.json())

    # --- helpers --------------------------------------------------------------------------

    def _escalation_action(self, escalation_id: str, action: str, resolution: str) -> Escalation:
        body = Resolution(resolution=resolution).model_dump(mode="json")
        response = self.client.request(
            "POST", f"/v1/escalations/{escalation_id}/{action}", json=body
        )
        return Escalation.model_validate(response.json())

    def _pages(
        self, path: str, model: type[M], params: Mapping[str, Any], limit: int = PAGE_LIMIT
    ) -> Iterator[M]:
        query = {**_present(params), "limit": limit}
        page_of = _page_model(model)
        while True:
            page = page_of.model_validate_json(
                self.client.request("GET", path, params=query).content
            )
            yield from page.items
            if not page.next_cursor:
                return
            query["cursor"] = page.next_cursor


class Page(BaseModel, Generic[M]):
    """One page of a listing."""

    items: list[M]
    next_cursor: str | None = None


@cache
def _page_model(model: type[M]) -> type[Page[M]]:
    """The page of `model`, parsed from the answer's bytes in one pass (a hundred thousand
    customers cost half as much as decoding the JSON first and validating item by item)."""
    return Page[model]  # type: ignore[valid-type]


def _present(params: Mapping[str, Any]) -> dict[str, Any]:
    """The query parameters that have a value."""
    return {name: value for name, value in params.items() if value is not None}
