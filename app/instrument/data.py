"""Shared data, traced without a wrapper (standard library only): what the program's
code calls once ``rewrite.py`` has rewritten its reads and writes of shared data.

``ACCESS`` is put in the program's globals (``program.ACCESS_NAME``); the rewritten
module's first statement binds it to the module's namespace (``bind``).  Each method is
one read or write of one place: a global (``gr``/``gw``/``gdel``), a variable of an
enclosing function through its cell (``cr``/``cw``/``cdel``), an attribute of an
instance of the program's own classes (``ar``/``aw``/``adel``), an item of a list, dict
or deque (``ir``/``iw``/``idel``), a method that changes a list, dict, set or deque
(``mc``: ``items.append(x)``, ``q.popleft()``).

Inside a run each is a ``read`` or ``write`` event — the name as the code says it
(``counter``, ``alice.balance``, ``stock['apples']``), the value without addresses
(``values.render``), the program's line — after a scheduling point in controlled mode,
and a ``declare`` (type ``Shared``) at a name's first use in the run; the access and
its event are one step (``datalog.py``).  A read whose value is not the last one logged
under its name (a write the log shows under another name, or none: an alias,
``setattr``) says ``changed: true``.  A method call that changes a container is one
``write`` of it: ``op``, ``args``, ``result``, ``error`` if it raised, and ``value``,
the container after.  Values that are modules, functions, classes, threads or
primitives (or collections of those) are read and written plainly, and so is
everything outside a run.
"""

from __future__ import annotations

import _thread
import dis
import operator
import sys
from operator import delitem, getitem, setitem
from typing import Any

from app.instrument import runtime
from app.instrument.datalog import (
    ATTRS,
    DICTS,
    ITEMS,
    METHOD_NAMES,
    MUTATORS,
    SKIP,
    data_attr,
    delete,
    dict_get,
    inside,
    mutate,
    plain,
    read,
    unbound,
    write,
)
from app.instrument.owners import owner_name
from app.instrument.runtime import Runtime
from app.instrument.values import key_text

__all__ = ["ACCESS", "METHOD_NAMES", "Access", "inside"]

CONTENTS = "cell_contents"  # a cell's value, as an attribute

# The instruction each access is in the program's own bytecode, which a scheduling
# point before it shows at bytecode granularity (``rewrite.py``).
LOAD_GLOBAL, STORE_GLOBAL, DELETE_GLOBAL = "LOAD_GLOBAL", "STORE_GLOBAL", "DELETE_GLOBAL"
LOAD_DEREF, STORE_DEREF, DELETE_DEREF = "LOAD_DEREF", "STORE_DEREF", "DELETE_DEREF"
LOAD_ATTR, STORE_ATTR, DELETE_ATTR = "LOAD_ATTR", "STORE_ATTR", "DELETE_ATTR"
LOAD_ITEM = "BINARY_SUBSCR" if "BINARY_SUBSCR" in dis.opmap else "BINARY_OP"  # 3.14: BINARY_OP
STORE_SUBSCR, DELETE_SUBSCR, CALL = "STORE_SUBSCR", "DELETE_SUBSCR", "CALL"
_NAMING = _thread.allocate_lock()


class _Ref:
    """A container and the name it goes by (``alice.items``, ``grid[0]``): what the
    rewrite passes for a container that is not a variable."""

    __slots__ = ("name", "value")

    def __init__(self, value: Any, name: str) -> None:
        self.value = value
        self.name = name


def _unref(base: Any, label: str | None) -> tuple[Any, str | None]:
    if type(base) is _Ref:
        return base.value, base.name
    return base, label


