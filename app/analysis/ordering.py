"""The log of a run in order again, with what the finer analyses of a program need at
every event: which locks each thread holds (and for how long), and which events are
ordered by the program's own synchronisation.  Standard library only.

``in_order`` rebuilds the threads' events in ``seq`` order from a ``History`` (its
``Timeline`` keeps each thread's state changes and each resource's events).  ``walk``
replays them through a ``Held`` and a ``Clocks`` and shows every event to the analyses
first, so an analysis sees the state just *before* the event (the locks held while a
lock is being taken).

**Held locks.** A ``Lock``, an ``RLock`` and a ``BoundedSemaphore(1)`` (which can never
have two holders) are mutexes.  A thread holds one from its acquire to its release (an
RLock until its depth is back to 0); a plain Lock released by another thread is lost by
its holder.  ``Condition.wait`` gives its lock up and takes it back, and the log shows
both, so nothing is special about it here.

**Happens-before.** ``Clocks`` keeps a vector clock per thread with the edges that
order two threads' events whatever the schedule — and no edges from locks, which the
lockset analysis judges by itself:

- ``start``: the starting thread's past comes before everything the new thread does;
- ``join``: everything a thread did comes before what its joiner does after the join;
- hand-offs: a ``put`` before the ``get`` (and ``task_done`` before ``Queue.join``),
  ``Event.set`` before a ``wait`` that returns, a ``Future``'s ``set`` before its
  ``result()``, every party's arrival at a ``Barrier`` before any leaves it, and the
  ``release`` of a ``Semaphore(0)`` (a signal, not a limit) before an ``acquire``.

A hand-off object's clock gathers every sender, so a receiver is ordered after all of
them: that can hide a race, never invent one.  The ``start`` event names the started
thread, not the starter: the starter is the thread running then (the one thread in
controlled mode; in free mode, the running thread with the latest event).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from app.analysis.history import LOCKS, History
from app.instrument.events import RUNNING, TIMED_OUT

Clock = dict[str, int]


@dataclass(slots=True)
class Ev:
    """One event of a thread, as the analyses read it."""

    seq: int
    t: float
    thread: str
    kind: str
    obj: str | None
    detail: dict[str, Any]
    state: str | None  # the thread's state after it, when the event changed it
    line: int | None = None


def in_order(history: History) -> list[Ev]:
    """The threads' events of the log, in order (run-level events left out)."""
    timeline = history.timeline
    # The last seq, even in a log whose seqs are out of order.
    top = max(
        history.last_seq,
        max((op.seq for ops in timeline.ops.values() for op in ops), default=0),
        max((step.seq for steps in timeline.steps.values() for step in steps), default=0),
    )
    slots: list[Ev | None] = [None] * (top + 1)
    for obj, ops in timeline.ops.items():
        for op in ops:
            slots[op.seq] = Ev(op.seq, op.t, op.thread, op.kind, obj, op.detail, None, op.line)
    for thread, steps in timeline.steps.items():
        for step in steps:
            known = slots[step.seq]
            if known is not None:
                known.state = step.after
                continue
            detail: dict[str, Any] = {}
            if step.kind == "create":
                detail = timeline.created.get(thread, {})
            elif step.kind == "exit":
                detail = timeline.exits.get(thread, {})
            elif step.reason is not None:
                detail = {"reason": step.reason}
            slots[step.seq] = Ev(step.seq, step.t, thread, step.kind, step.obj, detail, step.after)
    return [ev for ev in slots if ev is not None]


def mutexes(history: History) -> dict[str, str]:
    """The run's mutexes, name → type: locks, and bounded semaphores of one permit."""
    return {
        res.name: res.type
        for res in history.resources.values()
        if res.type in LOCKS or (res.type == "BoundedSemaphore" and res.value == 1)
    }


# --- held locks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    lock: str
    holder: str
    seconds: float
    until_end: bool  # still held when the log ends


