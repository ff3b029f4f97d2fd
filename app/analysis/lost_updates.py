"""Lost updates, counted from the reads and writes of the log.  Standard library only.

A thread that reads a variable and later stores a value into it (``counter += 1``,
``balance = balance - amount``, ``if seats > 0: seats -= 1``) computed that value from
what it read.  If other threads wrote the variable in between, the store puts back a
value computed from an old one, and their updates are gone: lost updates.

Counting them takes care, since a later stale store can bring lost updates back (T1
reads 23 and T2 writes 24 and 25; T1's store of 24 loses two; T2, who read 25, stores
26 and so brings both back, losing T1's one instead).  So each value written carries
how many updates it contains: a store computed from what the thread read contains the
updates of the value it read, plus one; any other write (a store that read nothing
first, a call such as ``items.append(x)`` that works on what is there now) the updates
of the value it replaces, plus one.  A store computed from a read loses what the value
it replaces contains beyond the value it read — or gives back, if it read more.  For a
counter the total is exactly how far it falls short of the number of increments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.analysis.lockset import STORE, access_class
from app.analysis.ordering import Clocks, Ev, Held


@dataclass(frozen=True)
class Example:
    """``thread`` read ``read``, ``victim`` then wrote ``lost``, and ``thread`` stored
    ``stored`` over it."""

    thread: str
    read: Any
    victim: str
    lost: Any
    stored: Any
    line: int | None


@dataclass
class Lost:
    variable: str
    count: int = 0
    example: Example | None = None


@dataclass
class _Variable:
    updates: int = 0  # how many updates the value it holds now contains
    writer: str | None = None  # of that value
    value: Any = None
    reads: dict[str, tuple[int, Any]] = field(default_factory=dict)  # thread → (updates, value)


class LostUpdates:
    """Watches the variables ``shared``; ``counts`` per variable."""

    def __init__(self, shared: frozenset[str]) -> None:
        self.shared = shared
        self._vars: dict[str, _Variable] = {}
        self._lost: dict[str, Lost] = {}

    @property
    def found(self) -> dict[str, Lost]:
        """The variables that lost updates, in the order of their first loss."""
        return {name: lost for name, lost in self._lost.items() if lost.count > 0}

    @property
    def total(self) -> int:
        return sum(lost.count for lost in self.found.values())

    def see(self, ev: Ev, held: Held, clocks: Clocks) -> None:
        if ev.obj is None or ev.obj not in self.shared or ev.kind not in ("read", "write"):
            return
        var = self._vars.setdefault(ev.obj, _Variable())
        value = ev.detail.get("value")
        if ev.kind == "read":
            var.reads[ev.thread] = (var.updates, value)
            return
        read = var.reads.pop(ev.thread, None)
        updates = var.updates + 1
        if read is not None and access_class(ev) == STORE:
            seen, seen_value = read
            updates = seen + 1
            if var.updates != seen:
                lost = self._lost.setdefault(ev.obj, Lost(ev.obj))
                lost.count += var.updates - seen
                if lost.example is None and var.updates > seen and var.writer is not None:
                    lost.example = Example(
                        ev.thread, seen_value, var.writer, var.value, value, ev.line
                    )
        var.updates, var.writer, var.value = updates, ev.thread, value
