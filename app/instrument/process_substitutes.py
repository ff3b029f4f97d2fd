"""What a program's ``import multiprocessing`` gets (standard library only): contexts,
``Process``, ``Pool``, ``Queue`` and ``ProcessPoolExecutor`` whose processes are
``processes.TracedProcess`` — a child process as lanes of the run — and whose own
threads (a pool's handlers, an executor's manager, a queue's feeder, a ``ThreadPool``'s
workers) are lanes marked ``internal``; every wait for a pool's or an executor's
results waits for their workers (``processes.awaiting``: for real in a controlled run,
seen by the free-mode deadlock watchdog in a free one).  The default start
method is "spawn" (``processes.DEFAULT_METHOD``).
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.context as mpcontext
import multiprocessing.dummy
import multiprocessing.pool
import multiprocessing.queues
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import ProcessPoolExecutor as _RealProcessPoolExecutor
from types import ModuleType
from typing import Any

from app.instrument import runtime
from app.instrument.library_threads import internal_lane
from app.instrument.processes import DEFAULT_METHOD, TracedProcess, awaiting

__all__ = ["ProcessPoolExecutor", "substitute_namespace"]


class SpawnProcess(TracedProcess, mpcontext.SpawnProcess):
    pass


class ForkProcess(TracedProcess, mpcontext.ForkProcess):
    pass


class ForkServerProcess(TracedProcess, mpcontext.ForkServerProcess):
    pass


class _AwaitedResult:
    """Mixed into a pool's results (by ``__class__``: the pool makes them by their
    module's names): waiting for one waits for the pool's workers (``awaiting``)."""

    _tl_pool: Pool

    def wait(self, timeout: float | None = None) -> None:
        with awaiting(_workers(self._tl_pool), bounded=timeout is not None):
            super().wait(timeout)  # type: ignore[misc]

    def get(self, timeout: float | None = None) -> Any:
        with awaiting(_workers(self._tl_pool), bounded=timeout is not None):
            return super().get(timeout)  # type: ignore[misc]


class _AwaitedIterator(multiprocessing.pool.IMapIterator):  # type: ignore[type-arg]
    """``imap``'s iterator: each wait for the next result waits for the workers."""

    _tl_pool: Pool

    def next(self, timeout: float | None = None) -> Any:
        with awaiting(_workers(self._tl_pool), bounded=timeout is not None):
            return super().next(timeout)

    __next__ = next


# Each kind of result a pool makes, and what it becomes.
_AWAITED: dict[type, type] = {
    cls: type(cls.__name__, (mixin, cls), {})
    for mixin, cls in (
        (_AwaitedResult, multiprocessing.pool.ApplyResult),
        (_AwaitedResult, multiprocessing.pool.MapResult),
        (_AwaitedIterator, multiprocessing.pool.IMapUnorderedIterator),
    )
}
_AWAITED[multiprocessing.pool.IMapIterator] = _AwaitedIterator


def _workers(pool: Pool) -> list[Any]:
    return list(getattr(pool, "_pool", None) or ())


class Pool(multiprocessing.pool.Pool):
    """``multiprocessing.Pool``: its workers are traced processes (its context's), its
    three handler threads internal lanes; every wait for its results, its ``join`` and
    its ``terminate`` (``with`` exit) waits for its workers (``awaiting``)."""

    def __init__(
        self,
        processes: int | None = None,
        initializer: Any = None,
        initargs: Any = (),
        maxtasksperchild: int | None = None,
        context: Any = None,
    ) -> None:
        if context is None:  # ``multiprocessing.pool.Pool(2)``: the program's default
            context = _default.get_context()
        super().__init__(processes, initializer, initargs, maxtasksperchild, context)
        for handler in (self._worker_handler, self._task_handler, self._result_handler):  # type: ignore[attr-defined]
            internal_lane(handler, relay=True)

    def _awaited(self, result: Any) -> Any:
        cls = _AWAITED.get(type(result))
        if cls is None:  # imap's generator (chunksize > 1) over its iterator
            return self._awaited_items(result)
        result.__class__ = cls
        result._tl_pool = self
        return result

    def _awaited_items(self, items: Iterator[Any]) -> Iterator[Any]:
        while True:
            with awaiting(_workers(self)):
                try:
                    item = next(items)
                except StopIteration:
                    return
            yield item

    def apply_async(self, *args: Any, **kwargs: Any) -> Any:
        return self._awaited(super().apply_async(*args, **kwargs))

    def _map_async(self, *args: Any, **kwargs: Any) -> Any:  # map, starmap, their _async
        return self._awaited(super()._map_async(*args, **kwargs))  # type: ignore[misc]

    def imap(self, *args: Any, **kwargs: Any) -> Any:
        return self._awaited(super().imap(*args, **kwargs))

    def imap_unordered(self, *args: Any, **kwargs: Any) -> Any:
        return self._awaited(super().imap_unordered(*args, **kwargs))

    def join(self) -> None:
        with awaiting(_workers(self)):
            super().join()

    def terminate(self) -> None:
        with awaiting(_workers(self), bounded=True):  # it kills them
            super().terminate()


