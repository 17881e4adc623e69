"""`revisit admin`: add agents, supervisors and services (token printed once), list, revoke,
rotate a token (a new one printed once; the agent's history and outbox stay theirs)."""

from __future__ import annotations

import argparse
import re
import sys

from revisit_tui.config import ConfigError, load_settings
from revisit_tui.domain.models import Role
from revisit_tui.supervisor.commandline import Parser


def add_arguments(parser: Parser) -> None:
    say = parser.say
    parser.add_argument("--db", help=say("help.server.db"))
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    agent = sub.add_parser("add-agent", help=say("help.admin.add_agent"))
    agent.add_argument("name", help=say("help.admin.agent_name"))
    agent.add_argument(
        "--role", choices=["agent", "supervisor"], default="agent", help=say("help.admin.role")
    )
    agent.add_argument("--id", help=say("help.admin.agent_id"))
    agent.add_argument("--branch", help=say("help.admin.branch"))
    agent.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    service = sub.add_parser("add-service", help=say("help.admin.add_service"))
    service.add_argument("name", help=say("help.admin.service_name"))
    service.add_argument(
        "--role",
        choices=["online_service", "sms_gateway"],
        required=True,
        help=say("help.admin.service_role"),
    )
    service.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    listing = sub.add_parser("list", help=say("help.admin.list"))
    listing.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    revoke = sub.add_parser("revoke", help=say("help.admin.revoke"))
    revoke.add_argument("id", help=say("help.admin.holder"))
    revoke.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    rotate = sub.add_parser("rotate-token", help=say("help.admin.rotate_token"))
    rotate.add_argument("id", help=say("help.admin.holder"))
    rotate.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from revisit_tui.server import admin

    try:
        db_url = args.db or load_settings(args.config).server.db
    except ConfigError as exc:
        print(f"revisit admin: {exc}", file=sys.stderr)
        return 2
    admin.create_schema(db_url)
    try:
        if args.action == "add-agent":
            agent_id = args.id or _slug(args.name)
            if not agent_id:
                raise admin.AdminError("the name gives no usable id: pass --id")
            profile = {"branch": args.branch} if args.branch else {}
            token = admin.add_agent(db_url, agent_id, args.name, Role(args.role), **profile)
            print(f"added {args.role} {agent_id}; token (shown once):\n{token}")
        elif args.action == "add-service":
            token = admin.add_service(db_url, args.name, Role(args.role))
            print(f"added {args.role} {args.name}; token (shown once):\n{token}")
        elif args.action == "list":
            for agent, revoked in admin.list_principals(db_url):
                state = "revoked" if revoked else "active"
                print(f"{agent.id}\t{agent.role.value}\t{state}\t{agent.name}")
        elif args.action == "rotate-token":
            token = admin.rotate_token(db_url, args.id)
            print(f"new token for {args.id} (shown once; the old one no longer works):\n{token}")
        else:
            admin.revoke(db_url, args.id)
            print(f"revoked {args.id}")
    except (admin.AdminError, ValueError) as exc:
        print(f"revisit admin: {exc}", file=sys.stderr)
        return 1
    return 0


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.:-]+", "-", name).strip("-").lower()
    return slug[:64]
