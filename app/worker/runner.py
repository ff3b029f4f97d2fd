"""The worker: runs one scenario in its own process (standard library only).

    python -m app.worker.runner        spec on stdin, protocol lines on stdout

See ``protocol.py`` for the pipe.  The spec names a registered scenario (its program
file), or carries a program's source text; ``program.py`` loads either.  The process exists
for one run: a deadlocked thread can never be killed, so the process is the unit the
manager kills.  The worker ends the run itself when the program ends, on a deadlock (the
scheduler sees one at once in controlled mode; in free mode a watchdog sees every thread
stuck, child processes' included), when a controlled run stalls, at the event limit, or
on a ``stop`` command; it always finishes with ``os._exit`` so threads left behind
(daemons, deadlocked ones) cannot keep it alive.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, BinaryIO

from app.contract import Status
from app.instrument import processes, runtime
from app.instrument.events import BLOCKED, DEAD, NEW, PROCESS_SEPARATOR, RUNNING
from app.instrument.library_threads import RELAY
from app.instrument.process_child import TASKS
from app.instrument.runtime import Runtime, ThreadInfo
from app.instrument.scheduler import Scheduler
from app.scenarios import registry
from app.worker.execution import OutputCapture, build_runtime, cut_off, run_main
from app.worker.limits import apply as apply_limits
from app.worker.program import load_source
from app.worker.protocol import (
    DONE,
    ERROR,
    READY,
    STEP,
    STOP,
    RunSpec,
    encode_message,
    take_stdin,
    take_stdout,
)

FLUSH_INTERVAL = 0.01  # seconds between event batches on the pipe
WATCHDOG_INTERVAL = 0.05
DEADLOCK_QUIET = 0.3  # seconds with every thread blocked and no event before we call it
CONTROLLED_STALL = 3.0  # seconds without a traced operation under the controlled scheduler
PROGRAM_NAME = "<program>"  # the file name of a program sent as text without one


class Worker:
    def __init__(self, spec: RunSpec, out: BinaryIO, commands: BinaryIO) -> None:
        self.spec = spec
        self.out = out
        self.commands = commands  # the manager's commands, one JSON object a line
        self._out_lock = threading.Lock()
        self._finish_lock = threading.Lock()
        self._stopped = threading.Event()
        self._sealed = False
        self.entry: Callable[..., Any]
        source = spec.get("source")
        if source is not None:  # a program's text in place of a scenario: no registry
            self.entry = load_source(source, spec.get("filename") or PROGRAM_NAME)
            self.params = dict(spec.get("params") or {})
        else:
            module = spec.get("module")
            scenario = registry.from_module(module) if module else registry.get(spec["scenario"])
            self.params = scenario.validate(spec["params"])
            self.entry = registry.main_function(scenario)
            lane = scenario.extra.get("gil_lane")  # the GIL lane (app/instrument/gil.py)
            if lane and "gil_lane" not in spec.get("options", {}):
                spec = {**spec, "options": {**spec.get("options", {}), "gil_lane": lane}}
                self.spec = spec
        self.rt = build_runtime(dict(spec), self, self.entry)
        self.hook = self.rt.hook
        self.recorder = self.rt.recorder

    def run(self) -> None:
        self.send_message(READY, python=platform.python_version())
        threading.Thread(target=self._writer, name="threadlab-writer", daemon=True).start()
        threading.Thread(target=self._commands, name="threadlab-commands", daemon=True).start()
        threading.Thread(target=self._watchdog, name="threadlab-watchdog", daemon=True).start()
        sys.stdout = OutputCapture(self.rt)
        sys.stderr = OutputCapture(self.rt)  # a thread's traceback (excepthook) is output too
        runtime.install(self.rt)
        status, message = run_main(self.rt, self.entry, self.params)
        self.finish(status, message)

    def finish(self, status: Status, message: str | None, **facts: Any) -> None:
        """End the run: seal the log, flush it, report, exit.  Callable from any thread,
        once; later calls wait for the process to end."""
        if not self._finish_lock.acquire(blocking=False):
            self._stopped.wait()
            return
        if isinstance(self.hook, Scheduler):
            facts = {**self.hook.facts(), **facts}
        self._stopped.set()
        last = cut_off(self.rt, status)
        done = encode_message(
            DONE, status=status, message=message, python=platform.python_version(), facts=facts
        )
        # Under the pipe's lock: a batch the writer thread is still encoding goes out
        # first, and nothing after the seal.  (Regression: the seal used to overtake an
        # in-flight batch, which was then dropped — the run lost its first events.)
        with self._out_lock:
            self._sealed = True
            self._write(self.recorder.encode_batch(self.recorder.seal(last)) + done)
        os._exit(0)

    # --- background threads --------------------------------------------------------

    def _writer(self) -> None:
        while not self._stopped.wait(FLUSH_INTERVAL):
            self._flush()

    def _flush(self) -> None:
        """Send what has been recorded: take, encode and write as one step under the
        pipe's lock, so batches leave in seq order and never after the seal."""
        self.rt.reap_adopted()
        with self._out_lock:
            if not self._sealed:
                self._write(self.recorder.encode_batch(self.recorder.take()))

    def send_message(self, msg: str, **fields: Any) -> None:
        """A protocol message to the manager (not an event), after the events before it."""
        with self._out_lock:
            if not self._sealed:
                self._write(
                    self.recorder.encode_batch(self.recorder.take()) + encode_message(msg, **fields)
                )

    def _write(self, data: bytes) -> None:
        if not data:
            return
        try:
            self.out.write(data)
            self.out.flush()
        except BrokenPipeError:  # the manager is gone: nobody to report to
            os._exit(1)

    def _commands(self) -> None:
        for line in self.commands:
            try:
                command = json.loads(line)
            except ValueError:
                continue
            if command.get("cmd") == STOP:
                self.finish(Status.CANCELLED, "The run was cancelled by its creator.")
            elif command.get("cmd") == STEP and isinstance(self.hook, Scheduler):
                self.hook.step(str(command.get("thread", "")))
        # stdin closed: the manager is gone or wants us gone.
        self.finish(Status.CANCELLED, "The run manager closed the worker's input.")

    def _watchdog(self) -> None:
        """Ends runs that can no longer progress on their own.  Free mode: every live
        thread blocked for good, a child process's own threads included (a deadlock),
        a wait for a pool's results on workers that can never end too (``_free_stuck``).
        Controlled mode: the running thread made no traced operation for a while — it
        blocks on something the scheduler cannot see (a socket, a plain ``_thread``
        lock) or computes without end; unless it waits for live child processes (a
        join, a pool's results: they run free): then only their deadlock ends the run."""
        last_seen, quiet_since = -1, time.monotonic()
        while not self._stopped.wait(WATCHDOG_INTERVAL):
            seen = self.recorder.recorded()
            stepping = isinstance(self.hook, Scheduler) and self.hook.awaiting_step
            if seen != last_seen or stepping:
                last_seen, quiet_since = seen, time.monotonic()
                continue
            quiet = time.monotonic() - quiet_since
            if self.hook.controlled:
                # A thread waiting for child processes (a join, a pool's results) waits
                # for real, outside the schedule (children run free): no stall while
                # they live, a deadlock if they can never end — daemons or not (a
                # pool's workers are), as a thread waits for them.
                joined = processes.awaited(self.rt.threads)
                if joined:
                    stuck = _all_stuck(processes.child_lanes(joined), awaited=True)
                    if stuck and quiet >= DEADLOCK_QUIET:
                        self.finish(Status.DEADLOCKED, _deadlock_message(stuck))
                elif quiet >= CONTROLLED_STALL:
                    self.finish(Status.FAILED, _stall_message(self.rt))
                continue
            # Every lane of the run, the child processes' included.
            stuck = _free_stuck(self.rt.threads)
            if stuck and quiet >= DEADLOCK_QUIET:
                self.finish(Status.DEADLOCKED, _deadlock_message(stuck))


