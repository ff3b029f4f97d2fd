"""Who waited longest, and for what, in the log's own time ``t`` (virtual in controlled
mode).  Standard library only.

A wait is a thread's stay in ``Blocked``: from its ``block`` to its next state change
(or to the end of the log, if it never left).  Waits for a resource count — a lock, a
condition, a queue, an event, a barrier, a future; sleeps and joins do not (a thread
that sleeps or waits for a thread to end is not held up by another's use of a
resource), though a join left waiting at the end shows in the thread's fate.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.analysis.history import History
from app.instrument.events import BLOCKED

NOT_CONTENTION = ("sleep", "join", "io")


@dataclass(frozen=True)
class Wait:
    thread: str
    on: str
    reason: str | None
    seconds: float
    times: int
    until_end: bool  # still waiting when the log ends


def longest_waits(history: History, limit: int) -> list[Wait]:
    """The (thread, resource) pairs with the most time spent waiting, longest first."""
    total: dict[tuple[str, str], list[float]] = {}  # → [seconds, times]
    reasons: dict[tuple[str, str], str | None] = {}
    open_at_end: set[tuple[str, str]] = set()
    for thread, steps in history.timeline.steps.items():
        for i, step in enumerate(steps):
            if step.after != BLOCKED or step.obj is None or step.reason in NOT_CONTENTION:
                continue
            key = (thread, step.obj)
            end = steps[i + 1].t if i + 1 < len(steps) else history.last_t
            if i + 1 >= len(steps):
                open_at_end.add(key)
            acc = total.setdefault(key, [0.0, 0])
            acc[0] += end - step.t
            acc[1] += 1
            reasons[key] = step.reason
    waits = [
        Wait(thread, on, reasons[thread, on], acc[0], int(acc[1]), (thread, on) in open_at_end)
        for (thread, on), acc in total.items()
    ]
    waits.sort(key=lambda w: -w.seconds)
    return waits[:limit]
