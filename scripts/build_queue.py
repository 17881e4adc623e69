#!/usr/bin/env python3
"""Thin entry point for cron jobs and source checkouts: the same as `revisit queue build`
(see `revisit queue build --help`)."""

from revisit_tui.supervisor.commands.queue import main

if __name__ == "__main__":
    raise SystemExit(main())
