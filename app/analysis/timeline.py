"""What happened, by thread and by resource: the raw material of verdicts.

``History`` folds the log into its final state; a ``Timeline`` keeps the order of the
things verdicts need to tell a story — each thread's state changes with their cause,
each resource's operations, the printed lines.  Standard library only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from app.instrument.events import TIMED_OUT, Event


@dataclass(frozen=True)
class Step:
    """One state change of a thread, and the event that caused it."""

    seq: int
    t: float
    before: str | None
    after: str
    kind: str  # create, start, run, block, wake, exit…
    obj: str | None
    reason: str | None  # for a block: sleep, io, acquire, wait, join, put, get
    line: int | None = None  # the program's line of the event


@dataclass(frozen=True)
class Op:
    """One event on a named resource (a lock, a queue, a Shared variable…)."""

    seq: int
    t: float
    thread: str
    kind: str
    detail: dict[str, Any]
    line: int | None = None  # the program's line that did it


@dataclass
class Timeline:
    steps: dict[str, list[Step]] = field(default_factory=dict)  # thread → state changes
    ops: dict[str, list[Op]] = field(default_factory=dict)  # resource → its events
    printed: list[tuple[str | None, str]] = field(default_factory=list)  # (by, text)
    created: dict[str, dict[str, Any]] = field(default_factory=dict)  # thread → detail
    exits: dict[str, dict[str, Any]] = field(default_factory=dict)  # thread → detail
    waits: Counter[tuple[str, str]] = field(default_factory=Counter)  # (thread, what)
    _state: dict[str, str | None] = field(default_factory=dict)

    def add(self, ev: Event) -> None:
        kind, thread, detail = ev["kind"], ev["thread"], ev["detail"]
        if kind == "output":
            self.printed.append((detail.get("by"), str(detail.get("text", ""))))
        if thread is None:
            return
        self._step(ev, thread)
        if kind == "create":
            self.created[thread] = detail
        elif kind == "exit":
            self.exits[thread] = detail
        elif kind == "sleep":
            self.waits[thread, str(detail.get("io", "sleep"))] += 1
        if ev["obj"] is not None:
            op = Op(ev["seq"], ev["t"], thread, kind, detail, ev.get("line"))
            self.ops.setdefault(ev["obj"], []).append(op)

    def _step(self, ev: Event, thread: str) -> None:
        before, after = self._state.get(thread), ev["state"]
        if after is None or after == before:
            return
        self._state[thread] = after
        reason = ev["detail"].get("reason") if ev["kind"] == "block" else None
        step = Step(
            ev["seq"], ev["t"], before, after, ev["kind"], ev["obj"], reason, ev.get("line")
        )
        self.steps.setdefault(thread, []).append(step)

    # --- questions verdicts ask ---------------------------------------------------------

    def ops_of(self, obj: str, kind: str | None = None, thread: str | None = None) -> list[Op]:
        """The events on ``obj``, optionally only of one kind and/or one thread."""
        return [
            op
            for op in self.ops.get(obj, [])
            if (kind is None or op.kind == kind) and (thread is None or op.thread == thread)
        ]

    def merged(self, *objs: str) -> list[tuple[str, Op]]:
        """The events on several resources, as (resource, event) in log order."""
        pairs = [(obj, op) for obj in objs for op in self.ops.get(obj, [])]
        return sorted(pairs, key=lambda pair: pair[1].seq)

    def blocked_on(self, obj: str) -> list[str]:
        """Threads that blocked on ``obj`` at least once, in order of their first block."""
        seen: dict[str, None] = {}
        for thread, steps in self.steps.items():
            if any(s.kind == "block" and s.obj == obj for s in steps):
                seen[thread] = None
        return list(seen)

    def timed_out(self, obj: str, thread: str | None = None) -> int:
        """How many waits on ``obj`` (of ``thread``, if given) ended by their timeout."""
        return sum(1 for op in self.ops_of(obj, "wake", thread) if op.detail.get(TIMED_OUT))
