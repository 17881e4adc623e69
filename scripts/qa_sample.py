#!/usr/bin/env python3
"""Thin entry point for cron jobs and source checkouts: the same as `revisit qa`
(see `revisit qa --help`)."""

from revisit_tui.supervisor.commands.qa import main

if __name__ == "__main__":
    raise SystemExit(main())
