"""What "Break it" looks for, judged from a run's status and verdict (standard library
only).

A verdict's facts may carry ``lost`` (updates lost), ``errors`` (thread → exception) and
``broken`` (true when the scenario's own invariant was violated, e.g. two threads inside
a critical section); with the status they decide every goal.
"""

from __future__ import annotations

from typing import Any, assert_never

from app.contract import Goal, Status


def reached(goal: str, status: str, verdict: dict[str, Any]) -> bool:
    """Whether a run that ended with ``status`` and ``verdict`` shows ``goal``."""
    try:
        wanted = Goal(goal)
    except ValueError:
        raise ValueError(f"Unknown goal {goal!r}; choose one of {', '.join(Goal)}.") from None
    facts = verdict.get("facts") or {}
    deadlock = status == Status.DEADLOCKED
    lost = isinstance(facts.get("lost"), int) and facts["lost"] > 0
    match wanted:
        case Goal.DEADLOCK:
            return deadlock
        case Goal.LOST_UPDATE:
            return lost
        case Goal.ANY_FAILURE:
            return deadlock or lost or bool(facts.get("errors")) or bool(facts.get("broken"))
        case _:
            assert_never(wanted)
