"""An event loop in a controlled run (standard library only).

The controlled scheduler steers threads, and a loop is one thread; what it can steer
inside a loop is made so here, on the loop object itself (``steer``, called by
``tasks.install_factory`` in a controlled run):

- **time** is the run's virtual clock: ``loop.time()`` is ``runtime.now()``, and when the
  loop would wait for its next timer it sleeps that long through the scheduler instead
  (the loop's thread is Blocked in a ``sleep``; with nothing else to run the clock jumps
  to the deadline), so ``asyncio.sleep`` and timeouts expire in a fixed order;
- **the order of ready tasks** comes from the policy's seeded random numbers: each time a
  task's step is scheduled (``call_soon`` of its ``__step`` or ``__wakeup``), it goes to a
  seeded place among the task steps at the end of the ready queue, so the seed decides
  which ready task runs first.  Other callbacks keep their FIFO order.  ``round_robin``
  and ``manual`` keep the loop's own FIFO order.

It uses a selector loop's private parts (``_call_soon``, ``_ready``, ``_selector``), the
same from 3.11 to 3.13; a loop without them is left as it is.  Threads the loop starts
(``to_thread``, ``run_in_executor(None, …)``) cannot be steered: in a controlled run
they fail at once with a ``RuntimeError`` that says so.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from app.instrument import runtime
from app.instrument.runtime import Runtime

__all__ = ["steer"]

_MIN_WAIT = 1e-6  # the clock's tick: a wait shorter than that would not move it


def steer(loop: asyncio.AbstractEventLoop, rt: Runtime, is_task: Any) -> bool:
    """Put ``loop`` under the run's clock and seed; False if it lacks the parts."""
    ready = getattr(loop, "_ready", None)
    real_call_soon = getattr(loop, "_call_soon", None)
    selector = getattr(loop, "_selector", None)
    if not isinstance(ready, deque) or real_call_soon is None or selector is None:
        return False
    policy = getattr(rt.hook, "policy", None)
    rng: random.Random | None = getattr(policy, "rng", None)

    def call_soon(callback: Any, args: Any, context: Any) -> Any:
        handle = real_call_soon(callback, args, context)
        if rng is not None and is_task(getattr(callback, "__self__", None)):
            _place(ready, rng, is_task)
        return handle

    loop.set_default_executor(_NoThreads())
    loop.time = runtime.now  # type: ignore[method-assign]
    loop._call_soon = call_soon  # type: ignore[attr-defined]
    loop._selector = _Selector(selector, rt)  # type: ignore[attr-defined]
    return True


def _place(ready: deque[Any], rng: random.Random, is_task: Any) -> None:
    """Move the task step just appended to a seeded place among the task steps that end
    the queue (never before another callback: those keep their order)."""
    tail = 0
    for handle in reversed(ready):
        if not is_task(getattr(handle._callback, "__self__", None)):
            break
        tail += 1
    if tail < 2:
        return
    back = rng.randrange(tail)  # 0: stays last
    if back:
        handle = ready.pop()
        ready.rotate(back)
        ready.append(handle)
        ready.rotate(-back)


class _NoThreads(ThreadPoolExecutor):
    """The loop's default executor in a controlled run: ``to_thread`` and
    ``run_in_executor(None, …)`` would start threads the scheduler cannot steer, so they
    fail at once, saying so (and why), instead of hanging the run."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "asyncio.to_thread (the loop's default executor) cannot run in controlled mode: "
            "its threads are the loop's own, which the scheduler does not steer. "
            "Run this program in free mode."
        )


class _Selector:
    """The loop's selector, waiting in the run's virtual time."""

    def __init__(self, real: Any, rt: Runtime) -> None:
        self._real = real
        self._rt = rt

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def select(self, timeout: float | None = None) -> Any:
        events = self._real.select(0)
        if events or (timeout is not None and timeout <= 0):
            return events
        rt = self._rt
        if timeout is None or runtime.current is not rt:
            return self._real.select(timeout)  # nothing due: only I/O can wake the loop
        rt.hook.sleep(rt, max(timeout, _MIN_WAIT), "sleep")
        return self._real.select(0)
