"""Child processes as lanes: a traced ``multiprocessing`` (standard library only).

A program's ``import multiprocessing`` (and ``concurrent.futures.ProcessPoolExecutor``)
gets contexts whose ``Process`` is traced here; ``Pool`` and ``ProcessPoolExecutor``
start their workers through a context's ``Process``, so theirs are traced too.  Each
child process is a group of lanes of the same run, named ``<process name>/<thread
name>`` (``Process-1/MainThread``):

- **parent side** (``TracedProcess.start``): the lane ``Process-1/MainThread`` is a
  thread of the parent's run (so the run waits for it, and ``join`` blocks on it as
  on a thread); its ``create`` carries ``pid``.  Each child gets its own channel, a
  one-way ``multiprocessing`` pipe; a reader thread of the parent records what comes
  out of it into the run's recorder, which numbers it (``seq``): one log, one
  numbering.  When the channel closes and the process has ended, the reader ends the
  lanes still alive and records the process's ``exit`` with ``exitcode``.  The reader
  also keeps a view of the child's lanes from their events (``child_lanes``): the
  watchdog sees a deadlock inside a child as in the parent, and a thread waiting for
  a pool's results (``awaiting``) as waiting for those children: in a controlled run
  (a join too) not as a stall; in a free run, where that wait is untraced, as blocked
  for good while they can never end (``waits_for``).
- **child side** (``child_run``): before any of the program's code runs in the child — at
  the unpickling of the process object under "spawn" / "forkserver", first thing in
  ``_bootstrap`` under "fork" — a fresh ``Runtime`` (free mode: children run free, also
  in a controlled run) records the child's own threads, its shared data and its
  ``print`` (``output``); a writer thread sends the records over the channel, names
  prefixed.  ``t`` is ``time.perf_counter`` (CLOCK_MONOTONIC, one clock for every
  process of the machine) minus the run's origin, passed down: the parent's recorder
  clamps it so it never goes back.  A watcher thread kills the child when its parent
  dies (SIGKILL of the worker included), so no child outlives its run.

The default start method a program gets is "spawn": the worker always has threads,
and forking a threaded process is unsafe (and warned about from Python 3.12).  A
program that asks for "fork" gets it, as it would anywhere.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import multiprocessing.pool
import multiprocessing.process
import multiprocessing.queues
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from app.instrument import runtime
from app.instrument.events import DEAD, NEW, PROCESS_SEPARATOR, RUNNABLE
from app.instrument.process_child import Boot, child_run, trace_idle, watch_parent
from app.instrument.runtime import Runtime, ThreadInfo

__all__ = ["TracedProcess", "awaited", "awaiting", "child_lanes", "waits_for"]

DEFAULT_METHOD = "spawn"
WAITS_FOR = "waits_for"  # a free run's thread's mark: the children it waits for


# --- the parent side ----------------------------------------------------------------


class TracedProcess(multiprocessing.process.BaseProcess):
    """Mixed into each context's ``Process``: a child process as lanes of the run."""

    _tl_boot: Boot | None = None
    _tl_lane: ThreadInfo | None = None
    _tl_reader: threading.Thread | None = None

    def start(self) -> None:
        rt = runtime.current
        if rt is None or (child_run.active is not None and child_run.active.rt is not rt):
            super().start()  # outside a run (or a stale run): the plain process
            return
        if rt.started_count() >= rt.max_threads:
            raise RuntimeError(
                f"this run may start at most {rt.max_threads} threads and processes "
                "(the max_threads limit); start fewer"
            )
        if getattr(rt._local, "info", None) is not None:  # not a library's own thread
            rt.hook.point(rt)
        target = getattr(self, "_target", None)  # start() forgets it
        lane = rt.new_thread(f"{self.name}{PROCESS_SEPARATOR}MainThread", daemon=bool(self.daemon))
        receive, send = multiprocessing.Pipe(duplex=False)
        origin = rt.recorder.origin if not rt.controlled else time.perf_counter()
        prefix = lane.name.removesuffix(f"{PROCESS_SEPARATOR}MainThread")
        # Its threads count against what the run has left (the max_threads limit).
        budget = max(rt.max_threads - rt.started_count() - 1, 0)
        self._tl_boot = Boot(send, prefix, origin, budget)
        from app.worker.program import let_children_load  # the loader: a program's own

        let_children_load()  # functions pickle as (file, source, name) for "spawn"
        try:
            super().start()
        except BaseException:
            receive.close()
            rt.threads.remove(lane)
            raise
        finally:
            send.close()  # the child has its own copy: EOF comes when it is gone
            self._tl_boot = None
        self._tl_lane = lane
        lane.extra["process"] = self  # not a thread of this process: enumerate() skips it
        detail: dict[str, Any] = {"daemon": bool(self.daemon), "pid": self.pid}
        if rt.controlled:
            detail["free_running"] = True  # the scheduler does not steer another process
        if target is not None:
            detail["target"] = getattr(target, "__name__", repr(target))
        rt.emit("create", detail=detail, state=NEW, info=lane)
        rt.emit("start", state=RUNNABLE, info=lane)
        self._tl_reader = threading.Thread(
            target=_read_child,
            args=(rt, self, lane, receive, origin),
            name=f"threadlab-{self.name}",
            daemon=True,
        )
        self._tl_reader.start()

    def join(self, timeout: float | None = None) -> None:
        rt = runtime.current
        lane = self._tl_lane
        # A thread the library started for itself (a pool's handler, an executor's
        # manager) joins untraced: it is not the program's, and adopting it would draw
        # it as one of the program's threads.
        if rt is None or lane is None or getattr(rt._local, "info", None) is None:
            super().join(timeout)
            return
        if rt.controlled and self._tl_reader is not None:
            # Children run free: the wait is real, outside the schedule.  The reader
            # records the end (and reaps the process) first.
            with awaiting([self]):
                self._tl_reader.join(timeout)
        wait = None if timeout is None else max(timeout, 0)
        finished = rt.hook.acquire(rt, lane.ended, wait, lane.name, "join")
        if finished:
            lane.ended.release()  # free for every other joiner
            super().join(0)  # reaped already by the reader: this only tidies up
        rt.emit("join", lane.name, {"timeout": timeout, "alive": not finished})

    def __reduce__(self) -> tuple[Any, ...]:
        # "spawn"/"forkserver": the child unpickles this object before it runs anything
        # of the program.  ``_Begin`` comes first and begins the child's run; then the
        # class (a program's own subclass is found by loading the program, traced) and
        # the state (the target and its arguments: the program's functions).
        state = {k: v for k, v in self.__dict__.items() if k != "_tl_boot"}
        return (_rebuild, (_Begin(self._tl_boot), type(self)), state)

    def _bootstrap(self, parent_sentinel: Any = None) -> int:
        boot = self.__dict__.pop("_tl_boot", None) or type(self)._tl_boot
        if boot is not None and child_run.active is None:  # "fork": start here
            child_run.begin(boot)
        if child_run.active is not None and parent_sentinel is not None:
            watch = threading.Thread(
                target=watch_parent, args=(parent_sentinel,), name="threadlab-watch", daemon=True
            )
            watch.start()
        try:
            code: int = super()._bootstrap(parent_sentinel)  # type: ignore[misc]  # private
        finally:
            if child_run.active is not None:
                child_run.active.finish()
        return code

    def run(self) -> None:
        if child_run.active is not None:
            target, args = getattr(self, "_target", None), tuple(getattr(self, "_args", ()))
            trace_idle(child_run.active.rt, target, args)
        try:
            super().run()
        finally:
            if child_run.active is not None:
                child_run.active.wait_threads()


