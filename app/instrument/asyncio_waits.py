"""What a task awaits, read from its chain of awaits (standard library only).

``asyncio_prims.py`` marks what a task is about to wait for from inside the traced
primitives; the waits asyncio does not hand a program as a traced object — a plain
``asyncio.Condition``, ``asyncio.wait_for``, ``asyncio.as_completed``, a block under
``asyncio.timeout`` — are read here from the outside, as ``tasks.py`` follows a
coroutine: at a suspend, ``describe`` walks the chain of awaits (``cr_await``) from the
task's coroutine and recognises asyncio's own frames by their code and their locals.

- ``Condition.wait``/``wait_for``: ``wait`` on the condition; re-taking its lock after
  a notify (or ``async with cond``): ``acquire`` on it.  The condition is named from
  the program's variables at its first wait or notify (``cond``, ``self.cond`` as
  ``Box.cond``) and declared then, ``Condition`` with ``asyncio: true``.
- ``wait_for(aw, timeout)``: what ``aw`` waits for (a task lane: ``join`` on it; a
  coroutine wrapped in a task that is not a lane, ``ready.wait()``: what *that* one
  waits for), with ``timeout``.  A coroutine is made a task on every version
  (``asyncio_prims.wait_for``; 3.12+ would run it in the awaiting task).
- ``as_completed``: ``join`` on the first pending task, ``as_completed`` all of their
  names (read from the callback asyncio puts on each).
- under ``asyncio.timeout``: ``timeout``, the seconds left, added to what it waits for.

Anything else: None, and ``tasks.py`` describes the awaited future itself.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from app.instrument import runtime
from app.instrument.program import PROGRAM_FILES

__all__ = ["condition_name", "describe", "timeout_left"]

Mark = tuple[str, "str | None", dict[str, Any]]
Namer = Callable[[Any], "str | None"]  # a task's lane name, or None
Joiner = Callable[[Iterable[Any], str], Mark]  # tasks.join_mark

_ASYNCIO_FILES = {asyncio.tasks.__file__, asyncio.locks.__file__}
_MAX_CHAIN = 32  # awaits followed: a chain longer than that is not worth a name
# Timers looked through for a task's ``asyncio.timeout`` at each suspend (~0.08 µs
# each): past that many the seconds left are not told, so a loop of thousands of
# sleeping tasks does not pay a scan per step (docs/performance.md).
_MAX_TIMERS = 256


def _frames(coro: Any) -> list[FrameType]:
    """The frames along the chain of awaits from ``coro``, outermost first."""
    frames: list[FrameType] = []
    while coro is not None and len(frames) < _MAX_CHAIN:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            frames.append(frame)
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return frames


def describe(
    coro: Any, lane_of: Namer, join: Joiner, outer: tuple[FrameType, ...] = ()
) -> Mark | None:
    """What the chain of awaits from ``coro`` waits for, if it is one of the waits above
    (``timeout`` not included: ``timeout_left``).  ``outer``: program frames awaiting
    this chain from another task (``wait_for`` wraps a coroutine in a task of its own)."""
    condition: Any = None
    chain = _frames(coro)
    # Innermost first: a suspended coroutine's frame has no f_back to find them by.
    program = tuple(f for f in reversed(chain) if f.f_code.co_filename in PROGRAM_FILES)
    program += outer
    for frame in chain:
        code = frame.f_code
        if code.co_filename not in _ASYNCIO_FILES:
            continue
        here = frame.f_locals
        owner = here.get("self")
        if isinstance(owner, asyncio.Condition):
            condition = owner  # its wait, its wait_for, its ``async with``
        elif isinstance(owner, asyncio.Lock) and condition is not None:
            if owner is getattr(condition, "_lock", None):  # taking it, or again after a wait
                return "acquire", _condition_name(condition, program), {}
        elif code.co_name == "wait_for" and isinstance(here.get("fut"), asyncio.Future):
            # (Not yet a future: no timeout, awaited right here, the chain goes on.)
            return _wait_for(here["fut"], here.get("timeout"), lane_of, join, program)
        elif code.co_name == "_wait_for_one":
            return _as_completed(here, join)
    if condition is not None and chain and chain[-1].f_code.co_name == "wait":
        return "wait", _condition_name(condition, program), {"timeout": None}
    return None


def _wait_for(
    inner: Any, timeout: Any, lane_of: Namer, join: Joiner, program: tuple[FrameType, ...]
) -> Mark:
    name = lane_of(inner)
    if name is not None:
        return "join", name, {"timeout": timeout}
    get_coro = getattr(inner, "get_coro", None)
    coro = get_coro() if get_coro is not None else None
    found = describe(coro, lane_of, join, program) or _marked(coro)
    reason, obj, detail = found if found is not None else ("wait", None, {})
    return reason, obj, {**detail, "timeout": timeout}


def _marked(coro: Any) -> Mark | None:
    """A traced primitive's own coroutine (``asyncio_prims.py``) wrapped by asyncio in a
    task that is not a lane: what it waits for, from its ``self``."""
    for frame in _frames(coro):
        owner = frame.f_locals.get("self")
        name = getattr(owner, "name", None) if owner is not None else None
        if not isinstance(name, str) or type(owner).__module__ != "app.instrument.asyncio_prims":
            continue
        if frame.f_code.co_name in ("acquire", "get", "put", "wait"):
            return frame.f_code.co_name, name, {}
    return None


def _as_completed(here: dict[str, Any], join: Joiner) -> Mark | None:
    """The tasks ``as_completed`` still waits for.  3.13: its iterator's ``_todo``.
    3.11, 3.12: ``_wait_for_one`` closes over the queue of results only, but the
    ``_on_completion`` callback on each pending task (or already queued on the loop)
    closes over that queue and the set of the pending ones."""
    rt = runtime.current
    if rt is None:
        return None
    from app.instrument import tasks  # the run's task lanes, in the order they were made

    made = tasks.lanes_of(rt)
    todo = getattr(here.get("self"), "_todo", None)
    if isinstance(todo, set):
        return join([t for t in made if t in todo], "as_completed")
    queue = next((v for v in here.values() if isinstance(v, asyncio.Queue)), None)
    if queue is None:
        return None
    callbacks = [cb for task in made for cb, _ in getattr(task, "_callbacks", None) or ()]
    ready = getattr(asyncio.get_running_loop(), "_ready", ())
    callbacks += [getattr(handle, "_callback", None) for handle in list(ready)]
    for callback in callbacks:
        cells = _cells(callback)
        todo = next((v for v in cells if isinstance(v, set)), None)
        if todo is not None and any(v is queue for v in cells):
            pending = set(todo)
            return join([t for t in made if t in pending], "as_completed")
    return None


def _cells(fn: Any) -> list[Any]:
    """What ``as_completed``'s ``_on_completion`` closes over; nothing for another."""
    code = getattr(fn, "__code__", None)
    closure = getattr(fn, "__closure__", None)
    if code is None or closure is None or code.co_name != "_on_completion":
        return []
    out: list[Any] = []
    for cell in closure:
        try:
            out.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    return out


