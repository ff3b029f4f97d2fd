"""What every traced primitive shares (standard library only): its events, its calls
into the run's hook, and ``Monitor``, the mutex-and-waiters that the
monitor-based primitives (Semaphore, Event, Barrier, Queue) are built on.

Primitives never block on their own: every wait is handed to the run's hook
(``hooks.py``) as "acquire this raw lock, with this timeout", so the scheduler sees it.
Outside a run (``runtime.current`` is None) the same calls behave as the standard
library's.  ``wait_for`` and ``Monitor`` follow CPython's ``threading.Condition``
(``Lib/threading.py``) on purpose, so timeouts and wake-up order are the standard ones.
"""

from __future__ import annotations

from _thread import allocate_lock
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app.instrument import runtime
from app.instrument.runtime import EMPTY

if TYPE_CHECKING:
    from _thread import LockType

    from app.instrument.runtime import Runtime


def emit(rt: Runtime | None, kind: str, obj: str, detail: dict[str, Any] | None = None) -> None:
    """Record an operation of the calling thread on ``obj`` (nothing outside a run)."""
    if rt is not None:
        rt.op(kind, obj, detail or EMPTY)  # no state change: the recorder's fast path


def point(rt: Runtime | None) -> None:
    """A scheduling point before an operation: only the controlled scheduler has any."""
    if rt is not None and rt.controlled:
        rt.hook.point(rt)


def acquire(
    rt: Runtime | None, raw: LockType, timeout: float | None, obj: str, reason: str
) -> bool:
    """Acquire ``raw`` through the run's hook (None: wait forever; 0: don't wait)."""
    if rt is not None:
        return rt.hook.acquire(rt, raw, timeout, obj, reason)
    if timeout is not None and timeout <= 0:  # outside a run: the standard library's
        return raw.acquire(False)
    return raw.acquire(True, -1 if timeout is None else timeout)


_NS_MAX = 2**63 / 1e9  # seconds: CPython keeps a timeout as int64 nanoseconds


def lock_timeout(blocking: bool, timeout: float) -> float | None:
    """threading's (blocking, timeout) as the hook's timeout: None forever, 0 no wait."""
    if timeout == -1:
        return None if blocking else 0
    # Checked first, as C's conversion of the seconds to its time type does.
    if timeout != timeout:
        raise ValueError("Invalid value NaN (not a number)")
    if abs(timeout) >= _NS_MAX:
        raise OverflowError("timestamp out of range for platform time_t")
    if not blocking:
        raise ValueError("can't specify a timeout for a non-blocking call")
    if timeout < 0:
        raise ValueError("timeout value must be positive")
    return timeout


def wait_for(
    predicate: Callable[[], Any], timeout: float | None, wait: Callable[[float | None], Any]
) -> Any:
    """CPython's ``Condition.wait_for``: wait until ``predicate()`` holds or ``timeout``
    (on the run's clock) has passed; the last value of the predicate."""
    endtime = None
    waittime = timeout
    result = predicate()
    while not result:
        if waittime is not None:
            if endtime is None:
                endtime = runtime.now() + waittime
            else:
                waittime = endtime - runtime.now()
                if waittime <= 0:
                    break
        wait(waittime)
        result = predicate()
    return result


class Monitor:
    """An untraced mutex and a FIFO of parked threads — CPython's Condition design, with
    every park handed to the hook.  Several monitors may share one mutex (as queue.Queue's
    three conditions do).  The mutex is held only between scheduling points, so under the
    controlled scheduler it is never contended."""

    def __init__(self, mutex: LockType | None = None) -> None:
        self.mutex = mutex if mutex is not None else allocate_lock()
        self._waiters: deque[LockType] = deque()

    def __enter__(self) -> None:
        self.mutex.acquire()

    def __exit__(self, *exc: object) -> None:
        self.mutex.release()

    def wait(self, rt: Runtime | None, timeout: float | None, obj: str, reason: str) -> bool:
        """Give the mutex up, park until notified or ``timeout``, take the mutex back;
        True if notified."""
        waiter = allocate_lock()
        waiter.acquire()
        self._waiters.append(waiter)
        self.mutex.release()
        got = False
        try:
            got = acquire(rt, waiter, timeout, obj, reason)
            return got
        finally:
            self.mutex.acquire()
            if not got:
                try:
                    self._waiters.remove(waiter)
                except ValueError:
                    pass

    def wait_for(
        self,
        rt: Runtime | None,
        predicate: Callable[[], Any],
        timeout: float | None,
        obj: str,
        reason: str,
    ) -> Any:
        return wait_for(predicate, timeout, lambda t: self.wait(rt, t, obj, reason))

    def notify(self, n: int = 1) -> None:
        """Wake up to ``n`` parked threads, first parked first."""
        waiters = self._waiters
        while waiters and n > 0:
            waiters.popleft().release()
            n -= 1

    def notify_all(self) -> None:
        self.notify(len(self._waiters))

    @property
    def waiting(self) -> int:
        return len(self._waiters)
