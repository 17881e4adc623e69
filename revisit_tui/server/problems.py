"""Problem answers: every 4xx body is a domain `Problem` (code, message, fields at fault)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from revisit_tui.domain.models import Problem


class ProblemError(Exception):
    """Raised by a route to answer with a Problem and the given status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, str] | None = None,
        next_allowed_at: datetime | None = None,
        *,
        limit: int | None = None,
        remaining: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.problem = Problem(
            code=code,
            message=message,
            fields=fields or {},
            next_allowed_at=next_allowed_at,
            limit=limit,
            remaining=remaining,
        )
        self.headers = headers


def problem_response(status: int, problem: Problem, headers: dict[str, str] | None = None) -> Any:
    return JSONResponse(problem.model_dump(mode="json"), status_code=status, headers=headers)


def not_found(what: str, ident: str) -> ProblemError:
    return ProblemError(404, "not_found", f"no {what} with id {ident!r}")


def forbidden(message: str) -> ProblemError:
    return ProblemError(403, "forbidden", message)


# OpenAPI `responses=` entries for the errors routes may answer
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "missing or unknown token"},
    403: {"model": Problem, "description": "wrong role or not the caller's"},
    413: {"model": Problem, "description": "request body too large"},
    422: {"model": Problem, "description": "invalid request; `fields` names each field"},
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """AUTH_ERRORS plus Problem answers with the given extra statuses."""
    out = dict(AUTH_ERRORS)
    for status in statuses:
        out[status] = {"model": Problem}
    return out


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """'body.outcomes.0.satisfaction' → 'outcomes.0.satisfaction'; query/path keep their name."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    """Turn ProblemError, validation errors and plain HTTP errors into Problem bodies."""

    @app.exception_handler(ProblemError)
    async def _problem(_request: Request, exc: ProblemError) -> Any:
        return problem_response(exc.status, exc.problem, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Any:
        fields: dict[str, str] = {}
        for error in exc.errors():
            if error.get("type") == "json_invalid":  # its loc is the character offset
                path = "body"
                message = f"not valid JSON: {error.get('ctx', {}).get('error', 'syntax error')}"
            else:
                path = field_path(error.get("loc", ()))
                message = str(error.get("msg", "invalid"))
            fields[path] = f"{fields[path]}; {message}" if path in fields else message
        names = ", ".join(sorted(fields))
        return problem_response(
            422, Problem(code="invalid", message=f"invalid fields: {names}", fields=fields)
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        if exc.status_code == 400:  # FastAPI: the body is not JSON (or not UTF-8)
            fields = {"body": "not valid JSON"}
            return problem_response(
                422, Problem(code="invalid", message=str(exc.detail), fields=fields)
            )
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # Starlette names only the first route's methods; list every route's on the path
            headers["Allow"] = ", ".join(_allowed_methods(app, request.url.path))
        code = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            413: "too_large",
        }
        return problem_response(
            exc.status_code,
            Problem(code=code.get(exc.status_code, "error"), message=str(exc.detail)),
            headers=headers,
        )


def _allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The methods of every operation whose path matches, from the OpenAPI document (not
    `app.routes`, whose shape changes between FastAPI releases)."""
    methods: set[str] = set()
    for template, operations in app.openapi()["paths"].items():
        if compile_path(template)[0].match(path):
            methods |= {method.upper() for method in operations}
    return sorted(methods)
