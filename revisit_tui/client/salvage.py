"""Salvage: the well-formed JSON objects still inside a damaged file, found in one pass.

A tokenizer (regular expressions, so the scan runs in C) finds the balanced `{…}` spans
outside strings; each span short enough to be one entry is decoded, outermost first, and an
accepted span's inner objects are skipped. Time is linear in the file's size (nesting is cut
at MAX_DEPTH, spans at MAX_OBJECT_CHARS), memory linear in the number of braces.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

MAX_OBJECT_CHARS = 1 << 20  # an outbox item or a draft is far smaller: a bigger span holds many
MAX_DEPTH = 64  # deeper braces are not entries of ours; deque drops the outermost ones

# a JSON string (unrolled: no backtracking), or a brace outside strings
_TOKEN = re.compile(rb'"[^"\\\x00-\x1f]*+(?:\\.[^"\\\x00-\x1f]*+)*+"|[{}]')
_OBJECT_START = (b'{"', b"{}")  # the store writes compact JSON: any entry begins so


def salvage(raw: bytes, accept: Callable[[Any], T | None]) -> list[T]:
    """Every JSON object in `raw` (however damaged around them) that `accept` takes, in order
    of position; `accept` returns None for an object that is not an entry."""
    found: list[T] = []
    accepted_until = -1
    for start, end in _spans(raw):
        if start < accepted_until or raw[start : start + 2] not in _OBJECT_START:
            continue  # inside an entry already taken, or not written by us
        try:
            obj = json.loads(raw[start:end])
        except (ValueError, RecursionError):
            continue
        entry = accept(obj)
        if entry is not None:
            found.append(entry)
            accepted_until = end
    return found


def _spans(raw: bytes) -> list[tuple[int, int]]:
    """(start, end) of each balanced object outside strings, outermost first."""
    opened: deque[int] = deque(maxlen=MAX_DEPTH)
    spans: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(raw):
        token = match.group()
        if token == b"{":
            opened.append(match.start())
        elif token == b"}" and opened:
            start = opened.pop()
            if match.end() - start <= MAX_OBJECT_CHARS:
                spans.append((start, match.end()))
    spans.sort()
    return spans
