"""Names from the code (standard library only): ``lock_a = threading.Lock()`` is
``lock_a`` in the log.

A primitive (which a program makes as ``threading`` does, without a name; only our own
code passes the internal ``name=`` keyword, as the executor does for its work queue)
records where it was made — the program's frame and the offset of the call in it — and
is named at its first traced use, when its ``declare`` is recorded: ``alice.lock`` does
not exist yet while ``Lock()`` runs.  What the code does with the call's value is read
from the bytecode after the call (``targets.py``):

- stored in a variable: that variable, ``lock_a`` (in a class body ``Bank.lock``); an
  item of a list or tuple display stored in one: ``pair[1]``;
- returned, or the ``super().__init__()`` of a subclass: what the caller does with it;
- stored in an attribute or an item, appended, passed to a call, collected by a
  comprehension: at the first use, a path to the object from the variables of the
  program's frames (the creating one and its callers) and its module — ``alice.lock``,
  ``forks[0]``, ``accounts[1].lock``; an owner known only as ``self`` gives its class,
  ``Account.lock``;
- anything else, or nothing found: its type and line, ``Lock@12``.

Names are unique per run (``Runtime.unique``: ``lock#2``) and deterministic: dicts and
lists are searched in order, nothing depends on ``id()``.  Until it is named, an object's
class is a subclass of the same name whose ``__getattr__`` answers ``name``; naming
puts the class back, so every later ``self.name`` is a plain attribute read (a
``__getattr__`` or a descriptor on the class itself would leave every attribute read of
a 3.11 instance unspecialised, the Lock's hot path included).  The pending object is
kept in the object's ``_naming`` attribute, a slot where the class has slots.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from itertools import islice
from types import FrameType
from typing import Any

from app.instrument import program, runtime, targets
from app.instrument.runtime import Runtime

__all__ = ["derive", "name_later"]

_KEY = "_naming"  # the attribute (or slot) holding a pending object's ``_Pending``
_LOCK = threading.RLock()  # naming nests: a condition's own lock is named after it
_MAX_UPS = 4  # callers followed (``return Lock()`` in a factory)
_MAX_FRAMES = 8  # frames searched for a path, from the creating one up
_MAX_ITEMS = 1000  # items searched in one container
_DEPTH = 2  # steps of a path after its variable: ``accounts[1].lock``

_CO_OPTIMIZED = 1  # a function's code (inspect.CO_OPTIMIZED); a class body's lacks it
_PENDING_CLASSES: dict[type, type] = {}


class _Pending:
    """What naming an object needs until it is named."""

    __slots__ = ("base", "detail", "frame", "line", "parent", "rt", "static", "type")

    def __init__(self, rt: Runtime, base: type, type_: str, detail: dict[str, Any]) -> None:
        self.rt = rt
        self.base = base  # the object's class, put back once it is named
        self.type = type_
        self.detail = detail
        self.static = ""  # the name the bytecode gives, if it gives one
        self.frame: FrameType | None = None  # kept only for a path search
        self.line: int | None = None
        self.parent: tuple[Any, str] | None = None  # (owner, suffix): ``C.lock``


def name_later(
    obj: Any,
    name: str | None,
    type_: str,
    detail: dict[str, Any] | None = None,
    owns: Iterable[tuple[Any, str]] = (),
) -> None:
    """Name ``obj``, a traced primitive in its ``__init__``: ``name`` at once (declared
    now) if given, else from the program's code at its first traced use.  ``detail``:
    the declare's, besides ``type``; a value may be a function, called at the declare.
    ``owns``: (object, suffix) pairs ``obj`` made for itself, named after it
    (``cond.lock``)."""
    detail = detail or {}
    rt = runtime.current
    if rt is None:
        obj.name = name or type_
        for child, suffix in owns:
            child.name = obj.name + suffix
        return
    for child, suffix in owns:
        derive(child, obj, suffix)
    if name is not None:
        obj.name = rt.unique(name)
        _declare(rt, obj.name, type_, detail)
        return
    earlier = _pending(obj)  # a subclass's __init__ naming it again
    pending = _Pending(rt, earlier.base if earlier else type(obj), type_, detail)
    _locate(obj, pending, runtime.program_frame(sys._getframe(1)))
    setattr(obj, _KEY, pending)
    obj.__class__ = _pending_class(pending.base)


def derive(child: Any, parent: Any, suffix: str) -> None:
    """Name ``child`` — a primitive ``parent`` made for itself, not yet named — after
    ``parent`` at its first use: ``<parent's name><suffix>``."""
    pending = _pending(child)
    if pending is not None:
        pending.parent = (parent, suffix)
        pending.frame = None


def _pending(obj: Any) -> _Pending | None:
    try:  # not getattr(): a program's subclass may have a __getattr__ of its own
        pending = object.__getattribute__(obj, _KEY)
    except AttributeError:
        return None
    return pending if isinstance(pending, _Pending) else None


def _declare(rt: Runtime, name: str, type_: str, detail: dict[str, Any]) -> None:
    rt.declare(name, type_, **{k: v() if callable(v) else v for k, v in detail.items()})


def _pending_class(cls: type) -> type:
    """``cls`` as it is until named: same name, same layout, plus ``__getattr__``."""
    sub = _PENDING_CLASSES.get(cls)
    if sub is None:
        namespace = {
            "__slots__": (),
            "__getattr__": _getattr,
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
        }
        sub = _PENDING_CLASSES.setdefault(cls, type(cls.__name__, (cls,), namespace))
    return sub


