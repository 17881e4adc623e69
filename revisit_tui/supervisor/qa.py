"""Monthly quality sampling (seed 002 §十.1): a reproducible sample, exported for review.

The server draws the sample (same month, rate and seed → same records) and marks each record
complete / compliant / handled; this module writes it out and counts what needs a look.
The export holds customer names and masked account numbers, so it is written readable by
its owner only; a reviewer who needs a full identifier asks `revisit disclose` (audited).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from revisit_tui.domain.models import QaRecord
from revisit_tui.supervisor.table import write_csv

CSV_HEADERS = [
    "outcome_id",
    "task_id",
    "agent_id",
    "started_at",
    "channel",
    "disposition",
    "satisfaction",
    "customer_name",
    "account_number",
    "complete",
    "compliant",
    "handled",
    "findings",
]


@dataclass(frozen=True)
class QaSummary:
    """How many sampled records fail each check."""

    sampled: int
    incomplete: int
    non_compliant: int
    unhandled: int


def summarise(records: Sequence[QaRecord]) -> QaSummary:
    return QaSummary(
        sampled=len(records),
        incomplete=sum(not r.complete for r in records),
        non_compliant=sum(not r.compliant for r in records),
        unhandled=sum(not r.handled for r in records),
    )


def export(records: Sequence[QaRecord], path: str | Path) -> None:
    """Write the sample as CSV (a `.csv` name) or JSON Lines (any other name), mode 0600."""
    target = Path(path)
    if target.suffix.lower() == ".csv":
        write_csv(target, CSV_HEADERS, [_csv_row(r) for r in records])
        return
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with open(fd, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record.model_dump_json() + "\n")


def excel_text(value: str | None) -> str:
    """A cell Excel keeps as text: a 19-digit account number would otherwise become
    6.22202E+18 and lose its last digits (the ="…" form shows the digits as they are)."""
    return f'="{value}"' if value else ""


def _csv_row(record: QaRecord) -> list[object]:
    outcome = record.outcome
    return [
        outcome.id,
        outcome.task_id,
        outcome.agent_id,
        outcome.started_at.isoformat(),
        outcome.channel.value,
        outcome.disposition.value,
        outcome.satisfaction,
        record.customer_name,
        excel_text(record.account_number),
        record.complete,
        record.compliant,
        record.handled,
        "; ".join(record.findings),
    ]
