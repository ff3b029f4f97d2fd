"""The threads an event loop starts, in a controlled run (standard library only).

``asyncio.to_thread`` and ``loop.run_in_executor`` hand a function to a pool thread and
the loop waits for the result to come back through ``call_soon_threadsafe``.  In a
controlled run both ends are put where the scheduler sees them (``Helpers``, installed
by ``asyncio_controlled.steer``):

- **the pool** is the traced ``ThreadPoolExecutor`` (``executor.py``), made at the
  first ``to_thread``: its threads are named as CPython names the loop's default
  executor's (``asyncio_0``…), are lanes of the run marked ``internal: true``, and are
  scheduled at their traced operations like every other thread;
- **the loop's wait** for a result is a traced wait of its thread (``block``, reason
  ``wait``, ``timeout`` the next timer's, or null), which a ``call_soon_threadsafe``
  from another thread ends: the scheduler sees the loop's thread Blocked and the pool
  thread Runnable, instead of a thread stuck in ``select`` holding the baton.  A loop
  with no job pending, no timer and no I/O waits the same way for a call from the
  program's own thread.

So which thread runs when is the scheduler's choice, in virtual time, and a seed
repeats the same order.  Shutting the executor down is done on the loop's thread (a
traced join of its threads), not on a thread of asyncio's own as ``asyncio.run`` would.
"""

from __future__ import annotations

import asyncio
from _thread import allocate_lock
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor as RealPool
from typing import Any

from app.instrument.executor import ThreadPoolExecutor
from app.instrument.runtime import Runtime

__all__ = ["Helpers"]

_PREFIX = "asyncio"  # CPython's default executor: threads asyncio_0, asyncio_1…


class Helpers(RealPool):
    """A steered loop's default executor and what its thread waits on for results (a
    real pool's subclass only because ``set_default_executor`` insists: it never starts
    a thread of its own)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, rt: Runtime) -> None:
        super().__init__(max_workers=1)
        self._rt = rt
        # Made at the first job (no events before); its threads named as asyncio names
        # them (asyncio_0…), which threads.py marks ``internal: true``.
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[asyncio.Future[Any]] = []  # results the loop still awaits
        self._wake = allocate_lock()  # released by a call from another thread
        self._wake.acquire()
        self._threadsafe = loop.call_soon_threadsafe
        self._run_in_executor = loop.run_in_executor
        loop.call_soon_threadsafe = self._call_soon_threadsafe  # type: ignore[method-assign,assignment]
        loop.run_in_executor = self._run  # type: ignore[method-assign,assignment]
        loop.shutdown_default_executor = self._shutdown_here  # type: ignore[method-assign]
        loop.set_default_executor(self)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(thread_name_prefix=_PREFIX)
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait, cancel_futures=cancel_futures)

    async def _shutdown_here(self, *_: Any) -> None:
        """``loop.shutdown_default_executor``: on the loop's thread, a traced join."""
        self.shutdown(wait=True)

    def _run(self, executor: Any, func: Callable[..., Any], *args: Any) -> Any:
        """``loop.run_in_executor`` (any executor of the run): its result is awaited."""
        future = self._run_in_executor(executor, func, *args)
        self._pending.append(future)
        return future

    def _call_soon_threadsafe(self, callback: Any, *args: Any, context: Any = None) -> Any:
        handle = self._threadsafe(callback, *args, context=context)
        if self._wake.locked():  # one thread at a time runs: no race with another release
            self._wake.release()
        return handle

    def busy(self) -> bool:
        """Does the loop await a result a thread will hand back?"""
        self._pending = [f for f in self._pending if not f.done()]
        return bool(self._pending)

    def wait(self, timeout: float | None) -> None:
        """The loop's thread waits, through the scheduler, for a thread's call or its
        next timer (``timeout``; None: only a call can end it)."""
        self._rt.hook.acquire(self._rt, self._wake, timeout, None, "wait", loop=True)
