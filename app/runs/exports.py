"""A run as files: its Chrome trace (``.json``) and its raw events (``.jsonl``).

Shared by ``GET /api/runs/{id}/trace``, ``GET /api/runs/{id}/events.jsonl``,
``threadlab run --json`` and ``threadlab export``.  The JSON Lines are the events
exactly as recorded and streamed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from app.analysis.trace import chrome_trace
from app.runs.log import body
from app.runs.run import Run

LINES_PER_CHUNK = 1024


def about(run: Run) -> dict[str, Any]:
    """What a trace file says about its run (its ``otherData``)."""
    return {
        "run": run.id,
        "scenario": run.scenario,
        "params": run.params,
        "mode": run.mode,
        "seed": run.seed,
        "policy": run.policy,
        "status": run.status,
        "verdict": (run.verdict or {}).get("summary"),
        "python": run.python,
    }


def trace_json(run: Run) -> bytes:
    trace = chrome_trace(list(run.log.events), about(run))
    return json.dumps(trace, separators=(",", ":"), ensure_ascii=False, default=repr).encode()


def jsonl(run: Run) -> Iterator[bytes]:
    """The events, one JSON object a line, in chunks."""
    frames = list(run.log.frames)  # a snapshot: a live run may grow meanwhile
    for start in range(0, len(frames), LINES_PER_CHUNK):
        yield b"".join(body(f) + b"\n" for f in frames[start : start + LINES_PER_CHUNK])


def filename(run: Run, extension: str) -> str:
    return f"threadlab-{run.scenario}-{run.id}.{extension}"
