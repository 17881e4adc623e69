#!/usr/bin/env python3
"""Thin entry point for cron jobs and source checkouts: the same as `revisit escalations`
(see `revisit escalations --help`)."""

from revisit_tui.supervisor.commands.escalations import main

if __name__ == "__main__":
    raise SystemExit(main())
