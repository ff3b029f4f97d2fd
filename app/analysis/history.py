"""Fold an event log into the state it describes, checking that it is a consistent
history (docs/contracts.md, "The log is a consistent history").  Standard library only:
the worker and the CLI use it.

Replayed in order, a consistent log never shows two owners of a Lock, more holders of a
semaphore than its value, a thread leaving Dead, a transition outside the lifecycle
diagram, a gap in ``seq`` or a ``t`` that goes back — nor a GIL held by a thread that is
not Running, or by two threads at once on a build with a GIL (``gil`` events).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.analysis.timeline import Timeline
from app.instrument.events import BLOCKED, GIL, RESOURCE_KINDS, RUNNING, TRANSITIONS, Event

LOCKS = ("Lock", "RLock")
SEMAPHORES = ("Semaphore", "BoundedSemaphore")


@dataclass
class Resource:
    name: str
    type: str
    value: Any = None  # semaphore permits at start, queue maxsize, barrier parties, Shared
    holders: Counter[str] = field(default_factory=Counter)  # thread → times held
    permits: int | None = None  # semaphores: permits left

    @property
    def held(self) -> bool:
        return bool(+self.holders)


@dataclass
class ThreadState:
    name: str
    state: str | None = None
    line: int | None = None
    waiting_for: str | None = None  # the obj of its last block, while Blocked
    reason: str | None = None
    timeout: float | None = None


@dataclass
class History:
    threads: dict[str, ThreadState] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    max_holders: Counter[str] = field(default_factory=Counter)  # resource → most at once
    last_seq: int = 0
    last_t: float = 0.0
    outputs: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # thread → exception it died of
    timeline: Timeline = field(default_factory=Timeline)  # the order of it all, for verdicts
    # asyncio task lanes: task → its loop's thread; loop → the task Running on it now.
    task_loops: dict[str, str] = field(default_factory=dict)
    loop_running: dict[str, str] = field(default_factory=dict)
    # The GIL lane (``gil`` events): (t, holder or None) per hand-off, in order.
    gil: list[tuple[float, str | None]] = field(default_factory=list)
    gil_enabled: bool = True  # what the lane's first event said of the build
    gil_off: float | None = None  # when the lane stopped measuring, if it did before the end

    def apply(self, ev: Event) -> None:
        seq = ev["seq"]
        if seq != self.last_seq + 1:
            self._problem(ev, f"seq {seq} follows {self.last_seq}")
        self.last_seq = seq
        if ev["t"] < self.last_t:
            self._problem(ev, f"t went back from {self.last_t} to {ev['t']}")
        self.last_t = max(self.last_t, ev["t"])
        self.timeline.add(ev)
        if ev["kind"] == GIL:
            self._on_gil(ev)
        elif ev["thread"] is not None:
            self._thread_event(ev)
        elif ev["kind"] == "output":
            self.outputs.append(str(ev["detail"].get("text", "")))

    def _thread_event(self, ev: Event) -> None:
        name, kind = ev["thread"], ev["kind"]
        th = self.threads.get(name)
        if th is None:
            th = self.threads[name] = ThreadState(name)
        before, after = th.state, ev["state"]
        if before != after and (before, after) not in TRANSITIONS:
            self._problem(ev, f"{name} went from {before} to {after}")
        th.state = after
        if kind == "create" and ev["detail"].get("task"):
            self.task_loops[name] = str(ev["detail"].get("loop"))
        if name in self.task_loops:
            self._one_task_running(ev, name, after)
        if kind in RESOURCE_KINDS and after != RUNNING:
            # Added: only a running thread acts on a resource.  A thread shown Blocked
            # (or Runnable, or Dead) while it acquires, releases, reads… is a picture
            # that lies, though no transition in it is illegal.
            self._problem(ev, f"{name} did {kind} while {after}")
        if ev["line"] is not None:
            th.line = ev["line"]
        if kind == "block":
            th.waiting_for = ev["obj"]
            th.reason = ev["detail"].get("reason")
            th.timeout = ev["detail"].get("timeout")
        elif after != BLOCKED:
            th.waiting_for = th.reason = th.timeout = None
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, ev, th)

    def _on_gil(self, ev: Event) -> None:
        """A hand-off of the GIL lane: it changes no thread's state.  Its holder is a
        thread of the run that is Running; on a build with a GIL, one holder at most."""
        holder, d = ev["thread"], ev["detail"]
        if "gil" in d:
            self.gil_enabled = bool(d["gil"])
        if "off" in d and self.gil_off is None:
            self.gil_off = ev["t"]
        holders = d.get("holders")
        if isinstance(holders, list) and len(holders) > 1 and self.gil_enabled:
            self._problem(ev, f"two GIL holders: {', '.join(map(str, holders))}")
        if holder is not None:
            th = self.threads.get(holder)
            if th is None or th.state != RUNNING:
                state = th.state if th is not None else "unknown"
                self._problem(ev, f"{holder} holds the GIL while {state}")
        self.gil.append((ev["t"], holder))

    def _one_task_running(self, ev: Event, task: str, after: str | None) -> None:
        """Added: the tasks of one event loop share its thread, so at most one of them
        is Running at any instant (docs/contracts.md, "asyncio tasks as lanes")."""
        loop = self.task_loops[task]
        now = self.loop_running.get(loop)
        if after == RUNNING:
            if now is not None and now != task:
                self._problem(ev, f"{task} and {now} of the loop on {loop} both Running")
            self.loop_running[loop] = task
        elif now == task:
            del self.loop_running[loop]

    def _on_declare(self, ev: Event, th: ThreadState) -> None:
        d = ev["detail"]
        res = Resource(ev["obj"], d.get("type", "?"), d.get("value"))
        if res.type in SEMAPHORES:
            res.permits = d.get("value", 1)
        self.resources[res.name] = res

    def _on_acquire(self, ev: Event, th: ThreadState) -> None:
        res = self.resources.get(ev["obj"])
        if res is None:
            return
        others = [h for h in +res.holders if h != th.name]
        if res.type in LOCKS and others:
            self._problem(ev, f"{th.name} acquired {res.name} while {others[0]} holds it")
        elif res.type == "Lock" and res.holders[th.name] > 0:
            # Fix: a plain Lock is not re-entrant; acquiring it again without a release
            # in between is a second owner too (it was let through as "same thread").
            self._problem(ev, f"{th.name} acquired {res.name} again while holding it")
        depth = ev["detail"].get("depth")
        held = res.holders[th.name]
        # A re-entry goes one deeper; a first acquire may restore any depth (Condition.wait
        # gives an RLock up entirely, then takes it back at the depth it had).
        if res.type == "RLock" and depth is not None and held and depth != held + 1:
            self._problem(ev, f"{th.name} acquired {res.name} at depth {depth}")
        res.holders[th.name] = depth if depth is not None else res.holders[th.name] + 1
        if res.type in SEMAPHORES:
            # Fix: count the permits by replay instead of trusting the event's own
            # ``value``, so a log whose values are wrong (two holders of a Semaphore(1)
            # each reporting value 0) is caught too.
            left = (res.permits or 0) - 1
            if left < 0:
                self._problem(ev, f"{th.name} acquired {res.name} with no permit left")
            reported = ev["detail"].get("value")
            if reported is not None and reported != left:
                self._problem(ev, f"{res.name} reports {reported} permits left, replay {left}")
            res.permits = left
        holders = sum(1 for _ in +res.holders)
        if res.type in SEMAPHORES:
            holders = sum(res.holders.values())
        self.max_holders[res.name] = max(self.max_holders[res.name], holders)

    def _on_release(self, ev: Event, th: ThreadState) -> None:
        res = self.resources.get(ev["obj"])
        if res is None:
            return
        if res.type in LOCKS:
            if res.holders[th.name] <= 0 and res.type == "RLock":
                self._problem(ev, f"{th.name} released {res.name} it does not hold")
            # A plain Lock may be released by any thread: the holder loses it.
            owner = th.name if res.holders[th.name] > 0 else next(iter(+res.holders), None)
            if owner is None:
                self._problem(ev, f"{th.name} released {res.name}, which nobody holds")
                return
            depth = ev["detail"].get("depth")
            res.holders[owner] = depth if depth is not None else res.holders[owner] - 1
        else:
            if res.holders[th.name] > 0:
                res.holders[th.name] -= 1
            if res.type in SEMAPHORES:
                before = res.permits or 0
                res.permits = ev["detail"].get("value", before + 1)
                if res.permits <= before:
                    self._problem(ev, f"{res.name} released to {res.permits} from {before}")
                if res.type == "BoundedSemaphore" and res.permits > (res.value or 0):
                    self._problem(ev, f"{res.name} released above its value {res.value}")

    def _on_exit(self, ev: Event, th: ThreadState) -> None:
        if "error" in ev["detail"]:
            self.errors[th.name] = str(ev["detail"]["error"])

    def _on_write(self, ev: Event, th: ThreadState) -> None:
        res = self.resources.get(ev["obj"])
        if res is not None:
            res.value = ev["detail"].get("value")

    def _on_read(self, ev: Event, th: ThreadState) -> None:
        res = self.resources.get(ev["obj"])
        if res is None:
            return
        if ev["detail"].get("changed"):
            # The value was changed by a write logged under another name (``items[0]``
            # under ``items``, an alias) or by code that is not traced: the read says so.
            res.value = ev["detail"].get("value")
        elif ev["detail"].get("value") != res.value:
            self._problem(
                ev,
                f"{th.name} read {res.name}={ev['detail'].get('value')!r} "
                f"but the last write was {res.value!r}",
            )

    def _problem(self, ev: Event, text: str) -> None:
        self.problems.append(f"seq {ev['seq']}: {text}")

    def holders_of(self, name: str) -> list[str]:
        res = self.resources.get(name)
        return sorted(+res.holders) if res else []


# The event kinds that change a resource or a thread beyond its state.
_HANDLERS: dict[str, Callable[[History, Event, ThreadState], None]] = {
    "declare": History._on_declare,
    "acquire": History._on_acquire,
    "release": History._on_release,
    "exit": History._on_exit,
    "write": History._on_write,
    "read": History._on_read,
}


def replay(events: list[Event]) -> History:
    history = History()
    for ev in events:
        history.apply(ev)
    return history


def check(events: list[Event]) -> list[str]:
    """Every way ``events`` breaks the consistency rules; empty when it keeps them."""
    return replay(events).problems
