"""Traced drop-ins for ``concurrent.futures.wait`` and ``as_completed`` (standard
library only).

CPython's algorithm (``Lib/concurrent/futures/_base.py``): the caller installs a waiter
on every future, and each future reports to it when it completes, under the future's
mutex.  Here the waiter's event is a flag under a ``Monitor``, so setting it is no
scheduling point and waiting on it is handed to the run's hook: a visible block and
wake (on the first pending future, all of them in ``detail.futures``), scheduled in
controlled mode, timed on the run's clock.  Sets of futures come back in the order the
futures were made (``Future.__hash__``), the same every run.  A process executor's
futures: a controlled run waits for them for real (``_outside``); a free run's wait is
marked as a wait for the executor's workers, for the deadlock watchdog (``_free``).
"""

from __future__ import annotations

from _thread import allocate_lock
from collections.abc import Iterable, Iterator
from concurrent.futures import _base
from concurrent.futures._base import (
    ALL_COMPLETED,
    CANCELLED_AND_NOTIFIED,
    FINISHED,
    FIRST_COMPLETED,
    FIRST_EXCEPTION,
    DoneAndNotDoneFutures,
)
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

from app.instrument import processes, runtime
from app.instrument.futures import Future
from app.instrument.monitor import Monitor, emit, point

if TYPE_CHECKING:
    from app.instrument.runtime import Runtime

__all__ = ["as_completed", "wait"]

_T = TypeVar("_T")
_DONE = (CANCELLED_AND_NOTIFIED, FINISHED)  # what wait() and as_completed() count as done
_AS_COMPLETED = "_AS_COMPLETED"


class Waiter:
    """What ``wait``/``as_completed`` park on; futures report to it under their mutex,
    so setting it is no scheduling point."""

    def __init__(self) -> None:
        self._mon = Monitor()
        self._flag = False
        self.lock = allocate_lock()  # guards finished_futures (never around the flag)
        self.finished_futures: list[Future[Any]] = []

    def set(self) -> None:
        with self._mon:
            self._flag = True
            self._mon.notify_all()

    def clear(self) -> None:
        with self._mon:
            self._flag = False

    def wait(self, rt: Runtime | None, timeout: float | None, obj: str) -> None:
        with self._mon:
            self._mon.wait_for(rt, lambda: self._flag, timeout, obj, "wait")

    def add_result(self, future: Future[Any]) -> None:
        self.finished_futures.append(future)

    def add_exception(self, future: Future[Any]) -> None:
        self.finished_futures.append(future)

    def add_cancelled(self, future: Future[Any]) -> None:
        self.finished_futures.append(future)


class _AsCompletedWaiter(Waiter):
    def add_result(self, future: Future[Any]) -> None:
        with self.lock:
            super().add_result(future)
        self.set()

    def add_exception(self, future: Future[Any]) -> None:
        with self.lock:
            super().add_exception(future)
        self.set()

    def add_cancelled(self, future: Future[Any]) -> None:
        with self.lock:
            super().add_cancelled(future)
        self.set()


class _FirstCompletedWaiter(Waiter):
    def add_result(self, future: Future[Any]) -> None:
        super().add_result(future)
        self.set()

    def add_exception(self, future: Future[Any]) -> None:
        super().add_exception(future)
        self.set()

    def add_cancelled(self, future: Future[Any]) -> None:
        super().add_cancelled(future)
        self.set()


class _AllCompletedWaiter(Waiter):
    def __init__(self, num_pending_calls: int, stop_on_exception: bool) -> None:
        self.num_pending_calls = num_pending_calls
        self.stop_on_exception = stop_on_exception
        super().__init__()

    def _decrement_pending_calls(self) -> None:
        with self.lock:
            self.num_pending_calls -= 1
            last = not self.num_pending_calls
        if last:
            self.set()

    def add_result(self, future: Future[Any]) -> None:
        super().add_result(future)
        self._decrement_pending_calls()

    def add_exception(self, future: Future[Any]) -> None:
        super().add_exception(future)
        if self.stop_on_exception:
            self.set()
        else:
            self._decrement_pending_calls()

    def add_cancelled(self, future: Future[Any]) -> None:
        super().add_cancelled(future)
        self._decrement_pending_calls()


