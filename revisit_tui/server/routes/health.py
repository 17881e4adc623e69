"""Health (no token) and the caller's own identity."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from revisit_tui import __version__
from revisit_tui.domain.models import Me, Problem
from revisit_tui.server import migrate
from revisit_tui.server.deps import Caller, Context
from revisit_tui.server.problems import errors, problem_response
from revisit_tui.server.strictjson import StrictJsonRoute

NOT_READY_RETRY_SECONDS = 5

router = APIRouter(prefix="/v1", route_class=StrictJsonRoute)


class Health(BaseModel):
    status: str
    version: str


@router.get("/health", response_model=Health)
def health() -> Health:
    """Answers without a token; used by process supervisors and the client's status line."""
    return Health(status="ok", version=__version__)


class Ready(BaseModel):
    status: str
    schema_revision: str


@router.get(
    "/ready",
    response_model=Ready,
    responses={503: {"model": Problem, "description": "not ready: database or schema"}},
)
def ready(context: Context) -> Ready | JSONResponse:
    """Answers without a token: 200 when the database answers and its schema is the one this
    node needs; 503 otherwise, so the proxy and the process supervisor take the node out."""
    try:
        with context.read.connect() as connection:
            found = migrate.current_on(connection)
    except SQLAlchemyError as exc:
        return _not_ready(f"the database cannot be reached ({type(exc).__name__})")
    if found != migrate.head():
        return _not_ready(f"the database schema is at {found}, this node needs {migrate.head()}")
    return Ready(status="ready", schema_revision=found)


def _not_ready(message: str) -> JSONResponse:
    headers = {"Retry-After": str(NOT_READY_RETRY_SECONDS)}
    response: JSONResponse = problem_response(
        503, Problem(code="not_ready", message=message), headers
    )
    return response


@router.get("/me", response_model=Me, responses=errors())
def me(caller: Caller, context: Context) -> Me:
    """Who the token belongs to, which server answers (its id, whatever URL reached it) and
    the server's clock."""
    return Me(agent=caller, server_id=context.server_id, server_time=datetime.now(UTC))
