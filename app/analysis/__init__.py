"""Derived facts about a run, computed from its event log alone: consistency, the
wait-for graph and its cycles, verdicts, trace export.  Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.analysis import verdicts
from app.analysis.history import replay
from app.analysis.waitfor import describe, find_cycle, sentences
from app.contract import Status
from app.instrument.events import Event


@dataclass(frozen=True)
class Conclusion:
    deadlock: dict[str, Any] | None  # detail of the deadlock event to append, if any
    verdict: dict[str, Any]


def conclude(
    scenario_id: str, params: dict[str, Any], events: list[Event], status: str
) -> Conclusion:
    """What the log of a finished run shows: its verdict, and its deadlock if it ended
    deadlocked."""
    history = replay(events)
    deadlock = describe(history) if status == Status.DEADLOCKED else None
    result = verdicts.verdict(scenario_id, params, history, status)
    if deadlock is not None:
        result["facts"].setdefault("cycle", deadlock["threads"])
        if not verdicts.has_own(scenario_id):
            what, why = sentences(deadlock["cycle"], bool(find_cycle(history)))
            result["summary"] = f"Deadlock: {what}"
            result["facts"]["details"] = [why]
    return Conclusion(deadlock=deadlock, verdict=result)
