"""Domain errors and request validation errors, turned into JSON answers.

Every error answer is ``{"detail": "<a sentence a person can act on>", ...}``.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException

from app.contract import Mode
from app.errors import (
    Conflict,
    Forbidden,
    InvalidParams,
    InvalidRequest,
    NotFound,
    ProgramRejected,
    QueueFull,
    ThreadlabError,
)


class ErrorAnswer(BaseModel):
    """Every error answer: a sentence to act on, and sometimes more (``param``, ``errors``,
    ``syntax``: where a program does not compile)."""

    model_config = ConfigDict(extra="allow")

    detail: str


MEANING = {
    400: "The request body could not be read (not UTF-8 text).",
    403: "Not the run's creator (the X-Control-Token is missing or wrong), or running "
    "your own code is not allowed for this client (the detail says why).",
    404: "No such run, scenario or search.",
    409: "The run is not in a state that allows this.",
    413: "The request body is too large.",
    422: "The request is not valid; the detail says which part and why.",
    429: "Too many runs: the queue is full or this client starts too many (Retry-After).",
}


Answers = dict[int | str, dict[str, Any]]  # FastAPI's ``responses=``


def errors(*codes: int) -> Answers:
    """OpenAPI ``responses=`` for the error answers a route can give (all ``ErrorAnswer``)."""
    return {code: {"model": ErrorAnswer, "description": MEANING[code]} for code in codes}


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
    if isinstance(exc, ProgramRejected):
        body["syntax"] = {"line": exc.line, "column": exc.column, "message": exc.error}
    if isinstance(exc, QueueFull):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(body, status_code=status, headers=headers)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    detail = " ".join(sentence(error) for error in errors) or "The request is not valid."
    for error in errors:  # the raw body may be bytes; keep the answer JSON
        error.pop("ctx", None)
        error.pop("url", None)
        if error.get("loc", ())[:1] == ("body",):
            error["loc"] = ("body", *_place(error["loc"]))
        if isinstance(error.get("input"), bytes):
            error["input"] = error["input"].decode(errors="replace")
    body = {"detail": detail, "errors": _finite(jsonable_encoder(errors))}
    return JSONResponse(body, status_code=422)


# FastAPI's words for a body it cannot decode (e.g. not UTF-8), and ours instead.
UNREADABLE = "There was an error parsing the body"
READABLE = "The request body could not be read: send JSON text in UTF-8."


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (404 of a path, 405, FastAPI's 400) as ``{"detail": …}``.
    A 405's ``Allow`` lists every method of the path, not only the first route's (two
    routers share ``/api/runs``: its Allow said GET only)."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        methods = allowed_methods(request.app, request.url.path)
        if methods:
            headers["Allow"] = ", ".join(methods)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=headers)
    detail = READABLE if exc.detail == UNREADABLE else exc.detail
    return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The documented methods of the OpenAPI path that ``path`` is an instance of."""
    for pattern, methods in _paths(app):
        if pattern.fullmatch(path):
            return methods
    return []


@cache
def _paths(app: FastAPI) -> list[tuple[re.Pattern[str], list[str]]]:
    found = []
    for template, operations in app.openapi()["paths"].items():
        parts = re.split(r"\{[^}]+\}", template)
        pattern = re.compile("[^/]+".join(re.escape(part) for part in parts))
        found.append((pattern, sorted(method.upper() for method in operations)))
    return found


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as strings: JSON has no such numbers, and the
    response would fail to encode.  (Regression: ``{"seed": NaN}`` was a 500.)"""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


# The tags of tagged unions (a run request per mode): pydantic puts them in ``loc``,
# but they are not a place in the body.
UNION_TAGS = frozenset(Mode)


def sentence(error: Any, flag: str = "") -> str:
    """One pydantic error as a sentence: where, what is wrong, and the value given.
    With ``flag`` (``--`` on the command line, whose flags are named as the fields
    are) the place is that flag."""
    place = _place(error.get("loc", ()))
    where = ".".join(str(part) for part in place)
    if flag and place:
        where = f"{flag}{place[-1]}"
    if error.get("type") == "json_invalid":
        return f"The request body is not valid JSON: {error.get('ctx', {}).get('error', '')}."
    if where == "" and isinstance(error.get("input"), (bytes, str)):
        return "The request body must be a JSON object sent as Content-Type: application/json."
    message = str(error.get("msg", "is not valid"))
    given = error.get("input")
    shown = "" if isinstance(given, dict) or given is None else f" (got {given!r})"
    return f"'{where or 'body'}': {message}{shown}."


def _place(loc: tuple[Any, ...] | list[Any]) -> list[Any]:
    """``loc`` without ``body`` and without a union's tag after it."""
    parts = list(loc)
    if parts[:1] == ["body"]:
        parts = parts[1:]
    if parts[:1] and parts[0] in UNION_TAGS:
        parts = parts[1:]
    return parts


def install(app: FastAPI) -> None:
    app.add_exception_handler(ThreadlabError, domain_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
