"""Traced drop-ins for threading's Lock, RLock, Condition, Semaphore, BoundedSemaphore,
Event and Barrier (standard library only).

The algorithms are CPython's own (``Lib/threading.py``): everything but ``Lock`` is built
from raw locks, so each primitive keeps the standard semantics — timeouts,
``blocking=False``, the same exceptions with the same messages — while every wait goes
through the run's hook (see ``hooks.py``), where the scheduler can see it.

Consistency of the log (DESIGN principle 3): a release is recorded before the real
release and an acquire after the real acquire, and state changes of the monitor-based
primitives are recorded while their internal mutex is held.
"""

from __future__ import annotations

from _thread import allocate_lock, get_ident
from collections import deque
from collections.abc import Callable
from itertools import islice
from threading import BrokenBarrierError
from typing import TYPE_CHECKING, Any

from app.instrument import runtime
from app.instrument.hooks import PLAIN
from app.instrument.runtime import EMPTY

if TYPE_CHECKING:
    from _thread import LockType

    from app.instrument.hooks import Hook
    from app.instrument.runtime import Runtime

__all__ = [
    "Barrier",
    "BoundedSemaphore",
    "BrokenBarrierError",
    "Condition",
    "Event",
    "Lock",
    "RLock",
    "Semaphore",
]


def _hook(rt: Runtime | None) -> Hook:
    return rt.hook if rt is not None else PLAIN  # type: ignore[return-value]


def _name(rt: Runtime | None, name: str | None, prefix: str) -> str:
    if name is not None:
        return name
    return rt.auto_name(prefix) if rt is not None else prefix


def _owner_id() -> object:
    """Who owns an RLock.  Inside a run: the run's thread, not the OS thread ident —
    CPython reuses the ident of a dead thread for a new one, which would let the new
    thread 're-enter' a lock its dead predecessor never released."""
    rt = runtime.current
    return rt.me() if rt is not None else get_ident()


def _lock_timeout(blocking: bool, timeout: float) -> float | None:
    """threading's (blocking, timeout) as the hook's timeout: None forever, 0 no wait."""
    if not blocking:
        if timeout != -1:
            raise ValueError("can't specify a timeout for a non-blocking call")
        return 0
    if timeout == -1:
        return None
    if timeout < 0:
        raise ValueError("timeout value must be positive")
    return timeout