def _all_stuck(threads: list[ThreadInfo], awaited: bool = False) -> list[ThreadInfo]:
    """The live threads if every one is blocked with no timeout (a sleep or a timed wait
    will end by itself), else an empty list.  ``awaited``: lanes a thread waits for."""
    live = [t for t in threads if t.state not in (DEAD, NEW)]
    # Daemon threads alone never keep a run going; they are cut off at the end.
    if not live or (not awaited and all(t.daemon for t in live)):
        return []
    for t in live:
        if t.state != BLOCKED or t.blocked_on is None:
            return []
        _obj, reason, timeout = t.blocked_on
        if timeout is not None or reason == "sleep":
            return []
    # Pool workers idle between tasks are stuck only beside a lane blocked for real:
    # all idle, their results are on the way.
    if all(_idle(t) for t in live):
        return []
    return live


def _free_stuck(threads: list[ThreadInfo]) -> list[ThreadInfo]:
    """Free mode: the lanes of a deadlock across processes, else an empty list.  A
    thread waiting for a pool's or a process executor's results, untraced and with no
    timeout (``processes.waits_for``; it looks Running), counts as blocked for good while
    the workers it waits for can never end (their lanes all blocked for good, not all
    idle: a deadlock in a worker) — as a join of a child blocks on its lane.  Then the
    pool's relays (its handler threads, an executor's manager: they look Running, and
    only pass tasks and results along) count for nothing; every other lane must be
    stuck too."""
    lanes = processes.child_lanes(threads)
    waiting = [t for t in threads if t.state not in (DEAD, NEW) and _waits_forever(t)]
    if not waiting:
        return _all_stuck(lanes)
    ids = {id(t) for t in waiting}
    rest = [t for t in lanes if id(t) not in ids and not t.extra.get(RELAY)]
    stuck = _all_stuck(rest, awaited=any(not t.daemon for t in waiting))
    return waiting + stuck if stuck else []


