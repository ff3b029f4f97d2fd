"""Traced drop-ins for ``queue.Queue``, ``queue.LifoQueue``, ``queue.PriorityQueue`` and
``queue.SimpleQueue`` (standard library only).

CPython's algorithm (``Lib/queue.py``): one mutex shared by three conditions,
``not_empty``, ``not_full`` and ``all_tasks_done``, and the storage behind the four
methods a subclass overrides (``_init``, ``_qsize``, ``_put``, ``_get``) — which is all
``LifoQueue`` and ``PriorityQueue`` change, and what a program's own subclass may change
too.  ``SimpleQueue`` (C in CPython) is an unbounded FIFO whose ``put`` never blocks.
``queue.Empty`` and ``queue.Full`` are the standard library's own exceptions, so
``except queue.Empty`` keeps working.  Every kind is declared as a ``Queue`` (its
``detail.class`` says which), so the page draws them all as queues.
"""

from __future__ import annotations

import heapq
from _thread import allocate_lock
from collections import deque
from queue import Empty, Full
from types import GenericAlias
from typing import TYPE_CHECKING, Any

from app.instrument import runtime
from app.instrument.monitor import Monitor, emit, point
from app.instrument.naming import name_later
from app.instrument.values import text

if TYPE_CHECKING:
    from app.instrument.runtime import Runtime

__all__ = ["Empty", "Full", "LifoQueue", "PriorityQueue", "Queue", "SimpleQueue"]


def show(item: Any) -> str:
    """``item`` as event text, without addresses (``values.text``), cut to 40 characters."""
    shown = text(item)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def _declare(queue: object, name: str | None, maxsize: int) -> None:
    """Name ``queue`` (``naming.py``): declared as a Queue, its class in the detail."""
    kind = type(queue).__name__
    extra = {} if kind == "Queue" else {"class": kind}
    name_later(queue, name, "Queue", {"value": maxsize, **extra})


def _check_timeout(timeout: float) -> None:
    if timeout < 0:
        raise ValueError("'timeout' must be a non-negative number")


class Queue:
    """``queue.Queue``; put/get events carry the item (as text) and the size after."""

    # Slots (and a __dict__, as queue's own): naming puts the class back, which on 3.11
    # would otherwise turn the instance's attributes into a slower dict.
    __slots__ = (
        *("__dict__", "__weakref__", "_naming", "all_tasks_done", "maxsize", "name"),
        *("not_empty", "not_full", "queue", "unfinished_tasks"),
    )
    name: str

    def __init__(self, maxsize: int = 0, *, name: str | None = None) -> None:
        self.maxsize = maxsize
        self._init(maxsize)
        mutex = allocate_lock()
        self.not_empty = Monitor(mutex)
        self.not_full = Monitor(mutex)
        self.all_tasks_done = Monitor(mutex)
        self.unfinished_tasks = 0
        _declare(self, name, maxsize)

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        rt = runtime.current
        point(rt)
        with self.not_full:
            if self.maxsize > 0:
                if not block:
                    if self._qsize() >= self.maxsize:
                        raise Full
                elif timeout is None:
                    while self._qsize() >= self.maxsize:
                        self.not_full.wait(rt, None, self.name, "put")
                else:
                    _check_timeout(timeout)
                    endtime = runtime.now() + timeout
                    while self._qsize() >= self.maxsize:
                        remaining = endtime - runtime.now()
                        if remaining <= 0.0:
                            raise Full
                        self.not_full.wait(rt, remaining, self.name, "put")
            self._put(item)
            self.unfinished_tasks += 1
            emit(rt, "put", self.name, {"item": show(item), "size": self._qsize()})
            self.not_empty.notify()

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        rt = runtime.current
        point(rt)
        with self.not_empty:
            if not block:
                if not self._qsize():
                    raise Empty
            elif timeout is None:
                while not self._qsize():
                    self.not_empty.wait(rt, None, self.name, "get")
            else:
                _check_timeout(timeout)
                endtime = runtime.now() + timeout
                while not self._qsize():
                    remaining = endtime - runtime.now()
                    if remaining <= 0.0:
                        raise Empty
                    self.not_empty.wait(rt, remaining, self.name, "get")
            item = self._get()
            emit(rt, "get", self.name, {"item": show(item), "size": self._qsize()})
            self.not_full.notify()
            return item

    def put_nowait(self, item: Any) -> None:
        self.put(item, block=False)

    def get_nowait(self) -> Any:
        return self.get(block=False)

    def task_done(self) -> None:
        rt = runtime.current
        point(rt)
        with self.all_tasks_done:
            unfinished = self.unfinished_tasks - 1
            if unfinished < 0:
                raise ValueError("task_done() called too many times")
            emit(rt, "task_done", self.name, {"unfinished": unfinished})
            if unfinished == 0:
                self.all_tasks_done.notify_all()
            self.unfinished_tasks = unfinished

    def join(self) -> None:
        rt = runtime.current
        point(rt)
        with self.all_tasks_done:
            emit(rt, "join", self.name, {"unfinished": self.unfinished_tasks})
            while self.unfinished_tasks:
                self.all_tasks_done.wait(rt, None, self.name, "join")

    def qsize(self) -> int:
        with self.not_empty:
            return self._qsize()

    def empty(self) -> bool:
        with self.not_empty:
            return not self._qsize()

    def full(self) -> bool:
        with self.not_empty:
            return 0 < self.maxsize <= self._qsize()

    # The storage, as in CPython: what a subclass overrides.  Called with the mutex held.

    def _init(self, maxsize: int) -> None:
        self.queue: Any = deque()

    def _qsize(self) -> int:
        return len(self.queue)

    def _put(self, item: Any) -> None:
        self.queue.append(item)

    def _get(self) -> Any:
        return self.queue.popleft()

    def __class_getitem__(cls, item: Any) -> GenericAlias:  # Queue[int], as queue's
        return GenericAlias(cls, item)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} size={self._qsize()}/{self.maxsize or '∞'}>"


