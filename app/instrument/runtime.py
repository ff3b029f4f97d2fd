"""The run that traced primitives report to (standard library only).

A ``Runtime`` ties together the ``Recorder`` (the event log being written), the
scheduling ``Hook`` (free or controlled) and the threads of the run.  Outside a run
``current`` is None and every traced primitive behaves as the plain one.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from app.contract import DEFAULT_LIMITS
from app.instrument.events import BLOCKED, DEAD, NEW, RUNNABLE, RUNNING
from app.instrument.program import PROGRAM_FILES
from app.instrument.recorder import Recorder

if TYPE_CHECKING:
    from app.instrument.hooks import Hook

_INSTRUMENT_DIR = os.path.dirname(os.path.abspath(__file__))
_INSTRUMENT_FILES = frozenset(
    os.path.join(_INSTRUMENT_DIR, f) for f in os.listdir(_INSTRUMENT_DIR) if f.endswith(".py")
)
# The standard library's files (asyncio's, threading's) and Threadlab's (the worker's): a
# line there is no line of the program's, even with no program frame to give instead.
_NOT_PROGRAM = (
    os.path.join(sysconfig.get_paths()["stdlib"], ""),
    "<frozen ",  # the standard library's frozen modules: runpy, importlib
    os.path.join(os.path.dirname(_INSTRUMENT_DIR), ""),
)
EMPTY: dict[str, Any] = {}  # shared empty detail: never mutated
# Name prefixes of the threads a library starts for itself (the default executor of an
# asyncio loop): adopted with ``internal: true``, drawn quieter.
INTERNAL_THREADS = ("asyncio_",)


class ThreadInfo:
    """What the run knows about one thread: its name and current lifecycle state."""

    __slots__ = ("blocked_on", "daemon", "ended", "extra", "ident", "name", "state")

    def __init__(self, name: str, daemon: bool) -> None:
        self.name = name
        self.daemon = daemon
        self.state: str = NEW
        self.ident: int | None = None
        # Held from the thread's creation until it ends: join() waits on it.
        self.ended = threading.Lock()
        self.ended.acquire()
        self.extra: dict[str, Any] = {}  # room for the scheduler's bookkeeping
        # (obj, reason, timeout) of the last block: meaningful while state is Blocked.
        self.blocked_on: tuple[str | None, str, float | None] | None = None

    def __repr__(self) -> str:
        return f"<ThreadInfo {self.name} {self.state}>"


class Runtime:
    def __init__(
        self,
        recorder: Recorder,
        hook: Hook,
        clock: Callable[[], float],
        max_threads: int = DEFAULT_LIMITS.max_threads,
    ) -> None:
        self.recorder = recorder
        self.hook = hook
        self.controlled: bool = hook.controlled  # lets hot paths skip hook.point()
        self.clock = clock
        self.max_threads = max_threads
        self.threads: list[ThreadInfo] = []
        self.adopted: list[ThreadInfo] = []  # threads not started by traced Thread
        self._local = threading.local()
        self._counters: dict[str, int] = {}
        self._names: set[str] = set()
        self._lock = threading.Lock()
        self.op = self._make_op()

    # --- threads -------------------------------------------------------------------

    def me(self) -> ThreadInfo:
        """The calling thread's info.  In free mode a thread the run did not create (a
        ThreadPoolExecutor worker) is adopted; the controlled scheduler cannot steer a
        stranger (e.g. a thread left over from an earlier trial): it gets ``RunOver``."""
        try:
            info: ThreadInfo = self._local.info
            return info
        except AttributeError:
            return self._adopt()

    def bind(self, info: ThreadInfo) -> None:
        """Make ``info`` the calling OS thread's identity in this run."""
        info.ident = threading.get_ident()
        self._local.info = info

    def new_thread(self, name: str | None, daemon: bool) -> ThreadInfo:
        """A thread of the run.  Its lane, ``info.name``, is ``name`` (by default
        'Thread-N') made unique in the run: the page tells two threads the program
        gave the same name apart (``worker``, ``worker#2``)."""
        info = ThreadInfo(self.unique(name or f"Thread-{self.count('Thread')}"), daemon)
        with self._lock:
            self.threads.append(info)
        return info

    def started_count(self) -> int:
        return sum(1 for t in self.threads if t.state != NEW)

    def _adopt(self) -> ThreadInfo:
        # A thread started behind our back (e.g. by ThreadPoolExecutor): give it a life.
        # Its end is noticed by ``reap_adopted`` (not by a hook in the dying thread:
        # Python code run during a thread's teardown can crash the interpreter).
        if self.controlled:
            raise RunOver  # a stranger (a leftover of an earlier trial) cannot join
        os_thread = threading.current_thread()
        info = self.new_thread(os_thread.name, daemon=True)
        info.extra["os_thread"] = os_thread
        self.bind(info)
        with self._lock:
            self.adopted.append(info)
        detail: dict[str, Any] = {"adopted": True}
        if os_thread.name.startswith(INTERNAL_THREADS):
            detail["internal"] = True  # a library's own thread: asyncio.to_thread's pool
        self.emit("create", state=NEW, info=info, detail=detail)
        self.emit("start", state=RUNNABLE, info=info)
        self.emit("run", state=RUNNING, info=info)
        return info

    def reap_adopted(self) -> None:
        """Record the exit of every adopted thread that has ended since the last call."""
        with self._lock:
            ended = [t for t in self.adopted if not t.extra["os_thread"].is_alive()]
            for info in ended:
                self.adopted.remove(info)
        for info in ended:
            self.emit("exit", state=DEAD, info=info, line=None)
            info.ended.release()

    # --- names ---------------------------------------------------------------------

    def count(self, kind: str) -> int:
        """1, 2, 3… per ``kind``: threading numbers 'Thread-N' per process, a run per
        run, so that a trial and its replay name their threads the same."""
        with self._lock:
            n = self._counters[kind] = self._counters.get(kind, 0) + 1
        return n

    def unique(self, name: str) -> str:
        """``name``, or ``name#2``, ``name#3``… if the run has it already: no two
        threads and no two objects share a name in the log (``naming.py``)."""
        with self._lock:
            candidate, n = name, 1
            while candidate in self._names:
                n += 1
                candidate = f"{name}#{n}"
            self._names.add(candidate)
        return candidate

    # --- events --------------------------------------------------------------------

    def emit(
        self,
        kind: str,
        obj: str | None = None,
        detail: dict[str, Any] | None = None,
        state: str | None = None,
        info: ThreadInfo | None = None,
        line: int | None = -1,
    ) -> None:
        """Record one event of ``info`` (default: the calling thread).

        ``state`` is the thread's state after the event; None keeps the current one.
        ``line`` defaults to the scenario line that called into the primitives.
        """
        if info is None:
            info = self.me()
        if state is not None:
            info.state = state
        if line == -1:
            line = caller_line()
        self.recorder.record(kind, info.name, info.state, obj, line, detail or {})

    def _make_op(self) -> Callable[..., None]:
        """Build ``op``: ``emit`` for the calling thread without a state change.  It is
        the hot path of every acquire and release, so it is a closure over the recorder's
        parts (locals are faster than attributes) doing ``Recorder.record``'s work
        inline; measured in bench/primitives.py."""
        rec = self.recorder
        if not rec.atomic:
            return self._op_locked
        nxt, append, clock, local = rec.next_seq, rec.pending.append, rec.clock, self._local
        adopt, files, getframe = self._adopt, _INSTRUMENT_FILES, sys._getframe
        programs, record = PROGRAM_FILES, rec.record
        limit = rec.max_events

        def op(kind: str, obj: str, detail: dict[str, Any] = EMPTY) -> None:
            try:
                info = local.info
            except AttributeError:
                info = adopt()
            frame = getframe(2)  # the primitive's caller, usually the scenario
            code = frame.f_code
            while code.co_filename in files:
                frame = frame.f_back  # type: ignore[assignment]  # never None: a scenario frame is below
                code = frame.f_code
            if code.co_filename not in programs and programs:
                # Called through a library (asyncio's executor): the program's nearest line.
                found = program_frame(frame)
                if found is None:  # no program code on the stack: no line
                    record(kind, info.name, info.state, obj, None, detail)
                    return
                frame, code = found, found.f_code
            if rec.enabled:
                seq = nxt()
                # The code and the offset, not the line: the writer looks the line up
                # (a 9-field record; a nested tuple here cost 40 ns an event).
                append(
                    (
                        seq,
                        clock(),
                        kind,
                        info.name,
                        info.state,
                        obj,
                        code,
                        detail,
                        frame.f_lasti,
                    )
                )
                if seq == limit:
                    rec.limit_reached(seq)

        return op

    def _op_locked(self, kind: str, obj: str, detail: dict[str, Any] = EMPTY) -> None:
        self.emit(kind, obj, detail)

    def emit_run(
        self, kind: str, obj: str | None = None, detail: dict[str, Any] | None = None
    ) -> None:
        """A run-level event (thread null)."""
        self.recorder.record(kind, None, None, obj, None, detail or {})

    def declare(self, name: str, type_: str, **detail: Any) -> None:
        self.emit("declare", name, {"type": type_, **detail})

    def block(self, obj: str | None, reason: str, **detail: Any) -> None:
        """Record that the calling thread blocks; remember on what, for the watchdog."""
        info = self.me()
        info.blocked_on = (obj, reason, detail.get("timeout"))
        self.emit("block", obj, {"reason": reason, **detail}, state=BLOCKED, info=info)


