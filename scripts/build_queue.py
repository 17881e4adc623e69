#!/usr/bin/env python3
"""Create the revisits due today (new accounts, periodic by type and risk, special events,
closures, escalation follow-ups) by the domain rules, idempotently: running it again the same
day, or after an interruption, creates nothing twice.

    python scripts/build_queue.py                         # accounts and events of the API
    python scripts/build_queue.py --from-file export.csv  # a bank's export (CSV / JSON Lines)
    python scripts/build_queue.py --assign                # create them already assigned

Export rows carry a `record` column/key ("account" or "event") and that record's fields
(number, customer_id, type, opened_on, status, branch, closed_on / id, account_number, kind,
at, detail). A malformed row stops the run with its line number before anything is created.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from revisit_tui.domain.models import ImportBatch
from revisit_tui.supervisor import script
from revisit_tui.supervisor.build import assign_on_creation, create, due_tasks, read_sources
from revisit_tui.supervisor.exportfile import ExportError, read_export


def build_parser() -> argparse.ArgumentParser:
    parser = script.parser(__doc__ or "")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--from-file", metavar="FILE", help="accounts and events of an export")
    parser.add_argument("--today", type=script.day, default=None, help="YYYY-MM-DD (default today)")
    parser.add_argument("--dry-run", action="store_true", help="count what is due, create nothing")
    parser.add_argument(
        "--assign",
        action="store_true",
        help="create the new tasks already assigned by the rules of assign.py (one write per"
        " task); run assign.py afterwards for what is left",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return script.run(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    config = script.settings(args)
    export = None
    try:
        if args.from_file:
            export = read_export(args.from_file)
        api = script.connect(args, config)
        name = Path(args.from_file).name if args.from_file else ""
        sources = read_sources(api, export, name, for_assignment=args.assign)
    except ExportError as exc:
        raise script.BadInput(f"--from-file: {exc}") from None
    today = args.today or script.today(config)
    tasks = due_tasks(sources, today, config.policy)
    kinds = ", ".join(
        f"{kind.value} {n}" for kind, n in sorted(Counter(t.kind for t in tasks).items())
    )
    print(f"{today}: {len(tasks)} revisits due ({kinds or 'none'})")
    if args.assign:
        last = api.last_reached(sorted({task.customer_id for task in tasks}))
        tasks, plan = assign_on_creation(tasks, sources, last)
        print(f"planned {len(plan.placed)} for {len(plan.load)} agents on shift")
        for reason, count in Counter(u.reason for u in plan.unplaced).most_common():
            print(f"  {count} left unassigned: {reason}")
    if args.dry_run:
        print("dry run: nothing was created")
        return 0
    if export is not None:
        # the server takes tasks only for accounts it holds, as its customer's: the export's
        # accounts and events are master data like any other import
        api.import_batch(ImportBatch(accounts=export.accounts, events=export.events))
        print(f"imported {len(export.accounts)} accounts and {len(export.events)} events")
    result = create(api, tasks)
    print(f"created {result.created} tasks; {result.existing} existed already")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
