"""The one hook every traced operation passes through (standard library only).

Primitives never block on their own: every wait of every primitive — a contended lock,
a condition wait, a full queue, a join, a sleep — is reduced to "acquire this raw lock,
with this timeout" or "sleep this long" and handed to the run's hook.  The free hook
lets the OS and the GIL decide; the controlled scheduler (``scheduler.py``) implements the
same interface and decides itself who runs, in virtual time.

A hook also records the lifecycle events that only it can place correctly: ``block``
before a wait, ``wake`` when the thread may continue, ``run`` when it gets the CPU.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

from app.instrument.events import RUNNABLE, RUNNING, TIMED_OUT

if TYPE_CHECKING:
    from _thread import LockType

    from app.instrument.runtime import Runtime, ThreadInfo


class Hook(Protocol):
    """What a run's scheduling hook does: ``FreeHook`` below, or the controlled
    ``Scheduler``."""

    controlled: bool  # True: the hook decides who runs (``point`` must be called)

    def point(self, rt: Runtime, op: str | None = None) -> None:
        """A scheduling point: called before every traced operation (hot paths skip
        the call when the hook is not ``controlled``).  ``op``: the instruction an
        access to shared data is, shown at bytecode granularity."""

    def acquire(
        self,
        rt: Runtime,
        raw: LockType,
        timeout: float | None,
        obj: str | None,
        reason: str,
        **detail: Any,
    ) -> bool:
        """Acquire ``raw`` (None: wait forever; 0: don't wait); True if acquired."""

    def sleep(self, rt: Runtime, seconds: float, reason: str) -> None:
        """Let the calling thread wait ``seconds`` (real or virtual)."""

    def starting(self, rt: Runtime, info: ThreadInfo) -> None:
        """Called by the starting thread just before ``info``'s OS thread starts."""

    def never_started(self, rt: Runtime, info: ThreadInfo) -> None:
        """Called by the starting thread when the OS refused ``info``'s thread after
        ``starting``: it will never begin."""

    def begin(self, rt: Runtime, info: ThreadInfo) -> None:
        """Called first thing in the new thread, before its target runs."""

    def end(self, rt: Runtime, info: ThreadInfo) -> None:
        """Called last thing in a thread, after its ``exit`` event."""

    def close(self) -> None:
        """The run is over."""


class FreeHook:
    """``free`` mode: real threads, real blocking; the OS and the GIL decide."""

    controlled = False

    def point(self, rt: Runtime, op: str | None = None) -> None:
        return None

    def acquire(
        self,
        rt: Runtime,
        raw: LockType,
        timeout: float | None,
        obj: str | None,
        reason: str,
        **detail: Any,
    ) -> bool:
        if raw.acquire(False):
            return True
        if timeout is not None and timeout <= 0:
            return False
        rt.block(obj, reason, timeout=timeout, **detail)
        self.waiting(rt)
        got = False
        try:
            got = raw.acquire(True, -1 if timeout is None else timeout)
        finally:  # even if the wait raised (OverflowError, KeyboardInterrupt), it ended
            rt.emit("wake", obj, {TIMED_OUT: not got}, state=RUNNABLE)
            rt.emit("run", state=RUNNING)
            self.resumed(rt)
        return got

    def sleep(self, rt: Runtime, seconds: float, reason: str) -> None:
        rt.block(None, reason, seconds=seconds)
        self.waiting(rt)
        try:
            time.sleep(seconds)
        finally:
            rt.emit("wake", None, {}, state=RUNNABLE)
            rt.emit("run", state=RUNNING)
            self.resumed(rt)

    def waiting(self, rt: Runtime) -> None:
        """The calling thread blocks: it executes no Python code until ``resumed`` (what
        the GIL lane, ``gil.GilHook``, records)."""

    def resumed(self, rt: Runtime) -> None:
        """The calling thread runs again after a wait."""

    def starting(self, rt: Runtime, info: ThreadInfo) -> None:
        return None

    def never_started(self, rt: Runtime, info: ThreadInfo) -> None:
        return None

    def begin(self, rt: Runtime, info: ThreadInfo) -> None:
        rt.emit("run", state=RUNNING, info=info, line=None)

    def end(self, rt: Runtime, info: ThreadInfo) -> None:
        return None

    def close(self) -> None:
        return None
