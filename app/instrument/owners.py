"""The name of an object whose attributes are shared data (standard library only):
``alice`` in ``alice.balance``.

Looked for once per object and run, at its first traced attribute access, the way
``naming.py`` names the owner of a primitive (``alice.lock``), so that one object goes
by one name on the page: a path to it from the variables of the calling thread's
program frames and of its module (``alice``, ``accounts[1]``).  Without ``naming.py``'s
search, this module's own: the module's variables, then the frames', then one step
into the module's containers and objects.  Found nowhere: its class, ``Account``.
Names are unique per run (``Runtime.unique``: ``Account#2``).  Lists and dicts are
searched in order, so the same run names the same objects.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from itertools import islice
from types import FrameType
from typing import Any

from app.instrument import naming
from app.instrument.program import PROGRAM_MODULE
from app.instrument.runtime import Runtime

_MAX_ITEMS = 1000  # items searched in one container


def owner_name(rt: Runtime, namespace: dict[str, Any], obj: Any) -> str:
    """A name for ``obj``, unique in the run ``rt``."""
    frame = _program_frame(namespace)
    # naming.py's path search, where it has one (the same names as its owners').
    search: Callable[[Any, FrameType], str | None] | None = getattr(naming, "_find", None)
    if search is not None and frame is not None:
        found = search(obj, frame)
    else:
        found = _find(namespace, obj)
    return rt.unique(found or type(obj).__name__)


def _program_frame(namespace: dict[str, Any]) -> FrameType | None:
    """The innermost frame of the calling thread running the program's code."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_globals is not namespace:
        frame = frame.f_back
    return frame


def _find(namespace: dict[str, Any], obj: Any) -> str | None:
    module = _snapshot(namespace)
    for var, value in module:
        if value is obj:
            return var
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals is namespace and frame.f_locals is not namespace:
            for var, value in _snapshot(frame.f_locals):
                if value is obj and var not in ("self", "cls"):
                    return var
        frame = frame.f_back  # type: ignore[assignment]  # the loop ends at None
    for var, value in module:
        step = _step(value, obj)
        if step is not None:
            return var + step
    return None


def _snapshot(mapping: dict[str, Any]) -> list[tuple[str, Any]]:
    """The variables, not the rewrite's own (``__tl_…``) nor the module's dunders."""
    try:
        items = list(mapping.items())
    except RuntimeError:  # changed size while copied: search it as it was not
        return []
    return [(k, v) for k, v in items if not k.startswith("__")]


def _step(value: Any, obj: Any) -> str | None:
    """``[i]``, ``['key']`` or ``.attr`` if ``obj`` is one step into ``value``."""
    try:
        if isinstance(value, (list, tuple)):
            for i, item in enumerate(islice(value, _MAX_ITEMS)):
                if item is obj:
                    return f"[{i}]"
        elif isinstance(value, dict):
            for key, item in islice(value.items(), _MAX_ITEMS):
                if item is obj and isinstance(key, (str, int)):
                    return f"[{key!r}]"
        elif type(value).__module__ == PROGRAM_MODULE and not isinstance(value, type):
            for attr, item in islice(getattr(value, "__dict__", {}).items(), _MAX_ITEMS):
                if item is obj and not attr.startswith("__"):
                    return f".{attr}"
    except RuntimeError:  # changed size while searched
        return None
    return None
