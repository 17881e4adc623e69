"""Cursor pagination: an opaque cursor holds the sort key of the last item of the page."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query, Response
from pydantic import BaseModel, TypeAdapter, ValidationError

from revisit_tui.domain.models import UtcTime
from revisit_tui.server.problems import ProblemError

MAX_LIMIT = 1000
MAX_KEY = 200  # the longest sort key: an id or an ISO time
_TIME: TypeAdapter[datetime] = TypeAdapter(UtcTime)
_JSON: TypeAdapter[Any] = TypeAdapter(Any)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="page size (≤ 1000)")]
# the briefs listings (a few short fields an item): a floor's open tasks or customers are read
# whole before every assignment plan, and each page costs a round trip
MAX_BRIEF_LIMIT = 5000
BriefLimit = Annotated[int, Query(ge=1, le=MAX_BRIEF_LIMIT, description="page size (≤ 5000)")]
Cursor = Annotated[str | None, Query(max_length=500, description="next_cursor of the last page")]


def encode_cursor(key: list[Any]) -> str:
    """The cursor after an item whose sort key is `key` (JSON-able values)."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def decode_cursor(cursor: str | None, size: int) -> list[str] | None:
    """The sort key in a cursor (strings: times and ids); 422 naming `cursor` when it was not
    made by this server."""
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or len(key) != size or not all(map(_plain_text, key)):
        raise _bad_cursor()
    return key


def _plain_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_KEY and "\x00" not in value


def _bad_cursor() -> ProblemError:
    return ProblemError(
        422, "invalid", "invalid fields: cursor", {"cursor": "not a cursor of this listing"}
    )


def cursor_time(value: str) -> datetime:
    """A time inside a cursor (422 naming `cursor` if it is not one)."""
    try:
        return _TIME.validate_python(value)
    except ValidationError:
        raise _bad_cursor() from None


def next_cursor(items: Sequence[Any], limit: int, key: Any) -> str | None:
    """A cursor after the last item when the page is full, None at the end."""
    if len(items) < limit:
        return None
    return encode_cursor(key(items[-1]))


def items_response(items: Sequence[Any], cursor: str | None) -> Response:
    """A page {"items", "next_cursor"} serialised in one pass. Items are models, or dicts
    that are their wire model's JSON already (rows of typed columns, then masked: no model
    per item; building and dumping 1000 models was most of a listing page's time)."""
    page = {"items": items, "next_cursor": cursor}
    return Response(content=_JSON.dump_json(page), media_type="application/json")


def page_response(page: BaseModel) -> Response:
    """The page as JSON: the route built (validated) it, so FastAPI need not validate it again
    (that second pass cost more than the query on 1000-item pages)."""
    return Response(content=page.model_dump_json(), media_type="application/json")
