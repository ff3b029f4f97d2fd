"""One traced access to shared data, and its events (standard library only): the
engine under ``data.Access``.

An access and its event are one step, so the log stays a consistent history: in free
mode under one re-entrant mutex (program code the step runs — a sort's key, a dict
key's ``__eq__`` — may access shared data itself); in controlled mode after the
scheduling point, one thread running at a time, with a per-thread flag marking the
step: an access nested in it is plain (no scheduling point inside a step), and the
bytecode stepper skips the instructions it runs (``inside``).  Per run, the last value
logged under each name is kept: a read that finds something else is ``changed``.
"""

from __future__ import annotations

import _thread
from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable
from functools import partial
from itertools import islice
from types import (
    AsyncGeneratorType,
    BuiltinFunctionType,
    CoroutineType,
    FunctionType,
    GeneratorType,
    MethodType,
    ModuleType,
)
from typing import Any

from app.instrument.program import PROGRAM_MODULE
from app.instrument.runtime import Runtime
from app.instrument.values import TEXT, render

SHARED = "Shared"  # the resource type a shared name is declared with

_DICT = frozenset({"pop", "popitem", "clear", "update", "setdefault"})
_LIST = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"})
# The methods that change a container, by its exact type (a subclass may run the
# program's own code inside them: it is not traced as a container).
MUTATORS: dict[type, frozenset[str]] = {
    list: _LIST,
    deque: _LIST - {"sort"} | {"appendleft", "extendleft", "popleft", "rotate"},
    dict: _DICT,
    defaultdict: _DICT,
    OrderedDict: _DICT | {"move_to_end"},
    Counter: _DICT | {"subtract"},
    set: frozenset(
        {"add", "discard", "remove", "pop", "clear", "update", "difference_update"}
        | {"intersection_update", "symmetric_difference_update"}
    ),
}
ITEMS = frozenset({list, deque, dict, defaultdict, OrderedDict, Counter})  # ``c[key]``
DICTS = frozenset({dict, defaultdict, OrderedDict, Counter})
# Method names whose calls the rewrite routes through ``mc``: the mutators, and
# ``dict.get`` (a read of one item).
METHOD_NAMES = frozenset().union(*MUTATORS.values()) | {"get"}

_SKIP_BASES = (
    ModuleType,
    FunctionType,
    BuiltinFunctionType,
    MethodType,
    type,
    staticmethod,
    classmethod,
    property,
    partial,
    GeneratorType,
    CoroutineType,
    AsyncGeneratorType,
)
# Objects of these packages are primitives, threads, pools, files: never shared data.
_SKIP_PACKAGES = frozenset(
    {"app", "threading", "_thread", "queue", "_queue", "concurrent", "multiprocessing"}
    | {"asyncio", "io", "_io", "socket", "selectors", "subprocess"}
)
_COLLECTIONS = frozenset({list, tuple, set, frozenset, deque, dict, defaultdict, OrderedDict})
ITEMS_SEEN = 8  # items of a collection looked at to tell it is only primitives
SKIP: dict[type, bool] = {}  # type → never data (``plain``), filled as types are met
ATTRS: dict[tuple[type, str], bool] = {}  # (class, attribute) → ``data_attr``
_UNSET: Any = object()
# Free mode: an access and its event are one step under it.  Re-entrant: program code
# an access runs (a sort's key) may access shared data itself.
_MUTEX = _thread.RLock()


class _Flags(_thread._local):
    # Controlled mode: this thread is inside an access (set on the instance).  An access
    # nested in it is plain, and the bytecode stepper skips it: no switch inside.
    busy = False


_FLAGS = _Flags()


def inside() -> bool:
    """Is the calling thread inside a traced access (the bytecode stepper skips it)?"""
    return _FLAGS.busy