class LifoQueue(Queue):
    """``queue.LifoQueue``: the last item put is the first got."""

    def _init(self, maxsize: int) -> None:
        self.queue = []

    def _get(self) -> Any:
        return self.queue.pop()


class PriorityQueue(Queue):
    """``queue.PriorityQueue``: the lowest item first (``heapq``), as ``(priority, data)``
    tuples usually arrange."""

    def _init(self, maxsize: int) -> None:
        self.queue = []

    def _put(self, item: Any) -> None:
        heapq.heappush(self.queue, item)

    def _get(self) -> Any:
        return heapq.heappop(self.queue)


class SimpleQueue:
    """``queue.SimpleQueue``: unbounded, FIFO, no task tracking; ``put`` never blocks (its
    ``block`` and ``timeout`` are accepted and ignored, as CPython's are)."""

    __slots__ = ("__dict__", "__weakref__", "_mon", "_naming", "_queue", "name")  # as Queue's
    name: str

    def __init__(self, *, name: str | None = None) -> None:
        self._queue: deque[Any] = deque()
        self._mon = Monitor()
        _declare(self, name, 0)

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        rt = runtime.current
        point(rt)
        self._append(rt, item)

    def _append(self, rt: Runtime | None, item: Any) -> None:
        """The put itself, without a scheduling point: for callers that hold no mutex
        between their own point and this one (the thread pool's submit)."""
        with self._mon:
            self._queue.append(item)
            emit(rt, "put", self.name, {"item": show(item), "size": len(self._queue)})
            self._mon.notify()

    def put_nowait(self, item: Any) -> None:
        self.put(item, block=False)

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        rt = runtime.current
        point(rt)
        with self._mon:
            if not block:
                if not self._queue:
                    raise Empty
            elif timeout is None:
                while not self._queue:
                    self._mon.wait(rt, None, self.name, "get")
            else:
                _check_timeout(timeout)
                endtime = runtime.now() + timeout
                while not self._queue:
                    remaining = endtime - runtime.now()
                    if remaining <= 0.0:
                        raise Empty
                    self._mon.wait(rt, remaining, self.name, "get")
            return self._popleft(rt)

    def get_nowait(self) -> Any:
        return self.get(block=False)

    def _take_all(self, rt: Runtime | None) -> list[Any]:
        """Get every item now, without a scheduling point (a pool's shutdown drains its
        queue under its own mutex, as CPython's does with ``get_nowait``)."""
        with self._mon:
            return [self._popleft(rt) for _ in range(len(self._queue))]

    def _popleft(self, rt: Runtime | None) -> Any:
        item = self._queue.popleft()
        emit(rt, "get", self.name, {"item": show(item), "size": len(self._queue)})
        return item

    def empty(self) -> bool:
        return not self._queue

    def qsize(self) -> int:
        return len(self._queue)

    def __class_getitem__(cls, item: Any) -> GenericAlias:  # Queue[int], as queue's
        return GenericAlias(cls, item)

    def __repr__(self) -> str:
        return f"<SimpleQueue {self.name} size={len(self._queue)}>"