class _Begin:
    """The first part of a pickled process object: unpickled, it begins the child's run."""

    def __init__(self, boot: Boot | None) -> None:
        self.boot = boot

    def __reduce__(self) -> tuple[Any, ...]:
        return (_begin, (self.boot,))


def _begin(boot: Boot | None) -> None:
    if boot is not None and child_run.active is None:
        child_run.begin(boot)


def _rebuild(_begun: None, cls: type[TracedProcess]) -> TracedProcess:
    obj: TracedProcess = cls.__new__(cls)
    return obj


def _read_child(
    rt: Runtime, process: TracedProcess, lane: ThreadInfo, channel: Any, origin: float
) -> None:
    """The parent's reader of one child: its records into the run's log, then its end."""
    states: dict[str, str] = {lane.name: RUNNABLE}
    views: dict[str, ThreadInfo] = {}  # the child's lanes as it reports them
    lane.extra["lanes"] = views
    rec = rt.recorder
    shift = origin - rec.origin  # a controlled run: real seconds since the child began
    try:
        while True:
            try:
                batch = channel.recv()
            except (EOFError, OSError):
                break
            for t, kind, thread, state, obj, line, detail in batch:
                if thread is not None and state is not None:
                    states[thread] = state
                    _follow(views, lane, kind, thread, state, obj, detail)
                raw = rec.clock() if rt.controlled else t + shift + rec.origin
                _record(rt, raw, kind, thread, state, obj, line, detail)
    finally:
        channel.close()
    multiprocessing.connection.wait([process.sentinel])
    code = _exit_code(process)
    ended = {"killed": f"its process ended (exit code {code})"}
    for name, state in states.items():
        if name != lane.name and state not in (DEAD, NEW):
            _record(rt, rec.clock(), "exit", name, DEAD, None, None, ended)
    rt.emit("exit", detail={"pid": process.pid, "exitcode": code}, state=DEAD, info=lane, line=None)
    lane.ended.release()


