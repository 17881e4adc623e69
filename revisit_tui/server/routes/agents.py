"""Agents as supervisors see them: list, and update the working profile."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from revisit_tui.domain.models import Agent, Role
from revisit_tui.server.admin import PERSON_ROLES, agent_from_row
from revisit_tui.server.deps import Context, Supervisor
from revisit_tui.server.problems import ProblemError, errors, not_found
from revisit_tui.server.strictjson import StrictJsonRoute
from revisit_tui.server.tables import principals

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
def update_agent(agent_id: str, agent: Agent, context: Context, _caller: Supervisor) -> Agent:
    """Languages, skills, capacity, branch, on_shift and name; tokens stay as they are."""
    bad: dict[str, str] = {}
    if agent.id != agent_id:
        bad["id"] = "differs from the id in the path"
    if agent.role not in PERSON_ROLES:
        bad["role"] = "must be agent or supervisor"
    if bad:
        raise ProblemError(422, "invalid", "invalid fields: " + ", ".join(bad), bad)
    with context.engine.begin() as conn:
        updated = conn.execute(
            sa.update(principals)
            .where(principals.c.id == agent_id, principals.c.role.in_(PERSON_ROLE_VALUES))
            .values(
                name=agent.name,
                role=Role(agent.role).value,
                profile=agent.model_dump(mode="json", exclude={"id", "name", "role"}),
            )
        )
    if updated.rowcount == 0:
        raise not_found("agent", agent_id)
    return agent