def _waits_forever(t: ThreadInfo) -> bool:
    children = processes.waits_for(t)
    return bool(children) and bool(_all_stuck(processes.child_lanes(children), awaited=True))


def _idle(t: ThreadInfo) -> bool:
    obj = t.blocked_on[0] if t.blocked_on else None
    return obj is not None and obj.endswith(PROCESS_SEPARATOR + TASKS)


def _deadlock_message(stuck: list[ThreadInfo]) -> str:
    names = ", ".join(t.name for t in stuck)
    return (
        f"Deadlock: every live thread ({names}) is blocked forever on a lock, "
        "condition or queue, and nothing can wake it."
    )


def _stall_message(rt: Runtime) -> str:
    running = [t.name for t in rt.threads if t.state == RUNNING]
    who = running[0] if running else "A thread"
    return (
        f"{who} ran for {CONTROLLED_STALL:g} s without a traced operation. Under the "
        "controlled scheduler every wait must be one it sees (threading, queue, "
        "time.sleep, concurrent.futures): a wait elsewhere (a socket, a subprocess, a "
        "plain threading primitive from _thread or made outside the program) or an "
        "endless loop stalls the run."
    )


def main() -> None:
    out, commands = take_stdout(), take_stdin()
    line = commands.readline()
    try:
        spec: RunSpec = json.loads(line)
        apply_limits(spec.get("limits"))  # before the program is even compiled
        worker = Worker(spec, out, commands)
    except Exception as exc:
        out.write(encode_message(ERROR, message=f"Bad run spec: {exc}"))
        os._exit(2)
    try:
        worker.run()
    except Exception as exc:
        worker.finish(Status.FAILED, f"The worker failed: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