class Held:
    """Which mutexes each thread holds, and the longest each holder kept each."""

    def __init__(self, types: dict[str, str]) -> None:
        self.types = types
        self._depth: dict[str, dict[str, int]] = {}  # thread → lock → depth
        self._since: dict[str, float] = {}  # lock → when its holder took it
        self._owner: dict[str, str] = {}  # lock → its holder
        self._longest: dict[tuple[str, str], float] = {}  # (lock, holder) → seconds
        self._sets: dict[str, frozenset[str]] = {}  # thread → the locks it holds

    def locks(self, thread: str) -> frozenset[str]:
        return self._sets.get(thread, frozenset())

    def holds(self, thread: str, lock: str) -> bool:
        return lock in self._depth.get(thread, ())

    def apply(self, ev: Ev) -> None:
        if ev.obj is None or ev.obj not in self.types:
            return
        lock, kind = ev.obj, self.types[ev.obj]
        if ev.kind == "acquire":
            mine = self._depth.setdefault(ev.thread, {})
            before = mine.get(lock, 0)
            after = before + 1
            if kind == "RLock":
                after = int(ev.detail.get("depth", after))
            elif before:
                return  # a Lock taken twice by its holder: an inconsistent log
            if after > 0:
                mine[lock] = after
                if not before:
                    self._since[lock], self._owner[lock] = ev.t, ev.thread
                    self._sets[ev.thread] = frozenset(mine)
        elif ev.kind == "release":
            owner = ev.thread if self.holds(ev.thread, lock) else self._owner.get(lock)
            if owner is None or not self.holds(owner, lock):
                return
            theirs = self._depth[owner]
            left = theirs[lock] - 1
            if kind == "RLock":
                left = int(ev.detail.get("depth", left))
            if left > 0:
                theirs[lock] = left
                return
            del theirs[lock]
            self._sets[owner] = frozenset(theirs)
            self._note(lock, owner, ev.t - self._since.pop(lock, ev.t))
            self._owner.pop(lock, None)

    def still_held(self) -> dict[str, str]:
        """Lock → its holder, for the locks held now."""
        return dict(self._owner)

    def _note(self, lock: str, holder: str, seconds: float) -> None:
        key = (lock, holder)
        self._longest[key] = max(self._longest.get(key, 0.0), seconds)

    def longest(self, end: float, limit: int) -> list[Hold]:
        """The longest holds, one per (lock, holder), those still going counted to
        ``end``."""
        holds = [Hold(lock, who, s, False) for (lock, who), s in self._longest.items()]
        for lock, owner in self._owner.items():
            seconds = end - self._since.get(lock, end)
            if seconds >= self._longest.get((lock, owner), 0.0):
                holds = [h for h in holds if (h.lock, h.holder) != (lock, owner)]
                holds.append(Hold(lock, owner, seconds, True))
        holds.sort(key=lambda h: -h.seconds)
        return holds[:limit]


# --- happens-before ----------------------------------------------------------------------


def _merge(into: Clock, other: Clock) -> None:
    for thread, tick in other.items():
        if tick > into.get(thread, 0):
            into[thread] = tick