def _wait_for(
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


def _emit(rt: Runtime | None, kind: str, obj: str, detail: dict[str, Any] | None = None) -> None:
    if rt is not None:
        rt.op(kind, obj, detail or EMPTY)  # no state change: the recorder's fast path


class Lock:
    """``threading.Lock``; ``name=`` names it in the event log."""

    def __init__(self, *, name: str | None = None) -> None:
        self._raw = allocate_lock()
        rt = runtime.current
        self.name = _name(rt, name, "Lock")
        if rt is not None:
            rt.declare(self.name, "Lock")

    # The hot path of every traced program: a free lock taken and given back in free
    # mode is one try and one record each way (``runtime.fast_op``); everything else —
    # outside a run, contention, timeouts, the controlled scheduler — takes the slow path.

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        op = runtime.fast_op
        if op is not None and blocking is True and timeout == -1 and self._raw.acquire(False):
            op("acquire", self.name)
            return True
        return self._acquire(blocking, timeout)

    def _acquire(self, blocking: bool, timeout: float) -> bool:
        rt = runtime.current
        if rt is None:
            return self._raw.acquire(blocking, timeout)
        wait = _lock_timeout(blocking, timeout)
        if rt.controlled:
            rt.hook.point(rt)
        if not rt.hook.acquire(rt, self._raw, wait, self.name, "acquire"):
            return False
        rt.op("acquire", self.name)
        return True

    def release(self) -> None:
        op = runtime.fast_op
        if op is not None and self._raw.locked():
            op("release", self.name)  # recorded before the real release
            self._raw.release()
            return
        self._release()

    def _release(self) -> None:
        rt = runtime.current
        if rt is None:
            self._raw.release()
            return
        if not self._raw.locked():
            raise RuntimeError("release unlocked lock")
        if rt.controlled:
            rt.hook.point(rt)
        rt.op("release", self.name)
        self._raw.release()

    def locked(self) -> bool:
        return self._raw.locked()

    __enter__ = acquire

    def __exit__(self, *exc: object) -> None:
        # release() inlined: one frame less on the hot path of every `with lock:`.
        op = runtime.fast_op
        if op is not None and self._raw.locked():
            op("release", self.name)
            self._raw.release()
            return
        self._release()

    # Condition's protocol (threading.Condition uses the same three methods).
    def _is_owned(self) -> bool:
        return self._raw.locked()

    def _release_save(self) -> None:
        _emit(runtime.current, "release", self.name)
        self._raw.release()

    def _acquire_restore(self, _saved: object) -> None:
        rt = runtime.current
        _hook(rt).acquire(rt, self._raw, None, self.name, "acquire")
        _emit(rt, "acquire", self.name)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {'locked' if self.locked() else 'unlocked'}>"


class RLock:
    """``threading.RLock``: the owner may re-acquire; ``detail.depth`` is the recursion."""

    def __init__(self, *, name: str | None = None) -> None:
        self._raw = allocate_lock()
        self._owner: object = None
        self._count = 0
        rt = runtime.current
        self.name = _name(rt, name, "RLock")
        if rt is not None:
            rt.declare(self.name, "RLock")

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        me = _owner_id()
        wait = _lock_timeout(blocking, timeout)
        rt = runtime.current
        hook = _hook(rt)
        hook.point(rt)
        if self._owner == me:
            self._count += 1
            _emit(rt, "acquire", self.name, {"depth": self._count})
            return True
        if not hook.acquire(rt, self._raw, wait, self.name, "acquire"):
            return False
        self._owner, self._count = me, 1
        _emit(rt, "acquire", self.name, {"depth": 1})
        return True

    def release(self) -> None:
        if self._owner != _owner_id():
            raise RuntimeError("cannot release un-acquired lock")
        rt = runtime.current
        _hook(rt).point(rt)
        self._count -= 1
        _emit(rt, "release", self.name, {"depth": self._count})
        if self._count == 0:
            self._owner = None
            self._raw.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _is_owned(self) -> bool:
        return self._owner == _owner_id()

    def _release_save(self) -> tuple[int, object]:
        saved = (self._count, self._owner)
        _emit(runtime.current, "release", self.name, {"depth": 0, "released": self._count})
        self._count, self._owner = 0, None
        self._raw.release()
        return saved

    def _acquire_restore(self, saved: tuple[int, object]) -> None:
        rt = runtime.current
        _hook(rt).acquire(rt, self._raw, None, self.name, "acquire")
        self._count, self._owner = saved
        _emit(rt, "acquire", self.name, {"depth": self._count})

    def __repr__(self) -> str:
        return f"<RLock {self.name} owner={self._owner} count={self._count}>"


class _Monitor:
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
        waiter = allocate_lock()
        waiter.acquire()
        self._waiters.append(waiter)
        self.mutex.release()
        got = False
        try:
            got = _hook(rt).acquire(rt, waiter, timeout, obj, reason)
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
        return _wait_for(predicate, timeout, lambda t: self.wait(rt, t, obj, reason))

    def notify(self, n: int = 1) -> int:
        woken = 0
        while self._waiters and woken < n:
            self._waiters.popleft().release()
            woken += 1
        return woken

    def notify_all(self) -> int:
        return self.notify(len(self._waiters))

    @property
    def waiting(self) -> int:
        return len(self._waiters)


class Condition:
    """``threading.Condition``; the default lock is a traced RLock named '<name>.lock'."""

    def __init__(self, lock: Lock | RLock | None = None, *, name: str | None = None) -> None:
        rt = runtime.current
        self.name = _name(rt, name, "Condition")
        if lock is None:
            lock = RLock(name=f"{self.name}.lock")
        self._lock = lock
        self.acquire = lock.acquire
        self.release = lock.release
        self._waiters: deque[tuple[LockType, str]] = deque()
        if rt is not None:
            rt.declare(self.name, "Condition", lock=getattr(lock, "name", None))

    def __enter__(self) -> bool:
        return self._lock.__enter__()

    def __exit__(self, *exc: object) -> None:
        self._lock.__exit__(*exc)

    def _is_owned(self) -> bool:
        return self._lock._is_owned()

    def wait(self, timeout: float | None = None) -> bool:
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        rt = runtime.current
        hook = _hook(rt)
        hook.point(rt)
        me = rt.me().name if rt is not None else ""
        _emit(rt, "wait", self.name, {"timeout": timeout})
        waiter = allocate_lock()
        waiter.acquire()
        self._waiters.append((waiter, me))
        saved = self._lock._release_save()
        gotit = False
        try:
            wait = None if timeout is None else max(timeout, 0)
            gotit = hook.acquire(rt, waiter, wait, self.name, "wait")
            return gotit
        finally:
            self._lock._acquire_restore(saved)
            if not gotit:
                try:
                    self._waiters.remove((waiter, me))
                except ValueError:
                    pass

    def wait_for(self, predicate: Callable[[], Any], timeout: float | None = None) -> Any:
        return _wait_for(predicate, timeout, self.wait)

    def notify(self, n: int = 1) -> None:
        self._notify(n, "notify")

    def notify_all(self) -> None:
        self._notify(len(self._waiters), "notify_all")

    def _notify(self, n: int, kind: str) -> None:
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        rt = runtime.current
        _hook(rt).point(rt)
        # Fix: threading's notify(n) wakes nobody for n <= 0 (islice raised ValueError).
        chosen = list(islice(self._waiters, max(n, 0)))
        waiting = len(self._waiters) - len(chosen)
        _emit(rt, kind, self.name, {"woken": [who for _, who in chosen], "waiting": waiting})
        for entry in chosen:
            entry[0].release()
            try:
                self._waiters.remove(entry)
            except ValueError:
                pass

    def __repr__(self) -> str:
        return f"<Condition {self.name} ({self._lock!r}), {len(self._waiters)} waiters>"


class Semaphore:
    """``threading.Semaphore``; events carry ``detail.value``, the permits left."""

    _type = "Semaphore"

    def __init__(self, value: int = 1, *, name: str | None = None) -> None:
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._mon = _Monitor()
        self._value = value
        rt = runtime.current
        self.name = _name(rt, name, self._type)
        if rt is not None:
            rt.declare(self.name, self._type, value=value)

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        rt = runtime.current
        _hook(rt).point(rt)
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
                _emit(rt, "acquire", self.name, {"value": self._value})
        return rc

    __enter__ = acquire

    def release(self, n: int = 1) -> None:
        if n < 1:
            raise ValueError("n must be one or more")
        rt = runtime.current
        _hook(rt).point(rt)
        with self._mon:
            self._check_release(n)
            _emit(rt, "release", self.name, {"value": self._value + n})
            self._value += n
            self._mon.notify(n)

    def _check_release(self, n: int) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"<{self._type} {self.name} value={self._value}>"


class BoundedSemaphore(Semaphore):
    """``threading.BoundedSemaphore``: releasing past the initial value raises ValueError."""

    _type = "BoundedSemaphore"

    def __init__(self, value: int = 1, *, name: str | None = None) -> None:
        super().__init__(value, name=name)
        self._initial_value = value

    def _check_release(self, n: int) -> None:
        if self._value + n > self._initial_value:
            raise ValueError("Semaphore released too many times")


class Event:
    """``threading.Event``."""

    def __init__(self, *, name: str | None = None) -> None:
        self._mon = _Monitor()
        self._flag = False
        rt = runtime.current
        self.name = _name(rt, name, "Event")
        if rt is not None:
            rt.declare(self.name, "Event")

    def is_set(self) -> bool:
        return self._flag

    def set(self) -> None:
        rt = runtime.current
        _hook(rt).point(rt)
        with self._mon:
            _emit(rt, "set", self.name, {"woken": self._mon.waiting})
            self._flag = True
            self._mon.notify_all()

    def clear(self) -> None:
        rt = runtime.current
        _hook(rt).point(rt)
        with self._mon:
            _emit(rt, "clear", self.name)
            self._flag = False

    def wait(self, timeout: float | None = None) -> bool:
        rt = runtime.current
        _hook(rt).point(rt)
        with self._mon:
            signaled = self._flag
            _emit(rt, "wait", self.name, {"timeout": timeout, "already_set": signaled})
            if not signaled:
                wait = None if timeout is None else max(timeout, 0)
                signaled = self._mon.wait(rt, wait, self.name, "wait")
            return signaled

    def __repr__(self) -> str:
        return f"<Event {self.name} {'set' if self._flag else 'unset'}>"


class Barrier:
    """``threading.Barrier`` (CPython's state machine: filling, draining, resetting,
    broken)."""

    def __init__(
        self,
        parties: int,
        action: Callable[[], Any] | None = None,
        timeout: float | None = None,
        *,
        name: str | None = None,
    ) -> None:
        self._mon = _Monitor()
        self._action = action
        self._timeout = timeout
        self._parties = parties
        self._state = 0  # 0 filling, 1 draining, -1 resetting, -2 broken
        self._count = 0
        rt = runtime.current
        self.name = _name(rt, name, "Barrier")
        if rt is not None:
            rt.declare(self.name, "Barrier", value=parties)

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None:
            timeout = self._timeout
        rt = runtime.current
        _hook(rt).point(rt)
        with self._mon:
            self._enter(rt)
            index = self._count
            self._count += 1
            _emit(rt, "wait", self.name, {"arrived": index + 1, "parties": self._parties})
            try:
                if index + 1 == self._parties:
                    self._release(rt)
                else:
                    self._wait(rt, timeout)
                return index
            finally:
                self._count -= 1
                self._exit()

    def _enter(self, rt: Runtime | None) -> None:
        while self._state in (-1, 1):
            self._mon.wait(rt, None, self.name, "wait")
        if self._state < 0:
            raise BrokenBarrierError

    def _release(self, rt: Runtime | None) -> None:
        try:
            if self._action:
                self._action()
            self._state = 1
            _emit(rt, "notify_all", self.name, {"woken": self._mon.waiting, "phase_done": True})
            self._mon.notify_all()
        except BaseException:
            self._break(rt)
            raise

    def _wait(self, rt: Runtime | None, timeout: float | None) -> None:
        if not self._mon.wait_for(rt, lambda: self._state != 0, timeout, self.name, "wait"):
            self._break(rt)
            raise BrokenBarrierError
        if self._state < 0:
            raise BrokenBarrierError

    def _exit(self) -> None:
        if self._count == 0 and self._state in (-1, 1):
            self._state = 0
            self._mon.notify_all()

    def reset(self) -> None:
        rt = runtime.current
        _hook(rt).point(rt)
        with self._mon:
            if self._count > 0:
                if self._state == 0 or self._state == -2:
                    self._state = -1
            else:
                self._state = 0
            _emit(rt, "clear", self.name, {"reset": True})
            self._mon.notify_all()

    def abort(self) -> None:
        rt = runtime.current
        _hook(rt).point(rt)
        with self._mon:
            _emit(rt, "abort", self.name, {"waiting": self._mon.waiting})
            self._break(rt)

    def _break(self, rt: Runtime | None) -> None:
        self._state = -2
        self._mon.notify_all()

    @property
    def parties(self) -> int:
        return self._parties

    @property
    def n_waiting(self) -> int:
        return self._count if self._state == 0 else 0

    @property
    def broken(self) -> bool:
        return self._state == -2

    def __repr__(self) -> str:
        return f"<Barrier {self.name} waiters={self.n_waiting}/{self._parties}>"
