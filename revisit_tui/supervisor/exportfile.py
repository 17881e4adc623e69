"""Reading the accounts and events a bank exports, as CSV or JSON Lines.

Every row names what it is in a `record` column/key (`account` or `event`) and carries that
model's fields by their wire names (docs/api.md); in CSV an empty cell means "not given".
Any unusable row stops the read with the file's line number and what is wrong, so nothing
is created from a half-understood file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from revisit_tui.domain.models import Account, Event
from revisit_tui.supervisor.textfile import read_text


class ExportError(Exception):
    """A row of the export cannot be used; the message names the file, line and problem."""


@dataclass
class Export:
    """The accounts and events of one export file, with the line each came from."""

    accounts: list[Account] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # account number / event id → line


def read_export(path: str | Path) -> Export:
    """Read a `.csv` file or JSON Lines (any other name), UTF-8 or GB18030/GBK; ExportError on
    the first bad line, and for a file with no rows at all (an empty export is a failed one)."""
    source = Path(path)
    try:
        handle = io.StringIO(read_text(source), newline="")
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    export = Export()
    try:
        rows = _csv_rows(handle) if source.suffix.lower() == ".csv" else _json_rows(handle)
        for line, row in rows:
            _add(export, row, line)
    except _RowError as exc:
        raise ExportError(f"{source.name} line {exc.line}: {exc.problem}") from None
    except csv.Error as exc:
        raise ExportError(f"{source.name}: not a readable CSV file ({exc})") from None
    if not export.accounts and not export.events:
        raise ExportError(f"{source.name}: no accounts or events in the file")
    _check_references(export, source.name)
    return export


class _RowError(Exception):
    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


def _json_rows(handle: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _RowError(line, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(row, dict):
            raise _RowError(line, "expected a JSON object")
        yield line, row


def _csv_rows(handle: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(handle)
    if reader.fieldnames is None or "record" not in reader.fieldnames:
        raise _RowError(1, "the header has no 'record' column")
    for row in reader:
        if None in row:
            raise _RowError(reader.line_num, "more cells than the header has columns")
        yield reader.line_num, {key: value for key, value in row.items() if value not in ("", None)}


def _add(export: Export, row: dict[str, Any], line: int) -> None:
    fields = dict(row)
    record = fields.pop("record", None)
    try:
        if record == "account":
            account = Account.model_validate(fields)
            export.accounts.append(account)
            export.lines[account.number] = line
        elif record == "event":
            event = Event.model_validate(fields)
            export.events.append(event)
            export.lines[event.id] = line
        else:
            raise _RowError(line, f"record: expected 'account' or 'event', got {record!r}")
    except ValidationError as exc:
        raise _RowError(line, _describe(exc)) from None


def _check_references(export: Export, name: str) -> None:
    numbers = {account.number for account in export.accounts}
    for event in export.events:
        if event.account_number not in numbers:
            raise ExportError(
                f"{name} line {export.lines[event.id]}: account_number: the event's account"
                " is not in this file"
            )


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "row"
        problems.append(f"{where}: {item['msg']}")
    return "; ".join(problems)
