#!/usr/bin/env python3
"""Thin entry point for cron jobs and source checkouts: the same as `revisit report`
(see `revisit report --help`)."""

from revisit_tui.supervisor.commands.report import main

if __name__ == "__main__":
    raise SystemExit(main())
