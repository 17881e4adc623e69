"""`revisit agents`: the roster (shift, capacity, skills, languages, branch) as supervisors
keep it, without a raw `PUT /v1/agents`.

    revisit agents                                   # the roster
    revisit agents set wang --capacity 80 --off-shift
    revisit agents set li --languages zh-CN,en --skills personal --branch BJ01
    revisit agents set li --no-branch --on-shift
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from enum import Enum
from typing import Any, TypeVar

from revisit_tui.client.api import ApiError
from revisit_tui.domain.models import CustomerType, Language
from revisit_tui.supervisor import script
from revisit_tui.supervisor.commandline import BadValue, Parser, describe
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.progress import Progress
from revisit_tui.supervisor.table import render

HEADER_KEYS = ["id", "name", "role", "on_shift", "capacity", "languages", "skills", "branch"]
E = TypeVar("E", bound=Enum)


def _members(kind: type[E], text: str) -> list[E]:
    names = {str(member.value): member for member in kind}
    values = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [value for value in values if value not in names]
    if unknown:
        raise BadValue("errors.unknown_values", values=", ".join(unknown), names=", ".join(names))
    if not values:
        raise BadValue("errors.no_values", names=", ".join(names))
    return [names[value] for value in values]


def languages(text: str) -> list[Language]:
    """An argparse type: languages, comma-separated (zh-CN,en)."""
    return _members(Language, text)


def skills(text: str) -> list[CustomerType]:
    """An argparse type: customer types, comma-separated (personal,corporate)."""
    return _members(CustomerType, text)


def add_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "agents")
    script.add_connection(parser)
    actions = parser.add_subparsers(dest="agents_action", metavar="ACTION")
    summary = say("help.agents.set")
    change = actions.add_parser("set", help=summary, description=summary)
    script.add_connection(change)
    change.add_argument("agent_id", metavar="ID", help=say("help.agents.agent_id"))
    change.add_argument("--capacity", type=int, help=say("help.agents.capacity"))
    shift = change.add_mutually_exclusive_group()
    shift.add_argument(
        "--on-shift",
        dest="on_shift",
        action="store_true",
        default=None,
        help=say("help.agents.on_shift"),
    )
    shift.add_argument(
        "--off-shift", dest="on_shift", action="store_false", help=say("help.agents.off_shift")
    )
    change.add_argument("--languages", type=languages, help=say("help.agents.languages"))
    change.add_argument("--skills", type=skills, help=say("help.agents.skills"))
    branch = change.add_mutually_exclusive_group()
    branch.add_argument("--branch", help=say("help.agents.branch"))
    branch.add_argument("--no-branch", action="store_true", help=say("help.agents.no_branch"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("agents", argv)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    if getattr(args, "agents_action", None) == "set":
        return script.run(args, lambda say: _set(args, say))
    return script.run(args, lambda say: _roster(args, say))


def _roster(args: argparse.Namespace, say: Messages) -> int:
    api = script.connect(args, script.settings(args))
    with Progress("common.reading"):
        agents = api.agents()
    yes, no = say("agents.yes"), say("agents.no")
    rows = [
        [
            agent.id,
            agent.name,
            say.value("role", agent.role),
            yes if agent.on_shift else no,
            agent.capacity,
            ",".join(say.value("language", language) for language in agent.languages),
            ",".join(say.value("customer_type", skill) for skill in agent.skills),
            agent.branch or "*",
        ]
        for agent in agents
    ]
    print(render([say(f"agents.{key}") for key in HEADER_KEYS], rows))
    on_shift = [agent for agent in agents if agent.on_shift and agent.role.value == "agent"]
    capacity = sum(agent.capacity for agent in on_shift)
    print(say("agents.count", count=len(agents), on_shift=len(on_shift), capacity=capacity))
    return 0


def _set(args: argparse.Namespace, say: Messages) -> int:
    api = script.connect(args, script.settings(args))
    with Progress("common.reading"):
        known = {agent.id: agent for agent in api.agents()}
    agent = known.get(args.agent_id)
    if agent is None:
        raise script.BadInput("errors.no_such_agent", agent=args.agent_id)
    if args.capacity is not None and not 0 <= args.capacity <= 1000:
        raise script.BadInput("errors.capacity", value=args.capacity)
    changes: dict[str, Any] = {}
    for name in ("capacity", "on_shift", "languages", "skills", "branch"):
        value = getattr(args, name)
        if value is not None and value != getattr(agent, name):
            changes[name] = value
    if args.no_branch and agent.branch is not None:
        changes["branch"] = None
    if not changes:
        print(say("agents.unchanged", id=agent.id))
        return 0
    try:
        with Progress("common.writing"):
            api.put_agent(agent.model_copy(update=changes))
    except ApiError as exc:
        if exc.status in (404, 422):
            raise script.BadInput("errors.about", subject=agent.id, reason=exc.reason) from None
        raise
    described = ", ".join(f"{name}={_shown(value)}" for name, value in changes.items())
    print(say("agents.updated", id=agent.id, changes=described))
    return 0


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(getattr(item, "value", item)) for item in value)
    return "-" if value is None else str(value)