class _AcquireFutures:
    """Every future's mutex, taken in one order (by id, as CPython) so two callers
    cannot deadlock; nothing in between is a scheduling point."""

    def __init__(self, futures: Iterable[Future[Any]]) -> None:
        self.futures = sorted(futures, key=id)

    def __enter__(self) -> None:
        for future in self.futures:
            future._mon.mutex.acquire()

    def __exit__(self, *args: object) -> None:
        for future in self.futures:
            future._mon.mutex.release()


def _install_waiter(fs: set[Future[Any]], return_when: str) -> Waiter:
    waiter: Waiter
    if return_when == _AS_COMPLETED:
        waiter = _AsCompletedWaiter()
    elif return_when == FIRST_COMPLETED:
        waiter = _FirstCompletedWaiter()
    else:
        pending_count = sum(f._state not in _DONE for f in fs)
        if return_when == FIRST_EXCEPTION:
            waiter = _AllCompletedWaiter(pending_count, stop_on_exception=True)
        elif return_when == ALL_COMPLETED:
            waiter = _AllCompletedWaiter(pending_count, stop_on_exception=False)
        else:
            raise ValueError(f"Invalid return condition: {return_when!r}")
    for f in fs:
        f._watchers.append(waiter)
    return waiter


def _uninstall(fs: Iterable[Future[Any]], waiter: Waiter) -> None:
    for f in fs:
        with f._mon:
            f._watchers.remove(waiter)


def _names(fs: Iterable[Future[Any]]) -> list[str]:
    return [f.name for f in sorted(fs, key=hash)]


def _pair(done: set[Future[_T]], not_done: set[Future[_T]]) -> DoneAndNotDoneFutures[_T]:
    # The named tuple is typed with the real Future; ours is a subclass of it.
    return DoneAndNotDoneFutures(cast("set[_base.Future[_T]]", done), cast(Any, not_done))


def _outside(futures: set[Future[Any]]) -> list[Any]:
    """In a controlled run, the waits for these futures if they complete outside the
    schedule (a process executor's: ``waiting_outside``, which makes a context that
    marks the wait for its children); empty if none does.  Refused if only some do: one wait
    cannot both wait for real and be scheduled."""
    rt = runtime.current
    if rt is None or not rt.controlled:
        return []
    outside = [f.waiting_outside for f in futures if hasattr(f, "waiting_outside")]
    if outside and len(outside) < len(futures):
        raise RuntimeError(
            "concurrent.futures.wait and as_completed cannot wait for a "
            "ProcessPoolExecutor's futures together with threads' futures under the "
            "controlled scheduler: wait for each group on its own, or run in free mode."
        )
    return outside


@contextmanager
def _free(pending: set[Future[Any]], timeout: float | None) -> Iterator[None]:
    """A free run's wait for pending futures of process executors (a future of one keeps
    its executor's workers: ``_tl_processes``) is a wait for their workers, every
    executor's at once (``processes.awaiting``): the watchdog takes it as blocked for
    good while they can never end (``bounded``: a timeout ends it).  A thread's future
    among them is left to the watchdog's other rules: the threads that could complete
    it are lanes it sees, and must all be stuck too."""
    rt = runtime.current
    executors = {id(p): p for f in pending if (p := getattr(f, "_tl_processes", None))}
    if rt is None or rt.controlled or not executors:
        yield
        return
    children = [child for workers in executors.values() for child in list(workers.values())]
    with processes.awaiting(children, bounded=timeout is not None):
        yield


@contextmanager
def _all(outside: list[Any]) -> Iterator[None]:
    with ExitStack() as stack:
        for waiting in outside:
            stack.enter_context(waiting())  # a fresh context each time: entered once
        yield


