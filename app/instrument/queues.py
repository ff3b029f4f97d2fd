"""A traced drop-in for ``queue.Queue`` (standard library only).

CPython's algorithm (``Lib/queue.py``): one mutex shared by three conditions,
``not_empty``, ``not_full`` and ``all_tasks_done``.  ``queue.Empty`` and ``queue.Full``
are the standard library's own exceptions, so ``except queue.Empty`` keeps working.
"""

from __future__ import annotations

from _thread import allocate_lock
from collections import deque
from queue import Empty, Full
from typing import Any

from app.instrument import runtime
from app.instrument.monitor import Monitor, emit, object_name, point

__all__ = ["Empty", "Full", "Queue"]


def _show(item: Any) -> str:
    text = repr(item)
    return text if len(text) <= 40 else text[:39] + "…"


class Queue:
    """``queue.Queue``; put/get events carry the item (as text) and the size after."""

    def __init__(self, maxsize: int = 0, *, name: str | None = None) -> None:
        self.maxsize = maxsize
        self.queue: deque[Any] = deque()
        mutex = allocate_lock()
        self.not_empty = Monitor(mutex)
        self.not_full = Monitor(mutex)
        self.all_tasks_done = Monitor(mutex)
        self.unfinished_tasks = 0
        rt = runtime.current
        self.name = object_name(rt, name, "Queue")
        if rt is not None:
            rt.declare(self.name, "Queue", value=maxsize)

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        rt = runtime.current
        point(rt)
        with self.not_full:
            if self.maxsize > 0:
                if not block:
                    if len(self.queue) >= self.maxsize:
                        raise Full
                elif timeout is None:
                    while len(self.queue) >= self.maxsize:
                        self.not_full.wait(rt, None, self.name, "put")
                elif timeout < 0:
                    raise ValueError("'timeout' must be a non-negative number")
                else:
                    endtime = runtime.now() + timeout
                    while len(self.queue) >= self.maxsize:
                        remaining = endtime - runtime.now()
                        if remaining <= 0.0:
                            raise Full
                        self.not_full.wait(rt, remaining, self.name, "put")
            self.queue.append(item)
            self.unfinished_tasks += 1
            emit(rt, "put", self.name, {"item": _show(item), "size": len(self.queue)})
            self.not_empty.notify()

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        rt = runtime.current
        point(rt)
        with self.not_empty:
            if not block:
                if not self.queue:
                    raise Empty
            elif timeout is None:
                while not self.queue:
                    self.not_empty.wait(rt, None, self.name, "get")
            elif timeout < 0:
                raise ValueError("'timeout' must be a non-negative number")
            else:
                endtime = runtime.now() + timeout
                while not self.queue:
                    remaining = endtime - runtime.now()
                    if remaining <= 0.0:
                        raise Empty
                    self.not_empty.wait(rt, remaining, self.name, "get")
            item = self.queue.popleft()
            emit(rt, "get", self.name, {"item": _show(item), "size": len(self.queue)})
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
            return len(self.queue)

    def empty(self) -> bool:
        with self.not_empty:
            return not self.queue

    def full(self) -> bool:
        with self.not_empty:
            return 0 < self.maxsize <= len(self.queue)

    def __repr__(self) -> str:
        return f"<Queue {self.name} size={len(self.queue)}/{self.maxsize or '∞'}>"
