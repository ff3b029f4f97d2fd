"""The pipe between the run manager and a worker process (standard library only).

    manager ──stdin──▶ worker   line 1: the run spec (JSON object, see ``RunSpec``)
                                then commands, one JSON object a line:
                                {"cmd": "stop"} | {"cmd": "step", "thread": "T1"}
    manager ◀─stdout── worker   one JSON object a line, either
                                an event (contract v1; the line starts with '{"seq":')
                                or a message {"msg": "ready" | "done" | "error", ...}

``done`` carries {"status": one of ``contract.WORKER_ENDINGS``, "message": str | null,
"python": "3.11.7", "facts": {...}}.  A worker that exits without ``done`` crashed; the
manager decides the run's status then.  Under manual stepping the scheduler also sends
``waiting`` and ``rejected`` (``app/instrument/scheduler.py``).  The worker never writes
the ``end`` event: the manager does, after analysis.  The searcher
(``app/worker/searcher.py``) speaks the same way: ``progress`` now and then, ``done`` last.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, BinaryIO, TypedDict

EVENT_PREFIX = b'{"seq":'

# Message names (``msg``) and commands (``cmd``): this protocol's words, spelled here.
READY, DONE, ERROR, PROGRESS = "ready", "done", "error", "progress"
STOP, STEP = "stop", "step"


class Limits(TypedDict):
    """``contract.RunLimits`` on the wire."""

    wall_time: float
    max_events: int
    max_threads: int
    idle_time: float


class RunSpec(TypedDict, total=False):
    scenario: str
    module: str  # the scenario's module, so the worker imports only that one
    source: str  # or a program's text, run with ``params`` as given (no scenario)
    filename: str  # the name ``source`` is compiled under (tracebacks, lines)
    params: dict[str, Any]
    mode: str  # a contract.Mode
    seed: int
    policy: str  # a contract.Policy
    options: dict[str, Any]  # e.g. granularity (a contract.Granularity), depth, choices
    limits: Limits


def encode_message(msg: str, **fields: Any) -> bytes:
    """One worker → manager message line (not an event)."""
    return (json.dumps({"msg": msg, **fields}, separators=(",", ":")) + "\n").encode()


def encode_command(cmd: str, **fields: Any) -> bytes:
    """One manager → worker command line."""
    return (json.dumps({"cmd": cmd, **fields}, separators=(",", ":")) + "\n").encode()


def is_event_line(line: bytes) -> bool:
    return line.startswith(EVENT_PREFIX)


def take_stdin() -> BinaryIO:
    """The protocol's own copy of stdin (the spec, then commands); fd 0 and
    ``sys.stdin`` then read an empty file, so a program's ``input()`` gets EOFError
    instead of the manager's commands."""
    commands = os.fdopen(os.dup(0), "rb", buffering=0)
    empty = os.open(os.devnull, os.O_RDONLY)
    os.dup2(empty, 0)
    os.close(empty)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115  # the program's, for the process's life
    return commands


def take_stdout() -> BinaryIO:
    """The protocol's own copy of stdout; fd 1 itself then points at stderr, so nothing
    a scenario writes below ``sys.stdout`` (a C extension, a child process) can corrupt
    the pipe."""
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    return out
