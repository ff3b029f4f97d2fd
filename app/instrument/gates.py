"""Traced drop-ins for ``threading.Event`` and ``threading.Barrier`` (standard library
only): gates that threads wait at until one opens them (``set``) or until enough of them
arrive.

Both follow CPython's own algorithm (``Lib/threading.py``) on purpose: ``Event`` is a
flag under a condition (here a ``Monitor``), ``Barrier`` CPython's state machine
(filling, draining, resetting, broken) with the same ``BrokenBarrierError`` — the
standard library's own class, so ``except threading.BrokenBarrierError`` keeps working.
State changes are recorded while the internal mutex is held (docs/contracts.md, "The
log is a consistent history").
"""

from __future__ import annotations

from collections.abc import Callable
from threading import BrokenBarrierError
from typing import TYPE_CHECKING, Any

from app.instrument import runtime
from app.instrument.monitor import Monitor, emit, point
from app.instrument.naming import name_later

if TYPE_CHECKING:
    from app.instrument.runtime import Runtime

__all__ = ["Barrier", "BrokenBarrierError", "Event"]


class Event:
    """``threading.Event``."""

    # Slots (and a __dict__, as threading's own): naming puts the class back, which
    # on 3.11 would otherwise turn the instance's attributes into a slower dict.
    __slots__ = ("__dict__", "__weakref__", "_flag", "_mon", "_naming", "name")
    name: str

    def __init__(self, *, name: str | None = None) -> None:
        self._mon = Monitor()
        self._flag = False
        name_later(self, name, "Event")

    def is_set(self) -> bool:
        return self._flag

    def set(self) -> None:
        rt = runtime.current
        point(rt)
        with self._mon:
            emit(rt, "set", self.name, {"woken": self._mon.waiting})
            self._flag = True
            self._mon.notify_all()

    def clear(self) -> None:
        rt = runtime.current
        point(rt)
        with self._mon:
            emit(rt, "clear", self.name)
            self._flag = False

    def wait(self, timeout: float | None = None) -> bool:
        rt = runtime.current
        point(rt)
        with self._mon:
            signaled = self._flag
            emit(rt, "wait", self.name, {"timeout": timeout, "already_set": signaled})
            if not signaled:
                wait = None if timeout is None else max(timeout, 0)
                signaled = self._mon.wait(rt, wait, self.name, "wait")
            return signaled

    def __repr__(self) -> str:
        # CPython's repr, with the log's name where the address goes: output repeats.
        return f"<threading.Event at {self.name}: {'set' if self._flag else 'unset'}>"


# Barrier states, as CPython numbers them.
_FILLING, _DRAINING, _RESETTING, _BROKEN = 0, 1, -1, -2


class Barrier:
    """``threading.Barrier``."""

    __slots__ = (  # as Event's
        *("__dict__", "__weakref__", "_action", "_count", "_mon", "_naming"),
        *("_parties", "_state", "_timeout", "name"),
    )
    name: str

    def __init__(
        self,
        parties: int,
        action: Callable[[], Any] | None = None,
        timeout: float | None = None,
        *,
        name: str | None = None,
    ) -> None:
        self._mon = Monitor()
        self._action = action
        self._timeout = timeout
        self._parties = parties
        self._state = _FILLING
        self._count = 0
        name_later(self, name, "Barrier", {"value": parties})

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None:
            timeout = self._timeout
        rt = runtime.current
        point(rt)
        with self._mon:
            self._enter(rt)
            index = self._count
            self._count += 1
            emit(rt, "wait", self.name, {"arrived": index + 1, "parties": self._parties})
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
        """Wait while the previous phase drains or a reset is under way."""
        while self._state in (_RESETTING, _DRAINING):
            self._mon.wait(rt, None, self.name, "wait")
        if self._state < 0:
            raise BrokenBarrierError

    def _release(self, rt: Runtime | None) -> None:
        """The last party arrived: run the action and let everyone through."""
        try:
            if self._action:
                self._action()
            self._state = _DRAINING
            emit(rt, "notify_all", self.name, {"woken": self._mon.waiting, "phase_done": True})
            self._mon.notify_all()
        except BaseException:
            self._break()
            raise

    def _wait(self, rt: Runtime | None, timeout: float | None) -> None:
        """Wait for the last party; a timeout breaks the barrier."""
        if not self._mon.wait_for(rt, lambda: self._state != _FILLING, timeout, self.name, "wait"):
            self._break()
            raise BrokenBarrierError
        if self._state < 0:
            raise BrokenBarrierError

    def _exit(self) -> None:
        """The last one out of a drained (or reset) barrier opens it for the next phase."""
        if self._count == 0 and self._state in (_RESETTING, _DRAINING):
            self._state = _FILLING
            self._mon.notify_all()

    def reset(self) -> None:
        rt = runtime.current
        point(rt)
        with self._mon:
            if self._count > 0:
                if self._state in (_FILLING, _BROKEN):
                    self._state = _RESETTING
            else:
                self._state = _FILLING
            emit(rt, "clear", self.name, {"reset": True})
            self._mon.notify_all()

    def abort(self) -> None:
        rt = runtime.current
        point(rt)
        with self._mon:
            emit(rt, "abort", self.name, {"waiting": self._mon.waiting})
            self._break()

    def _break(self) -> None:
        self._state = _BROKEN
        self._mon.notify_all()

    @property
    def parties(self) -> int:
        return self._parties

    @property
    def n_waiting(self) -> int:
        return self._count if self._state == _FILLING else 0

    @property
    def broken(self) -> bool:
        return self._state == _BROKEN

    def __repr__(self) -> str:
        if self.broken:
            return f"<threading.Barrier at {self.name}: broken>"
        return f"<threading.Barrier at {self.name}: waiters={self.n_waiting}/{self._parties}>"
