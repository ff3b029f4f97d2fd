"""Running a scenario as a program would run (standard library only).

Shared by the streaming worker (``runner.py``) and in-process trials (``trial.py``):
build the run's recorder, hook and runtime from a spec; run the entry — a ``Program``
(``program.py``: its module body, then its ``main``; a test may pass any function) — as
the run's MainThread; wait for non-daemon threads as the interpreter does
at shutdown; list the daemon threads that shutdown cuts off.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from functools import partial
from typing import Any

from app.contract import Granularity, Mode, Status
from app.instrument.bytecode import BytecodeStepper
from app.instrument.events import DEAD, NEW, RUNNABLE
from app.instrument.executor import python_exit
from app.instrument.gil import GilHook
from app.instrument.hooks import FreeHook, Hook
from app.instrument.recorder import Final, Recorder
from app.instrument.runtime import RunOver, Runtime, raised_at
from app.instrument.scheduler import RunControl, Scheduler, make_scheduler
from app.worker.program import Program, ProgramError


def build_runtime(spec: dict[str, Any], control: RunControl, entry: Callable[..., Any]) -> Runtime:
    """The recorder, hook and runtime of one run; the event limit ends it via
    ``control``."""
    limits = spec["limits"]
    hook: Hook
    if spec["mode"] == Mode.CONTROLLED:
        hook = make_scheduler(spec, control)
        clock: Callable[[], float] = hook.clock
    elif spec["options"].get("gil_lane") and isinstance(entry, Program):
        # True; the seconds it measures; or the start of the line that ends it (gil.py)
        lane = spec["options"]["gil_lane"]
        until = lane if isinstance(lane, str) else None
        budget = None if lane is True or until is not None else float(lane)
        hook, clock = GilHook({entry.filename}, budget, until), time.perf_counter
    else:
        hook, clock = FreeHook(), time.perf_counter

    def on_limit(seq: int) -> None:
        control.finish(
            Status.FAILED,
            f"The run was stopped after {limits['max_events']:,} events (the event limit). "
            "Try fewer threads or iterations.",
        )

    recorder = Recorder(clock, limits["max_events"], on_limit)
    rt = Runtime(recorder, hook, recorder.now, limits["max_threads"])
    if isinstance(hook, Scheduler) and spec["options"].get("granularity") == Granularity.BYTECODE:
        _step_bytecodes(rt, hook, entry)
    return rt


def _step_bytecodes(rt: Runtime, scheduler: Scheduler, entry: Callable[..., Any]) -> None:
    """Step every instruction of the program that ``entry`` runs: its module body and
    every function in its file."""
    if not isinstance(entry, Program):
        raise TypeError("bytecode granularity steps a program's code: load it with program.py")
    stepper = BytecodeStepper({entry.filename}, partial(scheduler.bytecode_step, rt), entry.calls)
    scheduler.stepper = stepper
    if sys.version_info >= (3, 12) and entry.code is not None:
        stepper.install_monitoring((entry.code,))


def run_main(
    rt: Runtime, entry: Callable[..., Any], params: dict[str, Any]
) -> tuple[Status, str | None]:
    """Run ``entry(**params)`` as the run's MainThread in the calling OS thread, then
    wait for the non-daemon threads.  Returns (status, message) if the run gets that far
    (a deadlock or a limit ends it from elsewhere first)."""
    hook = rt.hook
    main = rt.new_thread("MainThread", daemon=False)
    main.extra["code"] = getattr(entry, "__code__", None)
    rt.bind(main)
    rt.emit("create", state=NEW, info=main, line=None)
    rt.emit("start", state=RUNNABLE, info=main, line=None)
    hook.starting(rt, main)
    hook.begin(rt, main)
    status: Status = Status.FINISHED
    message: str | None = None
    detail: dict[str, Any] = {}
    line = None  # where the program raised, if it did
    try:
        entry(**params)
    except RunOver:
        raise  # the run was ended from elsewhere (a trial's deadlock): just unwind
    except ProgramError as exc:  # it does not compile: it never ran
        status, message = Status.FAILED, exc.message
        detail = {"error": exc.error, "traceback": exc.traceback}
    except BaseException as exc:  # the scenario's own failure: reported, not raised
        status, message = Status.FAILED, f"The program raised {type(exc).__name__}: {exc}"
        line = raised_at(exc)
        detail = {
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": "".join(traceback.format_exception(exc)),
        }
    python_exit(rt)  # as the interpreter at exit: thread pools finish and end
    flush = getattr(sys.stdout, "flush", None)
    if flush is not None:
        flush()
    waiting = [
        t.name for t in rt.threads if t is not main and not t.daemon and t.state not in (DEAD, NEW)
    ]
    if waiting:  # the interpreter waits for these before the process ends
        detail["waiting_for"] = waiting
    rt.emit("exit", detail=detail, state=DEAD, info=main, line=line)
    main.ended.release()
    hook.end(rt, main)
    # As the interpreter does at shutdown: wait for every started non-daemon thread.
    for info in list(rt.threads):
        if not info.daemon and info.state != NEW:
            info.ended.acquire()
            info.ended.release()
    return status, message


def cut_off(rt: Runtime, status: Status) -> list[Final]:
    """Daemon threads still alive when a run finishes are cut off, as at interpreter
    shutdown.  Any other ending freezes the picture as it was: a deadlocked run's
    threads stay Blocked for the class to see."""
    if status != Status.FINISHED:
        return []
    rt.reap_adopted()
    return [
        ("exit", t.name, DEAD, None, {"killed": "interpreter shutdown (daemon thread)"})
        for t in rt.threads
        if t.state not in (DEAD, NEW)
    ]


class OutputCapture:
    """``sys.stdout`` inside a run: each printed line becomes an ``output`` event."""

    def __init__(self, rt: Runtime) -> None:
        self._rt = rt
        self._partial: dict[int, str] = {}
        self._watch = getattr(rt.hook, "on_output", None)  # the GIL lane's end (gil.py)

    def write(self, text: str) -> int:
        key = threading.get_ident()
        buffered = self._partial.pop(key, "") + text
        *lines, rest = buffered.split("\n")
        for line in lines:
            self._rt.emit_run("output", detail={"text": line, "by": self._rt.me().name})
            if self._watch is not None:
                self._watch(line)
        if rest:
            self._partial[key] = rest
        return len(text)

    def flush(self) -> None:
        for key, rest in list(self._partial.items()):
            del self._partial[key]
            self._rt.emit_run("output", detail={"text": rest})

    def isatty(self) -> bool:
        return False
