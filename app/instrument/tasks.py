"""asyncio tasks as lanes (standard library only).

A program that imports ``asyncio`` gets a substitute module (``stdlib.py``) whose
``run`` gives the event loop a *task factory*: every task the loop makes wraps its
coroutine in ``_Traced``, which sees each resume (``Task.__step`` calling ``send`` or
``throw``: C code on 3.11, so the coroutine is followed from the outside) and each
suspend (what ``send`` returns: the future the coroutine awaits, or ``None`` for a bare
yield).  So does a task of a ``to_thread(...)`` the program made (``gather`` makes one of
each it is given): ``LANE_CODES``.  Each task is a lane of its own with the five thread
states:

- ``create``/``start`` (New, Runnable) when the loop makes it (it is scheduled at once),
  recorded just after ``create_task`` returns, once its ``name=`` is set;
- ``run`` (Running) each time the loop resumes it, on the line of the ``await`` it
  resumes at;
- ``block`` (Blocked) each time it suspends on a future, on the ``await``'s line, with
  what it waits for by name: an ``asyncio.Lock``/``Semaphore``/``Event``/``Queue`` of
  the program (``asyncio_prims.py``), a task it awaits (``join``), the first pending
  child of a ``gather``, a ``TaskGroup`` or an ``asyncio.wait``, a sleep — and what
  asyncio's own waits (``Condition``, ``wait_for``, ``as_completed``, ``timeout``) wait
  for, read from the chain of awaits (``asyncio_waits.py``);
- ``wake`` (Runnable) when that future is done (its callbacks run before the task's);
  in a controlled run, when its loop offers it to the scheduler as ready (``_offer``);
- ``preempt`` (Runnable, ``yield: true``) for a bare yield (``await asyncio.sleep(0)``);
- ``exit`` (Dead) when the coroutine returns, raises (``error``) or is cancelled
  (``cancel: true``).

Every event of a task lane carries ``task: true``; its ``create`` also names the loop's
thread (``loop``) and the coroutine (``target``).  Only one coroutine of a loop runs at
a time, so at most one task lane of a loop is Running at any instant.  The loop's
thread keeps its own lane: a ``time.sleep`` in a coroutine is that thread's sleep while
the task stays Running — every other task waits (``app/analysis/loop_blocking.py``).

In controlled mode the loop is also put under the run's virtual clock and scheduler
(``asyncio_controlled.py``): which ready task runs next is a scheduling point (the
policy, the replayed ``choices`` or the person picks, and the pick is in ``schedule``),
a task is told Runnable (``wake``) when it is offered there, timers expire in virtual
time, and ``to_thread``'s threads are traced threads the scheduler steers
(``asyncio_threads.py``).
"""

from __future__ import annotations

import asyncio
import collections.abc
import re
import sys
import threading
import weakref
from collections.abc import Callable, Generator
from typing import Any

from app.instrument import asyncio_waits, runtime
from app.instrument.asyncio_controlled import steer
from app.instrument.events import BLOCKED, DEAD, NEW, RUNNABLE, RUNNING, TIMED_OUT
from app.instrument.program import PROGRAM_FILES
from app.instrument.runtime import Runtime, ThreadInfo, raised_at

__all__ = [
    "LANE_CODES",
    "Lane",
    "Runner",
    "awaited_by",
    "current_lane",
    "factory",
    "gather",
    "install_factory",
    "lanes_of",
    "run",
]

TASK = {"task": True}  # the detail every event of a task lane carries (never mutated)
_DEFAULT_NAME = re.compile(r"Task-\d+")
Mark = Callable[[], tuple[str, "str | None", dict[str, Any]]]