def _getattr(obj: Any, attr: str) -> Any:
    if attr == "name":
        return _resolve(obj)
    own = getattr(type(obj).__mro__[1], "__getattr__", None)  # a program's subclass's
    if own is not None:
        return own(obj, attr)
    raise AttributeError(f"{type(obj).__name__!r} object has no attribute {attr!r}")


def _resolve(obj: Any) -> str:
    """Name ``obj`` now: its first traced use.  Declared in its run, by the calling
    thread, with the calling line."""
    with _LOCK:
        pending = _pending(obj)
        if pending is None:  # named meanwhile
            name: str = obj.name
            return name
        candidate = _candidate(obj, pending)
        if _pending(obj) is None:  # named while its candidate was worked out
            name = obj.name
            return name
        name = pending.rt.unique(candidate)
        setattr(obj, _KEY, None)
        obj.name = name
        obj.__class__ = pending.base
        if runtime.current is pending.rt:
            _declare(pending.rt, name, pending.type, pending.detail)
        return name


def _candidate(obj: Any, pending: _Pending) -> str:
    if pending.parent is not None:
        parent, suffix = pending.parent
        return f"{parent.name}{suffix}"
    if pending.static:
        return pending.static
    if pending.frame is not None:
        found = _find(obj, pending.frame)
        if found is not None:
            return found
    return f"{pending.type}@{pending.line}"


# --- where it was made: the bytecode after the call --------------------------------


def _locate(obj: Any, pending: _Pending, frame: FrameType | None) -> None:
    """Record what naming ``obj`` will need from its creating ``frame`` (and callers)."""
    if frame is None:
        return
    pending.line = frame.f_lineno
    for _ in range(_MAX_UPS):
        code = frame.f_code
        kind, name = targets.plan(code, frame.f_lasti)
        if kind == targets.INIT:  # ``super().__init__()``: only if that __init__ is obj's
            self_name = code.co_varnames[0] if code.co_argcount else ""
            kind = targets.UP if frame.f_locals.get(self_name) is obj else targets.NONE
        caller = frame.f_back
        if kind == targets.UP and caller is not None and _same_program(caller, frame):
            frame = caller
            continue
        if kind == targets.NAME:
            class_body = code.co_name != "<module>" and not code.co_flags & _CO_OPTIMIZED
            owner = frame.f_locals.get("__qualname__") if class_body else None
            pending.static = f"{owner}.{name}" if isinstance(owner, str) else name
        elif kind == targets.FIND:
            pending.frame = frame
        return


def _same_program(frame: FrameType, other: FrameType) -> bool:
    code = frame.f_code
    return program.is_program_code(code) or code.co_filename == other.f_code.co_filename


# --- at first use: a path to the object from the program's variables -----------------


def _find(target: Any, frame: FrameType) -> str | None:
    """The shortest path to ``target`` from a variable of ``frame``, of its callers in
    the same program, or of its module; ``self`` last, as its class."""
    frames: list[FrameType] = []
    f: FrameType | None = frame
    while f is not None and len(frames) < _MAX_FRAMES:
        if _same_program(f, frame) and f.f_locals is not f.f_globals:
            frames.append(f)
        f = f.f_back
    module = frame.f_globals.get("__name__")
    scopes = [_items(f.f_locals) for f in frames]
    scopes.append(_items(frame.f_globals))
    for depth in range(_DEPTH + 1):
        for scope in scopes:
            for var, value in scope:
                if var in ("self", "cls") or var.startswith("__"):
                    continue
                path = _path(value, target, depth, module)
                if path is not None:
                    return f"{var}{path}"
    for scope in scopes[:-1]:
        owner = dict(scope).get("self")
        for depth in range(1, _DEPTH + 1):
            path = _path(owner, target, depth, module) if owner is not None else None
            if path is not None:
                return type(owner).__name__ + path
    return None


def _path(value: Any, target: Any, depth: int, module: object) -> str | None:
    """The path from ``value`` to ``target`` in exactly ``depth`` steps, or None."""
    if depth == 0:
        return "" if value is target else None
    for step, item in _children(value, module):
        rest = _path(item, target, depth - 1, module)
        if rest is not None:
            return step + rest
    return None


def _children(value: Any, module: object) -> list[tuple[str, Any]]:
    """The items of a list, tuple or dict, or the attributes of an instance of one of
    the program's own classes, each with the step that reaches it."""
    if isinstance(value, (list, tuple)):
        return [(f"[{i}]", item) for i, item in enumerate(_take(value))]
    if isinstance(value, dict):
        return [(f"[{k!r}]", v) for k, v in _items(value) if isinstance(k, (str, int))]
    if type(value).__module__ == module and not isinstance(value, type):
        attrs = getattr(value, "__dict__", None)
        if isinstance(attrs, dict):
            return [(f".{k}", v) for k, v in _items(attrs) if not k.startswith("__")]
    return []


def _items(mapping: Any) -> list[tuple[Any, Any]]:
    return _take(mapping.items())


def _take(items: Iterable[Any]) -> list[Any]:
    """A snapshot (another thread may change the container meanwhile)."""
    try:
        return list(islice(items, _MAX_ITEMS))
    except RuntimeError:  # changed size while copied: search it as it was not
        return []