def _follow(
    views: dict[str, ThreadInfo],
    lane: ThreadInfo,
    kind: str,
    thread: str,
    state: str,
    obj: str | None,
    detail: dict[str, Any],
) -> None:
    """Keep a view of one of the child's lanes up to date with its event, for the
    watchdog (``child_lanes``): its state and, while blocked, on what."""
    view = views.get(thread)
    if view is None:
        # A daemon process's lanes never keep the run going (nor does its MainThread
        # when it is not); an adopted thread is a daemon (``Runtime._adopt``).
        daemon = detail.get("daemon", detail.get("adopted", False)) or lane.daemon
        view = ThreadInfo(thread, daemon=lane.daemon if thread == lane.name else bool(daemon))
    if kind == "block":  # before the state: the watchdog reads them without a lock
        view.blocked_on = (obj, str(detail.get("reason")), detail.get("timeout"))
    view.state = state
    views[thread] = view  # shown to the watchdog once its state is set


def child_lanes(threads: list[ThreadInfo]) -> list[ThreadInfo]:
    """The run's lanes across processes, for the watchdog: each live child process's
    lane replaced by the child's own lanes as it has reported them (its threads, its
    children's), once it has reported any; until then the process lane itself, which
    is Runnable (a child starting up is progressing)."""
    out: list[ThreadInfo] = []
    for t in threads:
        views = t.extra.get("lanes")
        if t.state in (DEAD, NEW) or not views:
            out.append(t)
        else:
            out.extend(list(views.values()))  # a copy: the reader adds to it
    return out


def awaited(threads: list[ThreadInfo]) -> list[ThreadInfo]:
    """The live child processes' lanes a thread of a controlled run is waiting for,
    for real and outside the schedule (``awaiting``: a join, a pool's results)."""
    return [t for t in threads if t.extra.get("awaited") and t.state not in (DEAD, NEW)]


@contextmanager
def awaiting(children: Iterable[Any], bounded: bool = False) -> Iterator[None]:
    """A thread waits for what these child processes do (a join, a pool's or a process
    executor's results).  A controlled run: children run free, so the wait is real,
    outside the schedule; marked on their lanes (``awaited``) for the watchdog, which
    sees no stall while they live, a deadlock only if they can never end.  A free run:
    the wait is the library's, untraced (the thread looks Running); marked on the
    waiting thread's lane (``waits_for``), which the watchdog takes as blocked for good
    while those children can never end.  ``bounded``: the wait ends by itself (a
    timeout; ``terminate``, which kills them), never a deadlock.  A no-op outside a run
    and in a thread the library started for itself."""
    rt = runtime.current
    info = getattr(rt._local, "info", None) if rt is not None else None
    if rt is None or info is None:
        yield
        return
    lanes = [lane for p in list(children) if (lane := getattr(p, "_tl_lane", None)) is not None]
    if not rt.controlled:
        outer = info.extra.get(WAITS_FOR)
        info.extra[WAITS_FOR] = None if bounded else lanes  # the innermost wait's
        try:
            yield
        finally:
            info.extra[WAITS_FOR] = outer
        return
    with rt._lock:
        for lane in lanes:
            lane.extra["awaited"] = lane.extra.get("awaited", 0) + 1
    try:
        yield
    finally:
        with rt._lock:
            for lane in lanes:
                lane.extra["awaited"] -= 1


def waits_for(info: ThreadInfo) -> list[ThreadInfo]:
    """The child processes' lanes a thread of a free run waits for, untraced and with no
    timeout (``awaiting``), if it does."""
    return list(info.extra.get(WAITS_FOR) or ())


def _exit_code(process: TracedProcess) -> int | None:
    """The exit code of an ended process (Python's: negative for a signal).  Read
    without reaping it where it is our child (``WNOWAIT``), so the program's own
    ``join``, ``is_alive`` or ``exitcode`` reaps it as usual; a forkserver's child is
    not ours: its ``Popen`` reads the code from the server."""
    popen = getattr(process, "_popen", None)
    if popen is None:
        return None
    if process._start_method == "forkserver":  # type: ignore[attr-defined]
        code: int | None = popen.poll()
        return code
    try:
        info = os.waitid(os.P_PID, popen.pid, os.WEXITED | os.WNOWAIT)
    except ChildProcessError:
        info = None
    if info is not None:
        return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
    # Reaped by the program meanwhile: its Popen has the code, or sets it right after
    # its waitpid.
    deadline = time.monotonic() + 1.0
    while popen.returncode is None and time.monotonic() < deadline:
        time.sleep(0.001)
    code = popen.returncode
    return code


def _record(
    rt: Runtime,
    t: float,
    kind: str,
    thread: str | None,
    state: str | None,
    obj: str | None,
    line: int | None,
    detail: dict[str, Any],
) -> None:
    """``Recorder.record`` with a time given: an event of a child, numbered here."""
    rec = rt.recorder
    if not rec.enabled:
        return
    if rec.atomic:
        seq = rec.next_seq()
        rec.pending.append((seq, t, kind, thread, state, obj, line, detail))
    else:
        with rec.lock:
            seq = rec.next_seq()
            rec.pending.append((seq, t, kind, thread, state, obj, line, detail))
    if seq == rec.max_events:
        rec.limit_reached(seq)
