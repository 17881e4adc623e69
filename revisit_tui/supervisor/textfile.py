"""Reading the text files supervisors bring: UTF-8 (with or without BOM) or, as Chinese
Excel saves "CSV", GB18030 (a superset of GBK and GB2312)."""

from __future__ import annotations

from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")


def read_text(path: str | Path) -> str:
    """The file's text in the first encoding that decodes it; ValueError naming the file
    when it cannot be read or is in neither encoding."""
    source = Path(path)
    try:
        data = source.read_bytes()
    except IsADirectoryError:
        raise ValueError(f"{source}: is a folder, not a file") from None
    except OSError as exc:
        raise ValueError(f"{source}: cannot read: {exc.strerror}") from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{source}: not text in UTF-8 or GB18030/GBK (save it as CSV UTF-8)")