class Lane:
    """One task of a run: its lane (a ``ThreadInfo`` the runtime does not schedule)."""

    __slots__ = ("__weakref__", "coro", "info", "line", "loop", "mark", "rt", "steered", "task")

    def __init__(
        self, rt: Runtime, coro: Any, loop: str, line: int | None, steered: bool = False
    ) -> None:
        self.rt = rt
        self.coro = coro
        self.loop = loop  # the loop thread's lane
        self.line = line  # where the program made it
        self.info: ThreadInfo | None = None  # once born
        self.task: asyncio.Task[Any] | None = None
        self.mark: Mark | None = None  # what the next suspend waits for, if we know
        self.steered = steered  # its loop is steered: its wakes are told when offered

    def name(self) -> str:
        return self.birth().name

    def birth(self) -> ThreadInfo:
        """Record ``create`` and ``start`` once, with the task's name as it is now."""
        if self.info is not None:
            return self.info
        assert self.task is not None
        name = self.task.get_name()
        # "None": CPython 3.13.0's create_task names a factory's task after its
        # ``name=None`` (so a task the program names "None" is numbered there too).
        if _DEFAULT_NAME.fullmatch(name) or name == "None":  # numbered per run
            name = f"Task-{self.rt.count('Task')}"
            self.task.set_name(name)
        info = self.info = ThreadInfo(self.rt.unique(name), daemon=False)
        target = getattr(self.coro, "__qualname__", type(self.coro).__name__)
        detail = {"task": True, "loop": self.loop, "target": target}
        self.rt.emit("create", None, detail, state=NEW, info=info, line=self.line)
        self.rt.emit("start", None, TASK, state=RUNNABLE, info=info, line=self.line)
        return info


# Code of our own coroutines that stand for a program's call (``asyncio_prims.to_thread``):
# a task of one is a lane like a task of the program's coroutine (``gather`` makes one).
LANE_CODES: set[Any] = set()
_steered: weakref.WeakSet[Any] = weakref.WeakSet()  # loops under a controlled run's scheduler
_births: list[Lane] = []  # tasks made whose create is not recorded yet
_lanes: weakref.WeakKeyDictionary[Any, Lane] = weakref.WeakKeyDictionary()  # task → lane
_gathers: weakref.WeakKeyDictionary[Any, list[Any]] = weakref.WeakKeyDictionary()
_local = threading.local()  # ``lane``: the task lane whose coroutine runs on this thread


def _flush() -> None:
    while _births:
        lane = _births.pop(0)
        if runtime.current is lane.rt:  # not one left over from an earlier run
            lane.birth()


def current_lane() -> Lane | None:
    """The task lane running on the calling thread now, if any."""
    lane: Lane | None = getattr(_local, "lane", None)
    return lane


def _program_line(frame: Any) -> int | None:
    while frame is not None:
        if frame.f_code.co_filename in PROGRAM_FILES:
            return int(frame.f_lineno)
        frame = frame.f_back
    return None


def _await_line(coro: Any) -> int | None:
    """The line of the innermost ``await`` in the program's code along the chain of
    awaits from ``coro`` (its own frame, or a program coroutine it awaits)."""
    line = None
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None and frame.f_code.co_filename in PROGRAM_FILES:
            line = frame.f_lineno
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return line


def _lane_name(task: Any) -> str | None:
    lane = _lanes.get(task)
    return lane.name() if lane is not None else None


def awaited_by(fut: Any) -> str | None:
    """The task lane waiting for ``fut`` (its wakeup among ``fut``'s callbacks), if any."""
    for callback, _ in getattr(fut, "_callbacks", None) or ():
        try:
            lane = _lanes.get(getattr(callback, "__self__", None))
        except TypeError:  # not a task (an unhashable owner)
            continue
        if lane is not None:
            return lane.name()
    return None


def lanes_of(rt: Runtime) -> list[Any]:
    """The tasks that are lanes of the run ``rt``, in the order they were made."""
    return [task for task, lane in list(_lanes.items()) if lane.rt is rt]