class Access:
    """The object the rewritten code calls, bound to the program's globals."""

    __slots__ = ("_g", "_owners", "_rt")

    # ``x op= y`` keeps its in-place operator; ``a[1:2]`` passes a slice.
    iadd, isub, imul, imatmul = operator.iadd, operator.isub, operator.imul, operator.imatmul
    itruediv, ifloordiv, imod, ipow = (
        operator.itruediv,
        operator.ifloordiv,
        operator.imod,
        operator.ipow,
    )
    ilshift, irshift, iand, ior, ixor = (
        operator.ilshift,
        operator.irshift,
        operator.iand,
        operator.ior,
        operator.ixor,
    )
    slice = slice

    def __init__(self, namespace: dict[str, Any] | None = None) -> None:
        self._g: dict[str, Any] = namespace if namespace is not None else {}
        self._rt: Runtime | None = None  # the run ``_owners`` is about
        # id → (object, "name."): the owners named in the run, kept alive with it.
        self._owners: dict[int, tuple[Any, str]] = {}

    def bind(self) -> Access:
        """This object for the calling module: its first statement rebinds the name."""
        return Access(sys._getframe(1).f_globals)

    # --- module globals ---------------------------------------------------------------

    def gr(self, name: str) -> Any:
        rt = runtime.current
        try:
            if rt is None:
                return self._g[name]
            return read(rt, name, getitem, self._g, name, LOAD_GLOBAL)
        except KeyError:
            raise NameError(f"name '{name}' is not defined") from None

    def gw(self, name: str, value: Any) -> None:
        rt = runtime.current
        if rt is None:
            self._g[name] = value
        else:
            write(rt, name, getitem, setitem, self._g, name, value, STORE_GLOBAL)

    def gwv(self, name: str, value: Any) -> Any:
        self.gw(name, value)
        return value

    def gdel(self, name: str) -> None:
        g = self._g
        if name not in g:
            raise NameError(f"name '{name}' is not defined")
        rt = runtime.current
        if rt is None:
            del g[name]
        else:
            delete(rt, name, delitem, g, name, DELETE_GLOBAL)

    # --- variables of an enclosing function, through their cells -----------------------

    def cr(self, cell: Any, name: str, own: bool = False) -> Any:
        """``own``: read in the function owning the variable (for the error's wording)."""
        rt = runtime.current
        try:
            if rt is None:
                return cell.cell_contents
            return read(rt, name, getattr, cell, CONTENTS, LOAD_DEREF)
        except ValueError:  # an empty cell
            raise unbound(name, own) from None

    def cw(self, cell: Any, name: str, value: Any) -> None:
        rt = runtime.current
        if rt is None:
            cell.cell_contents = value
        else:
            write(rt, name, getattr, setattr, cell, CONTENTS, value, STORE_DEREF)

    def cwv(self, cell: Any, name: str, value: Any) -> Any:
        self.cw(cell, name, value)
        return value

    def cdel(self, cell: Any, name: str, own: bool = False) -> None:
        rt = runtime.current
        try:
            if rt is None:
                del cell.cell_contents
            else:
                delete(rt, name, delattr, cell, CONTENTS, DELETE_DEREF)
        except ValueError:
            raise unbound(name, own) from None

    # --- attributes of the program's objects --------------------------------------------

    def ar(self, obj: Any, attr: str) -> Any:
        value = getattr(obj, attr)
        rt = runtime.current
        if rt is None or (SKIP.get(type(value), True) and plain(value)):
            return value
        known = ATTRS.get((type(obj), attr))
        if not (known or (known is None and data_attr(type(obj), attr))):
            return value
        return read(rt, self._name(rt, obj, attr), getattr, obj, attr, LOAD_ATTR)

    def aw(self, obj: Any, attr: str, value: Any) -> None:
        rt = runtime.current
        known = ATTRS.get((type(obj), attr))
        if rt is None or not (known or (known is None and data_attr(type(obj), attr))):
            setattr(obj, attr, value)
            return
        write(rt, self._name(rt, obj, attr), getattr, setattr, obj, attr, value, STORE_ATTR)

    def adel(self, obj: Any, attr: str) -> None:
        rt = runtime.current
        if rt is None or not data_attr(type(obj), attr):
            delattr(obj, attr)
            return
        delete(rt, self._name(rt, obj, attr), delattr, obj, attr, DELETE_ATTR)

    def aref(self, obj: Any, attr: str) -> Any:
        """``obj.attr`` where a container is expected (``obj.attr[k]``, ``obj.attr.pop()``):
        not a read of its own."""
        value = getattr(obj, attr)
        rt = runtime.current
        if rt is None or type(value) not in MUTATORS or not data_attr(type(obj), attr):
            return value
        return _Ref(value, self._name(rt, obj, attr))

    def _name(self, rt: Runtime, obj: Any, attr: str) -> str:
        if rt is not self._rt:
            self._rt, self._owners = rt, {}
        known = self._owners.get(id(obj))
        if known is None:
            with _NAMING:  # two threads meeting a new owner at once: one name
                known = self._owners.get(id(obj))
                if known is None:
                    known = (obj, owner_name(rt, self._g, obj) + ".")
                    self._owners[id(obj)] = known
        return known[1] + attr

    # --- items of lists, dicts and deques ---------------------------------------------

    def ir(self, base: Any, key: Any, label: str | None) -> Any:
        c, name = _unref(base, label)
        value = c[key]
        rt = runtime.current
        if rt is None or name is None or type(c) not in ITEMS or plain(value):
            return value
        return read(rt, f"{name}[{key_text(key)}]", getitem, c, key, LOAD_ITEM)

    def iw(self, base: Any, key: Any, value: Any, label: str | None) -> None:
        c, name = _unref(base, label)
        rt = runtime.current
        if rt is None or name is None or type(c) not in ITEMS:
            c[key] = value
            return
        write(rt, f"{name}[{key_text(key)}]", getitem, setitem, c, key, value, STORE_SUBSCR)

    def idel(self, base: Any, key: Any, label: str | None) -> None:
        c, name = _unref(base, label)
        rt = runtime.current
        if rt is None or name is None or type(c) not in ITEMS:
            del c[key]
            return
        delete(rt, f"{name}[{key_text(key)}]", delitem, c, key, DELETE_SUBSCR)

    def iref(self, base: Any, key: Any, label: str | None) -> Any:
        """``c[key]`` where a container is expected (``grid[0][1]``): not a read."""
        c, name = _unref(base, label)
        value = c[key]
        rt = runtime.current
        if rt is None or name is None or type(value) not in MUTATORS or type(c) not in ITEMS:
            return value
        return _Ref(value, f"{name}[{key_text(key)}]")

    def mc(self, base: Any, label: str | None, method: str, /, *args: Any, **kwargs: Any) -> Any:
        """``c.method(*args, **kwargs)``: a write if it changes the list, dict, set or
        deque ``c``; ``d.get(key)`` is a read of ``d[key]``."""
        c, name = _unref(base, label)
        rt = runtime.current
        changes = MUTATORS.get(type(c))
        if rt is None or name is None or changes is None:
            return getattr(c, method)(*args, **kwargs)
        if method in changes:
            return mutate(rt, c, name, method, args, kwargs)
        if method == "get" and type(c) in DICTS and args and not kwargs:
            value = c.get(*args)
            if not plain(value):
                return read(rt, f"{name}[{key_text(args[0])}]", dict_get, c, args, CALL)
            return value
        return getattr(c, method)(*args, **kwargs)


ACCESS = Access()
