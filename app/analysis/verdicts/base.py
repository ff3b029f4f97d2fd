"""The verdict registry and the small helpers every verdict module shares.

A verdict function takes the scenario's params, the replayed history and the run's
status, and returns ``{"summary": str, "facts": {...}}``.  Scenarios without a function
of their own get the generic verdict.  Standard library only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from app.analysis.history import History
from app.contract import Status

Verdict = dict[str, Any]
VerdictFn = Callable[[dict[str, Any], History, str], Verdict]

STATUS_TEXT: dict[str, str] = {
    Status.FINISHED: "The run finished.",
    Status.DEADLOCKED: "The run deadlocked.",
    Status.FAILED: "The run failed.",
    Status.TIMED_OUT: "The run was stopped at its time limit.",
    Status.CANCELLED: "The run was cancelled.",
    Status.INTERRUPTED: "The run was interrupted when the server stopped.",
}

_VERDICTS: dict[str, VerdictFn] = {}


def verdict_for(*scenario_ids: str) -> Callable[[VerdictFn], VerdictFn]:
    """Register the decorated function as the verdict of each of ``scenario_ids``."""

    def register(fn: VerdictFn) -> VerdictFn:
        for scenario_id in scenario_ids:
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
    summary = status_text(status)
    if history.errors:
        first = next(iter(history.errors.items()))
        summary += f" {first[0]} died of {first[1]}."
    return {"summary": summary, "facts": facts}


def said(summary: str, details: list[str], facts: dict[str, Any]) -> Verdict:
    """A verdict whose summary is the one sentence a student reads first; the sentences
    that say more (how it was measured, what the lane saw) go in ``facts["details"]``,
    shown under it in plain type."""
    if details:
        facts["details"] = details
    return {"summary": summary, "facts": facts}


def status_text(status: str) -> str:
    return STATUS_TEXT.get(status, f"The run ended: {status}.")


def unfinished(status: str, facts: dict[str, Any]) -> Verdict | None:
    """The verdict of a run that did not get to the end its concept needs, or None."""
    if status in (Status.FINISHED, Status.DEADLOCKED):
        return None
    return {"summary": status_text(status), "facts": facts}


# --- words -------------------------------------------------------------------------------


def n(value: int) -> str:
    """1234 → '1,234'."""
    return f"{value:,}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """(1, 'item') → '1 item'; (3, 'item') → '3 items'."""
    return f"{n(count)} {word if count == 1 else (many or word + 's')}"


def listing(names: Iterable[str]) -> str:
    """['a', 'b', 'c'] → 'a, b and c'."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def seconds(value: float) -> str:
    """0.3012 → '0.30 s'; 0.000105 → '105 µs'."""
    if value < 0.01:
        return f"{value * 1e6:,.0f} µs" if value < 0.001 else f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"