def join_mark(tasks: Any, key: str, **extra: Any) -> tuple[str, str | None, dict[str, Any]]:
    """A wait for several tasks: on the first one not done, all of them named."""
    names = [n for n in (_lane_name(t) for t in tasks) if n is not None]
    pending = [_lane_name(t) for t in tasks if not t.done()]
    first = next((n for n in pending if n is not None), names[0] if names else None)
    return "join", first, {key: names, **extra}


def _describe(fut: Any) -> tuple[str, str | None, dict[str, Any]]:
    if fut in _lanes:
        return "join", _lane_name(fut), {}
    children = _gathers.get(fut)
    if children is not None:
        return join_mark(children, "gather")
    return "wait", None, {}


class _Traced(collections.abc.Coroutine):  # type: ignore[type-arg]
    """A task's coroutine, seen from outside: each ``send``/``throw`` is one step."""

    __slots__ = ("_coro", "_lane", "_line")

    def __init__(self, coro: Any, lane: Lane) -> None:
        self._coro = coro
        self._lane = lane
        self._line = self._where()  # where it resumes next

    def _where(self) -> int | None:
        # A ``to_thread`` lane has no await of the program: the line that made it.
        return _await_line(self._coro) or self._lane.line

    def __getattr__(self, name: str) -> Any:
        # What asyncio's repr and get_stack look at: __qualname__, cr_frame, cr_await…
        return getattr(self._coro, name)

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coro.__await__()  # type: ignore[no-any-return]

    def send(self, value: Any) -> Any:
        return self._step(self._coro.send, value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if val is None and tb is None:
            return self._step(self._coro.throw, typ)
        return self._step(lambda _: self._coro.throw(typ, val, tb), None)

    def close(self) -> None:
        self._coro.close()
        info = self._lane.info
        if info is not None and info.state != DEAD and runtime.current is self._lane.rt:
            self._lane.rt.emit("exit", None, TASK, state=DEAD, info=info, line=None)

    def _step(self, fn: Callable[[Any], Any], value: Any) -> Any:
        lane, rt = self._lane, self._lane.rt
        if runtime.current is not rt:  # the run is over: the coroutine just runs
            return fn(value)
        _flush()
        info = lane.birth()
        if info.state == BLOCKED:  # resumed before its wake was told (a seeded order)
            self._woken(info.blocked_on[0] if info.blocked_on else None)
        rt.emit("run", None, TASK, state=RUNNING, info=info, line=self._line)
        before = getattr(_local, "lane", None)
        _local.lane = lane
        try:
            yielded = fn(value)
        except StopIteration:
            self._exit(None)
            raise
        except BaseException as exc:
            self._exit(exc)
            raise
        finally:
            _local.lane = before
        self._suspend(info, yielded)
        return yielded

    def _suspend(self, info: ThreadInfo, yielded: Any) -> None:
        lane, rt = self._lane, self._lane.rt
        _flush()
        line = self._line = self._where()
        if yielded is None:  # a bare yield: ready again at once
            rt.emit("preempt", None, {"task": True, "yield": True}, RUNNABLE, info, line)
            return
        reason, obj, detail = lane.mark() if lane.mark is not None else self._read(yielded)
        if detail.get("timeout") is None and lane.task is not None:  # in ``asyncio.timeout``
            left = asyncio_waits.timeout_left(lane.task, lane.task.get_loop())
            detail = detail if left is None else {**detail, "timeout": left}
        info.blocked_on = (obj, reason, detail.get("timeout"))
        rt.emit("block", obj, {"reason": reason, **detail, **TASK}, BLOCKED, info, line)
        add = getattr(yielded, "add_done_callback", None)
        if add is not None and not lane.steered:  # a steered loop offers it: ``_offer``
            add(lambda _fut: self._woken(obj))

    def _read(self, yielded: Any) -> tuple[str, str | None, dict[str, Any]]:
        """What a suspend without a mark waits for: asyncio's own waits, read from the
        chain of awaits (``asyncio_waits.py``), else the future it yielded."""
        found = asyncio_waits.describe(self._coro, _lane_name, join_mark)
        return found if found is not None else _describe(yielded)

    def _woken(self, obj: str | None) -> None:
        info, rt = self._lane.info, self._lane.rt
        if info is None or info.state != BLOCKED or runtime.current is not rt:
            return
        # Free mode says ``timed_out`` always, controlled mode only when true.
        detail = TASK if rt.controlled else {TIMED_OUT: False, **TASK}
        rt.emit("wake", obj, detail, RUNNABLE, info, None)

    def _exit(self, exc: BaseException | None) -> None:
        _flush()
        info, rt = self._lane.info, self._lane.rt
        assert info is not None
        if exc is None or isinstance(exc, StopIteration):
            rt.emit("exit", None, TASK, state=DEAD, info=info, line=None)
        elif isinstance(exc, asyncio.CancelledError):
            detail: dict[str, Any] = {"task": True, "cancel": True}
            rt.emit("exit", None, detail, state=DEAD, info=info, line=None)
        else:
            detail = {"task": True, "error": f"{type(exc).__name__}: {exc}"}
            rt.emit("exit", None, detail, state=DEAD, info=info, line=raised_at(exc))


def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
    """The loop's task factory: a task of a coroutine of the program is a lane."""
    rt = runtime.current
    code = getattr(coro, "cr_code", None)
    if (
        rt is None
        or code is None
        or (code.co_filename not in PROGRAM_FILES and code not in LANE_CODES)
    ):
        # Outside a run, or asyncio's own coroutines (shutting the loop down): plain.
        return asyncio.Task(coro, loop=loop, **kwargs)
    line = _program_line(sys._getframe(1))
    lane = Lane(rt, coro, rt.me().name, line, steered=loop in _steered)
    task: asyncio.Task[Any] = asyncio.Task(_Traced(coro, lane), loop=loop, **kwargs)
    lane.task = task
    _lanes[task] = lane
    _births.append(lane)
    return task


def install_factory(loop: asyncio.AbstractEventLoop) -> None:
    if loop.get_task_factory() is None:
        loop.set_task_factory(factory)
        rt = runtime.current
        if rt is not None and rt.controlled and steer(loop, rt, _offer):
            _steered.add(loop)


def _offer(obj: Any) -> ThreadInfo | None:
    """If ``obj`` is a task that is a lane of the run, its lane, born and Runnable: the
    scheduler offers it as a candidate for the loop's next step."""
    try:
        lane = _lanes.get(obj)
    except TypeError:  # not a task (a callback's unhashable owner)
        return None
    if lane is None or runtime.current is not lane.rt:
        return None
    _flush()
    info = lane.birth()
    if info.state == BLOCKED:
        obj_ = info.blocked_on[0] if info.blocked_on else None
        lane.rt.emit("wake", obj_, TASK, RUNNABLE, info, None)
    return info


class Runner(asyncio.Runner):  # type: ignore[misc]  # final in typeshed, not in asyncio
    """``asyncio.Runner``, its loop's tasks traced as lanes."""

    def _lazy_init(self) -> None:
        super()._lazy_init()  # type: ignore[misc]
        install_factory(self._loop)  # type: ignore[attr-defined]


def run(main: Any, *, debug: bool | None = None) -> Any:
    """``asyncio.run``, its loop's tasks traced as lanes."""
    with Runner(debug=debug) as runner:
        return runner.run(main)


def new_event_loop() -> asyncio.AbstractEventLoop:
    """``asyncio.new_event_loop``, its tasks traced as lanes."""
    loop = asyncio.new_event_loop()
    install_factory(loop)
    return loop


def gather(*aws: Any, return_exceptions: bool = False) -> Any:
    """``asyncio.gather``; a task awaiting it waits for its children, by name."""
    fut = asyncio.gather(*aws, return_exceptions=return_exceptions)
    children = getattr(fut, "_children", None)
    if children is not None:
        _gathers[fut] = list(children)
    return fut
