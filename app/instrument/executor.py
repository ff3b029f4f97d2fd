"""A traced drop-in for ``concurrent.futures.ThreadPoolExecutor`` (standard library only).

CPython's algorithm (``Lib/concurrent/futures/thread.py``): ``submit`` puts a work item
on a ``SimpleQueue`` and starts another worker while there are fewer than
``max_workers`` and none is idle; each worker takes items until it gets the ``None``
that ``shutdown`` (or the executor's garbage collection) puts there.  The workers are
traced ``Thread``s named as CPython names them (``ThreadPoolExecutor-0_0``, the pool's
number counted per run), the queue a traced ``SimpleQueue`` and the futures traced
``Future``s, so in controlled mode the pool's threads are scheduled like any other.

The executor's own bookkeeping (CPython's shutdown lock and idle semaphore) sits under
an untraced mutex never held across a scheduling point: a worker is created under it
but started after it is let go, and ``shutdown`` waits on a gate that opens once the
worker has started, before joining it.

As at interpreter exit, ``python_exit`` — called by the worker when the program's main
returns — wakes and joins every pool's workers of the run, so a pool never shut down
still finishes its work and the run ends.
"""

from __future__ import annotations

import os
import threading
import weakref
from _thread import allocate_lock
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from concurrent.futures._base import LOGGER
from concurrent.futures.thread import BrokenThreadPool
from itertools import count
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from app.instrument import runtime
from app.instrument.futures import Future
from app.instrument.monitor import acquire, point
from app.instrument.queues import SimpleQueue
from app.instrument.runtime import RunOver
from app.instrument.threads import Thread

if TYPE_CHECKING:
    from _thread import LockType

    from app.instrument.runtime import Runtime

__all__ = ["ThreadPoolExecutor", "python_exit"]

_T = TypeVar("_T")
_P = ParamSpec("_P")


class _Worker:
    """A pool thread; ``gate`` is held until the thread has been started."""

    __slots__ = ("gate", "queue", "started", "thread")

    def __init__(self, thread: Thread, queue: SimpleQueue) -> None:
        self.thread = thread
        self.queue = queue
        self.gate = allocate_lock()
        self.gate.acquire()
        self.started = False

    def start(self) -> None:
        try:
            self.thread.start()
            self.started = True
        finally:
            self.gate.release()

    def join(self, rt: Runtime | None) -> None:
        if self.gate.locked():  # its submit has not started it yet
            acquire(rt, self.gate, None, self.thread.name, "join")
            self.gate.release()
        if self.started:
            self.thread.join()


class _Pools:
    """The thread pools of one run (or of the process, outside a run)."""

    def __init__(self) -> None:
        self.numbers: Iterator[int] = count()
        self.exiting = False  # CPython's module-level _shutdown
        self.workers: list[_Worker] = []
        self.lock = allocate_lock()


_runs: weakref.WeakKeyDictionary[Runtime, _Pools] = weakref.WeakKeyDictionary()
_process: _Pools | None = None


def _pools(rt: Runtime | None) -> _Pools:
    global _process
    if rt is not None:
        return _runs.setdefault(rt, _Pools())
    if _process is None:
        _process = _Pools()
        # As concurrent.futures does at import: join the workers before the interpreter's
        # own join of non-daemon threads.
        getattr(threading, "_register_atexit")(lambda: _exit(None, _process))  # noqa: B009
    return _process


def python_exit(rt: Runtime) -> None:
    """What the interpreter does at exit for thread pools, for the run ``rt``: no more
    submits, a ``None`` to every worker, then join them all.  Call it from the run's
    MainThread after the program's main returned."""
    pools = _runs.get(rt)
    if pools is not None:
        _exit(rt, pools)


def _exit(rt: Runtime | None, pools: _Pools | None) -> None:
    if pools is None:
        return
    with pools.lock:
        pools.exiting = True
        workers = list(pools.workers)
    for worker in workers:
        worker.queue.put(None)
    for worker in workers:
        worker.join(rt)


class _WorkItem:
    def __init__(
        self, future: Future[Any], fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any
    ) -> None:
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs

    def run(self) -> None:
        if not self.future.set_running_or_notify_cancel():
            return
        try:
            result = self.fn(*self.args, **self.kwargs)
        except RunOver:
            raise
        except BaseException as exc:
            self.future.set_exception(exc)
            self = None  # type: ignore[assignment]  # as CPython: no cycle via the traceback
        else:
            self.future.set_result(result)

    def __repr__(self) -> str:
        # What the queue's put/get events show: the call, never an address.
        args = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"{getattr(self.fn, '__name__', 'task')}({', '.join(args)})"


