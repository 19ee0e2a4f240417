"""Every error of the HTTP API as ``{"error": {"code": ..., "message": ...}}`` with a status code
that means something. The project's named exceptions are mapped here, in one table; anything
unexpected is a 500 whose message says nothing of the inside (the log has the traceback)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from factcheck.errors import (
    AuthenticationError,
    ConfigError,
    ConflictError,
    DatabaseError,
    FactcheckError,
    FetchError,
    InputError,
    IntegrityError,
    LLMError,
    ModelError,
    NotFoundError,
    PermissionDeniedError,
    ResourceError,
)
from factcheck.review.workflow import WorkflowError

log = logging.getLogger("factcheck.api")

STATUS: tuple[tuple[type[FactcheckError], int, str], ...] = (
    (AuthenticationError, 401, "unauthenticated"),
    (PermissionDeniedError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (ConflictError, 409, "conflict"),  # a stale version: read the claim again
    (WorkflowError, 409, "invalid_state"),  # e.g. a published claim: reopen it first
    (FetchError, 422, "fetch_failed"),  # the URL was well formed but could not be fetched
    (InputError, 400, "bad_input"),
    (ModelError, 503, "model_unavailable"),
    (LLMError, 502, "llm_failed"),
    (IntegrityError, 409, "conflict"),  # a concurrent write got there first: try again
    (DatabaseError, 503, "database_unavailable"),
    (ConfigError, 503, "not_configured"),  # the server's settings, not the request
    (ResourceError, 500, "installation_incomplete"),
    (FactcheckError, 400, "bad_request"),
)
"""Each named exception (the first that matches, so subclasses first), its status and code."""

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def error_response(
    status: int, code: str, message: str, *, details=None, headers=None
) -> JSONResponse:
    body: dict = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def status_of(error: FactcheckError) -> tuple[int, str]:
    """The HTTP status and code of a named exception."""
    for kind, status, code in STATUS:
        if isinstance(error, kind):
            return status, code
    return 400, "bad_request"  # unreachable: FactcheckError closes the table


def _named(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, FactcheckError)
    status, code = status_of(error)
    headers = {401: {"WWW-Authenticate": "Bearer"}, 503: {"Retry-After": "1"}}.get(status)
    return error_response(status, code, str(error), headers=headers)


def _http(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = HTTP_CODES.get(error.status_code, "http_error")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
    return error_response(error.status_code, code, message, headers=error.headers)


def _invalid(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [
        {
            "loc": [str(part) for part in item.get("loc", ())],
            "msg": item.get("msg", ""),
            "type": item.get("type", ""),
        }
        for item in error.errors()
    ]
    if any(p["type"] == "json_invalid" for p in problems):
        return error_response(400, "bad_json", "the request body is not valid JSON")
    first = problems[0] if problems else {"loc": [], "msg": "invalid request"}
    where = ".".join(part for part in first["loc"] if part not in ("body", "query", "path"))
    message = f"{where}: {first['msg']}" if where else str(first["msg"])
    return error_response(422, "invalid_request", message, details=problems)


def _unicode(_request: Request, _error: Exception) -> JSONResponse:
    return error_response(
        400, "bad_input", "text must be valid Unicode (a lone surrogate cannot be stored)"
    )


def _unexpected(request: Request, error: Exception) -> JSONResponse:
    if "database is locked" in str(error):  # a writer held the database past the busy timeout
        return error_response(
            503, "busy", "the database is busy; try again", headers={"Retry-After": "1"}
        )
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return error_response(500, "internal", "unexpected server error; the server log has details")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(FactcheckError, _named)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(UnicodeEncodeError, _unicode)
    app.add_exception_handler(Exception, _unexpected)
