"""Domain errors and request validation errors, turned into JSON answers.

Every error answer is ``{"detail": "<a sentence a person can act on>", ...}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from app.errors import (
    Conflict,
    Forbidden,
    InvalidParams,
    InvalidRequest,
    NotFound,
    QueueFull,
    ThreadlabError,
)

STATUS: tuple[tuple[type[ThreadlabError], int], ...] = (
    (NotFound, 404),
    (InvalidRequest, 422),
    (Forbidden, 403),
    (Conflict, 409),
    (QueueFull, 429),
)


async def domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ThreadlabError)
    status = next((code for kind, code in STATUS if isinstance(exc, kind)), 400)
    body: dict[str, Any] = {"detail": exc.message}
    headers: dict[str, str] = {}
    if isinstance(exc, InvalidParams):
        body["param"] = exc.name
    if isinstance(exc, QueueFull):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(body, status_code=status, headers=headers)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    detail = " ".join(_sentence(error) for error in errors) or "The request is not valid."
    for error in errors:  # the raw body may be bytes; keep the answer JSON
        error.pop("ctx", None)
        error.pop("url", None)
        if isinstance(error.get("input"), bytes):
            error["input"] = error["input"].decode(errors="replace")
    body = {"detail": detail, "errors": jsonable_encoder(errors)}
    return JSONResponse(body, status_code=422)


def _sentence(error: dict[str, Any]) -> str:
    """One pydantic error as a sentence: where, what is wrong, and the value given."""
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    if error.get("type") == "json_invalid":
        return f"The request body is not valid JSON: {error.get('ctx', {}).get('error', '')}."
    if where == "" and isinstance(error.get("input"), (bytes, str)):
        return "The request body must be a JSON object sent as Content-Type: application/json."
    message = str(error.get("msg", "is not valid"))
    given = error.get("input")
    shown = "" if isinstance(given, dict) or given is None else f" (got {given!r})"
    return f"'{where or 'body'}': {message}{shown}."


def install(app: FastAPI) -> None:
    app.add_exception_handler(ThreadlabError, domain_error)
    app.add_exception_handler(RequestValidationError, validation_error)
