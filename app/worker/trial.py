"""One controlled run inside the calling process, its log kept in memory (standard
library only).

The "Break it" search tries hundreds of seeds; a process per try would cost more than
the tries themselves, so tries run here, one after another.  When a try ends — finished,
deadlocked, cut off at its timeout — its scheduler is closed: every thread still in it,
deadlocked ones included, unwinds with ``RunOver`` and ends, and the try waits (a bounded
while) for them, so none is left behind to run beside the next try.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from app.contract import DEFAULT_LIMITS, Mode, Policy, Status
from app.instrument import runtime
from app.instrument.events import Event
from app.instrument.recorder import Recorder
from app.instrument.runtime import RunOver
from app.instrument.scheduler import Scheduler
from app.scenarios import registry
from app.worker.execution import OutputCapture, build_runtime, cut_off, run_main


@dataclass
class TrialResult:
    status: Status
    message: str | None
    events: list[Event]
    facts: dict[str, Any] = field(default_factory=dict)


class _TrialControl:
    """``RunControl`` for a trial: the first ending is noted and stops the recording;
    a scenario thread that ends the run (it holds the scheduler's baton) unwinds with
    ``RunOver`` instead of exiting the process."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self._lock = threading.Lock()
        self.status = Status.FINISHED
        self.message: str | None = None
        self.facts: dict[str, Any] = {}
        self.recorder: Recorder | None = None

    def finish(self, status: Status, message: str | None, **facts: Any) -> None:
        with self._lock:
            first = not self.done.is_set()
            if first:
                # Nothing after the ending goes in the log: threads unwinding from here
                # on must not show up (as a deadlocked run's picture is frozen).
                if self.recorder is not None:
                    self.recorder.stop()
                self.status, self.message, self.facts = status, message, facts
                self.done.set()
        if threading.current_thread().daemon and status != Status.FINISHED:
            raise RunOver  # this run is over: the thread that ended it unwinds too

    def send_message(self, msg: str, **fields: Any) -> None:
        return None  # nobody listens to a trial


def run_trial(
    scenario_id: str,
    params: dict[str, Any],
    seed: int,
    policy: str,
    options: dict[str, Any] | None = None,
    limits: dict[str, Any] | None = None,
    timeout: float = 10.0,
) -> TrialResult:
    """Run one controlled trial of a registered scenario; the log comes back in memory."""
    scenario = registry.get(scenario_id)
    entry = registry.main_function(scenario)
    return run_controlled(entry, scenario.validate(params), seed, policy, options, limits, timeout)


def run_controlled(
    entry: Callable[..., Any],
    params: dict[str, Any],
    seed: int,
    policy: str,
    options: dict[str, Any] | None = None,
    limits: dict[str, Any] | None = None,
    timeout: float = 10.0,
) -> TrialResult:
    """Run ``entry(**params)`` under the controlled scheduler, in this process."""
    if policy == Policy.MANUAL:
        raise ValueError("A trial cannot be stepped by hand; use a run with policy manual.")
    spec = {
        "mode": Mode.CONTROLLED,
        "seed": seed,
        "policy": policy,
        "options": options or {},
        "limits": {**asdict(DEFAULT_LIMITS), **(limits or {})},
    }
    control = _TrialControl()
    rt = build_runtime(spec, control, entry)
    control.recorder = rt.recorder
    runtime.install(rt)
    saved_stdout, sys.stdout = sys.stdout, OutputCapture(rt)
    saved_stderr, sys.stderr = sys.stderr, OutputCapture(rt)  # a thread's traceback too
    # A scenario may change process-wide settings meant for its own worker process
    # (race shortens the switch interval); a trial shares its process, so restore them.
    switch_interval = sys.getswitchinterval()

    def main_thread() -> None:
        try:
            status, message = run_main(rt, entry, params)
            control.finish(status, message)
        except RunOver:
            pass  # the run ended (a deadlock, a limit) while MainThread was in it

    main = threading.Thread(target=main_thread, name="threadlab-trial", daemon=True)
    try:
        main.start()
        if not control.done.wait(timeout):
            control.finish(Status.TIMED_OUT, f"The trial ran past {timeout:g} s.")
    finally:
        rt.hook.close()  # threads still in the run (deadlocked, cut off) unwind and end
        _join_all([main, *(t.extra.get("os_thread") for t in rt.threads)])
        runtime.install(None)
        sys.stdout = saved_stdout
        sys.stderr = saved_stderr
        sys.setswitchinterval(switch_interval)
        if isinstance(rt.hook, Scheduler) and rt.hook.stepper is not None:
            rt.hook.stepper.close()
    records = rt.recorder.seal(cut_off(rt, control.status))
    events = [rt.recorder.to_event(r) for r in records]
    facts = control.facts
    if isinstance(rt.hook, Scheduler):
        facts = {**rt.hook.facts(), **facts}
    return TrialResult(control.status, control.message, events, facts)


def _join_all(threads: list[threading.Thread | None], timeout: float = 2.0) -> None:
    """Wait (a bounded while) for a trial's threads to end, so none of them still runs
    Python code beside whatever the caller does next."""
    deadline = time.monotonic() + timeout
    for thread in threads:
        if thread is not None and thread is not threading.current_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
