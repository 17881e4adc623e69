#!/usr/bin/env python3
"""Thin entry point for cron jobs and source checkouts: the same as `revisit purge`
(see `revisit purge --help`)."""

from revisit_tui.supervisor.commands.purge import main

if __name__ == "__main__":
    raise SystemExit(main())
