"""Verdicts: one sentence a student reads, and the numbers behind it, computed from the
event log alone (never written by the scenario).  Standard library only.

A verdict function takes the scenario's params, the replayed history and the run's
status, and returns ``{"summary": str, "facts": {...}}``.  Scenarios without a function
of their own get the generic verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.analysis.history import History

Verdict = dict[str, Any]
VerdictFn = Callable[[dict[str, Any], History, str], Verdict]

STATUS_TEXT = {
    "finished": "The run finished.",
    "deadlocked": "The run deadlocked.",
    "failed": "The run failed.",
    "timed_out": "The run was stopped at its time limit.",
    "cancelled": "The run was cancelled.",
    "interrupted": "The run was interrupted when the server stopped.",
}

_VERDICTS: dict[str, VerdictFn] = {}


def verdict_for(scenario_id: str) -> Callable[[VerdictFn], VerdictFn]:
    """Register the decorated function as the verdict of ``scenario_id``."""

    def register(fn: VerdictFn) -> VerdictFn:
        _VERDICTS[scenario_id] = fn
        return fn

    return register


def verdict(scenario_id: str, params: dict[str, Any], history: History, status: str) -> Verdict:
    fn = _VERDICTS.get(scenario_id, generic)
    return fn(params, history, status)


def has_own(scenario_id: str) -> bool:
    return scenario_id in _VERDICTS


def generic(params: dict[str, Any], history: History, status: str) -> Verdict:
    facts = {
        "threads": len(history.threads),
        "events": history.last_seq,
        "errors": dict(history.errors),
    }
    summary = STATUS_TEXT.get(status, f"The run ended: {status}.")
    if history.errors:
        first = next(iter(history.errors.items()))
        summary += f" {first[0]} died of {first[1]}."
    return {"summary": summary, "facts": facts}


def _n(value: int) -> str:
    return f"{value:,}"


def _counter_verdict(params: dict[str, Any], history: History, status: str) -> Verdict:
    threads, iterations = params["threads"], params["iterations"]
    expected = threads * iterations
    counter = history.resources.get("counter")
    actual = counter.value if counter is not None else None
    facts: dict[str, Any] = {"expected": expected, "actual": actual, "lost": None}
    if status != "finished" or not isinstance(actual, int):
        return {"summary": STATUS_TEXT.get(status, status), "facts": facts}
    lost = expected - actual
    facts["lost"] = lost
    head = f"{threads} threads × {_n(iterations)} increments: expected {_n(expected)}, "
    if lost > 0:
        tail = f"got {_n(actual)} — {_n(lost)} update{'s' if lost != 1 else ''} lost."
    else:
        tail = f"got {_n(actual)} — no update lost."
    return {"summary": head + tail, "facts": facts}


verdict_for("race")(_counter_verdict)
verdict_for("race-locked")(_counter_verdict)
