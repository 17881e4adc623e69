"""Structured logs of the central API: one JSON object per line on stderr, for journald or a
log shipper. Records carry the time, level, logger, process and message; an exception is
logged by its type and frames only, since exception messages may quote personal data."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any


class JsonFormatter(logging.Formatter):
    """A log record as one line of JSON (non-ASCII kept as is, so a scan for names sees them)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            entry["exception"] = type(error).__name__
            entry["frames"] = "".join(traceback.format_tb(error.__traceback__))
        return json.dumps(entry, ensure_ascii=False)


def json_stderr_handler() -> logging.Handler:
    """The handler of LOG_CONFIG; it also routes Python warnings through logging, so that a
    warning printed by a worker is a JSON line like the rest (dictConfig has no key for it)."""
    logging.captureWarnings(True)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    return handler


# uvicorn's log_config for `revisit serve`: everything through the JSON formatter on stderr;
# uvicorn's own chatter from warnings up, the application's from info up
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"()": json_stderr_handler}},
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "revisit": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["stderr"], "level": "WARNING"},
}
