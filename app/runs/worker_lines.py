"""The worker's lines are untrusted input: the program shares the worker's process and
can write to the pipe too.  What the supervisor checks each line with: strict JSON
(no NaN, Infinity or 1e999), events sound enough to reach a viewer or a recording
(numbers that are not booleans, bounded nesting, no lone surrogates), bounded text and
thread names.  A line that fails is a ``WorkerFault``: it fails its own run, never the
server, another run or another viewer.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from app.contract import MAX_CHOICE_LENGTH
from app.instrument.events import encode

MAX_DEPTH = 32  # arrays and objects within each other in one event
MESSAGE_CHARS = 4000  # of a message the worker sends (a crash's, a failure's)
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


class WorkerFault(Exception):
    """The worker broke the protocol; the message says how."""


def _refuse(token: str) -> Any:
    raise ValueError(f"{token} is not a JSON number")


def _finite(token: str) -> float:
    number = float(token)
    if not math.isfinite(number):  # 1e999: JSON, but infinite once read
        raise ValueError(f"{token} is too large")
    return number


# The worker's lines as JSON is strict: no NaN or Infinity, which a browser cannot parse.
_DECODER = json.JSONDecoder(parse_constant=_refuse, parse_float=_finite)


def parse_line(line: bytes, what: str) -> Any:
    """One line of the worker as strict JSON; WorkerFault if it is not."""
    try:
        return _DECODER.decode(line.decode())
    except (ValueError, RecursionError):  # RecursionError: nested past json's depth
        raise WorkerFault(f"The worker sent {what} that is not JSON: {preview(line)}.") from None


def unsound(event: Any, text: bytes) -> str | None:
    """What ``validate`` lets through that must not reach a viewer or a recording, if any."""
    if not isinstance(event, dict):
        return None  # validate says so
    if any(isinstance(event.get(name), bool) for name in ("seq", "t", "line")):
        return "seq, t and line are numbers, not true or false"
    # Counting brackets is cheap; only an event with many is measured.
    if text.count(b"[") + text.count(b"{") > MAX_DEPTH and _depth(event) > MAX_DEPTH:
        return f"it is nested more than {MAX_DEPTH} deep"
    if _SURROGATE.search(text):  # \ud800 alone: no UTF-8 for it, every re-encoding fails
        try:
            encode(event).encode()
        except UnicodeEncodeError:
            return "it holds a lone surrogate (\\ud800…\\udfff)"
    return None


def _depth(value: Any) -> int:
    deepest, todo = 0, [(value, 1)]
    while todo and deepest <= MAX_DEPTH:
        item, depth = todo.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            todo.extend((child, depth + 1) for child in item)
    return deepest


def thread_names(value: Any, most: int) -> bool:
    """Is ``value`` a list of at most ``most`` thread names, as the contract bounds them?"""
    return (
        isinstance(value, list)
        and len(value) <= most
        and all(isinstance(n, str) and 0 < len(n) <= MAX_CHOICE_LENGTH for n in value)
        and all(bounded(n) == n for n in value)
    )


def bounded(value: Any, limit: int = MESSAGE_CHARS) -> str:
    """``value`` as a bounded string that encodes as UTF-8 (no lone surrogates)."""
    text = str(value)
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.encode(errors="replace").decode()


def preview(value: object) -> str:
    text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    text = text.strip()
    return repr(text[:120] + ("…" if len(text) > 120 else ""))