class Clocks:
    """A vector clock per thread, moved by the edges listed in the module's doc."""

    def __init__(
        self, types: dict[str, str], adopted: frozenset[str], signals: frozenset[str]
    ) -> None:
        self.types = types  # resource → type
        self.adopted = adopted  # threads nobody in the run started
        self.signals = signals  # semaphores made with no permit: their releases hand off
        self._clock: dict[str, Clock] = {}
        self._final: dict[str, Clock] = {}  # thread → its clock at its exit
        self._sent: dict[str, Clock] = {}  # hand-off object → what was sent through it
        self._running: dict[str, int] = {}  # running thread → seq of its latest event
        self._blocked_for: dict[str, str | None] = {}  # thread → reason of its last block

    def clock(self, thread: str) -> Clock:
        """What ``thread`` knows of every thread now: ``other``'s event at tick ``e``
        happens before what ``thread`` does now if ``e <= clock(thread)[other]``."""
        clock = self._clock.get(thread)
        if clock is None:
            clock = self._clock[thread] = {thread: 1}
        return clock

    def epoch(self, thread: str) -> int:
        """The thread's own tick now: what an event of it is known by."""
        return self.clock(thread)[thread]

    def snapshot(self, thread: str) -> Clock:
        return dict(self.clock(thread))

    def apply(self, ev: Ev) -> None:
        me, kind = ev.thread, ev.kind
        if kind == "start" and me not in self.adopted:
            self._start(me)
        elif kind == "exit":
            self._final[me] = dict(self.clock(me))
        elif kind == "join" and ev.obj in self._final:
            if not ev.detail.get("alive"):
                _merge(self.clock(me), self._final[ev.obj])
        elif ev.obj is not None:
            self._hand_off(ev, self.types.get(ev.obj))
        if kind == "block":
            self._blocked_for[me] = ev.detail.get("reason")
        if ev.state is None or ev.state == RUNNING:  # no change: a resource event runs
            self._running[me] = ev.seq
        else:
            self._running.pop(me, None)

    def _start(self, child: str) -> None:
        starter = max(
            (t for t in self._running if t != child), key=self._running.__getitem__, default=None
        )
        clock: Clock = {}
        if starter is not None:
            clock = dict(self.clock(starter))
            self._tick(starter)
        clock[child] = max(clock.get(child, 0), 1)
        self._clock[child] = clock

    def _tick(self, thread: str) -> None:
        self.clock(thread)[thread] += 1

    def _send(self, thread: str, obj: str) -> None:
        _merge(self._sent.setdefault(obj, {}), self.clock(thread))
        self._tick(thread)

    def _receive(self, thread: str, obj: str) -> None:
        sent = self._sent.get(obj)
        if sent is not None:
            _merge(self.clock(thread), sent)

    def _hand_off(self, ev: Ev, kind: str | None) -> None:
        me, obj, d = ev.thread, ev.obj, ev.detail
        assert obj is not None
        woken = ev.kind == "wake" and not d.get(TIMED_OUT)
        if kind == "Queue":
            if ev.kind in ("put", "task_done"):
                self._send(me, obj)
            else:
                joined = ev.kind == "join" and not d.get("unfinished")
                waited = woken and self._blocked_for.get(me) == "join"
                if ev.kind == "get" or joined or waited:
                    self._receive(me, obj)
        elif kind in ("Event", "Future"):
            if ev.kind == "set":
                self._send(me, obj)
            elif (ev.kind == "wait" and d.get("already_set")) or woken:
                self._receive(me, obj)
        elif kind == "Barrier":
            if ev.kind == "wait":
                self._send(me, obj)
            elif (ev.kind == "notify_all" and d.get("phase_done")) or woken:
                self._receive(me, obj)
        elif obj in self.signals:
            if ev.kind == "release":
                self._send(me, obj)
            elif ev.kind == "acquire":
                self._receive(me, obj)


class Analysis(Protocol):
    def see(self, ev: Ev, held: Held, clocks: Clocks) -> None: ...


def walk(history: History, events: list[Ev], analyses: Iterable[Analysis]) -> Held:
    """Replay ``events`` through the held locks and the clocks, showing each event to
    every analysis before it takes effect; the holds at the end come back."""
    held = Held(mutexes(history))
    adopted = frozenset(
        name for name, detail in history.timeline.created.items() if detail.get("adopted")
    )
    signals = frozenset(
        res.name
        for res in history.resources.values()
        if res.type in ("Semaphore", "BoundedSemaphore") and res.value == 0
    )
    types = {res.name: res.type for res in history.resources.values()}
    clocks = Clocks(types, adopted, signals)
    todo = list(analyses)
    for ev in events:
        for analysis in todo:
            analysis.see(ev, held, clocks)
        held.apply(ev)
        clocks.apply(ev)
    return held