def plain(value: Any) -> bool:
    """Never shared data, whatever holds it: a module, function, class, thread… or a
    collection of those (``forks = [Lock() for _ in range(5)]``: each fork is traced as
    a Lock, the list is no variable of its own)."""
    t = type(value)
    skip = SKIP.get(t)
    if skip is None:
        skip = SKIP[t] = issubclass(t, _SKIP_BASES) or any(
            (k.__module__ or "").partition(".")[0] in _SKIP_PACKAGES for k in t.__mro__
        )
    if not skip and t in _COLLECTIONS and value:
        items = value.values() if t in DICTS else value
        return all(plain(item) for item in islice(items, ITEMS_SEEN))
    return skip


def data_attr(cls: type, attr: str) -> bool:
    """Is ``attr`` of an instance of ``cls`` plain data of the program's own class: in
    the instance dict, or a class attribute that is no method, property or slot?"""
    key = (cls, attr)
    known = ATTRS.get(key)
    if known is None:
        if len(ATTRS) > 10_000:  # programs run anew per trial: new classes each time
            ATTRS.clear()
        known = ATTRS[key] = _classify_attr(cls, attr)
    return known


def _classify_attr(cls: type, attr: str) -> bool:
    if cls.__module__ != PROGRAM_MODULE or (attr.startswith("__") and attr.endswith("__")):
        return False
    if not getattr(cls, "__dictoffset__", 0) or hasattr(cls, "__getattr__"):
        return False
    for slot in ("__getattribute__", "__setattr__", "__delattr__"):
        if getattr(cls, slot) is not getattr(object, slot):
            return False  # its own attribute access: program code, not a plain store
    for klass in cls.__mro__:
        if attr in vars(klass):
            return not hasattr(type(vars(klass)[attr]), "__get__")
    return True


class _Run:
    """What a run's shared data has logged: the last value under each name (a name is
    declared when it first gets one)."""

    __slots__ = ("last", "rt")

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.last: dict[str, Any] = {}


_run: _Run | None = None


def state(rt: Runtime) -> _Run:
    global _run
    st = _run
    if st is None or st.rt is not rt:
        st = _run = _Run(rt)
    return st


def _declare(rt: Runtime, name: str, old: Any) -> None:
    """A name's first use in the run: declared, with its value before (if it had one)."""
    if old is _UNSET:
        rt.declare(name, SHARED)
    else:
        rt.declare(name, SHARED, value=old)


def _shown(value: Any) -> Any:
    t = type(value)  # the usual values first, without a call
    if t is int or t is bool or value is None or (t is str and len(value) <= TEXT):
        return value
    return render(value)


# The hot paths below are written out, not factored into helpers: each call saved is
# measured in bench/shared_data.py.  ``get(obj, key)``, ``store(obj, key, value)`` and
# ``remove(obj, key)`` are the plain operations: ``operator.getitem``, ``getattr``…


def read(
    rt: Runtime, name: str, get: Callable[[Any, Any], Any], obj: Any, key: Any, op: str
) -> Any:
    controlled = rt.controlled
    if controlled:
        flags = _FLAGS
        # Inside another access, or no data (a Lock): plain, and no scheduling point.
        if flags.busy or plain(get(obj, key)):
            return get(obj, key)
        rt.hook.point(rt, op)
        flags.busy = True
    else:
        _MUTEX.acquire()
    try:
        value = get(obj, key)
        t = type(value)
        if t is int or t is bool or value is None or (t is str and len(value) <= TEXT):
            shown = value
        elif plain(value):
            return value
        else:
            shown = render(value)
        st = _run if _run is not None and _run.rt is rt else state(rt)
        last = st.last
        before = last.get(name, _UNSET)
        detail = {"value": shown}
        if before is _UNSET:
            _declare(rt, name, shown)
        elif before != shown:
            detail["changed"] = True
        last[name] = shown
        rt.op("read", name, detail)
        return value
    finally:
        if controlled:
            _FLAGS.busy = False
        else:
            _MUTEX.release()


