"""Values as the log shows them (standard library only): without addresses or ids, so
that the same run logs the same bytes.

Numbers, strings, booleans and None are themselves (a string cut at 200 characters, a
float that is not finite as text); lists, tuples, sets, dicts and deques are short text
(``[1, 2, 3]``, ``{'apples': 3}``, ``deque([4, 5])``): at most ``ITEMS`` items, two
levels deep, a set's items sorted so that hash order does not leak in; anything else is
its class, ``<Account>`` (a function, class or module: ``<function work>``).
"""

from __future__ import annotations

import math
from collections import Counter, OrderedDict, defaultdict, deque
from itertools import islice
from types import BuiltinFunctionType, FunctionType, ModuleType
from typing import Any

ITEMS = 8  # items shown of a container; the rest is counted
DEPTH = 2  # containers inside containers shown; deeper ones are "…"
TEXT = 200  # characters of a string shown
INNER_TEXT = 40  # characters of a string inside a container

_NoneType = type(None)
_NAMED = {
    FunctionType: "function",
    BuiltinFunctionType: "function",
    type: "class",
    ModuleType: "module",
}
_DICTS = (dict, defaultdict, OrderedDict, Counter)


def render(value: Any) -> Any:
    """``value`` as an event's ``detail.value``."""
    t = type(value)
    if t is int or t is bool or value is None:
        return value
    if t is str:
        return value if len(value) <= TEXT else value[: TEXT - 1] + "…"
    if t is float:
        return value if math.isfinite(value) else repr(value)
    try:
        return _text(value, 0)
    except RuntimeError:  # changed size while shown (by code that is not traced)
        return f"<{t.__name__}>"


def text(value: Any) -> str:
    """``value`` as text, as ``render`` shows what is not a number or a string: no
    addresses (an object is ``<Job>``), so a controlled run's log repeats."""
    try:
        return _text(value, 0)
    except RuntimeError:  # changed size while shown (by code that is not traced)
        return f"<{type(value).__name__}>"


def key_text(key: Any) -> str:
    """A subscript as the name shows it: ``0``, ``'apples'``, ``1:3``, ``1, 2``."""
    t = type(key)
    if t is int or t is str:
        return repr(key)
    if t is slice:
        parts = [_text(p, 1) if p is not None else "" for p in (key.start, key.stop)]
        if key.step is not None:
            parts.append(_text(key.step, 1))
        return ":".join(parts)
    if t is tuple:
        return ", ".join(_text(k, 1) for k in key)
    return _text(key, 1)


def _text(value: Any, depth: int) -> str:
    t = type(value)
    if t is str:
        return repr(value if len(value) <= INNER_TEXT else value[: INNER_TEXT - 1] + "…")
    if t in (int, float, bool, _NoneType):
        return repr(value)
    if t is list:
        return _items("[", value, "]", depth)
    if t is tuple:
        return _items("(", value, ",)" if len(value) == 1 else ")", depth)
    if t is deque:
        return _items("deque([", value, "])", depth)
    if t in (set, frozenset):
        if not value:
            return f"{t.__name__}()"
        return _items("{", value, "}", depth, ordered=False)
    if t in _DICTS:
        return _pairs(value, depth)
    if t in _NAMED:  # a function, class or module: its own name is no address
        return f"<{_NAMED[t]} {getattr(value, '__qualname__', None) or value.__name__}>"
    return f"<{t.__name__}>"


def _items(open_: str, items: Any, close: str, depth: int, ordered: bool = True) -> str:
    n = len(items)
    if not n:
        return open_ + close
    if depth >= DEPTH:
        return f"{open_}…{close}"
    inner = depth + 1
    if ordered:
        shown = [_text(item, inner) for item in islice(items, ITEMS)]
    else:  # every item, sorted: which ones come first must not depend on hashes
        shown = sorted([_text(item, inner) for item in items])[:ITEMS]
    if n > ITEMS:
        shown.append(f"…{n - ITEMS} more")
    return open_ + ", ".join(shown) + close


def _pairs(mapping: Any, depth: int) -> str:
    n = len(mapping)
    if not n:
        return "{}"
    if depth >= DEPTH:
        return "{…}"
    inner = depth + 1
    shown = [f"{_text(k, inner)}: {_text(v, inner)}" for k, v in islice(mapping.items(), ITEMS)]
    if n > ITEMS:
        shown.append(f"…{n - ITEMS} more")
    return "{" + ", ".join(shown) + "}"
