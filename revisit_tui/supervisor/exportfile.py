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
from revisit_tui.supervisor.messages import Told
from revisit_tui.supervisor.textfile import FileProblem, read_text


class ExportError(Told):
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
    except FileProblem as exc:
        raise ExportError(str(exc.args[0]), **exc.values) from None
    export = Export()
    try:
        rows = _csv_rows(handle) if source.suffix.lower() == ".csv" else _json_rows(handle)
        for line, row in rows:
            _add(export, row, line)
    except _RowError as exc:
        raise ExportError(
            "files.line", file=source.name, line=exc.line, problem=exc.problem
        ) from None
    except csv.Error as exc:
        raise ExportError("files.not_csv", file=source.name, reason=exc) from None
    if not export.accounts and not export.events:
        raise ExportError("files.no_rows", file=source.name)
    _check_references(export, source.name)
    return export


class _RowError(Exception):
    def __init__(self, line: int, problem: Told) -> None:
        super().__init__(line, problem)
        self.line = line
        self.problem = problem


def _json_rows(handle: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _RowError(
                line, Told("files.not_json", reason=exc.msg, column=exc.colno)
            ) from None
        if not isinstance(row, dict):
            raise _RowError(line, Told("files.not_object"))
        yield line, row


def _csv_rows(handle: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(handle)
    if reader.fieldnames is None or "record" not in reader.fieldnames:
        raise _RowError(1, Told("files.no_record_column"))
    for row in reader:
        if None in row:
            raise _RowError(reader.line_num, Told("files.extra_cells"))
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
            raise _RowError(line, Told("files.bad_record", record=repr(record)))
    except ValidationError as exc:
        raise _RowError(line, _describe(exc)) from None


def _check_references(export: Export, name: str) -> None:
    numbers = {account.number for account in export.accounts}
    for event in export.events:
        if event.account_number not in numbers:
            raise ExportError(
                "files.line",
                file=name,
                line=export.lines[event.id],
                problem=Told("files.event_account_missing"),
            )


FIELD_PROBLEMS = frozenset(
    {
        "missing",
        "string_too_short",
        "string_too_long",
        "string_pattern_mismatch",
        "enum",
        "date_parsing",
        "date_from_datetime_parsing",
        "datetime_parsing",
        "datetime_from_date_parsing",
        "timezone_aware",
        "extra_forbidden",
    }
)


def _describe(error: ValidationError) -> Told:
    """Every field problem of a row, told in the reader's language where the catalogue names
    the kind of problem (`fields.*`), in pydantic's own words where it does not."""
    told = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "row"
        if item["type"] in FIELD_PROBLEMS:
            context = {name: str(value) for name, value in (item.get("ctx") or {}).items()}
            problem = Told(f"fields.{item['type']}", **context)
        else:
            problem = Told(item["msg"])
        told.append(Told("files.field", where=where, problem=problem))
    joined = told[-1]
    for earlier in reversed(told[:-1]):
        joined = Told("files.and", first=earlier, rest=joined)
    return joined
