"""The GIL lane: which thread executes the program's bytecode when (standard library only).

Free mode only, and only for runs that ask for it (a scenario's ``extra["gil_lane"]`` or
the run option ``gil_lane``).  Line events of the program's own files: on 3.11 each
thread of the run gets a ``sys.settrace`` function (installed by the thread itself, in
``GilHook.begin``); on 3.12+ one ``sys.monitoring`` LINE callback serves every thread
(``GilMonitor``: half the cost of settrace there, which 3.12 builds on the same events).
Whoever gets a line event holds the GIL at that instant, so "the holder changed" is one
comparison per line, and the order of two threads' hand-offs is exact: both happen under
the GIL, in ``seq`` order.

What the log gets is hand-offs, not samples: a ``gil`` event is recorded only when the
holder changes — ``thread`` the thread that executes bytecode from then on, ``line``
where it resumed — and ``thread: null`` when the holder blocks in a traced wait (a lock,
a sleep, a join…: it gives the GIL up for the wait).  A 10 s CPU-bound run with two
threads and the default 5 ms switch interval makes about 2,000 of them.

What it cannot see: the C calls a thread makes between two lines (an untraced
``socket.recv``, ``conn.recv``) — a hand-off during one shows at the next line of the
thread that got the GIL; the worker's own threads (writer, watchdog), which hold the GIL
briefly and are not shown.

The cost is a Python call per line of program code: ×9–10 on a bare CPU-bound loop on
3.11, ×7–9 on 3.12 and 3.13 (``bench/gil_lane.py``, docs/performance.md), so a run may
give the lane a budget:
``gil_lane: 1.5`` measures the first 1.5 s (``gil_lane: "text"``: until the program
prints a line that starts with "text"), then every tracer removes itself
(``sys.settrace(None)``) at its thread's next line, a run-level ``gil`` event with
``detail.off`` says so, and the rest of the run (gil-cpu's timed rounds) runs at full
speed — timed like with like (3.12+: the LINE events are turned off for every thread at
once).

On a build without a GIL (``sys._is_gil_enabled()`` false) nobody needs the GIL: the
events have ``thread: null`` and ``detail.holders``, every thread of the run that
executes bytecode (is neither blocked nor ended), recorded when that set changes.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

from app.instrument.events import GIL
from app.instrument.hooks import FreeHook
from app.instrument.recorder import gil_enabled

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType, FrameType

    from app.instrument.runtime import Runtime, ThreadInfo

KIND = GIL
MONITORING = sys.version_info >= (3, 12)  # sys.monitoring, PEP 669
HOOK = "sys.monitoring LINE events" if MONITORING else "sys.settrace line events"
METHOD = (
    f"{HOOK} in the program's threads: the thread that runs a line "
    "holds the GIL; a hand-off is recorded when the holder changes"
)
METHOD_NO_GIL = (
    "the run's own thread states, on a build without a GIL: every thread that is neither "
    "blocked nor ended executes bytecode, so the lane lists them all"
)
RESOLUTION = (
    "one line of the program's code; a thread inside a call the lane cannot see into "
    "(a pipe's or a socket's recv) counts as wanting the GIL until its next line"
)
RESOLUTION_NO_GIL = "each traced wait (a lock, a sleep, a join…) and each thread's start and end"


def unavailable_reason() -> str | None:
    """Why the lane cannot run in this interpreter, or None if it can."""
    if MONITORING:
        return None if GilMonitor.free_tool() is not None else GilMonitor.NO_TOOL
    if sys.gettrace() is not None:
        return "another tracer (a debugger or coverage) owns sys.settrace in this worker"
    return None


class GilHook(FreeHook):
    """``FreeHook`` plus the GIL lane: installs the tracer in each thread of the run,
    records the hand-off to nobody when the holder blocks."""

    def __init__(
        self,
        files: set[str] | frozenset[str],
        budget: float | None = None,
        until: str | None = None,
    ) -> None:
        self.files = files
        self.budget = budget  # seconds the lane measures (None: the whole run), see below
        self.until = until  # or: it measures until the program prints a line starting so
        self._rt: Runtime | None = None
        self.holder: list[str | None] = [None]  # a cell: the tracers compare it
        self.off = [False]  # a cell: the lane was switched off (its budget ran out)
        self._timer: threading.Timer | None = None
        self.with_gil = gil_enabled()
        self.executing: set[str] = set()  # no GIL: the threads executing bytecode
        self.announced = False
        self.monitor: GilMonitor | None = None  # 3.12+: the one LINE callback

    # --- the lane ---------------------------------------------------------------------

    def announce(self, rt: Runtime) -> None:
        """The run-level ``gil`` event that opens the lane: how it is measured, or why
        it is not."""
        self.announced = True
        self._rt = rt
        why = unavailable_reason()
        detail: dict[str, Any] = {"gil": self.with_gil}
        if why is not None:
            detail["unavailable"] = why
        else:
            detail.update(method=METHOD if self.with_gil else METHOD_NO_GIL)
            detail.update(resolution=RESOLUTION if self.with_gil else RESOLUTION_NO_GIL)
            if MONITORING and self.with_gil:
                self.monitor = GilMonitor(self, rt)
            if self.until is not None:
                detail["until"] = self.until
            if self.budget is not None:
                detail["seconds"] = self.budget
                self._timer = threading.Timer(self.budget, self.switch_off, (rt,))
                self._timer.daemon = True
                self._timer.start()
        rt.recorder.record(KIND, None, None, None, None, detail)

    def switch_off(self, rt: Runtime, why: str = "time") -> None:
        """The budget ran out: every tracer removes itself at its thread's next line
        (after that the program runs at full speed, e.g. gil-cpu's timed rounds)."""
        if self.off[0]:
            return
        self.off[0] = True
        self.holder[0] = None
        if self.monitor is not None:
            self.monitor.stop()
        rt.recorder.record(KIND, None, None, None, None, {"off": why})

    def on_output(self, line: str) -> None:
        """A line the program printed (``OutputCapture``): the end of the lane's part
        of the run if it starts with ``until``."""
        if self.until is not None and self._rt is not None and line.startswith(self.until):
            self.switch_off(self._rt, "printed " + repr(line))

    def tracer(self, rt: Runtime, name: str) -> Callable[[FrameType, str, Any], Any]:
        files, holder, off, record = self.files, self.holder, self.off, rt.recorder.record
        settrace = sys.settrace

        def local(frame: FrameType, event: str, arg: Any) -> Any:
            if holder[0] is not name:  # the one test of (nearly) every line
                if off[0]:
                    settrace(None)
                    return None
                holder[0] = name
                record(KIND, name, None, None, frame.f_lineno or None, {})
            return local

        def call(frame: FrameType, event: str, arg: Any) -> Any:
            if frame.f_code.co_filename in files:
                return local(frame, event, arg)
            if off[0]:
                settrace(None)
            return None

        return call

    def _install(self, rt: Runtime, info: ThreadInfo) -> None:
        if not self.announced:
            self.announce(rt)
        if unavailable_reason() is not None or self.off[0]:
            return
        if self.monitor is not None:
            self.monitor.names[threading.get_ident()] = info.name
        elif self.with_gil:
            sys.settrace(self.tracer(rt, info.name))
        else:
            self._set(rt, info.name, True)

    def _set(self, rt: Runtime, name: str, executing: bool) -> None:
        """No GIL: ``name`` starts or stops executing bytecode."""
        if self.off[0] or executing == (name in self.executing):
            return
        if executing:
            self.executing.add(name)
        else:
            self.executing.discard(name)
        rt.recorder.record(KIND, None, None, None, None, {"holders": sorted(self.executing)})

    def leave(self, rt: Runtime, info: ThreadInfo) -> None:
        """``info`` stops executing bytecode (it blocks, or it ended)."""
        if not self.with_gil:
            self._set(rt, info.name, False)
        elif self.holder[0] is info.name:
            self.holder[0] = None
            rt.recorder.record(KIND, None, None, None, None, {})

    def resume(self, rt: Runtime, info: ThreadInfo) -> None:
        if not self.with_gil:
            self._set(rt, info.name, True)

    # --- the hook ---------------------------------------------------------------------

    def waiting(self, rt: Runtime) -> None:
        self.leave(rt, rt.me())

    def resumed(self, rt: Runtime) -> None:
        self.resume(rt, rt.me())

    def begin(self, rt: Runtime, info: ThreadInfo) -> None:
        super().begin(rt, info)
        self._install(rt, info)

    def end(self, rt: Runtime, info: ThreadInfo) -> None:
        if self.monitor is not None:
            self.monitor.names.pop(threading.get_ident(), None)
        elif self.with_gil:
            sys.settrace(None)
        if not self.off[0]:
            self.leave(rt, info)

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self.monitor is not None:
            self.monitor.close()


class GilMonitor:
    """3.12+: one ``sys.monitoring`` LINE callback for every thread of the run (PEP 669
    events are per interpreter, not per thread).  A line outside the program's files is
    switched off where it stands (``DISABLE``), so the library's and the worker's own
    code cost one event per line, once."""

    NAME = "threadlab-gil-lane"
    NO_TOOL = "every sys.monitoring tool id is taken (a debugger, profiler or coverage)"

    def __init__(self, lane: GilHook, rt: Runtime) -> None:
        mon = _monitoring()
        tool = self.free_tool()
        if tool is None:
            raise RuntimeError(self.NO_TOOL)
        mon.use_tool_id(tool, self.NAME)
        self.tool = tool
        self.names: dict[int, str] = {}  # thread ident → the run's name for it
        files, holder, names, record = lane.files, lane.holder, self.names, rt.recorder.record
        get_ident, disable = threading.get_ident, mon.DISABLE

        def line(code: CodeType, lineno: int) -> Any:
            if code.co_filename not in files:
                return disable
            name = names.get(get_ident())
            if name is not None and holder[0] is not name:  # the one test of each line
                holder[0] = name
                record(KIND, name, None, None, lineno or None, {})
            return None

        mon.register_callback(tool, mon.events.LINE, line)
        mon.set_events(tool, mon.events.LINE)

    @staticmethod
    def free_tool() -> int | None:
        """A tool id nobody uses (0–5: ids for tools other than debuggers' own)."""
        mon = _monitoring()
        return next((tool for tool in range(6) if mon.get_tool(tool) is None), None)

    def stop(self) -> None:
        """No more LINE events, in every thread at once (the budget ran out)."""
        _monitoring().set_events(self.tool, 0)

    def close(self) -> None:
        mon = _monitoring()
        mon.set_events(self.tool, 0)
        mon.register_callback(self.tool, mon.events.LINE, None)
        mon.free_tool_id(self.tool)


def _monitoring() -> Any:
    """``sys.monitoring`` (3.12+), untyped: the project is type-checked for 3.11."""
    return sys.__dict__["monitoring"]