class _PoolThread(multiprocessing.dummy.DummyProcess):
    """A ``ThreadPool`` worker: an internal lane from its start, its operations on it."""

    def run(self) -> None:
        internal_lane(self, bind=True)
        super().run()


class ThreadPool(multiprocessing.pool.ThreadPool):
    """``multiprocessing.pool.ThreadPool`` (``multiprocessing.dummy.Pool``): its workers
    and handlers are threads, internal lanes.  Free mode only: its queues and results
    are the library's, which the controlled scheduler cannot see."""

    def __new__(cls, *args: Any, **kwargs: Any) -> ThreadPool:
        # Refused before the object exists: a half-made pool's __del__ would complain.
        rt = runtime.current
        if rt is not None and rt.controlled:
            raise RuntimeError(
                "multiprocessing's ThreadPool (multiprocessing.dummy.Pool) cannot run under "
                "the controlled scheduler: its threads wait on the library's own queues and "
                "events. Use concurrent.futures.ThreadPoolExecutor, or run in free mode."
            )
        return super().__new__(cls)

    def __init__(
        self, processes: int | None = None, initializer: Any = None, initargs: Any = ()
    ) -> None:
        super().__init__(processes, initializer, initargs)
        for handler in (self._worker_handler, self._task_handler, self._result_handler):  # type: ignore[attr-defined]
            internal_lane(handler)

    @staticmethod
    def Process(ctx: Any, *args: Any, **kwds: Any) -> Any:
        return _PoolThread(*args, **kwds)


class Queue(multiprocessing.queues.Queue):  # type: ignore[type-arg]
    """``multiprocessing.Queue``: its feeder thread is an internal lane."""

    def _start_thread(self) -> None:
        super()._start_thread()  # type: ignore[misc]
        internal_lane(self._thread)  # type: ignore[attr-defined]


class _Context(mpcontext.BaseContext):
    """What the traced contexts add to the real ones: a traced Pool and Queue."""

    def Pool(
        self,
        processes: int | None = None,
        initializer: Any = None,
        initargs: Any = (),
        maxtasksperchild: int | None = None,
    ) -> Pool:
        return Pool(processes, initializer, initargs, maxtasksperchild, context=self.get_context())

    def Queue(self, maxsize: int = 0) -> Queue:
        return Queue(maxsize, ctx=self.get_context())

    def get_context(self, method: str | None = None) -> mpcontext.BaseContext:  # type: ignore[override]
        return self if method is None else traced_context(method)


class SpawnContext(_Context, mpcontext.SpawnContext):
    Process = SpawnProcess


class ForkContext(_Context, mpcontext.ForkContext):
    Process = ForkProcess


class ForkServerContext(_Context, mpcontext.ForkServerContext):
    Process = ForkServerProcess


_CONTEXTS: dict[str, mpcontext.BaseContext] = {
    "spawn": SpawnContext(),
    "fork": ForkContext(),
    "forkserver": ForkServerContext(),
}


def traced_context(method: str) -> mpcontext.BaseContext:
    """The traced context of a start method ("spawn", "fork", "forkserver")."""
    try:
        ctx = _CONTEXTS[method]
    except KeyError:
        raise ValueError(f"cannot find context for {method!r}") from None
    ctx._check_available()  # private
    return ctx


class DefaultContext(_Context, mpcontext.DefaultContext):
    """``multiprocessing``'s module-level functions, for one execution of a program:
    "spawn" unless it sets another start method."""

    def __init__(self) -> None:
        super().__init__(_CONTEXTS[DEFAULT_METHOD])

    def get_context(self, method: str | None = None) -> mpcontext.BaseContext:  # type: ignore[override]
        if method is None:
            return mpcontext.DefaultContext.get_context(self, None)  # not _Context's
        return traced_context(method)


