"""Watching one worker: spec in, events into the run's log, limits enforced, outcome out.

How a run ends (the process group is killed in every case, see ``WorkerProcess.close``):

    worker sends done ──▶ wait ≤ EXIT_GRACE for EOF ──▶ status from ``done``
                                 (still running then ──▶ kill ──▶ failed: a forged done)
    worker exits without done ──────────────────────▶ failed (+ exit code, stderr tail)
    wall time passes ───────────────────────────────▶ kill ──▶ timed_out
    its process tree's memory passes its budget ────▶ kill ──▶ failed (says how much)
    cancel ──▶ {"cmd": "stop"}, wait ≤ CANCEL_GRACE ──▶ kill ──▶ cancelled (or ``done``)
    server stops ───────────────────────────────────▶ kill ──▶ interrupted
    malformed line / bad event / far past max_events ▶ kill ──▶ failed (says which)

Everything the worker writes is untrusted — the program runs in the worker's process
and can write to the pipe too: a broken worker or a forging program fails its own run,
never the server, another run or another viewer.  Each line is checked and bounded
(``_take``), and ``done`` decides the status only if the worker then exits by itself.
Reading is asyncio streams only, so a chatty worker never blocks the loop.

Manual policy: the supervisor alone sets and clears ``run.waiting``:

    worker {"msg": "waiting", "runnable": [...]} ──▶ run.waiting + ``waiting`` note
    step(thread) ── checks run.waiting, clears it ──▶ {"cmd": "step", "thread": ...}
    ``done`` / the worker is gone ──▶ cleared: nobody waits for a step any more
"""

from __future__ import annotations

import asyncio
import json
import signal
from dataclasses import dataclass
from typing import Any, Literal

from app.contract import MAX_CHOICES, WORKER_ENDINGS, Mode, Policy, Status
from app.errors import Conflict
from app.runs.compile_check import PROGRAM_FILE
from app.runs.memory_guard import MemoryGuard
from app.runs.process import LINE_LIMIT, WorkerProcess
from app.runs.run import Run
from app.runs.worker_lines import (
    WorkerFault,
    bounded,
    parse_line,
    preview,
    thread_names,
    unsound,
)
from app.scenarios import registry
from app.settings import Settings
from app.worker.limits import tree_budget
from app.worker.protocol import (
    DONE,
    ERROR,
    READY,
    STEP,
    STOP,
    RunSpec,
    encode_command,
    is_event_line,
)

EXIT_GRACE = 2.0  # seconds a worker has to exit after its ``done`` message
CANCEL_GRACE = 1.0  # seconds a worker has to stop by itself after {"cmd": "stop"}
YIELD_EVERY = 256  # lines taken in a row before giving the event loop a turn
WAITING = "waiting"  # the scheduler's message, and the log's note, of a manual run's wait
StopReason = Literal["cancel", "interrupt"]
# Bounds on what the worker writes (its lines are untrusted, see ``_take``).
EVENT_BYTES = 512  # average bytes an event may take, over max_events: ~100 MiB a run
FORGED_DONE = "The worker said the run was over but kept running; it was stopped."


@dataclass(frozen=True)
class Outcome:
    status: Status
    message: str | None = None


def spec_of(run: Run, settings: Settings) -> RunSpec:
    """What the worker is told to run: line 1 of its stdin."""
    if run.source is not None:  # someone's own program: its text, no registry
        program: dict[str, Any] = {"source": run.source, "filename": PROGRAM_FILE}
    else:
        program = {"scenario": run.scenario, "module": registry.get(run.scenario).module}
    return {
        **program,  # type: ignore[typeddict-item]
        "params": run.params,
        "mode": run.mode,
        "seed": run.seed,
        "policy": run.policy,
        "options": run.options,
        "limits": {
            "wall_time": settings.wall_time,
            "max_events": settings.max_events,
            "max_threads": settings.max_threads,
            "idle_time": settings.idle_time,
        },
    }


