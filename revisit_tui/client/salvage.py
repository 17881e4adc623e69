"""Salvage: the well-formed entries still inside a damaged file, found in linear time.

The store's files are TinyDB documents, `"<n>":{…}` one after another: those keys cut the
file into segments, one document each, and each segment is decoded on its own — so damage
(a NUL run, a lost quote) costs the documents it touches, never the rest of the file. A
segment that does not decode whole, and a file without such keys (a journal line), is
searched for balanced `{…}` spans outside strings (a tokenizer of regular expressions, so
the scan runs in C), decoded outermost first. Every byte is scanned a bounded number of
times: nesting is cut at MAX_DEPTH, spans at MAX_OBJECT_BYTES.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

MAX_OBJECT_BYTES = 1 << 20  # an outbox item or a draft is far smaller: a bigger span holds many
MAX_DEPTH = 64  # deeper braces are not entries of ours; deque drops the outermost ones

# a TinyDB document's key, not inside a string (a quote in a string is escaped)
DOC_KEY = re.compile(rb'(?<!\\)"[0-9]+":(?=\{)')
# a JSON string (unrolled: no backtracking), or a brace outside strings
_TOKEN = re.compile(rb'"[^"\\\x00-\x1f]*+(?:\\.[^"\\\x00-\x1f]*+)*+"|[{}]')
_OBJECT_START = (b'{"', b"{}")  # the store writes compact JSON: any entry begins so
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Salvaged(Generic[T]):
    found: list[T]  # the entries `accept` took, in file order
    seen: int  # documents the file showed signs of (found or not)


def salvage(raw: bytes, accept: Callable[[Any], T | None]) -> Salvaged[T]:
    """Every entry in `raw` (however damaged around them) that `accept` takes; `accept`
    returns None for an object that is not one."""
    keys = [match.end() for match in DOC_KEY.finditer(raw)]
    if not keys:
        return Salvaged(_in_spans(raw, accept), 0)
    found: list[T] = []
    for start, end in zip(keys, [*keys[1:], len(raw)], strict=True):
        entry = _whole(raw[start:end], accept)
        if entry is not None:
            found.append(entry)
        else:
            found.extend(_in_spans(raw[start:end], accept))
    return Salvaged(found, len(keys))


def _whole(segment: bytes, accept: Callable[[Any], T | None]) -> T | None:
    """The document at the start of a segment (what follows it is the next key's comma or
    the file's closing braces), if it decodes and is accepted."""
    try:
        obj, _ = _DECODER.raw_decode(segment.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    return accept(obj)


def _in_spans(raw: bytes, accept: Callable[[Any], T | None]) -> list[T]:
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
            if match.end() - start <= MAX_OBJECT_BYTES:
                spans.append((start, match.end()))
    spans.sort()
    return spans
