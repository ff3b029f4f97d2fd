"""An event loop in a controlled run (standard library only).

The controlled scheduler steers threads, and a loop is one thread; what it can steer
inside a loop is made so here, on the loop object itself (``steer``, called by
``tasks.install_factory`` in a controlled run):

- **time** is the run's virtual clock: ``loop.time()`` is ``runtime.now()``, and when the
  loop would wait for its next timer it sleeps that long through the scheduler instead
  (the loop's thread is Blocked in a ``sleep``; with nothing else to run the clock jumps
  to the deadline), so ``asyncio.sleep`` and timeouts expire in a fixed order; when
  another thread of the run may wake it first with a ``call_soon_threadsafe`` (and it
  has no I/O of its own), it waits for that call or its timer through the scheduler
  instead (``asyncio_threads.Helpers.wait``);
- **the choice of the next ready task** is a point of the scheduler
  (``Scheduler.task_point``): when the loop is about to run a task step, every task
  step in its ready queue — behind plain callbacks too — is a candidate, and the run's
  policy picks one — seeded for ``random`` and ``pct``,
  in turn for ``round_robin``, the person for ``manual`` (the ``waiting`` message lists
  the task lanes) — or the replayed ``choices`` do.  A real choice goes into
  ``schedule``, so undo and exact reruns cover a loop's tasks as they do threads.  The
  candidates (at most ``max_threads``, the first in the queue) are told Runnable
  (``wake``) when they are offered.  Other callbacks keep their FIFO order and their
  place: a task step picked from behind one runs before it (as if that task had been
  ready earlier), one that was ahead of it still runs first.

It uses a selector loop's private parts (``_ready``, ``_selector``), the same from 3.11
to 3.13; a loop without them is left as it is.  Threads the loop starts
(``to_thread``, ``run_in_executor``) are traced threads of the run, and the loop's wait
for their results a traced wait (``asyncio_threads.py``).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from app.instrument import runtime
from app.instrument.asyncio_threads import Helpers
from app.instrument.events import DEAD, NEW
from app.instrument.runtime import Runtime, ThreadInfo
from app.instrument.scheduler import Scheduler

__all__ = ["steer"]

_MIN_WAIT = 1e-6  # the clock's tick: a wait shorter than that would not move it

# The task lane a ready-queue callback's owner is (born, and told Runnable), or None.
Offer = Callable[[Any], "ThreadInfo | None"]


def steer(loop: asyncio.AbstractEventLoop, rt: Runtime, offer: Offer) -> bool:
    """Put ``loop`` under the run's clock and scheduler; False if it lacks the parts."""
    ready = getattr(loop, "_ready", None)
    selector = getattr(loop, "_selector", None)
    if not isinstance(ready, deque) or selector is None or not isinstance(rt.hook, Scheduler):
        return False
    helpers = Helpers(loop, rt)
    loop.time = runtime.now  # type: ignore[method-assign]
    loop._ready = _Ready(ready, rt, rt.hook, offer)  # type: ignore[attr-defined]
    loop._selector = _Selector(selector, rt, helpers)  # type: ignore[attr-defined]
    return True


def _owner(handle: Any) -> Any:
    """Whose method a ready callback is (a task's for its ``__step``/``__wakeup``)."""
    return getattr(getattr(handle, "_callback", None), "__self__", None)


class _Ready(deque):  # type: ignore[type-arg]
    """The loop's ready queue: before the loop runs a task step, the scheduler picks
    which of the task steps in the queue it is (plain callbacks never move)."""

    def __init__(self, items: deque[Any], rt: Runtime, scheduler: Scheduler, offer: Offer):
        super().__init__(items)
        self.rt = rt
        self.scheduler = scheduler
        self.offer = offer
        self.last: ThreadInfo | None = None  # the task that ran last on this loop

    def popleft(self) -> Any:
        if self and runtime.current is self.rt and self._offer(self[0]) is not None:
            self._pick()
        return super().popleft()

    def _offer(self, handle: Any) -> ThreadInfo | None:
        if getattr(handle, "_cancelled", False):
            return None
        return self.offer(_owner(handle))

    def _pick(self) -> None:
        ready: list[ThreadInfo] = []
        at: list[int] = []
        for i, handle in enumerate(self):
            if len(ready) == self.rt.max_threads:
                break  # as many as a run may have threads: what a ``waiting`` may list
            info = self._offer(handle)
            if info is None:  # a plain callback: it keeps its place, steps behind it are
                continue  # offered too (no task was ready before it, only queued so)
            if info not in ready:  # one step of a task at a time; the first counts
                ready.append(info)
                at.append(i)
        current = self.last if self.last is not None else self.rt.me()
        chosen = self.scheduler.task_point(self.rt, ready, current)
        self.last = chosen
        i = at[ready.index(chosen)]
        if i:
            handle = self[i]
            del self[i]
            self.appendleft(handle)


class _Selector:
    """The loop's selector, waiting in the run's virtual time."""

    def __init__(self, real: Any, rt: Runtime, helpers: Helpers) -> None:
        self._real = real
        self._rt = rt
        self._helpers = helpers

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def select(self, timeout: float | None = None) -> Any:
        events = self._real.select(0)
        if events or (timeout is not None and timeout <= 0):
            return events
        rt = self._rt
        if runtime.current is not rt:
            return self._real.select(timeout)
        # A thread's call (a result, or the program's own thread's) or the next timer
        # ends the wait: a traced wait, so the scheduler runs the thread that calls.
        if self._helpers.busy() or (self._calls_only() and (timeout is None or _others(rt))):
            self._helpers.wait(None if timeout is None else max(timeout, _MIN_WAIT))
            return self._real.select(0)
        if timeout is None:
            return self._real.select(timeout)  # nothing due: only I/O can wake the loop
        rt.hook.sleep(rt, max(timeout, _MIN_WAIT), "sleep")
        return self._real.select(0)

    def _calls_only(self) -> bool:
        """Can only a ``call_soon_threadsafe`` wake the loop?  Its self-pipe, which that
        writes to, is the only file registered: no I/O of the program's to wait for."""
        return len(self._real.get_map()) <= 1


def _others(rt: Runtime) -> bool:
    """Is another thread of the run alive, which may call the loop before its timer?
    (Alone, the loop sleeps to its timer: a ``sleep`` of its thread.)"""
    me = rt.me()
    return any(t is not me and t.state not in (NEW, DEAD) for t in rt.threads)
