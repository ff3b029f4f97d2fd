"""Traced drop-ins for asyncio's primitives (standard library only; free mode).

Subclasses of ``asyncio.Lock``, ``Semaphore``, ``Event`` and ``Queue`` (and of
``TaskGroup``, and wrappers of ``sleep``, ``wait``, ``wait_for`` and ``to_thread``) with
the standard semantics: each is named after the program's code (``naming.py``), records
what a task does with it on the task's lane (``acquire``, ``release``, ``put``, ``get``,
``wait``, ``set``, ``sleep``), and tells the task's lane what the task is about to wait
for, so that its ``block`` names it (``tasks.py``).  A ``Condition`` records only its
``notify``/``notify_all``: its waits are read from the chain of awaits, and it is named
at its first wait or notify (``asyncio_waits.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

from app.instrument import asyncio_waits, runtime, tasks
from app.instrument.naming import name_later

__all__ = [
    "Condition",
    "Event",
    "Lock",
    "Queue",
    "Semaphore",
    "TaskGroup",
    "sleep",
    "to_thread",
    "wait",
    "wait_for",
]

T = TypeVar("T")


def _op(kind: str, obj: str | None, detail: dict[str, Any] | None = None) -> None:
    rt = runtime.current
    if rt is None:
        return
    lane = tasks.current_lane()
    if lane is None or lane.info is None:
        rt.emit(kind, obj, detail)  # outside a task (a callback): the loop's thread
    else:
        rt.emit(kind, obj, {**(detail or {}), **tasks.TASK}, info=lane.info)


@contextmanager
def _awaiting(mark: Callable[[], tuple[str, str | None, dict[str, Any]]]) -> Iterator[None]:
    """While in the block, a suspend of the running task waits for ``mark()``."""
    lane = tasks.current_lane()
    if lane is None:
        yield
        return
    before, lane.mark = lane.mark, mark
    try:
        yield
    finally:
        lane.mark = before


def _name(obj: Any) -> str | None:
    return obj.name if runtime.current is not None else None


class Lock(asyncio.Lock):
    """``asyncio.Lock``, traced."""

    name: str

    def __init__(self) -> None:
        super().__init__()
        name_later(self, None, "Lock", {"asyncio": True})

    async def acquire(self) -> Literal[True]:
        name = _name(self)
        with _awaiting(lambda: ("acquire", name, {})):
            await super().acquire()
        _op("acquire", name)
        return True

    def release(self) -> None:
        if self.locked():
            _op("release", _name(self))
        super().release()


class Semaphore(asyncio.Semaphore):
    """``asyncio.Semaphore``, traced."""

    name: str

    def __init__(self, value: int = 1) -> None:
        super().__init__(value)
        name_later(self, None, "Semaphore", {"value": value, "asyncio": True})

    async def acquire(self) -> Literal[True]:
        name = _name(self)
        with _awaiting(lambda: ("acquire", name, {})):
            await super().acquire()
        _op("acquire", name, {"value": self._value})
        return True

    def release(self) -> None:
        _op("release", _name(self), {"value": self._value + 1})
        super().release()


class Event(asyncio.Event):
    """``asyncio.Event``, traced."""

    name: str

    def __init__(self) -> None:
        super().__init__()
        name_later(self, None, "Event", {"asyncio": True})

    async def wait(self) -> Literal[True]:
        name = _name(self)
        _op("wait", name, {"timeout": None, "already_set": self.is_set()})
        with _awaiting(lambda: ("wait", name, {"timeout": None})):
            return await super().wait()

    def set(self) -> None:
        if not self.is_set():
            _op("set", _name(self), {"woken": len(self._waiters)})
        super().set()

    def clear(self) -> None:
        _op("clear", _name(self))
        super().clear()


class Condition(asyncio.Condition):
    """``asyncio.Condition``; a notify is recorded, ``woken`` the task lanes it wakes."""

    def notify(self, n: int = 1) -> None:
        woken = self._to_wake(n)
        super().notify(n)
        self._told("notify", woken)

    def notify_all(self) -> None:
        woken = self._to_wake(len(self._waiters))
        super().notify(len(self._waiters))  # what asyncio's does, without our notify's event
        self._told("notify_all", woken)

    def _to_wake(self, n: int) -> list[str]:
        """The task lanes a notify of ``n`` wakes: asyncio sets the first ``n`` waiters'
        futures not done yet (read before, while each still has its task's callback)."""
        if runtime.current is None:
            return []
        futures = [fut for fut in self._waiters if not fut.done()][:n]
        return [name for name in map(tasks.awaited_by, futures) if name is not None]

    def _told(self, kind: str, woken: list[str]) -> None:
        if runtime.current is None:
            return
        waiting = sum(1 for fut in self._waiters if not fut.done())
        name = asyncio_waits.condition_name(self)
        _op(kind, name, {"woken": woken, "waiting": waiting})


class Queue(asyncio.Queue[Any]):
    """``asyncio.Queue``, traced."""

    name: str

    def __init__(self, maxsize: int = 0) -> None:
        super().__init__(maxsize)
        name_later(self, None, "Queue", {"value": maxsize, "asyncio": True})

    async def put(self, item: Any) -> None:
        name = _name(self)
        with _awaiting(lambda: ("put", name, {"timeout": None})):
            return await super().put(item)

    async def get(self) -> Any:
        name = _name(self)
        with _awaiting(lambda: ("get", name, {"timeout": None})):
            return await super().get()

    def put_nowait(self, item: Any) -> None:
        super().put_nowait(item)
        _op("put", _name(self), {"item": repr(item)[:40], "size": self.qsize()})

    def get_nowait(self) -> Any:
        item = super().get_nowait()
        _op("get", _name(self), {"item": repr(item)[:40], "size": self.qsize()})
        return item


class TaskGroup(asyncio.TaskGroup):
    """``asyncio.TaskGroup``: waiting at the end of its block is a wait for its tasks."""

    async def __aexit__(self, et: Any, exc: Any, tb: Any) -> Any:
        group: set[Any] = self._tasks
        with _awaiting(lambda: tasks.join_mark(sorted(group, key=_order), "taskgroup")):
            return await super().__aexit__(et, exc, tb)


def _order(task: Any) -> str:
    return str(task.get_name())


def sleep(delay: float, result: T | None = None) -> Coroutine[Any, Any, T | None]:
    """``asyncio.sleep``: the task sleeps (Blocked), the loop runs the others.  A
    ``sleep(0)`` is the real one, a bare yield (``preempt`` with ``yield: true``)."""
    if delay <= 0:
        return asyncio.sleep(delay, result)
    return _sleep(delay, result)


async def _sleep(delay: float, result: T | None) -> T | None:
    _op("sleep", None, {"seconds": delay})
    lane = tasks.current_lane()
    if lane is None:
        return await asyncio.sleep(delay, result)
    before, lane.mark = lane.mark, lambda: ("sleep", None, {"seconds": delay})
    try:
        return await asyncio.sleep(delay, result)
    finally:
        lane.mark = before


async def wait(
    fs: Any, *, timeout: float | None = None, return_when: str = asyncio.ALL_COMPLETED
) -> tuple[set[Any], set[Any]]:
    """``asyncio.wait``: a wait for its tasks, by name (``tasks``)."""
    waited = list(fs)
    with _awaiting(lambda: tasks.join_mark(waited, "tasks", timeout=timeout)):
        done, pending = await asyncio.wait(waited, timeout=timeout, return_when=return_when)
    return done, pending


async def wait_for(fut: Any, timeout: float | None) -> Any:
    """``asyncio.wait_for``.  From 3.12 asyncio runs a coroutine in the awaiting task
    itself (the lane would show its inner wait); made a task first, as 3.11 does, it is
    a lane the awaiting task joins, with the timeout, on every version."""
    if asyncio.iscoroutine(fut):
        fut = asyncio.ensure_future(fut)
    return await asyncio.wait_for(fut, timeout)


async def to_thread(func: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """``asyncio.to_thread``: the task waits for a thread of the loop's pool."""
    what = getattr(func, "__name__", type(func).__name__)
    with _awaiting(lambda: ("wait", None, {"to_thread": what})):
        return await asyncio.to_thread(func, *args, **kwargs)


tasks.LANE_CODES.add(to_thread.__code__)  # a task of it is a lane of its own
