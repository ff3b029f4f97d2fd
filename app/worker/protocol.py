"""The pipe between the run manager and a worker process (standard library only).

    manager ──stdin──▶ worker   line 1: the run spec (JSON object, see ``RunSpec``)
                                then commands, one JSON object a line:
                                {"cmd": "stop"} | {"cmd": "step", "thread": "T1"}
    manager ◀─stdout── worker   one JSON object a line, either
                                an event (contract v1; the line starts with '{"seq":')
                                or a message {"msg": "ready" | "done" | "error", ...}

``done`` carries {"status": "finished" | "deadlocked" | "failed" | "cancelled",
"message": str | null, "python": "3.11.7", "facts": {...}}.  A worker that exits without
``done`` crashed; the manager decides the run's status then (failed / timed_out).
The worker never writes the ``end`` event: the manager does, after analysis.
"""

from __future__ import annotations

import json
import os
from typing import Any, BinaryIO, TypedDict

EVENT_PREFIX = b'{"seq":'


class Limits(TypedDict):
    wall_time: float  # seconds of wall-clock time before the manager kills the run
    max_events: int  # the worker stops the run after this many events
    max_threads: int  # Thread.start() past this raises RuntimeError in the scenario
    idle_time: float  # manual stepping: seconds without a step before the run is cancelled


class RunSpec(TypedDict, total=False):
    scenario: str
    module: str  # the scenario's module, so the worker imports only that one
    params: dict[str, Any]
    mode: str  # "free" | "controlled"
    seed: int
    policy: str  # "random" | "round_robin" | "pct" | "manual"
    options: dict[str, Any]  # e.g. {"granularity": "operation", "depth": 3}
    limits: Limits


def encode_message(msg: str, **fields: Any) -> bytes:
    """One worker → manager message line (not an event)."""
    return (json.dumps({"msg": msg, **fields}, separators=(",", ":")) + "\n").encode()


def encode_command(cmd: str, **fields: Any) -> bytes:
    """One manager → worker command line."""
    return (json.dumps({"cmd": cmd, **fields}, separators=(",", ":")) + "\n").encode()


def is_event_line(line: bytes) -> bool:
    return line.startswith(EVENT_PREFIX)


def take_stdout() -> BinaryIO:
    """The protocol's own copy of stdout; fd 1 itself then points at stderr, so nothing
    a scenario writes below ``sys.stdout`` (a C extension, a child process) can corrupt
    the pipe."""
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    return out
