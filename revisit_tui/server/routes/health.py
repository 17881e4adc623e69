"""Health (no token) and the caller's own identity."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel

from revisit_tui import __version__
from revisit_tui.domain.models import Me
from revisit_tui.server.deps import Caller
from revisit_tui.server.problems import errors

router = APIRouter(prefix="/v1")


class Health(BaseModel):
    status: str
    version: str


@router.get("/health", response_model=Health)
def health() -> Health:
    """Answers without a token; used by process supervisors and the client's status line."""
    return Health(status="ok", version=__version__)


@router.get("/me", response_model=Me, responses=errors())
def me(caller: Caller) -> Me:
    return Me(agent=caller, server_time=datetime.now(UTC))
