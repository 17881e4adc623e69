"""Reading the text files supervisors bring: UTF-8 (with or without BOM) or, as Chinese
Excel saves "CSV", GB18030 (a superset of GBK and GB2312)."""

from __future__ import annotations

from pathlib import Path

from revisit_tui.supervisor.messages import Told

ENCODINGS = ("utf-8-sig", "gb18030")


class FileProblem(Told, ValueError):
    """A file supervisors brought cannot be used: the message names the file (and line)."""


def read_text(path: str | Path) -> str:
    """The file's text in the first encoding that decodes it; FileProblem naming the file
    when it cannot be read or is in neither encoding."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except IsADirectoryError:
        raise FileProblem("files.folder", file=source) from None
    except OSError as exc:
        raise FileProblem("files.unreadable", file=source, reason=exc.strerror) from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("files.encoding", file=source)
