"""`revisit queue build`: create the revisits due today (new accounts, periodic by type and
risk, special events, closures, escalation follow-ups) by the domain rules, idempotently:
running it again the same day, or after an interruption, creates nothing twice.

    revisit queue build                         # accounts and events of the API
    revisit queue build --from-file export.csv  # a bank's export (CSV / JSON Lines, UTF-8 or GBK)
    revisit queue build --assign                # create them already assigned

Export rows carry a `record` column/key ("account" or "event") and that record's fields
(number, customer_id, type, opened_on, status, branch, closed_on / id, account_number, kind,
at, detail). A malformed row stops the run with its line number before anything is created;
so does an export with no rows at all, and so does a refusal to look up the export's account
ids past the caller's daily quota (429 `lookup_quota`).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from revisit_tui.client.api import ApiError
from revisit_tui.config import Settings
from revisit_tui.domain.models import ImportBatch, Problem
from revisit_tui.supervisor import script
from revisit_tui.supervisor.build import (
    assign_on_creation,
    create,
    due_tasks,
    export_numbers,
    read_sources,
)
from revisit_tui.supervisor.commandline import Parser, describe
from revisit_tui.supervisor.exportfile import ExportError, read_export
from revisit_tui.supervisor.messages import Messages
from revisit_tui.supervisor.progress import Progress

LOOKUP_QUOTA = "lookup_quota"  # the server's Problem code past the daily quota of lookups


def add_arguments(parser: Parser) -> None:
    """`revisit queue` has one action today: build."""
    actions = parser.add_subparsers(dest="queue_action", metavar="ACTION", required=True)
    summary = parser.say("help.queue.build")
    build = actions.add_parser("build", help=summary)
    add_build_arguments(build)


def add_build_arguments(parser: Parser) -> None:
    say = parser.say
    describe(parser, "queue")
    script.add_connection(parser)
    parser.add_argument("--from-file", metavar="FILE", help=say("help.queue.from_file"))
    parser.add_argument("--today", type=script.day, default=None, help=say("help.queue.today"))
    parser.add_argument("--dry-run", action="store_true", help=say("help.queue.dry_run"))
    parser.add_argument(
        "--assign",
        action="store_true",
        help=say("help.queue.assign"),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = script.parser("queue", argv)
    add_build_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    return script.run(args, lambda say: _build(args, say))


def _over_quota(
    problem: Problem, renews: datetime, name: str, asked: int, config: Settings
) -> script.Failed:
    """The server would not look up the export's account ids today: the caller's daily quota
    of numbers is used up until `renews`. Nothing is imported or created before the lookup."""
    return script.Failed(
        "queue.lookup_quota",
        file=name,
        asked=asked,
        remaining=problem.remaining,
        limit=problem.limit,
        at=script.local_time(renews, config),
    )


def _build(args: argparse.Namespace, say: Messages) -> int:
    config = script.settings(args)
    export = None
    try:
        if args.from_file:
            with Progress("queue.reading_file"):
                export = read_export(args.from_file)
        api = script.connect(args, config)
        name = Path(args.from_file).name if args.from_file else ""
        sources = read_sources(api, export, name, for_assignment=args.assign)
    except ExportError as exc:
        raise script.BadInput("errors.about", subject="--from-file", reason=exc) from None
    except ApiError as exc:
        problem = exc.problem
        if export is None or problem is None or problem.code != LOOKUP_QUOTA:
            raise
        renews = problem.next_allowed_at
        if renews is None:
            raise
        asked = len(export_numbers(export))
        raise _over_quota(problem, renews, name, asked, config) from None
    today = args.today or script.today(config)
    tasks = due_tasks(sources, today, config.policy)
    kinds = ", ".join(
        f"{say.value('kind', kind)} {n}"
        for kind, n in sorted(Counter(t.kind for t in tasks).items())
    )
    print(say("queue.due", day=today, count=len(tasks), kinds=kinds or say("queue.none")))
    if args.assign:
        with Progress("queue.planning"):
            last = api.last_reached(sorted({task.customer_id for task in tasks}))
            tasks, plan = assign_on_creation(tasks, sources, last)
        print(say("queue.planned", placed=len(plan.placed), agents=len(plan.load)))
        for reason, count in Counter(u.reason for u in plan.unplaced).most_common():
            print(say("queue.left_unassigned", count=count, reason=reason.told(say)))
    if args.dry_run:
        print(say("queue.dry_run"))
        return 0
    if export is not None:
        # the server takes tasks only for accounts it holds, as its customer's: the export's
        # accounts and events are master data like any other import
        with Progress("queue.importing"):
            api.import_batch(ImportBatch(accounts=export.accounts, events=export.events))
        print(say("queue.imported", accounts=len(export.accounts), events=len(export.events)))
    result = create(api, tasks)
    print(say("queue.created", created=result.created, existing=result.existing))
    return 0
