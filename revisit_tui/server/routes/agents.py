"""Agents as supervisors see them: list, and update the working profile."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from fastapi import APIRouter

from revisit_tui.domain.models import Agent, Role
from revisit_tui.server.admin import PERSON_ROLES, agent_from_row
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.problems import ProblemError, errors, not_found
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import audit_log, principals

router = APIRouter(prefix="/v1", tags=["supervisor"], route_class=StrictJsonRoute)

PERSON_ROLE_VALUES = [role.value for role in PERSON_ROLES]


@router.get("/agents", response_model=list[Agent], responses=errors())
def list_agents(context: Context, _caller: Supervisor) -> list[Agent]:
    """Agents and supervisors with active tokens, by id."""
    with context.read.connect() as conn:
        rows = conn.execute(
            sa.select(principals)
            .where(principals.c.role.in_(PERSON_ROLE_VALUES), sa.not_(principals.c.revoked))
            .order_by(principals.c.id)
        ).all()
    return [agent_from_row(row) for row in rows]


@router.put("/agents/{agent_id}", response_model=Agent, responses=errors(404))
def update_agent(agent_id: str, agent: Agent, context: Context, caller: Supervisor) -> Agent:
    """Languages, skills, capacity, branch, on_shift, name and role; tokens stay as they are.
    The change (a role change is a privilege change) is audited with what it was before."""
    bad: dict[str, str] = {}
    if agent.id != agent_id:
        bad["id"] = "differs from the id in the path"
    if agent.role not in PERSON_ROLES:
        bad["role"] = "must be agent or supervisor"
    if bad:
        raise ProblemError(422, "invalid", "invalid fields: " + ", ".join(bad), bad)
    with context.engine.begin() as conn:
        before = conn.execute(
            sa.select(principals)
            .where(principals.c.id == agent_id, principals.c.role.in_(PERSON_ROLE_VALUES))
            .with_for_update()
        ).first()
        if before is None:
            raise not_found("agent", agent_id)
        previous = agent_from_row(before)
        conn.execute(
            sa.update(principals)
            .where(principals.c.id == agent_id)
            .values(
                name=agent.name,
                role=Role(agent.role).value,
                profile=agent.model_dump(mode="json", exclude={"id", "name", "role"}),
            )
        )
        if previous != agent:
            conn.execute(
                sa.insert(audit_log).values(
                    at=datetime.now(UTC),
                    actor=caller.id,
                    action="role_changed" if previous.role != agent.role else "agent_updated",
                    detail={
                        "agent_id": agent_id,
                        "before": previous.model_dump(mode="json"),
                        "after": agent.model_dump(mode="json"),
                    },
                )
            )
    return agent