class RunOver(BaseException):
    """Raised in a thread of a controlled run that has ended (a finished trial, a
    deadlocked one): it unwinds the thread's stack and the thread ends quietly, instead
    of staying parked for the life of the process."""


def caller_line() -> int | None:
    """Line number of the program's frame that called into the primitives."""
    frame = program_frame(sys._getframe(2))
    return frame.f_lineno if frame is not None else None


def raised_at(exc: BaseException) -> int | None:
    """The line of the program's own code where ``exc`` was raised: its innermost frame
    in a program's file (a ``ZeroDivisionError`` in a helper the program called is on
    the helper's line), None if no program code is on its traceback."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in PROGRAM_FILES:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def program_frame(frame: FrameType | None) -> FrameType | None:
    """The program's frame nearest to ``frame`` up the stack: the nearest in a program's
    file (``program.is_program_code``) — a program may call us through the standard
    library — else, for code not registered as a program (a test calling us directly),
    the nearest outside ``app/instrument``; with a program registered, one outside the
    standard library and ``app`` too (a thread of asyncio's pool: none)."""
    first = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename not in _INSTRUMENT_FILES:
            if filename in PROGRAM_FILES or not PROGRAM_FILES:
                return frame
            if first is None and not filename.startswith(_NOT_PROGRAM):
                first = frame
        frame = frame.f_back
    return first


current: Runtime | None = None
# ``current.op`` when the run is in free mode on a GIL build (the lock-free recorder):
# the one test Lock's hot path makes.  None otherwise.
fast_op: Callable[..., None] | None = None


def install(runtime: Runtime | None) -> None:
    """Make ``runtime`` the run every traced primitive reports to (None: no run)."""
    global current, fast_op
    current = runtime
    if runtime is not None and not runtime.controlled and runtime.recorder.atomic:
        fast_op = runtime.op
    else:
        fast_op = None


def now() -> float:
    """The run's clock (virtual in controlled mode), or a monotonic clock outside a run."""
    rt = current
    return rt.clock() if rt is not None else time.monotonic()
