"""A traced drop-in for ``concurrent.futures.Future`` (standard library only).

CPython's algorithm (``Lib/concurrent/futures/_base.py``): a state under a condition,
and the waiters of ``wait``/``as_completed`` (``completion.py``) that each future reports
to.  Here the condition is a ``Monitor``, so ``result()`` and ``exception()`` hand their
wait to the run's hook: a visible block and wake, scheduled in controlled mode, timed on
the run's clock.  A future's mutex is never held across a scheduling point
(done-callbacks run after it is let go, as in CPython).  The exceptions are the
standard library's own, and ``Future`` is a subclass of the real one, so ``except
CancelledError`` and ``asyncio.wrap_future`` keep working.  Futures hash by creation
order in the run, so a set of them iterates in the same order every run — as a
controlled run must.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import _base
from concurrent.futures._base import (
    _STATE_TO_DESCRIPTION_MAP,
    CANCELLED,
    CANCELLED_AND_NOTIFIED,
    FINISHED,
    LOGGER,
    PENDING,
    RUNNING,
    CancelledError,
    InvalidStateError,
)
from itertools import count
from typing import TYPE_CHECKING, Any, TypeVar, cast

from app.instrument import runtime
from app.instrument.monitor import Monitor, emit, point
from app.instrument.naming import name_later
from app.instrument.queues import show

if TYPE_CHECKING:
    from app.instrument.completion import Waiter
    from app.instrument.runtime import Runtime

__all__ = ["Future"]

_T = TypeVar("_T")

_hashes: weakref.WeakKeyDictionary[Runtime, Iterator[int]] = weakref.WeakKeyDictionary()
_outside = count(1)


def _next_hash(rt: Runtime | None) -> int:
    if rt is None:
        return next(_outside)
    return next(_hashes.setdefault(rt, count(1)))


class Future(_base.Future[_T]):
    """``concurrent.futures.Future``; events on it: ``wait`` (result, exception), ``set``
    (a result, an exception or a cancel, in its detail)."""

    name: str

    def __init__(self, *, name: str | None = None) -> None:
        # Not the real Future's __init__: its condition would be an untraced one.
        self._mon = Monitor()
        self._state = PENDING
        self._result = None
        self._exception = None
        self._watchers: list[Waiter] = []
        self._done_callbacks: list[Callable[[Future[_T]], object]] = []
        rt = runtime.current
        self._hash = _next_hash(rt)
        name_later(self, name, "Future")

    def __hash__(self) -> int:
        return self._hash

    def _invoke_callbacks(self) -> None:
        for callback in self._done_callbacks:
            try:
                callback(self)
            except Exception:
                LOGGER.exception("exception calling callback for %r", self)

    def __repr__(self) -> str:
        with self._mon:
            return self._describe()

    def _describe(self) -> str:
        state = _STATE_TO_DESCRIPTION_MAP[self._state]
        head = f"<{type(self).__name__} at {self.name} state={state}"
        if self._state == FINISHED:
            if self._exception is not None:
                return f"{head} raised {type(self._exception).__name__}>"
            return f"{head} returned {type(self._result).__name__}>"
        return head + ">"

    def cancel(self) -> bool:
        rt = runtime.current
        point(rt)
        with self._mon:
            if self._state in (RUNNING, FINISHED):
                return False
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED):
                return True
            self._state = CANCELLED
            emit(rt, "set", self.name, {"cancel": True, "woken": self._mon.waiting})
            self._mon.notify_all()
        self._invoke_callbacks()
        return True

    def cancelled(self) -> bool:
        return self._state in (CANCELLED, CANCELLED_AND_NOTIFIED)

    def running(self) -> bool:
        return self._state == RUNNING

    def done(self) -> bool:
        return self._state in (CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED)

    def add_done_callback(self, fn: Callable[[_base.Future[_T]], object]) -> None:
        with self._mon:
            if self._state not in (CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED):
                self._done_callbacks.append(fn)
                return
        try:
            fn(self)
        except Exception:
            LOGGER.exception("exception calling callback for %r", self)

    def _wait(self, rt: Runtime | None, timeout: float | None) -> None:
        """With the mutex held: wait once for the future to be done (CPython's single
        ``condition.wait(timeout)``: only a cancel or a set notifies)."""
        done = self.done()
        emit(rt, "wait", self.name, {"timeout": timeout, "already_set": done})
        if not done:
            self._mon.wait(rt, None if timeout is None else max(timeout, 0), self.name, "wait")

    def result(self, timeout: float | None = None) -> _T:
        rt = runtime.current
        point(rt)
        try:
            with self._mon:
                self._wait(rt, timeout)
                if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED):
                    raise CancelledError()
                if self._state != FINISHED:
                    raise TimeoutError()
                if self._exception is not None:
                    raise self._exception
                return cast(_T, self._result)
        finally:
            self = None  # type: ignore[assignment]  # as CPython: no cycle via a traceback

    def exception(self, timeout: float | None = None) -> BaseException | None:
        rt = runtime.current
        point(rt)
        with self._mon:
            self._wait(rt, timeout)
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED):
                raise CancelledError()
            if self._state != FINISHED:
                raise TimeoutError()
            return self._exception

    def set_running_or_notify_cancel(self) -> bool:
        with self._mon:
            if self._state == CANCELLED:
                self._state = CANCELLED_AND_NOTIFIED
                for waiter in self._watchers:
                    waiter.add_cancelled(self)
                return False
            if self._state == PENDING:
                self._state = RUNNING
                return True
            LOGGER.critical("Future %s in unexpected state: %s", self.name, self._state)
            raise RuntimeError("Future in unexpected state")

    def set_result(self, result: _T) -> None:
        self._finish(result, None)

    def set_exception(self, exception: BaseException | None) -> None:
        self._finish(None, exception)

    def _finish(self, result: Any, exception: BaseException | None) -> None:
        rt = runtime.current
        point(rt)
        with self._mon:
            if self._state in (CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED):
                raise InvalidStateError(f"{self._state}: {self._describe()}")
            self._result, self._exception, self._state = result, exception, FINISHED
            for waiter in self._watchers:
                if exception is None:
                    waiter.add_result(self)
                else:
                    waiter.add_exception(self)
            outcome = (
                {"result": show(result)}
                if exception is None
                else {"error": f"{type(exception).__name__}: {exception}"}
            )
            emit(rt, "set", self.name, {**outcome, "woken": self._mon.waiting})
            self._mon.notify_all()
        self._invoke_callbacks()
