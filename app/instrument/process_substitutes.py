"""What a program's ``import multiprocessing`` gets (standard library only): contexts,
``Process``, ``Pool``, ``Queue`` and ``ProcessPoolExecutor`` whose processes are
``processes.TracedProcess`` — a child process as lanes of the run — and whose own
threads (a pool's handlers, an executor's manager, a queue's feeder) are lanes marked
``internal``.  The default start method is "spawn" (``processes.DEFAULT_METHOD``).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context as mpcontext
import multiprocessing.pool
import multiprocessing.queues
import threading
from concurrent.futures import ProcessPoolExecutor as _RealProcessPoolExecutor
from typing import Any

from app.instrument import runtime
from app.instrument.events import NEW, RUNNABLE, RUNNING
from app.instrument.processes import DEFAULT_METHOD, TracedProcess

__all__ = ["ProcessPoolExecutor", "substitute_namespace"]


class SpawnProcess(TracedProcess, mpcontext.SpawnProcess):
    pass


class ForkProcess(TracedProcess, mpcontext.ForkProcess):
    pass


class ForkServerProcess(TracedProcess, mpcontext.ForkServerProcess):
    pass


def _internal(thread: threading.Thread | None) -> None:
    """Show a thread the library started for itself (a pool's handlers, an executor's
    manager, a queue's feeder) as a lane of the run, marked ``internal``: adopted as
    ``Runtime`` adopts a stranger, its end noticed the same way (``reap_adopted``).
    Free mode only: the controlled scheduler has no place for a thread it cannot steer."""
    rt = runtime.current
    if rt is None or rt.controlled or thread is None or not thread.is_alive():
        return
    info = rt.new_thread(thread.name, daemon=True)
    info.extra["os_thread"] = thread
    with rt._lock:
        rt.adopted.append(info)
    rt.emit("create", state=NEW, info=info, detail={"adopted": True, "internal": True})
    rt.emit("start", state=RUNNABLE, info=info)
    rt.emit("run", state=RUNNING, info=info)


class Pool(multiprocessing.pool.Pool):
    """``multiprocessing.Pool``: its workers are traced processes (its context's), its
    three handler threads internal lanes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for handler in (self._worker_handler, self._task_handler, self._result_handler):  # type: ignore[attr-defined]
            _internal(handler)


class Queue(multiprocessing.queues.Queue):  # type: ignore[type-arg]
    """``multiprocessing.Queue``: its feeder thread is an internal lane."""

    def _start_thread(self) -> None:
        super()._start_thread()  # type: ignore[misc]
        _internal(self._thread)  # type: ignore[attr-defined]


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


class SpawnContext(_Context, mpcontext.SpawnContext):
    Process = SpawnProcess

    def get_context(self, method: str | None = None) -> mpcontext.BaseContext:  # type: ignore[override]
        return self if method is None else traced_context(method)


class ForkContext(_Context, mpcontext.ForkContext):
    Process = ForkProcess

    def get_context(self, method: str | None = None) -> mpcontext.BaseContext:  # type: ignore[override]
        return self if method is None else traced_context(method)


class ForkServerContext(_Context, mpcontext.ForkServerContext):
    Process = ForkServerProcess

    def get_context(self, method: str | None = None) -> mpcontext.BaseContext:  # type: ignore[override]
        return self if method is None else traced_context(method)


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
            return super().get_context(None)
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
            _internal(self._executor_manager_thread)


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
    return names