def write(
    rt: Runtime,
    name: str,
    get: Callable[[Any, Any], Any],
    store: Callable[[Any, Any, Any], Any],
    obj: Any,
    key: Any,
    value: Any,
    op: str,
) -> None:
    t = type(value)
    if t is int or t is bool or value is None or (t is str and len(value) <= TEXT):
        shown = value
    elif plain(value):
        store(obj, key, value)
        return
    else:
        shown = render(value)
    controlled = rt.controlled
    if controlled:
        flags = _FLAGS
        if flags.busy:
            store(obj, key, value)
            return
        rt.hook.point(rt, op)
        flags.busy = True
    else:
        _MUTEX.acquire()
    try:
        st = _run if _run is not None and _run.rt is rt else state(rt)
        last = st.last
        if name not in last:
            try:
                old = _shown(get(obj, key))
            except Exception:  # nothing there yet
                old = _UNSET
            _declare(rt, name, old)
        store(obj, key, value)
        last[name] = shown
        rt.op("write", name, {"value": shown})
    finally:
        if controlled:
            _FLAGS.busy = False
        else:
            _MUTEX.release()


def _enter(rt: Runtime, op: str) -> bool:
    """Begin an access: False if this thread is inside one already (then it is plain)."""
    if rt.controlled:
        flags = _FLAGS
        if flags.busy:
            return False
        rt.hook.point(rt, op)
        flags.busy = True
    else:
        _MUTEX.acquire()
    return True


def _leave(rt: Runtime) -> None:
    if rt.controlled:
        _FLAGS.busy = False
    else:
        _MUTEX.release()


def _log(rt: Runtime, name: str, detail: dict[str, Any], old: Any) -> None:
    last = state(rt).last
    if name not in last:
        _declare(rt, name, old)
    last[name] = detail.get("value")
    rt.op("write", name, detail)


def delete(
    rt: Runtime, name: str, remove: Callable[[Any, Any], Any], obj: Any, key: Any, op: str
) -> None:
    if not _enter(rt, op):
        remove(obj, key)
        return
    try:
        remove(obj, key)
        _log(rt, name, {"op": "del"}, _UNSET)
    finally:
        _leave(rt)


def _no_data(c: Any, args: tuple[Any, ...]) -> bool:
    """A call that puts primitives in, or takes them out of, a collection of them."""
    if not all(map(plain, args)):
        return False
    return plain(c) if c else bool(args)


def mutate(rt: Runtime, c: Any, name: str, method: str, args: Any, kwargs: Any) -> Any:
    """``c.method(*args, **kwargs)``, one write of ``c``: what it did, and ``c`` after.
    A collection of primitives or threads (``workers.append(t)``) is no data."""
    if _no_data(c, args) or not _enter(rt, "CALL"):
        return getattr(c, method)(*args, **kwargs)
    try:
        old = render(c) if name not in state(rt).last else _UNSET
        detail: dict[str, Any] = {"op": method}
        if args:
            detail["args"] = list(map(render, args))
        try:
            result = getattr(c, method)(*args, **kwargs)
        except Exception as exc:
            detail["error"] = f"{type(exc).__name__}: {exc}"
            detail["value"] = render(c)
            _log(rt, name, detail, old)
            raise
        if result is not None:
            detail["result"] = render(result)
        detail["value"] = render(c)
        _log(rt, name, detail, old)
        return result
    finally:
        _leave(rt)


def dict_get(c: Any, args: tuple[Any, ...]) -> Any:
    return c.get(*args)


def unbound(name: str, own: bool) -> NameError:
    """Python's error for an empty cell: in the function owning it, or a nested one."""
    if own:
        return UnboundLocalError(
            f"cannot access local variable '{name}' where it is not associated with a value"
        )
    return NameError(
        f"cannot access free variable '{name}' where it is not associated with a value "
        "in enclosing scope"
    )
