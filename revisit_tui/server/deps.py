"""What every route needs: the server context (engine, settings) and the authenticated caller."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from revisit_tui.callscripts import load_book
from revisit_tui.config import Settings
from revisit_tui.domain.models import Agent, Language, Role
from revisit_tui.domain.policy import RevisitPolicy
from revisit_tui.domain.scripts import SmsTemplate
from revisit_tui.domain.workdays import WorkCalendar
from revisit_tui.server import serverkeys
from revisit_tui.server.accountids import AccountIds
from revisit_tui.server.admin import agent_from_row
from revisit_tui.server.db import make_engine, reader
from revisit_tui.server.problems import ProblemError
from revisit_tui.server.tables import principals
from revisit_tui.server.tokens import hash_token


@dataclass
class ServerContext:
    """Shared by all requests of one server process."""

    settings: Settings
    engine: Engine  # for transactions that write
    read: Engine  # for read-only work (no write lock on SQLite)
    # the SMS templates agents' messages follow: the bank's edited scripts folder (`[ui]
    # scripts_dir`, the one the app reads) or the shipped one; read at start, so broken
    # templates stop the start rather than an SMS
    sms_templates: Mapping[Language, tuple[SmsTemplate, ...]]

    @property
    def policy(self) -> RevisitPolicy:
        return self.settings.policy

    @cached_property
    def calendar(self) -> WorkCalendar:
        """Working days by the policy's calendar (built once: it caches its years)."""
        return WorkCalendar(self.policy.calendar)

    @cached_property
    def server_id(self) -> str:
        """The database's id (see `serverkeys`), read once per process."""
        return serverkeys.server_id(self.engine)

    @cached_property
    def account_ids(self) -> AccountIds:
        """Account number → account id under the database's key, read once per process."""
        with self.engine.begin() as conn:
            return AccountIds(serverkeys.account_id_key(conn, datetime.now(UTC)))

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerContext:
        engine = make_engine(settings.server.db)
        directory = settings.ui.scripts_dir
        templates = load_book(Path(directory) if directory else None).sms
        return cls(settings=settings, engine=engine, read=reader(engine), sms_templates=templates)


async def get_context(request: Request) -> ServerContext:
    # async: a plain attribute read needs no trip through the thread pool
    context: ServerContext = request.app.state.context
    return context


Context = Annotated[ServerContext, Depends(get_context)]

bearer = HTTPBearer(auto_error=False, description="a token from `revisit admin`")


_PRINCIPAL_QUERY = sa.select(principals).where(principals.c.token_hash == sa.bindparam("hash"))


def current_principal(
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Agent:
    """The caller named by the bearer token; 401 when it is missing, unknown or revoked."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ProblemError(401, "unauthorized", "an 'Authorization: Bearer <token>' is required")
    with context.read.connect() as conn:
        row = conn.execute(_PRINCIPAL_QUERY, {"hash": hash_token(credentials.credentials)}).first()
    if row is None or row.revoked:
        raise ProblemError(401, "unauthorized", "the token is unknown or revoked")
    return agent_from_row(row)


def role_required(*roles: Role) -> Callable[[Agent], Awaitable[Agent]]:
    """A dependency that lets only the given roles through (403 for the others)."""
    allowed = set(roles)

    async def check(principal: Annotated[Agent, Depends(current_principal)]) -> Agent:
        if principal.role not in allowed:
            names = " or ".join(sorted(r.value for r in allowed))
            raise ProblemError(403, "forbidden", f"this needs the role {names}")
        return principal

    return check


Caller = Annotated[Agent, Depends(current_principal)]
AgentCaller = Annotated[Agent, Depends(role_required(Role.AGENT, Role.SUPERVISOR))]
Supervisor = Annotated[Agent, Depends(role_required(Role.SUPERVISOR))]
SmsGateway = Annotated[Agent, Depends(role_required(Role.SMS_GATEWAY))]
OnlineService = Annotated[Agent, Depends(role_required(Role.ONLINE_SERVICE))]