def timeout_left(task: Any, loop: Any) -> float | None:
    """Seconds left of an ``asyncio.timeout`` block ``task`` is in, if it is in one:
    its timer is the loop's, a ``Timeout._on_timeout`` bound to a Timeout of ``task``."""
    timeout_type = getattr(asyncio, "Timeout", None)
    scheduled = getattr(loop, "_scheduled", None)
    if timeout_type is None or not scheduled or len(scheduled) > _MAX_TIMERS:
        return None
    for handle in scheduled:
        owner = getattr(getattr(handle, "_callback", None), "__self__", None)
        if (
            isinstance(owner, timeout_type)
            and getattr(owner, "_task", None) is task
            and not handle.cancelled()
        ):
            return round(max(float(handle.when() - loop.time()), 0.0), 6)
    return None


# --- naming an asyncio.Condition at its first wait or notify -----------------------------


def condition_name(cond: Any) -> str | None:
    """``cond``'s name, from the program's frames calling now if it has none yet (a
    ``notify`` before any wait: ``asyncio_prims.Condition``)."""
    name = getattr(cond, "name", None)
    if isinstance(name, str):
        return name
    frame: FrameType | None = sys._getframe(1)
    program: list[FrameType] = []
    while frame is not None:
        if frame.f_code.co_filename in PROGRAM_FILES:
            program.append(frame)
        frame = frame.f_back
    return _condition_name(cond, tuple(program))


def _condition_name(cond: Any, program: tuple[FrameType, ...]) -> str | None:
    rt = runtime.current
    if rt is None:
        return None
    name = getattr(cond, "name", None)
    if isinstance(name, str):  # named already (a subclass of the program's own, too)
        return name
    line = program[0].f_lineno if program else None
    found = _variable(cond, program) or f"Condition@{line}"
    name = cond.name = rt.unique(found)
    rt.declare(name, "Condition", asyncio=True)
    return name


def _variable(target: Any, program: tuple[FrameType, ...]) -> str | None:
    """``target``'s variable in an awaiting program frame (innermost first), its
    module, or one attribute away from ``self`` (``Box.cond``)."""
    for frame in program:
        for scope in (frame.f_locals, frame.f_globals):
            for var, value in list(scope.items()):
                if value is target and var != "self" and not var.startswith("__"):
                    return str(var)
        owner = frame.f_locals.get("self")
        attrs = getattr(owner, "__dict__", None)
        if isinstance(attrs, dict):
            for attr, value in list(attrs.items()):
                if value is target:
                    return f"{type(owner).__name__}.{attr}"
    return None