def wait(
    fs: Iterable[Future[_T]], timeout: float | None = None, return_when: str = ALL_COMPLETED
) -> DoneAndNotDoneFutures[_T]:
    """``concurrent.futures.wait``: (done, not_done) once ``return_when`` holds or
    ``timeout`` has passed."""
    futures = set(fs)
    outside = _outside(futures)
    if outside:  # children run free: wait for them for real (in real time)
        with _all(outside):
            return _base.wait(futures, timeout, return_when)
    rt = runtime.current
    point(rt)
    with _AcquireFutures(futures):
        done = {f for f in futures if f._state in _DONE}
        not_done = futures - done
        if (return_when == FIRST_COMPLETED) and done:
            return _pair(done, not_done)
        if (return_when == FIRST_EXCEPTION) and any(
            f._state == FINISHED and f._exception is not None for f in done
        ):
            return _pair(done, not_done)
        if len(done) == len(futures):
            return _pair(done, not_done)
        waiter = _install_waiter(futures, return_when)
        pending = _names(not_done)
        emit(
            rt,
            "wait",
            pending[0],
            {"timeout": timeout, "futures": pending, "return_when": return_when},
        )
    with _free(not_done, timeout):
        waiter.wait(rt, timeout, pending[0])
    _uninstall(futures, waiter)
    done.update(waiter.finished_futures)
    return _pair(done, futures - done)


def as_completed(fs: Iterable[Future[_T]], timeout: float | None = None) -> Iterator[Future[_T]]:
    """``concurrent.futures.as_completed``: each future as it completes (those already
    done first); TimeoutError once ``timeout`` has passed with some still pending."""
    futures = set(fs)
    outside = _outside(futures)
    if outside:  # children run free: each next one waited for for real
        yield from _as_completed_outside(futures, timeout, outside)
        return
    end_time = None if timeout is None else timeout + runtime.now()
    total_futures = len(futures)
    rt = runtime.current
    point(rt)
    with _AcquireFutures(futures):
        done = sorted((f for f in futures if f._state in _DONE), key=hash)
        pending = futures - set(done)
        waiter = _install_waiter(futures, _AS_COMPLETED)
    # As CPython: yielded from the end, so the first finished comes out first.
    finished = list(reversed(done))
    try:
        yield from _yield_finished(finished, waiter, (futures,))
        while pending:
            wait_timeout = None
            if end_time is not None:
                wait_timeout = end_time - runtime.now()
                if wait_timeout < 0:
                    raise TimeoutError(f"{len(pending)} (of {total_futures}) futures unfinished")
            names = _names(pending)
            emit(rt, "wait", names[0], {"timeout": wait_timeout, "futures": names})
            with _free(pending, wait_timeout):
                waiter.wait(rt, wait_timeout, names[0])
            with waiter.lock:
                finished = waiter.finished_futures
                waiter.finished_futures = []
                waiter.clear()
            finished.reverse()  # keep finishing order
            yield from _yield_finished(finished, waiter, (futures, pending))
    finally:
        _uninstall(futures, waiter)


def _as_completed_outside(
    futures: set[Future[_T]], timeout: float | None, outside: list[Any]
) -> Iterator[Future[_T]]:
    # Marked as waiting for the children only while it waits, not between two yields.
    found = _base.as_completed(futures, timeout)
    while True:
        with _all(outside):
            future = next(found, None)
        if future is None:
            return
        yield cast("Future[_T]", future)


def _yield_finished(
    fs: list[Future[_T]], waiter: Waiter, ref_collect: tuple[set[Future[_T]], ...]
) -> Iterator[Future[_T]]:
    while fs:
        f = fs[-1]
        for futures_set in ref_collect:
            futures_set.remove(f)
        with f._mon:
            f._watchers.remove(waiter)
        del f
        yield fs.pop()  # no reference kept to a yielded future
