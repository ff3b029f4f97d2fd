"""``threading``'s module functions, answered for a run's threads (standard library only):
``current_thread``, ``main_thread``, ``enumerate``, ``active_count``, ``get_ident``.

Inside a run, ``current_thread()`` is the traced ``Thread`` the calling thread runs —
or, for a thread no traced ``Thread`` started (the run's MainThread, a thread adopted in
free mode), a ``Thread`` standing for it with the run's name, as CPython's
``_MainThread`` and ``_DummyThread`` do.  ``enumerate()`` lists the run's started threads
that have not ended, in the order they were created.  Outside a run each function is
``threading``'s own.  None of them is an event or a scheduling point: they only look.
"""

from __future__ import annotations

import threading
from _thread import get_ident
from typing import TYPE_CHECKING, Any

from app.instrument import runtime
from app.instrument.events import DEAD, NEW
from app.instrument.threads import Thread

if TYPE_CHECKING:
    from app.instrument.runtime import Runtime, ThreadInfo

__all__ = ["active_count", "current_thread", "enumerate", "get_ident", "main_thread"]


class _RunThread(Thread):
    """A thread of the run that no traced ``Thread`` started."""

    def __init__(self, rt: Runtime, info: ThreadInfo, os_thread: threading.Thread | None) -> None:
        # Not Thread.__init__: that would add a new thread to the run.
        self._rt = rt
        self._info = info
        self._name = info.name
        self._daemon = info.daemon
        self._started = True
        self._os_thread = os_thread
        self._target = None
        self._args = ()
        self._kwargs = {}

    @property
    def ident(self) -> int | None:
        return self._info.ident

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__}({self.name}, {'started' if self.is_alive() else 'stopped'})>"
        )


class _MainThread(_RunThread):
    """The run's MainThread, as ``threading.main_thread()`` is the interpreter's."""


class _DummyThread(_RunThread):
    """A thread started behind the run's back (adopted in free mode)."""


def thread_of(rt: Runtime, info: ThreadInfo) -> Any:
    """The ``Thread`` object of the run's thread ``info`` (made once, then kept)."""
    thread = info.extra.get("thread")
    if thread is None:
        os_thread = info.extra.get("os_thread")
        if os_thread is None and info.ident == get_ident():
            os_thread = threading.current_thread()
        kind = _MainThread if rt.threads and info is rt.threads[0] else _DummyThread
        thread = info.extra.setdefault("thread", kind(rt, info, os_thread))
    return thread


def current_thread() -> Any:
    """``threading.current_thread()``."""
    rt = runtime.current
    if rt is None:
        return threading.current_thread()
    return thread_of(rt, rt.me())


def main_thread() -> Any:
    """``threading.main_thread()``: the run's MainThread (its first thread)."""
    rt = runtime.current
    if rt is None or not rt.threads:
        return threading.main_thread()
    return thread_of(rt, rt.threads[0])


def enumerate() -> list[Any]:
    """``threading.enumerate()``: the run's threads that were started and have not
    ended, in creation order."""
    rt = runtime.current
    if rt is None:
        return threading.enumerate()
    return [thread_of(rt, info) for info in list(rt.threads) if _alive(rt, info)]


def active_count() -> int:
    """``threading.active_count()``: ``len(enumerate())``."""
    rt = runtime.current
    if rt is None:
        return threading.active_count()
    return sum(1 for info in list(rt.threads) if _alive(rt, info))


def _alive(rt: Runtime, info: ThreadInfo) -> bool:
    if info.state in (NEW, DEAD) or "process" in info.extra:  # a child process's lane
        return False
    # An adopted thread's end is recorded later (``reap_adopted``): ask its OS thread.
    return info not in rt.adopted or info.extra["os_thread"].is_alive()
