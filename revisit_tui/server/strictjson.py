"""Request bodies parsed strictly: a repeated key or a NaN/Infinity is a JSON syntax error.

Python's json keeps the last of two equal keys, so `{"satisfaction": 1, "satisfaction": 5}`
would be stored as 5 while a client that reads the first saw 1; such a body is refused."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


class _Refused(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # one C call per object (bulk bodies hold thousands)
    if len(out) < len(pairs):
        counts = Counter(key for key, _value in pairs)
        repeated = next(key for key, count in counts.items() if count > 1)
        raise _Refused(f"the key {repeated!r} appears twice in one object")
    return out


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def loads(body: bytes) -> Any:
    """The JSON document in body; json.JSONDecodeError (FastAPI answers 422 naming `body`)
    for a syntax error, a repeated key or NaN/Infinity."""
    text = body.decode("utf-8")
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except _Refused as exc:
        raise json.JSONDecodeError(str(exc), text, 0) from None


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """The route class of every router: its handler reads the body with `loads`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
