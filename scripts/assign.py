#!/usr/bin/env python3
"""Thin entry point for cron jobs and source checkouts: the same as `revisit assign`
(see `revisit assign --help`)."""

from revisit_tui.supervisor.commands.assign import main

if __name__ == "__main__":
    raise SystemExit(main())
