"""Traced drop-ins for ``threading.Condition``, ``threading.Semaphore`` and
``threading.BoundedSemaphore`` (standard library only).

Each follows CPython's own algorithm (``Lib/threading.py``) on purpose, so it keeps the
standard semantics — timeouts, ``blocking=False``, the same exceptions with the same
messages: ``Condition`` parks each waiter on a raw lock of its own in a FIFO and hands
its lock over through ``_release_save``/``_acquire_restore``; ``Semaphore.acquire`` is
CPython's loop over a condition (here a ``Monitor``), deadline included.  State changes
are recorded while the internal mutex is held (docs/contracts.md, "The log is a
consistent history").
"""

from __future__ import annotations

from _thread import allocate_lock
from collections import deque
from collections.abc import Callable
from itertools import islice
from typing import TYPE_CHECKING, Any

from app.instrument import runtime
from app.instrument.locks import Lock, RLock
from app.instrument.monitor import Monitor, acquire, emit, point, wait_for
from app.instrument.naming import name_later

if TYPE_CHECKING:
    from _thread import LockType

__all__ = ["BoundedSemaphore", "Condition", "Semaphore"]


class Condition:
    """``threading.Condition``; the default lock is a traced RLock named '<name>.lock'."""

    # Slots (and a __dict__, as threading's own): naming puts the class back, which
    # on 3.11 would otherwise turn the instance's attributes into a slower dict.
    __slots__ = (
        *("__dict__", "__weakref__", "_lock", "_naming", "_waiters"),
        *("acquire", "name", "release"),
    )
    name: str

    def __init__(self, lock: Lock | RLock | None = None, *, name: str | None = None) -> None:
        owns: tuple[tuple[RLock, str], ...] = ()
        if lock is None:
            lock = RLock()
            owns = ((lock, ".lock"),)
        self._lock = lock
        self.acquire = lock.acquire
        self.release = lock.release
        self._waiters: deque[tuple[LockType, str]] = deque()
        name_later(self, name, "Condition", {"lock": lambda: getattr(lock, "name", None)}, owns)

    def __enter__(self) -> bool:
        return self._lock.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._lock.__exit__(*exc)

    def _is_owned(self) -> bool:
        return self._lock._is_owned()

    # As threading's Condition: its lock's protocol, exported (a Condition may be
    # another Condition's lock).
    def _release_save(self) -> Any:
        return self._lock._release_save()

    def _acquire_restore(self, saved: Any) -> None:
        self._lock._acquire_restore(saved)

    def wait(self, timeout: float | None = None) -> bool:
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        rt = runtime.current
        point(rt)
        me = rt.me().name if rt is not None else ""
        emit(rt, "wait", self.name, {"timeout": timeout})
        waiter = allocate_lock()
        waiter.acquire()
        self._waiters.append((waiter, me))
        saved: Any = self._lock._release_save()  # None for a Lock, (depth, owner) for an RLock
        gotit = False
        try:
            wait = None if timeout is None else max(timeout, 0)
            gotit = acquire(rt, waiter, wait, self.name, "wait")
            return gotit
        finally:
            self._lock._acquire_restore(saved)
            if not gotit:
                try:
                    self._waiters.remove((waiter, me))
                except ValueError:
                    pass

    def wait_for(self, predicate: Callable[[], Any], timeout: float | None = None) -> Any:
        return wait_for(predicate, timeout, self.wait)

    def notify(self, n: int = 1) -> None:
        self._notify(n, "notify")

    def notify_all(self) -> None:
        self._notify(len(self._waiters), "notify_all")

    def _notify(self, n: int, kind: str) -> None:
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        rt = runtime.current
        point(rt)
        # As threading's notify(n) on 3.11 (a loop while n > 0): n <= 0 wakes nobody.
        # Hence max(n, 0): islice itself raises ValueError for a negative n.
        chosen = list(islice(self._waiters, max(n, 0)))
        waiting = len(self._waiters) - len(chosen)
        emit(rt, kind, self.name, {"woken": [who for _, who in chosen], "waiting": waiting})
        for entry in chosen:
            entry[0].release()
            try:
                self._waiters.remove(entry)
            except ValueError:
                pass

    def __repr__(self) -> str:
        return f"<Condition({self._lock!r}, {len(self._waiters)})>"  # as CPython's


class Semaphore:
    """``threading.Semaphore``; events carry ``detail.value``, the permits left."""

    _type = "Semaphore"
    __slots__ = ("__dict__", "__weakref__", "_mon", "_naming", "_value", "name")  # as Condition's
    name: str

    def __init__(self, value: int = 1, *, name: str | None = None) -> None:
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._mon = Monitor()
        self._value = value
        name_later(self, name, self._type, {"value": value})

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        rt = runtime.current
        point(rt)
        rc = False
        endtime = None
        with self._mon:
            while self._value == 0:
                if not blocking:
                    break
                if timeout is not None:
                    if endtime is None:
                        endtime = runtime.now() + timeout
                    else:
                        timeout = endtime - runtime.now()
                        if timeout <= 0:
                            break
                self._mon.wait(rt, timeout, self.name, "acquire")
            else:
                self._value -= 1
                rc = True
                emit(rt, "acquire", self.name, {"value": self._value})
        return rc

    __enter__ = acquire

    def release(self, n: int = 1) -> None:
        if n < 1:
            raise ValueError("n must be one or more")
        rt = runtime.current
        point(rt)
        with self._mon:
            self._check_release(n)
            emit(rt, "release", self.name, {"value": self._value + n})
            self._value += n
            self._mon.notify(n)

    def _check_release(self, n: int) -> None:
        """Raise if releasing ``n`` more permits is not allowed (never, for a plain
        Semaphore)."""

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        # CPython's repr, with the log's name where the address goes: output repeats.
        return f"<threading.Semaphore at {self.name}: value={self._value}>"


class BoundedSemaphore(Semaphore):
    """``threading.BoundedSemaphore``: releasing past the initial value raises ValueError."""

    _type = "BoundedSemaphore"
    __slots__ = ("_initial_value",)

    def __init__(self, value: int = 1, *, name: str | None = None) -> None:
        super().__init__(value, name=name)
        self._initial_value = value

    def __repr__(self) -> str:
        value = f"{self._value}/{self._initial_value}"
        return f"<threading.BoundedSemaphore at {self.name}: value={value}>"

    def _check_release(self, n: int) -> None:
        if self._value + n > self._initial_value:
            raise ValueError("Semaphore released too many times")
