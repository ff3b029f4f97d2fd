"""A drop-in for ``threading.local`` keyed on the run's threads (standard library only).

Each thread sees its own attributes.  Inside a run, "its own" means the run's thread
(``Runtime.me()``), not the OS thread, so the answer is the run's under either hook;
outside a run, a ``_thread._local`` keeps one dictionary per OS thread.  As CPython's
``local``: a subclass's ``__init__`` runs again, with the constructor's arguments, the
first time each other thread touches the object; arguments without an ``__init__`` to
take them are a TypeError; ``__dict__`` is the calling thread's; class attributes,
methods, properties and ``__slots__`` are shared.

The per-thread dictionary is chosen on every access without a lock (CPython's pure-Python
``_threading_local`` swaps ``__dict__`` under one, which a property calling into a
traced primitive would hold across a scheduling point): attribute lookup follows
``object.__getattribute__``'s rules — data descriptors of the class, then the thread's
dictionary, then the class's other attributes.
"""

from __future__ import annotations

import _thread
from typing import Any

from app.instrument import runtime
from app.instrument.events import DEAD

__all__ = ["local"]

_MISSING = object()


def _class_attr(cls: type, name: str) -> Any:
    for base in cls.__mro__:
        if name in base.__dict__:
            return base.__dict__[name]
    return _MISSING


def _is_data_descriptor(attr: Any) -> bool:
    kind = type(attr)
    return hasattr(kind, "__set__") or hasattr(kind, "__delete__")


class local:
    """``threading.local``."""

    __slots__ = ("__weakref__", "_local_args", "_local_dicts", "_local_os")

    def __new__(cls, *args: Any, **kwargs: Any) -> local:
        if (args or kwargs) and cls.__init__ is object.__init__:
            raise TypeError("Initialization arguments are not supported")
        self = object.__new__(cls)
        object.__setattr__(self, "_local_args", (args, kwargs))
        object.__setattr__(self, "_local_dicts", {})
        object.__setattr__(self, "_local_os", _thread._local())
        _dict(self, init=False)  # the creating thread's; Python calls __init__ itself
        return self

    def __getattribute__(self, name: str) -> Any:
        if name == "__dict__":
            return _dict(self)
        cls = type(self)
        attr = _class_attr(cls, name)
        if attr is not _MISSING and _is_data_descriptor(attr):
            return type(attr).__get__(attr, self, cls)
        own = _dict(self)
        if name in own:
            return own[name]
        if attr is not _MISSING:
            get = getattr(type(attr), "__get__", None)
            return attr if get is None else get(attr, self, cls)
        raise AttributeError(f"{cls.__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "__dict__":
            raise _read_only(self)
        attr = _class_attr(type(self), name)
        if attr is not _MISSING and hasattr(type(attr), "__set__"):
            type(attr).__set__(attr, self, value)
        else:
            _dict(self)[name] = value

    def __delattr__(self, name: str) -> None:
        if name == "__dict__":
            raise _read_only(self)
        attr = _class_attr(type(self), name)
        if attr is not _MISSING and hasattr(type(attr), "__delete__"):
            type(attr).__delete__(attr, self)
            return
        try:
            del _dict(self)[name]
        except KeyError:
            raise AttributeError(name) from None


def _read_only(self: local) -> AttributeError:
    return AttributeError(f"{type(self).__name__!r} object attribute '__dict__' is read-only")


def _dict(self: local, init: bool = True) -> dict[str, Any]:
    """The calling thread's dictionary of ``self``, made (and ``__init__`` run) on the
    thread's first touch."""
    get = object.__getattribute__
    rt = runtime.current
    if rt is None:
        os_local = get(self, "_local_os")
        table: dict[object, dict[str, Any]] = os_local.__dict__
        key: object = None  # one entry: a _thread._local's __dict__ is per OS thread
    else:
        table = get(self, "_local_dicts")
        key = rt.me()
    own = table.get(key)
    if own is not None:
        return own
    if rt is not None:
        for info in [t for t in table if getattr(t, "state", None) == DEAD]:
            del table[info]  # as CPython drops a thread's dictionary when the thread ends
    own = table[key] = {}
    cls = type(self)
    if init and cls.__init__ is not object.__init__:
        args, kwargs = get(self, "_local_args")
        try:
            cls.__init__(self, *args, **kwargs)
        except BaseException:
            del table[key]  # as CPython: the next touch tries again
            raise
    return own
