"""Shared variables whose reads and writes are events, and visible waits (standard
library only).

``counter.value += 1`` on a ``Shared`` is a visible read, then a visible write — the two
steps a race tears apart.  Each single read or write is atomic (as one attribute access
is in CPython); the read-modify-write across them is not, which is the point.
"""

from __future__ import annotations

import time
from _thread import allocate_lock
from typing import Any

from app.instrument import runtime

__all__ = ["Shared", "io", "measure", "sleep"]


class Shared:
    """A named value; ``.value`` reads and writes are recorded with the value."""

    def __init__(self, name: str, value: Any = None) -> None:
        self.name = name
        self._value = value
        # Makes "read the value" and "record the read" one step, so the log never shows
        # a read returning anything but the last recorded write.
        self._mutex = allocate_lock()
        rt = runtime.current
        if rt is not None:
            rt.declare(name, "Shared", value=value)

    @property
    def value(self) -> Any:
        rt = runtime.current
        if rt is None:
            return self._value
        rt.hook.point(rt)
        with self._mutex:
            value = self._value
            rt.emit("read", self.name, {"value": value})
        return value

    @value.setter
    def value(self, value: Any) -> None:
        rt = runtime.current
        if rt is None:
            self._value = value
            return
        rt.hook.point(rt)
        with self._mutex:
            rt.emit("write", self.name, {"value": value})
            self._value = value

    def peek(self) -> Any:
        """The value without recording a read (for checks that are not part of the demo)."""
        return self._value

    def __repr__(self) -> str:
        return f"<Shared {self.name}={self._value!r}>"


def sleep(seconds: float) -> None:
    """``time.sleep``, visible: the thread is Blocked for ``seconds`` (virtual time in
    controlled mode)."""
    _wait(seconds, "sleep", {})


def io(seconds: float, what: str = "I/O") -> None:
    """Stand-in for a blocking I/O call (a network request, a disk read) lasting
    ``seconds``: like a real one, it releases the GIL while it waits."""
    _wait(seconds, "io", {"io": what})


def _wait(seconds: float, reason: str, detail: dict[str, Any]) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    rt = runtime.current
    if rt is None:
        time.sleep(seconds)
        return
    rt.hook.point(rt)
    rt.emit("sleep", None, {"seconds": seconds, **detail})
    rt.hook.sleep(rt, seconds, reason)


def measure(name: str, value: float, unit: str = "s") -> None:
    """Put a measured number in the log (a ``measure`` event), e.g. the wall time of one
    variant of a benchmark; verdicts are computed from these, never from prints."""
    rt = runtime.current
    if rt is not None:
        rt.emit("measure", None, {"name": name, "value": value, "unit": unit})