def _worker(
    executor_reference: weakref.ref[ThreadPoolExecutor],
    work_queue: SimpleQueue,
    pools: _Pools,
    initializer: Callable[..., object] | None,
    initargs: tuple[Any, ...],
) -> None:
    if initializer is not None:
        try:
            initializer(*initargs)
        except RunOver:
            raise
        except BaseException:
            LOGGER.critical("Exception in initializer:", exc_info=True)
            executor = executor_reference()
            if executor is not None:
                executor._initializer_failed()
            return
    try:
        while True:
            work_item = work_queue.get(block=True)
            if work_item is not None:
                work_item.run()
                del work_item  # as CPython: let the item's result go at once
                executor = executor_reference()
                if executor is not None:
                    executor._now_idle()
                del executor
                continue
            executor = executor_reference()
            if pools.exiting or executor is None or executor._shutdown:
                if executor is not None:
                    executor._shutdown = True
                work_queue.put(None)  # wake the next worker, so it ends too
                return
            del executor
    except RunOver:
        raise
    except BaseException:
        LOGGER.critical("Exception in worker", exc_info=True)


class ThreadPoolExecutor(Executor):
    """``concurrent.futures.ThreadPoolExecutor``."""

    def __init__(
        self,
        max_workers: int | None = None,
        thread_name_prefix: str = "",
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
    ) -> None:
        if max_workers is None:
            max_workers = min(32, (os.cpu_count() or 1) + 4)
        if max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        rt = runtime.current
        self._pools = _pools(rt)
        self._max_workers = max_workers
        self._thread_name_prefix = thread_name_prefix or (
            f"ThreadPoolExecutor-{next(self._pools.numbers)}"
        )
        self._work_queue = SimpleQueue(name=f"{self._thread_name_prefix}.work_queue")
        self._mutex: LockType = allocate_lock()  # CPython's _shutdown_lock
        self._idle = 0  # CPython's _idle_semaphore
        self._workers: list[_Worker] = []
        self._broken: str | bool = False
        self._shutdown = False
        self._initializer = initializer
        self._initargs = initargs

    def submit(self, fn: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        rt = runtime.current
        point(rt)
        with self._mutex:
            if self._broken:
                raise BrokenThreadPool(self._broken)
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if self._pools.exiting:
                raise RuntimeError("cannot schedule new futures after interpreter shutdown")
            future: Future[_T] = Future()
            self._work_queue._append(rt, _WorkItem(future, fn, args, kwargs))
            worker = self._adjust_thread_count()
        if worker is not None:
            worker.start()
        return future

    def _adjust_thread_count(self) -> _Worker | None:
        """With the mutex held: a new worker to start, if no idle one will take the item
        and the pool may grow."""
        if self._idle > 0:
            self._idle -= 1
            return None
        num_threads = len(self._workers)
        if num_threads >= self._max_workers:
            return None

        def weakref_cb(_: object, q: SimpleQueue = self._work_queue) -> None:
            # The executor was collected: wake the workers (no event: this may run
            # anywhere, even in a thread that is not the run's).
            q._append(None, None)

        thread = Thread(
            name=f"{self._thread_name_prefix or self}_{num_threads}",
            target=_worker,
            args=(
                weakref.ref(self, weakref_cb),
                self._work_queue,
                self._pools,
                self._initializer,
                self._initargs,
            ),
        )
        worker = _Worker(thread, self._work_queue)
        self._workers.append(worker)
        with self._pools.lock:
            self._pools.workers.append(worker)
        return worker

    def _now_idle(self) -> None:
        with self._mutex:
            self._idle += 1

    def _initializer_failed(self) -> None:
        rt = runtime.current
        with self._mutex:
            self._broken = "A thread initializer failed, the thread pool is not usable anymore"
            drained = self._work_queue._take_all(rt)
        for work_item in drained:
            if work_item is not None:
                work_item.future.set_exception(BrokenThreadPool(self._broken))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        rt = runtime.current
        point(rt)
        with self._mutex:
            self._shutdown = True
            drained = self._work_queue._take_all(rt) if cancel_futures else []
            # Wake the workers blocked in get(), so they see the shutdown and end.
            self._work_queue._append(rt, None)
            workers = list(self._workers)
        for work_item in drained:
            if work_item is not None:
                work_item.future.cancel()
        if wait:
            for worker in workers:
                worker.join(rt)

    def map(
        self,
        fn: Callable[..., _T],
        *iterables: Iterable[Any],
        timeout: float | None = None,
        chunksize: int = 1,
    ) -> Iterator[_T]:
        """``Executor.map``: every call submitted at once; results in order, each
        within what is left of ``timeout`` (on the run's clock)."""
        del chunksize  # only a process pool uses it, as in CPython
        end_time = None if timeout is None else timeout + runtime.now()
        fs = [self.submit(fn, *args) for args in zip(*iterables, strict=False)]

        def result_iterator() -> Iterator[_T]:
            try:
                fs.reverse()  # careful not to keep a reference to a popped future
                while fs:
                    if end_time is None:
                        yield _result_or_cancel(fs.pop())
                    else:
                        yield _result_or_cancel(fs.pop(), end_time - runtime.now())
            finally:
                for future in fs:
                    future.cancel()

        return result_iterator()


def _result_or_cancel(fut: Future[_T], timeout: float | None = None) -> _T:
    try:
        try:
            return fut.result(timeout)
        finally:
            fut.cancel()
    finally:
        del fut  # as CPython: break the reference cycle with the exception
