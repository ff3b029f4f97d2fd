"""Traced drop-ins for ``threading.Lock`` and ``threading.RLock`` (standard library
only).

``Lock`` wraps a raw lock; ``RLock`` is CPython's pure-Python RLock (``_PyRLock`` in
``Lib/threading.py``: an owner and a count over a raw lock), so both keep the standard
semantics — timeouts, ``blocking=False``, the same exceptions with the same messages.
An acquire is recorded after the real acquire and a release before the real release, so
the log never shows a lock taken before it was given back (docs/contracts.md, "The log
is a consistent history").  Both also speak the protocol ``Condition`` uses
(``_is_owned``, ``_release_save``, ``_acquire_restore``), as threading's locks do.
"""

from __future__ import annotations

from _thread import allocate_lock, get_ident

from app.instrument import runtime
from app.instrument.monitor import acquire, emit, lock_timeout, point
from app.instrument.naming import name_later

__all__ = ["Lock", "RLock"]


class Lock:
    """``threading.Lock``; named in the log after the code that made it (``naming.py``).
    ``name=`` is for our own code and the tests, not a program: ``threading.Lock``
    takes no arguments."""

    # Slots, as threading's own lock has no __dict__: naming changes the class back once
    # named, which on 3.11 would turn an instance dict into a slower one.
    __slots__ = ("__weakref__", "_naming", "_raw", "name")
    name: str

    def __init__(self, *, name: str | None = None) -> None:
        self._raw = allocate_lock()
        name_later(self, name, "Lock")

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
        wait = lock_timeout(blocking, timeout)
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
        if not self._raw.locked():  # before the event: the log never shows a bogus release
            raise RuntimeError("release unlocked lock")
        emit(runtime.current, "release", self.name)
        self._raw.release()

    def _acquire_restore(self, _saved: None) -> None:
        rt = runtime.current
        acquire(rt, self._raw, None, self.name, "acquire")
        emit(rt, "acquire", self.name)

    def __repr__(self) -> str:
        # CPython's repr, with the log's name where the address goes: output repeats.
        return f"<{'locked' if self.locked() else 'unlocked'} _thread.lock object at {self.name}>"


def _owner_id() -> object:
    """Who owns an RLock.  Inside a run: the run's thread, not the OS thread ident —
    CPython reuses the ident of a dead thread for a new one, which would let the new
    thread 're-enter' a lock its dead predecessor never released."""
    rt = runtime.current
    return rt.me() if rt is not None else get_ident()


class RLock:
    """``threading.RLock``: the owner may re-acquire; ``detail.depth`` is the recursion."""

    __slots__ = ("__weakref__", "_count", "_naming", "_owner", "_raw", "name")
    name: str

    def __init__(self, *, name: str | None = None) -> None:
        self._raw = allocate_lock()
        self._owner: object = None
        self._count = 0
        name_later(self, name, "RLock")

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        me = _owner_id()
        wait = lock_timeout(blocking, timeout)
        rt = runtime.current
        point(rt)
        if self._owner == me:
            self._count += 1
            emit(rt, "acquire", self.name, {"depth": self._count})
            return True
        if not acquire(rt, self._raw, wait, self.name, "acquire"):
            return False
        self._owner, self._count = me, 1
        emit(rt, "acquire", self.name, {"depth": 1})
        return True

    def release(self) -> None:
        if self._owner != _owner_id():
            raise RuntimeError("cannot release un-acquired lock")
        rt = runtime.current
        point(rt)
        self._count -= 1
        emit(rt, "release", self.name, {"depth": self._count})
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
        if self._count == 0:  # as CPython's; and no release event for it
            raise RuntimeError("cannot release un-acquired lock")
        saved = (self._count, self._owner)
        emit(runtime.current, "release", self.name, {"depth": 0, "released": self._count})
        self._count, self._owner = 0, None
        self._raw.release()
        return saved

    def _acquire_restore(self, saved: tuple[int, object]) -> None:
        rt = runtime.current
        acquire(rt, self._raw, None, self.name, "acquire")
        self._count, self._owner = saved
        emit(rt, "acquire", self.name, {"depth": self._count})

    def __repr__(self) -> str:
        state = "locked" if self._count else "unlocked"
        owner = getattr(self._owner, "name", self._owner or 0)  # a run's thread, by name
        return f"<{state} _thread.RLock object owner={owner} count={self._count} at {self.name}>"
