"""Reports and escalation listings as a supervisor reads them: one agent's figures only,
past days as they were, a ranking that needs enough ratings, a CSV Excel reads right, and
times on the centre's clock."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from supervision import Supervisor
from test_records_scripts import MONTH, NOW, read_rows, record_attempts


def report(supervisor: Supervisor, tmp_path: Path, *argv: str) -> list[dict[str, str]]:
    out_file = tmp_path / "report.csv"
    assert supervisor.run("report", *argv, "--csv", str(out_file)) == 0
    return read_rows(out_file)


def test_agent_filters_every_row_of_the_report(supervisor: Supervisor, tmp_path: Path):
    record_attempts(supervisor)
    rows = report(supervisor, tmp_path, "--day", NOW.date().isoformat(), "--agent", "a2")
    assert {r["id"] for r in rows if r["by"] == "agent"} == {"a2"}
    kinds = {r["id"]: r for r in rows if r["period"] == MONTH and r["by"] == "kind"}
    # a2 made two periodic attempts (one reached, escalated); a1's and a3's are not counted
    assert (kinds["periodic"]["attempts"], kinds["periodic"]["reached"]) == ("2", "1")
    assert kinds["new_account"]["attempts"] == "0"
    assert kinds["special_event"]["attempts"] == "0"
    assert kinds["periodic"]["escalations_open"] == "1"


def test_a_past_day_does_not_show_escalations_opened_after_it(
    supervisor: Supervisor, tmp_path: Path
):
    record_attempts(supervisor)
    yesterday = (NOW - timedelta(days=1)).date().isoformat()
    rows = report(supervisor, tmp_path, "--day", yesterday)
    day_rows = [r for r in rows if r["period"] == yesterday]
    assert day_rows
    assert {r["escalations_open"] for r in day_rows} == {"0"}, "today's escalation shown"
    today = report(supervisor, tmp_path, "--day", NOW.date().isoformat())
    assert {r["id"]: r for r in today if r["by"] == "agent"}["a2"]["escalations_open"] == "1"


def test_the_satisfaction_ranking_needs_enough_ratings(
    supervisor: Supervisor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    record_attempts(supervisor)  # a1: two ratings (5, 4); a2: one rating (3)
    rows = report(supervisor, tmp_path, "--day", NOW.date().isoformat(), "--min-ratings", "2")
    month = {r["id"]: r for r in rows if r["period"] == MONTH and r["by"] == "agent"}
    assert month["a1"]["rank"] == "1"
    assert month["a2"]["rank"] == "", "one rating is not enough to be ranked"
    assert month["a2"]["avg_satisfaction"] == "3.00", "the average is still shown"

    monkeypatch.setenv("REVISIT_SUPERVISOR_MIN_RATINGS", "3")
    rows = report(supervisor, tmp_path, "--day", NOW.date().isoformat())
    assert {r["rank"] for r in rows if r["by"] == "agent"} == {""}


def test_the_csv_header_names_each_column_once(supervisor: Supervisor, tmp_path: Path):
    record_attempts(supervisor)
    out_file = tmp_path / "report.csv"
    assert supervisor.run("report", "--csv", str(out_file)) == 0
    with out_file.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert len(header) == len(set(header)), header


def test_escalation_deadlines_are_printed_on_the_centres_clock(
    supervisor: Supervisor, monkeypatch: pytest.MonkeyPatch, capsys
):
    record_attempts(supervisor)
    [escalation] = list(supervisor.api.escalations())
    monkeypatch.setenv("REVISIT_SUPERVISOR_TIMEZONE", "Asia/Shanghai")
    assert supervisor.run("escalations") == 0
    out = capsys.readouterr().out
    local = escalation.deadline.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert "Asia/Shanghai" in out and local in out
    assert supervisor.run("report") == 0
    assert "(Asia/Shanghai)" in capsys.readouterr().out