_default = DefaultContext()


class Process(TracedProcess, mpcontext.Process):
    """``multiprocessing.Process``: started with the default context's method."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        return _default.get_context().Process._Popen(process_obj)  # type: ignore[attr-defined]

    @staticmethod
    def _after_fork() -> None:
        return _default.get_context().Process._after_fork()  # type: ignore[attr-defined,no-any-return]


class ProcessPoolExecutor(_RealProcessPoolExecutor):
    """``concurrent.futures.ProcessPoolExecutor`` whose workers are traced processes."""

    def __init__(
        self,
        max_workers: int | None = None,
        mp_context: mpcontext.BaseContext | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        if mp_context is None:
            mp_context = _default.get_context()
        elif not isinstance(mp_context.Process, type) or not issubclass(  # type: ignore[attr-defined]
            mp_context.Process,  # type: ignore[attr-defined]
            TracedProcess,
        ):
            mp_context = traced_context(mp_context.get_start_method())
        super().__init__(max_workers, mp_context, *args, **kwargs)

    def _start_executor_manager_thread(self) -> None:
        started = self._executor_manager_thread
        super()._start_executor_manager_thread()
        if started is None:
            internal_lane(self._executor_manager_thread, relay=True)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:  # map too
        future = super().submit(fn, *args, **kwargs)
        future.__class__ = _AwaitedFuture
        future._tl_processes = self._processes  # type: ignore[attr-defined]  # kept: shutdown drops it
        future._tl_name = f"ProcessFuture-{next(_futures)}"  # type: ignore[attr-defined]
        future._condition.mutex = future._condition  # type: ignore[attr-defined]  # as a Monitor
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with awaiting((self._processes or {}).values() if wait else ()):
            super().shutdown(wait, cancel_futures=cancel_futures)


class _AwaitedFuture(Future):  # type: ignore[type-arg]
    """A process executor's future: waiting for it waits for the executor's workers."""

    _tl_processes: dict[int, Any]

    def result(self, timeout: float | None = None) -> Any:
        with awaiting(self._tl_processes.values(), bounded=timeout is not None):
            return super().result(timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        with awaiting(self._tl_processes.values(), bounded=timeout is not None):
            return super().exception(timeout)

    # What the traced ``concurrent.futures.wait`` and ``as_completed`` (completion.py)
    # take of a future: its monitor, its watchers (the real future reports to its
    # ``_waiters`` as it completes, from the executor's manager thread), its name.
    _tl_name: str

    @property
    def _mon(self) -> threading.Condition:
        return self._condition  # its ``mutex`` is itself (``submit``)

    def waiting_outside(self) -> Any:
        """A controlled run's wait for it is a real one, for the executor's workers:
        a context marking that wait (completion.py waits for real inside it)."""
        return awaiting(self._tl_processes.values())

    @property
    def _watchers(self) -> list[Any]:
        return self._waiters

    @property
    def name(self) -> str:
        return self._tl_name


_futures = itertools.count(1)


def substitute_namespace() -> dict[str, object]:
    """The names a program's ``multiprocessing`` gets over the real module's: a fresh
    default context (start method "spawn") for each execution."""
    global _default
    _default = DefaultContext()
    names: dict[str, object] = {
        name: getattr(_default, name) for name in dir(_default) if not name.startswith("_")
    }
    names["Process"] = Process
    names["context"] = multiprocessing.context
    names.update(_SUBMODULES)  # ``import multiprocessing.pool``: ``multiprocessing.pool.Pool``
    return names


def _submodule(real: ModuleType, overrides: dict[str, object]) -> ModuleType:
    module = ModuleType(real.__name__, real.__doc__)
    vars(module).update(vars(real))
    vars(module).update(overrides)
    return module


# What a program gets for ``multiprocessing.pool`` and ``multiprocessing.dummy``, by the
# attribute's name; ``submodules()`` by the module's (for ``from multiprocessing.pool
# import Pool``, which the import hook hands out by module name).
_SUBMODULES: dict[str, ModuleType] = {
    "pool": _submodule(multiprocessing.pool, {"Pool": Pool, "ThreadPool": ThreadPool}),
    "dummy": _submodule(multiprocessing.dummy, {"Pool": ThreadPool}),
}


def submodules() -> dict[str, ModuleType]:
    """``multiprocessing``'s traced submodules by module name (``multiprocessing.pool``)."""
    return {f"multiprocessing.{name}": module for name, module in _SUBMODULES.items()}
