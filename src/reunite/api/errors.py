"""The ONE mapping from reunite errors to HTTP: RFC 9457 ``application/problem+json``.

:data:`HTTP_STATUS` is the table (nearest class wins, as :func:`reunite.errors.exit_code_for`
does for exit codes). Each problem names the offending ``field`` (and ``marker``, ``sample``,
``line``... when the error carries them) and lists collected ``errors``. Request validation
errors become 422 problems naming the field path. Unexpected exceptions become a bare 500
problem: their text is never sent and never logged with request data, so no genotype can
leak through an error.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from reunite.errors import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    GovernanceError,
    InputError,
    IntegrityError,
    NotFoundError,
    ReuniteError,
)
from reunite.services.auth import TooManyAttempts

__all__ = ["HTTP_STATUS", "PROBLEM_JSON", "install_error_handlers", "problem", "status_for"]

PROBLEM_JSON = "application/problem+json"

HTTP_STATUS: dict[type[ReuniteError], int] = {
    TooManyAttempts: 429,
    InputError: 422,
    GovernanceError: 403,
    AuthenticationError: 401,
    NotFoundError: 404,
    ConflictError: 409,
    IntegrityError: 500,
    ConfigurationError: 500,
    ReuniteError: 400,
}

_TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
           409: "Conflict", 413: "Request too large", 422: "Invalid input",
           429: "Too many attempts", 500: "Internal error", 405: "Method not allowed"}
_CONTEXT_KEYS = ("field", "marker", "sample", "line", "source", "case")
_log = logging.getLogger("reunite.api")


def status_for(error: ReuniteError) -> int:
    """The HTTP status of ``error``: the entry of its nearest class in :data:`HTTP_STATUS`."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 400


def problem(status: int, detail: str, *, instance: str | None = None,
            type_: str = "about:blank", headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": type_, "title": _TITLES.get(status, "Error"),
                            "status": status, "detail": detail}
    if instance is not None:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


async def _reunite_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ReuniteError)
    status = status_for(exc)
    if status >= 500:
        # Integrity and configuration failures are logged by class and message only.
        _log.error("%s on %s %s: %s", type(exc).__name__, request.method, request.url.path,
                   exc.message)
    context = {k: _jsonable(exc.context.get(k)) for k in _CONTEXT_KEYS}
    errors = [{"detail": p.message, **{k: _jsonable(getattr(p, k)) for k in _CONTEXT_KEYS
                                       if k != "case" and getattr(p, k, None) is not None}}
              for p in exc.problems]
    headers = None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(int(exc.context.get("retry_after", 60)))}
    elif isinstance(exc, AuthenticationError):
        headers = {"WWW-Authenticate": "Bearer"}
    return problem(status, exc.message, instance=request.url.path,
                   type_=f"urn:reunite:error:{type(exc).__name__}", headers=headers,
                   errors=errors or None, **context)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for item in exc.errors():
        location = [str(p) for p in item.get("loc", ())]
        errors.append({"field": ".".join(location[1:]) or ".".join(location),
                       "in": location[0] if location else None,
                       "detail": str(item.get("msg", "invalid"))})
    first = errors[0]["field"] if errors else None
    return problem(422, "the request does not match the schema", instance=request.url.path,
                   type_="urn:reunite:error:RequestValidationError", field=first,
                   errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem(exc.status_code, str(exc.detail), instance=request.url.path,
                   headers=dict(exc.headers) if exc.headers else None)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    _log.error("unexpected %s on %s %s", type(exc).__name__, request.method,
               request.url.path)
    return problem(500, "internal error", instance=request.url.path)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers above on ``app``."""
    app.add_exception_handler(ReuniteError, _reunite_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
