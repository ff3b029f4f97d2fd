"""The child side of child processes as lanes (standard library only): what runs in a
process a program started, before any of the program's code runs there
(``processes.py`` is the parent side).  A fresh ``Runtime`` — free mode: children run
free, also in a controlled run — records the child's own threads, its shared data and
its ``print``; a writer thread sends the records over the child's own channel, names
prefixed with the process's (``Process-1/``); a watcher kills the child when its parent
dies, so no child outlives its run.
"""

from __future__ import annotations

import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from app.instrument import runtime
from app.instrument.events import NEW, PROCESS_SEPARATOR, RUNNABLE, RUNNING, TIMED_OUT
from app.instrument.runtime import Runtime

# What a pool's or a process executor's worker waits on between tasks (not a name a
# program's own resource can have).
TASKS = "<tasks>"
FLUSH_INTERVAL = 0.01  # seconds between a child's batches on its channel
# Detail keys that hold names (of lanes or resources) in a child's events.
_NAME_KEYS = ("by", "lock")
_NAMES_KEYS = ("woken", "waiting_for", "futures")


@dataclass(frozen=True)
class Boot:
    """What a child needs to report: its channel, its lanes' prefix, the run's clock."""

    channel: Any  # a multiprocessing Connection (write end)
    prefix: str  # "Process-1"
    origin: float  # the run's perf_counter at t = 0 (free mode)
    max_threads: int


class Child:
    """The run inside a child process: its runtime, writer and parent watcher."""

    active: Child | None = None  # the one of this process, once begun

    def __init__(self, boot: Boot) -> None:
        from app.instrument.hooks import FreeHook
        from app.instrument.recorder import Recorder

        self.boot = boot
        self.channel = boot.channel
        recorder = Recorder(time.perf_counter)
        recorder.origin = recorder._last_t = boot.origin  # the run's t = 0
        self.rt = Runtime(recorder, FreeHook(), recorder.now, boot.max_threads)
        self.main = self.rt.new_thread("MainThread", daemon=False)
        self._stopped = threading.Event()
        self._lock = threading.Lock()

    @staticmethod
    def begin(boot: Boot) -> None:
        """Make this process a traced child (once), before the program's code runs."""
        child = Child(boot)
        Child.active = child
        from app.worker.execution import OutputCapture  # the worker's, as in the parent

        rt = child.rt
        rt.bind(child.main)
        runtime.install(rt)
        rt.emit("run", state=RUNNING, info=child.main, line=None)
        sys.stdout = OutputCapture(rt)  # a file enough for print
        sys.stderr = OutputCapture(rt)
        threading.Thread(target=child._writer, name="threadlab-child-writer", daemon=True).start()

    def _writer(self) -> None:
        while not self._stopped.wait(FLUSH_INTERVAL):
            self.flush()

    def flush(self) -> None:
        with self._lock:
            rec = self.rt.recorder
            events = [rec.to_event(r) for r in rec.take()]
            if not events:
                return
            prefix = self.boot.prefix
            batch = [
                (
                    e["t"],
                    e["kind"],
                    _named(prefix, e["thread"]),
                    e["state"],
                    _named(prefix, e["obj"]),
                    e["line"],
                    _renamed(prefix, e["detail"]),
                )
                for e in events
            ]
            try:
                self.channel.send(batch)
            except OSError:  # the parent is gone: nothing to report to
                os._exit(1)

    def wait_threads(self) -> None:
        """As the interpreter at exit: thread pools finish, non-daemon threads end."""
        from app.instrument.executor import python_exit

        python_exit(self.rt)
        for info in list(self.rt.threads):
            if info is not self.main and not info.daemon and info.state != NEW:
                # A traced wait (block, wake when it ends): the watchdog sees the
                # child's MainThread waiting, not running.
                self.rt.hook.acquire(self.rt, info.ended, None, info.name, "join")
                info.ended.release()

    def finish(self) -> None:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        self._stopped.set()
        self.flush()
        self.rt.recorder.stop()
        self.channel.close()


child_run = Child  # the class: ``child_run.active`` is this process's child run, if any


def in_child() -> bool:
    """Is this a child process of a run, reporting to its parent?"""
    return child_run.active is not None


def _named(prefix: str, name: str | None) -> str | None:
    return None if name is None else f"{prefix}{PROCESS_SEPARATOR}{name}"


def _renamed(prefix: str, detail: dict[str, Any]) -> dict[str, Any]:
    if not any(k in detail for k in (*_NAME_KEYS, *_NAMES_KEYS)):
        return detail
    out = dict(detail)
    for key in _NAME_KEYS:
        if isinstance(out.get(key), str):
            out[key] = f"{prefix}{PROCESS_SEPARATOR}{out[key]}"
    for key in _NAMES_KEYS:
        if isinstance(out.get(key), list):
            sep = PROCESS_SEPARATOR
            out[key] = [f"{prefix}{sep}{n}" if isinstance(n, str) else n for n in out[key]]
    return out


def trace_idle(rt: Runtime, target: Any, args: tuple[Any, ...]) -> None:
    """A pool's or a process executor's worker waits for its next task inside the
    library, untraced: it would look Running.  Its task queue's get (of a ``SimpleQueue``
    or a ``Queue``) waits inside ``with self._rlock:`` and unpickles after it (the
    program's code may run then): that block becomes a traced wait on ``TASKS``, so the
    watchdog sees an idle worker beside a deadlocked sibling as blocked, not as
    progress."""
    import concurrent.futures.process
    import multiprocessing.pool

    pool_worker = getattr(multiprocessing.pool, "worker")  # noqa: B009  # not in typeshed
    if target not in (pool_worker, concurrent.futures.process._process_worker) or not args:
        return
    queue = args[0]
    rt.declare(TASKS, "Queue")
    queue._rlock = _IdleWait(rt, queue._rlock)


class _IdleWait:
    """A worker's task-queue lock: its ``with`` block is the wait for the next task."""

    def __init__(self, rt: Runtime, lock: Any) -> None:
        self.rt = rt
        self.lock = lock

    def __enter__(self) -> None:
        self.rt.block(TASKS, "get", timeout=None)
        try:
            self.lock.__enter__()
        except BaseException:
            self._woken()
            raise

    def __exit__(self, *exc: object) -> None:
        self.lock.__exit__(*exc)
        self._woken()

    def _woken(self) -> None:
        self.rt.emit("wake", TASKS, {TIMED_OUT: False}, state=RUNNABLE)
        self.rt.emit("run", state=RUNNING)


def watch_parent(sentinel: int) -> None:
    """Kill this child as soon as its parent is gone, however it went (the sentinel is
    a pipe whose other end only the parent holds)."""
    multiprocessing.connection.wait([sentinel])
    os.kill(os.getpid(), signal.SIGKILL)
