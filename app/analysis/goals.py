"""What "Break it" looks for, judged from a run's status and verdict (standard library
only).

A verdict's facts may carry ``lost`` (updates lost), ``errors`` (thread → exception) and
``broken`` (true when the scenario's own invariant was violated, e.g. two threads inside
a critical section); with the status they decide every goal.
"""

from __future__ import annotations

from typing import Any

GOALS = ("deadlock", "lost_update", "any_failure")


def reached(goal: str, status: str, verdict: dict[str, Any]) -> bool:
    facts = verdict.get("facts") or {}
    deadlock = status == "deadlocked"
    lost = isinstance(facts.get("lost"), int) and facts["lost"] > 0
    if goal == "deadlock":
        return deadlock
    if goal == "lost_update":
        return lost
    if goal == "any_failure":
        return deadlock or lost or bool(facts.get("errors")) or bool(facts.get("broken"))
    raise ValueError(f"Unknown goal {goal!r}; choose one of {', '.join(GOALS)}.")
