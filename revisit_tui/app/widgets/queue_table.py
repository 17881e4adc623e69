"""The queue's table: a line-API scroll view that renders only the visible rows.

A DataTable measures every cell of every row when rows are added (seconds for 5,000 tasks on
a thin client); here columns have fixed widths, texts are fitted with `rich.cells` (CJK takes
two cells, never `str.ljust`), a row's texts are made the first time it scrolls into view,
and a cursor move repaints only the visible lines. Cell texts are plain text, never markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from revisit_tui.app.queue_rows import QueueRow

# (locale key of the header, width in terminal cells); the sum fits 80 columns
COLUMNS: tuple[tuple[str, int], ...] = (
    ("queue.col_priority", 2),
    ("queue.col_due", 6),
    ("queue.col_kind", 9),
    ("queue.col_customer", 12),
    ("queue.col_language", 4),
    ("queue.col_phone", 8),
    ("queue.col_attempts", 5),
    ("queue.col_callable", 11),
    ("queue.col_sync", 6),
)
LINE_WIDTH = sum(width + 2 for _, width in COLUMNS)


def fit_line(texts: Sequence[str]) -> str:
    """One line of the table: each text padded to its column's width in cells, or cut with
    an ellipsis."""
    return "".join(
        " " + fit_cell(text, width) + " " for text, (_, width) in zip(texts, COLUMNS, strict=True)
    )


def fit_cell(text: str, width: int) -> str:
    """The text in exactly `width` cells: padded, or cut to end with "…" (a wide character
    is never split)."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + "…", width)


class QueueHeader(Static):
    """The column titles above the QueueTable, in the same widths."""

    def show(self, translate: Callable[[str], str]) -> None:
        self.update(Content(fit_line([translate(key) for key, _ in COLUMNS])))


class QueueTable(ScrollView, can_focus=True):
    """Shows QueueRows with a row cursor; `current` is the row under it (None when empty)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"queue-table--cursor", "queue-table--odd"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "help.table.up", show=False, id="table.up"),
        Binding("down", "cursor_down", "help.table.down", show=False, id="table.down"),
        Binding("pageup", "page_up", "help.table.page_up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "help.table.page_down", show=False, id="table.page_down"),
        Binding("home", "first", "help.table.first", show=False, id="table.first"),
        Binding("end", "last", "help.table.last", show=False, id="table.last"),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=False, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows_shown: list[QueueRow] = []
        self._texts: Callable[[QueueRow], tuple[str, ...]] = lambda row: ()
        self._lines: dict[int, str] = {}

    @property
    def row_count(self) -> int:
        return len(self.rows_shown)

    @property
    def current(self) -> QueueRow | None:
        if not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    def show(self, rows: Sequence[QueueRow], texts: Callable[[QueueRow], tuple[str, ...]]) -> None:
        """Replace the rows; the cursor stays on the same task when it is still shown."""
        keep = self.current.task_id if self.current else None
        self.rows_shown = list(rows)
        self._texts = texts
        self._lines = {}
        self.virtual_size = Size(LINE_WIDTH, len(self.rows_shown))
        index = 0
        if keep is not None:
            index = next((i for i, row in enumerate(self.rows_shown) if row.task_id == keep), 0)
        self.set_reactive(QueueTable.cursor_row, index)
        self._follow_cursor()
        self.refresh()

    def texts_at(self, index: int) -> tuple[str, ...]:
        """The cell texts of a shown row (as on screen, before fitting)."""
        return self._texts(self.rows_shown[index])

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        if index >= len(self.rows_shown):
            return Strip.blank(width, self.rich_style)
        line = self._lines.get(index)
        if line is None:
            line = self._lines[index] = fit_line(self.texts_at(index))
        if index == self.cursor_row:
            style = self.get_component_rich_style("queue-table--cursor")
        elif index % 2:
            style = self.get_component_rich_style("queue-table--odd")
        else:
            style = self.rich_style
        strip = Strip([Segment(line, style)], LINE_WIDTH)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def watch_cursor_row(self, old: int, new: int) -> None:
        """Repaint the two lines the cursor left and reached, nothing else: on a thin client
        over SSH a cursor move costs two lines of output (a scroll repaints the view)."""
        top = round(self.scroll_y)
        self._follow_cursor()
        if round(self.scroll_y) == top:
            self.refresh_line(old)
            self.refresh_line(new)

    def _follow_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def move_to(self, row: int) -> None:
        """Put the cursor on a shown row (clamped)."""
        if self.rows_shown:
            self.cursor_row = max(0, min(row, len(self.rows_shown) - 1))

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor_row + 1)

    def action_page_up(self) -> None:
        self.move_to(self.cursor_row - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self.move_to(self.cursor_row + max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.rows_shown) - 1)
