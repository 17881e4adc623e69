"""Reading a bank's export: every unusable line is named by its number and what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from revisit_tui.supervisor.exportfile import ExportError, read_export
from revisit_tui.supervisor.table import render

ACCOUNT = {
    "record": "account",
    "number": "6222000011112222",
    "customer_id": "c1",
    "type": "personal_savings",
    "opened_on": "2026-11-20",
    "branch": "b1",
}
EVENT = {
    "record": "event",
    "id": "e1",
    "account_number": "6222000011112222",
    "kind": "complaint",
    "at": "2026-11-24T10:00:00+08:00",
}


def jsonl(tmp_path: Path, *rows: object) -> Path:
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def test_accounts_and_events_are_read_with_their_lines(tmp_path: Path):
    export = read_export(jsonl(tmp_path, ACCOUNT, EVENT))
    assert [a.number for a in export.accounts] == ["6222000011112222"]
    assert [e.id for e in export.events] == ["e1"]
    assert export.lines == {"6222000011112222": 1, "e1": 2}


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((ACCOUNT, {**ACCOUNT, "type": "gold"}), "line 2: type: Input should be"),
        ((ACCOUNT, {**ACCOUNT, "record": "customer"}), "line 2: record: expected 'account'"),
        (({**ACCOUNT, "colour": "red"},), "line 1: colour: Extra inputs are not permitted"),
        (({**EVENT, "at": "2026-11-24T10:00:00"},), "line 1: at: Input should have timezone"),
        ((ACCOUNT, {**EVENT, "account_number": "9999"}), "line 2: account_number: the event's"),
        (([1, 2],), "line 1: expected a JSON object"),
    ],
)
def test_a_bad_json_line_is_named(tmp_path: Path, rows: tuple[object, ...], message: str):
    with pytest.raises(ExportError, match="export.jsonl " + message):
        read_export(jsonl(tmp_path, *rows))


def test_a_bad_csv_line_is_named(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text("number,type\n1,x\n", encoding="utf-8")
    with pytest.raises(ExportError, match="line 1: the header has no 'record' column"):
        read_export(path)
    path.write_text("record,number\naccount,1,surplus\n", encoding="utf-8")
    with pytest.raises(ExportError, match="line 2: more cells than the header has columns"):
        read_export(path)
    path.write_bytes(b"record,number\n\xff\xfe\n")
    with pytest.raises(ExportError, match="not text in UTF-8 or GB18030"):
        read_export(path)


def test_tables_line_up_chinese_names():
    text = render(["agent", "attempts"], [["张伟", 12], ["li", 3]])
    lines = text.splitlines()
    assert lines[2] == "张伟         12"
    assert lines[3] == "li            3"
