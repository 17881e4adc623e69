"""The queue's table: fixed column widths (CJK-safe, no measuring), rows replaced in one go."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.widgets import DataTable

from revisit_tui.app.queue_rows import QueueRow

# (locale key of the header, width in terminal cells); the sum fits 80 columns
COLUMNS: tuple[tuple[str, int], ...] = (
    ("queue.col_priority", 2),
    ("queue.col_due", 6),
    ("queue.col_kind", 9),
    ("queue.col_customer", 16),
    ("queue.col_phone", 8),
    ("queue.col_attempts", 5),
    ("queue.col_callable", 11),
    ("queue.col_sync", 6),
)


class QueueTable(DataTable[str]):
    """Shows QueueRows; `current` is the row under the cursor (None when empty)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.rows_shown: list[QueueRow] = []

    def set_headers(self, translate: Callable[[str], str]) -> None:
        """(Re)create the columns with headers in the current locale."""
        self.clear(columns=True)
        for key, width in COLUMNS:
            self.add_column(translate(key), width=width)

    def show(self, rows: Sequence[QueueRow], texts: Callable[[QueueRow], tuple[str, ...]]) -> None:
        """Replace the rows; the cursor stays on the same task when it is still shown."""
        keep = self.current.task_id if self.current else None
        self.clear()
        self.rows_shown = list(rows)
        self.add_rows(texts(row) for row in self.rows_shown)
        if keep is not None:
            for index, row in enumerate(self.rows_shown):
                if row.task_id == keep:
                    self.move_cursor(row=index, animate=False)
                    break

    @property
    def current(self) -> QueueRow | None:
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]
