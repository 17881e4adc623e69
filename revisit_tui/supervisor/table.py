"""Figures as a plain-text table for the terminal and as a CSV file.

Column widths count East Asian wide characters as two cells, so Chinese names line up.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

from revisit_tui.supervisor.commandline import width_of

Row = Sequence[object]


def render(headers: Sequence[str], rows: Sequence[Row]) -> str:
    """The rows under their headers, numbers right-aligned, text left-aligned."""
    cells = [[_text(value) for value in row] for row in rows]
    widths = [width_of(header) for header in headers]
    for row in cells:
        widths = [max(width, width_of(cell)) for width, cell in zip(widths, row, strict=True)]
    numeric = [
        all(isinstance(row[i], int | float) or row[i] is None for row in rows) and bool(rows)
        for i in range(len(headers))
    ]
    lines = [_line(list(headers), widths, [False] * len(headers))]
    lines.append("  ".join("-" * width for width in widths))
    lines.extend(_line(row, widths, numeric) for row in cells)
    return "\n".join(lines)


def write_csv(path: str | os.PathLike[str], headers: Sequence[str], rows: Sequence[Row]) -> None:
    """Write the rows as UTF-8 CSV (with BOM, so spreadsheet programs read Chinese), mode 0600."""
    target = Path(path)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with open(fd, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([[_text(value) for value in row] for row in rows])


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _line(cells: list[str], widths: list[int], right: list[bool]) -> str:
    parts = []
    for cell, width, align_right in zip(cells, widths, right, strict=True):
        pad = " " * (width - width_of(cell))
        parts.append(pad + cell if align_right else cell + pad)
    return "  ".join(parts).rstrip()
