"""Text that wraps as Chinese is typeset: a line never starts with closing punctuation
(，。、；：？！）」…) nor ends with opening punctuation (（「“), words of Latin script are not
split, and wide characters are never cut. Textual folds a run of Chinese at any cell, so
"；" could open a line; `Prose` breaks its lines itself, for the width it has. A paragraph's
leading spaces are its indent: every line of it, wrapped ones too, starts with them."""

from __future__ import annotations

import re

from rich.cells import cell_len, chop_cells
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.visual import VisualType
from textual.widgets import Static

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—·～%,.;:?!)]}")
"""Closing punctuation: it stays at the end of the line before."""
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")
"""Opening punctuation: it goes to the start of the next line with what it opens."""
_ATOMS = re.compile(r"\s+|[^\s\u2e80-\uffef]+|[\u2e80-\uffef]")
"""A run of spaces, a word of narrow characters, or one wide (CJK) character."""
INDENT = " \u3000"
"""The spaces that indent a paragraph (ASCII or ideographic)."""


def break_lines(text: str, width: int) -> list[str]:
    """The text as lines of at most `width` cells (its own newlines kept); with no width
    yet (a widget not laid out), just its own lines."""
    if width <= 0:
        return text.split("\n")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        indent, body = _indented(paragraph, width)
        lines += [indent + line for line in body]
    return lines


def break_content(content: Content, width: int) -> Content:
    """Styled content with its lines broken by `break_lines`, each line's styles kept."""
    if width <= 0:
        return content
    lines: list[Content] = []
    for paragraph in content.split("\n", allow_blank=True):
        indent, body = _indented(paragraph.plain, width)
        start = len(indent)
        for text in body:
            start = paragraph.plain.index(text, start)
            lines.append(Content(indent) + paragraph[start : start + len(text)])
            start += len(text)
    return Content("\n").join(lines)


def _indented(paragraph: str, width: int) -> tuple[str, list[str]]:
    """A paragraph's indent and its text broken for the width left beside it. An indent that
    leaves less than half the width, or a paragraph of spaces only, is not kept."""
    body = paragraph.lstrip(INDENT)
    indent = paragraph[: len(paragraph) - len(body)]
    if not body or cell_len(indent) * 2 > width:
        return "", _break(body, width)
    return indent, _break(body, width - cell_len(indent))


def _break(paragraph: str, width: int) -> list[str]:
    lines: list[list[str]] = [[]]
    for atom in _ATOMS.findall(paragraph):
        line = lines[-1]
        if atom.isspace():
            if line:
                line.append(atom)
            continue
        if cell_len("".join(line) + atom) <= width:
            line.append(atom)
            continue
        while line and line[-1].isspace():
            line.pop()
        carried = _carry(line, atom)
        if cell_len(atom) > width and not carried:
            *whole, rest = chop_cells(atom, width)
            lines[-1:] = [line] if line else []
            lines += [[part] for part in whole]
            lines.append([rest])
            continue
        lines.append([*carried, atom])
    return ["".join(line).rstrip() for line in lines]


def _carry(line: list[str], atom: str) -> list[str]:
    """What moves down with `atom` to the next line: the last atoms of `line` while the next
    line would start with closing punctuation or this one end with opening punctuation (never
    the whole line)."""
    carried: list[str] = []
    head = atom
    while len(line) > 1 and (head[0] in NO_LINE_START or line[-1][-1] in NO_LINE_END):
        head = line.pop()
        carried.insert(0, head)
        while line and line[-1].isspace():
            line.pop()
    return carried


class Prose(Static):
    """A Static for plain text that breaks its lines by `break_lines` at the width it has."""

    def __init__(
        self, text: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(text, id=id, classes=classes, markup=False)
        self.text = text

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show plain text (`str`); anything else shows as a Static would."""
        self.text = content if isinstance(content, str) else ""
        super().update(content, layout=layout)

    def render(self) -> RenderResult:
        if not self.text:
            return super().render()
        return Content("\n".join(break_lines(self.text, self.size.width)))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.text:
            return super().get_content_height(container, viewport, width)
        return len(break_lines(self.text, width))
