"""A library's own threads as lanes of the run, marked ``internal`` (standard library
only): a ``multiprocessing`` pool's handlers and ``ThreadPool`` workers, a process
executor's manager, a queue's feeder (``process_substitutes.py``)."""

from __future__ import annotations

import threading
import weakref

from app.instrument import runtime
from app.instrument.events import NEW, RUNNABLE, RUNNING

__all__ = ["RELAY", "internal_lane"]

RELAY = "relay"  # the mark on a relay's lane (``internal_lane``)


def internal_lane(thread: threading.Thread | None, bind: bool = False, relay: bool = False) -> None:
    """Show a thread the library started for itself (a pool's handlers, an executor's
    manager, a queue's feeder) as a lane of the run, marked ``internal``: adopted as
    ``Runtime`` adopts a stranger, its end noticed the same way (``reap_adopted``).
    ``bind``: called by that thread itself, whose operations are then on this lane.
    ``relay``: the thread only passes a process pool's tasks and results along (a
    ``Pool``'s handlers, a process executor's manager): it looks Running, and the
    free-mode watchdog does not count it beside a wait for workers that can never end.
    Free mode only: the controlled scheduler has no place for a thread it cannot steer."""
    rt = runtime.current
    if rt is None or rt.controlled or thread is None or not thread.is_alive():
        return
    info = rt.new_thread(thread.name, daemon=True)
    info.extra["os_thread"] = _Weak(thread)
    if relay:
        info.extra[RELAY] = True
    if bind:
        rt.bind(info)
    with rt._lock:
        rt.adopted.append(info)
    rt.emit("create", state=NEW, info=info, detail={"adopted": True, "internal": True})
    rt.emit("start", state=RUNNABLE, info=info)
    rt.emit("run", state=RUNNING, info=info)


class _Weak:
    """A library thread as its lane holds it: weakly.  An executor's manager thread
    keeps its queues, whose locks are named semaphores; held for good, they outlive
    the run, which ends by ``os._exit``, and the resource tracker warns of a leak."""

    def __init__(self, thread: threading.Thread) -> None:
        self._ref = weakref.ref(thread)
        self.native_id = thread.native_id

    def is_alive(self) -> bool:
        thread = self._ref()
        return thread is not None and thread.is_alive()

    def join(self, timeout: float | None = None) -> None:
        thread = self._ref()
        if thread is not None:
            thread.join(timeout)