class Supervisor:
    """Runs one worker for one run, from spawn to outcome."""

    def __init__(
        self, run: Run, process: WorkerProcess, spec: RunSpec, memory_mib: int | None = None
    ) -> None:
        self.run = run
        self.process = process
        self.spec = spec
        self.done: dict[str, Any] | None = None
        self.stop_reason: StopReason | None = None
        # The worker stops itself at max_events; past this the worker is broken.
        limits = spec["limits"]
        self.event_cap = limits["max_events"] + 4 * limits["max_threads"] + 100
        # All it may write: a real worker stays far below (events, a message a step).
        self.line_cap = 2 * self.event_cap + 100
        self.byte_cap = limits["max_events"] * EVENT_BYTES + LINE_LIMIT
        self.lines = self.bytes = 0
        self.deadline = asyncio.get_running_loop().time() + limits["wall_time"]
        self.idle_time = limits["idle_time"]
        self._paused_at: float | None = None  # the wall clock stopped: waiting for a step
        self._timeout: asyncio.Timeout | None = None
        self._chores: set[asyncio.Task[bool]] = set()
        self.memory = MemoryGuard(process, tree_budget(limits["max_threads"], memory_mib))

    async def supervise(self) -> Outcome:
        try:
            await self.process.start()
        except OSError as exc:
            message = f"The worker {self.process.argv[0]!r} did not start: {exc}."
            return Outcome(Status.FAILED, message)
        try:
            await self.process.send((json.dumps(self.spec) + "\n").encode())
            return await self._watch()
        finally:
            self._set_waiting(None)
            await self.process.close()

    def request_stop(self, reason: StopReason, grace: float) -> None:
        """Ask the worker to stop; it is killed after ``grace`` seconds regardless."""
        self.stop_reason = self.stop_reason or reason
        task = asyncio.create_task(self.process.send(encode_command(STOP)))
        self._chores.add(task)  # keep a reference until it is done
        task.add_done_callback(self._chores.discard)
        self._shorten(grace)

    async def step(self, thread: str) -> None:
        """Manual policy: let ``thread`` take its next step; Conflict unless the worker
        waits for a step that ``thread`` can take."""
        run, waiting = self.run, self.run.waiting
        if waiting is None:
            raise Conflict(f"Run '{run.id}' is not waiting for a step right now.")
        if thread not in waiting["runnable"]:
            runnable = ", ".join(waiting["runnable"]) or "none"
            raise Conflict(f"Thread {thread!r} cannot take a step now; runnable: {runnable}.")
        self._set_waiting(None)  # until the worker asks again: a double click is not two steps
        await self.process.send(encode_command(STEP, thread=thread))

    def _set_waiting(self, waiting: dict[str, Any] | None) -> None:
        """The only writer of ``run.waiting``; live viewers get it as a note.  The time a
        person takes to pick a step is not the run's: the wall clock stops meanwhile (for
        at most ``idle_time``, after which the worker cancels the run itself)."""
        now = asyncio.get_running_loop().time()
        if waiting is not None and self._paused_at is None and self.stop_reason is None:
            self._paused_at = now
            self._reschedule(self.deadline + self.idle_time)
        elif waiting is None and self._paused_at is not None:
            self.deadline += now - self._paused_at
            self._paused_at = None
            self._reschedule(self.deadline)
        self.run.waiting = waiting
        if waiting is None:
            # No longer true: a viewer who connects now must not be told it.
            self.run.log.drop_note(WAITING)
        else:
            self.run.log.note(WAITING, waiting)

    def _shorten(self, seconds: float) -> None:
        self._paused_at = None  # an ending run's clock runs again
        self.deadline = min(self.deadline, asyncio.get_running_loop().time() + seconds)
        self._reschedule(self.deadline)

    def _reschedule(self, when: float) -> None:
        if self._timeout is not None:
            self._timeout.reschedule(when)

    async def _watch(self) -> Outcome:
        guard = asyncio.create_task(self.memory.watch())
        try:
            await self._read()
        except TimeoutError:
            return await self._outcome(timed_out=True)
        except WorkerFault as exc:
            return Outcome(Status.FAILED, str(exc))
        except ValueError:  # StreamReader: a line longer than LINE_LIMIT
            return Outcome(Status.FAILED, "The worker wrote a line longer than 1 MiB.")
        finally:
            guard.cancel()
        # EOF.  A last line without its newline is a worker that died mid-write.
        return await self._outcome(timed_out=False)

    async def _read(self) -> None:
        """Take the worker's lines until EOF; TimeoutError at the deadline."""
        try:
            async with asyncio.timeout_at(self.deadline) as self._timeout:
                taken = 0
                while (line := await self.process.readline()).endswith(b"\n"):
                    self._take(line)
                    if self.done is not None:
                        self._shorten(EXIT_GRACE)
                    taken += 1
                    if taken % YIELD_EVERY == 0:
                        # readline() returns without yielding while lines are buffered:
                        # let requests and viewers in between.
                        await asyncio.sleep(0)
        finally:
            self._timeout = None  # an exited Timeout cannot be rescheduled

    async def _outcome(self, timed_out: bool) -> Outcome:
        over_memory = self.memory.message("run")
        if over_memory is not None:
            return Outcome(Status.FAILED, over_memory)
        if self.done is not None and timed_out and self.process.returncode is None:
            # A real worker exits right after ``done``: this one wrote a forged one (the
            # program shares its process) and kept running.  It does not decide.
            if self.stop_reason is None:
                return Outcome(Status.FAILED, FORGED_DONE)
            self.done = None
        if self.done is not None:
            status, message = Status(self.done["status"]), self.done.get("message")
            return Outcome(status, message if isinstance(message, str) else None)
        if self.stop_reason == "cancel":
            return Outcome(Status.CANCELLED, "The run was cancelled.")
        if self.stop_reason == "interrupt":
            return Outcome(Status.INTERRUPTED, "The server stopped while the run was running.")
        if timed_out:
            wall = self.spec["limits"]["wall_time"]
            message = f"The run was stopped at its wall-time limit of {wall:g} s."
            return Outcome(Status.TIMED_OUT, message)
        code = await self.process.join(EXIT_GRACE)
        return Outcome(Status.FAILED, self._crash_message(code))

    def _crash_message(self, code: int | None) -> str:
        if code is not None and code < 0:
            how = f"was killed by {_signal_name(-code)}"
        else:
            how = f"exited with code {code}"
        message = f"The worker {how} before it finished the run."
        if self.run.message:  # from an ``error`` message
            message += f" {self.run.message}"
        tail = self.process.stderr_tail
        return f"{message}\n{tail[-1500:]}" if tail else message

    def _take(self, line: bytes) -> None:
        # Every line is untrusted: the program shares the worker's process, so it can
        # write to the pipe too.  A line may end the run it came from, nothing more.
        self.lines += 1
        self.bytes += len(line)
        if self.lines > self.line_cap or self.bytes > self.byte_cap:
            raise WorkerFault(
                f"The worker wrote far more than a run may ({self.lines:,} lines, "
                f"{self.bytes >> 20:,} MiB)."
            )
        if self.done is not None:
            raise WorkerFault("The worker wrote after its last message ('done').")
        if line == b"\n":
            return
        if is_event_line(line):
            self._take_event(parse_line(line, "an event"), line.rstrip(b"\n"))
        else:
            self._take_message(parse_line(line, "a line"))

    def _take_event(self, event: Any, text: bytes) -> None:
        if isinstance(event, dict) and event.get("kind") == "end":
            raise WorkerFault("The worker sent an 'end' event; only the run manager ends a run.")
        problem = unsound(event, text)
        try:
            if problem:
                raise ValueError(problem)
            # The worker's line is the event in the contract's canonical encoding: the
            # SSE frame reuses those bytes instead of encoding the event again.
            self.run.log.append(event, text)
        except ValueError as exc:
            raise WorkerFault(f"The worker sent an invalid event: {exc}.") from None
        if event["thread"] is not None:
            self.run.threads.add(event["thread"])
        if len(self.run.log) > self.event_cap:
            limit = self.spec["limits"]["max_events"]
            raise WorkerFault(f"The worker went far past the limit of {limit:,} events.")

    def _take_message(self, msg: Any) -> None:
        kind = msg.get("msg") if isinstance(msg, dict) else None
        if kind is None:
            raise WorkerFault(f"The worker sent a line that is not a message: {preview(msg)}.")
        if kind == READY:
            self._note_python(msg)
        elif kind == DONE:
            status = msg.get("status")
            if status not in WORKER_ENDINGS:
                raise WorkerFault(f"The worker ended with an unknown status {preview(status)}.")
            if status == Status.CANCELLED and self.stop_reason is None:
                raise WorkerFault("The worker said the run was cancelled; nobody cancelled it.")
            message = msg.get("message")
            self._note_python(msg)
            self._note_schedule(msg.get("facts"))
            self.done = {"status": status, "message": bounded(message) if message else None}
            self._set_waiting(None)
        elif kind == ERROR:
            self.run.message = bounded(msg.get("message"))
        elif kind == WAITING:  # manual policy: the worker waits for a step
            self._take_waiting(msg)
        # Other kinds ("rejected": a step for a thread that cannot run) need nothing
        # here; unknown kinds are ignored so that the worker can grow new ones.

    def _take_waiting(self, msg: dict[str, Any]) -> None:
        runnable = msg.get("runnable")
        manual = self.run.mode == Mode.CONTROLLED and self.run.policy == Policy.MANUAL
        if not manual or not thread_names(runnable, self.spec["limits"]["max_threads"]):
            raise WorkerFault(f"The worker sent a bad 'waiting' message: {preview(msg)}.")
        step = msg.get("step")
        step = step if isinstance(step, int) and not isinstance(step, bool) else None
        self._set_waiting({"runnable": runnable, "step": step})

    def _note_schedule(self, facts: Any) -> None:
        # Controlled runs report their picks: what "undo" replays, minus the last one.
        if not isinstance(facts, dict):
            return
        schedule, steps = facts.get("schedule"), facts.get("steps")
        if thread_names(schedule, MAX_CHOICES):
            self.run.schedule = schedule
        if isinstance(steps, int) and not isinstance(steps, bool) and steps >= 0:
            self.run.steps = steps

    def _note_python(self, msg: dict[str, Any]) -> None:
        # The first says it: ``ready`` comes before the program runs (and can forge).
        if self.run.python is None and isinstance(msg.get("python"), str):
            self.run.python = bounded(msg["python"], 40)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
