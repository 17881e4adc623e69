#!/usr/bin/env python3
"""Retention purge (seed 002 §八.3): records older than the configured years lose their
personal fields (the counts stay; the purge is audited by the server).

    python scripts/purge.py --dry-run  # count what would be purged (also without options)
    python scripts/purge.py --yes      # purge
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from revisit_tui.domain.models import PurgeRequest
from revisit_tui.supervisor import script


def build_parser() -> argparse.ArgumentParser:
    parser = script.parser(__doc__ or "")
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "--years",
        type=int,
        default=None,
        help="keep this many years (default: retention.years of the config)",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--dry-run", action="store_true", help="count what would be purged (the default)"
    )
    action.add_argument("--yes", action="store_true", help="purge (without it: count only)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return script.run(lambda: _run(args))


def _run(args: argparse.Namespace) -> int:
    config = script.settings(args)
    years = config.retention.years if args.years is None else args.years
    if not 1 <= years <= 100:
        raise script.BadInput(f"--years: {years} is not between 1 and 100")
    api = script.connect(args, config)
    result = api.purge(PurgeRequest(older_than_years=years, dry_run=not args.yes))
    counts = (
        f"{result.outcomes} records, {result.escalations} escalations, {result.reveals} reveals,"
        f" {result.sms} SMS"
    )
    if result.dry_run:
        print(f"dry run: {counts} from before {result.cutoff} would be purged; add --yes")
    else:
        print(f"purged {counts} from before {result.cutoff}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
