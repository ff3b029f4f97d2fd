"""The run manager: accepts runs, queues them, runs at most ``max_runs`` workers at once.

    submit() ──▶ queued ──(a slot frees)──▶ running: Supervisor + worker child
                   │                           │ events ──▶ run.log ──▶ viewers
                   │ cancel                    ▼ outcome
                   └──────────────▶ _finish(): conclude() ──▶ [deadlock] + end event

Past the queue cap ``submit`` raises QueueFull with the seconds until a slot frees
(the soonest wall-time deadline of the running runs), which the API sends as
Retry-After.  Every run, however it ends, gets exactly one ``end`` event.

With a store, every run is recorded from ``submit`` on (``recordings.py``), and ``find``
loads a run that is no longer in memory from its recording.  At start, runs that were
live when the last server died get their ``end`` (status ``interrupted``); the newest
``keep_runs`` recordings are kept, older ones deleted.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import re
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import (
    Conflict,
    InvalidParams,
    InvalidRequest,
    QueueFull,
    RunNotFound,
    ScenarioNotFound,
)
from app.instrument.events import make
from app.runs.process import WorkerProcess
from app.runs.recordings import Recordings, to_record
from app.runs.run import QUEUED, Run, authorize, now
from app.runs.store import Page, RunStore
from app.runs.supervisor import CANCEL_GRACE, Outcome, Supervisor
from app.scenarios import registry
from app.settings import Settings
from app.worker.protocol import RunSpec, encode_command

logger = logging.getLogger(__name__)

# The folder that holds the ``app`` package: the worker imports app.* from here.
ROOT = Path(__file__).resolve().parents[2]
STOP_GRACE = 1.0  # seconds the server waits for runs to wind down when it stops
RECORD_GRACE = 5.0  # seconds it then waits for their recordings to be written
RUN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what a run id can look like
CRASHED = (
    "The server stopped unexpectedly while this run was live; "
    "the events recorded until then are kept."
)

Conclude = Callable[[str, dict[str, Any], list[dict[str, Any]], str], Any]


@dataclass
class _Active:
    supervisor: Supervisor
    task: asyncio.Task[None]


class RunManager:
    def __init__(
        self, settings: Settings, conclude: Conclude | None = None, store: RunStore | None = None
    ) -> None:
        self.settings = settings
        self._conclude = conclude
        self._recordings = Recordings(store) if store is not None else None
        self._recorders: dict[str, asyncio.Task[None]] = {}  # run id → its recording
        self._runs: dict[str, Run] = {}
        self._queue: deque[Run] = deque()
        self._active: dict[str, _Active] = {}
        self._ended: deque[str] = deque()  # oldest first, for forgetting past keep_runs
        self._ended_events = 0
        self._stopping = False

    # ---- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Open the recordings; end the runs the last server left live."""
        self._stopping = False
        if self._recordings is None:
            return
        for run_id in await self._recordings.open():
            try:
                run = await self._recordings.load(run_id)
            except Exception:  # a damaged recording must not keep the server down
                logger.exception("Run %s could not be loaded from its recording", run_id)
                continue
            if run is not None and not run.is_over:
                self._runs[run.id] = run
                self._record(run, len(run.log))
                await self._finish(run, Outcome("interrupted", CRASHED))
        for run_id in await self._recordings.prune(self.settings.keep_runs):
            self._drop(run_id)

    async def stop(self) -> None:
        """Interrupt every queued and running run; kill every worker group; write the
        last of every recording."""
        self._stopping = True
        while self._queue:
            run = self._queue.popleft()
            self._end(run, Outcome("interrupted", "The server stopped before the run started."))
        for active in self._active.values():
            active.supervisor.request_stop("interrupt", 0)
        tasks = [active.task for active in self._active.values()]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=STOP_GRACE)
            for task in pending:  # e.g. a slow analysis: give up on it, end the run anyway
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=STOP_GRACE)
        if self._recorders:  # a flood may leave a backlog: ~2 µs an event to write
            _, unwritten = await asyncio.wait(self._recorders.values(), timeout=RECORD_GRACE)
            for task in unwritten:  # recovered as interrupted at the next start
                task.cancel()
        if self._recordings is not None:
            await self._recordings.close()

    # ---- queries ---------------------------------------------------------------------

    def get(self, run_id: str) -> Run:
        """A run in memory (live, or ended recently); RunNotFound otherwise."""
        try:
            return self._runs[run_id]
        except KeyError:
            raise RunNotFound(run_id) from None

    async def find(self, run_id: str) -> Run:
        """A run in memory, else loaded from its recording; RunNotFound if neither."""
        run = self._runs.get(run_id)
        if run is not None:
            return run
        if self._recordings is None or not RUN_ID.fullmatch(run_id):
            raise RunNotFound(run_id)
        loaded = await self._recordings.load(run_id)
        if loaded is None:
            raise RunNotFound(run_id)
        run = self._runs.get(run_id)  # loaded meanwhile by another request?
        if run is None:
            run = self._runs[run_id] = loaded
            if run.is_over:
                self._forget_old(run)
        return run

    async def recent(self, scenario: str | None, limit: int, before: str | None) -> Page:
        """Runs newest first (recorded ones, with the live state of those in memory)."""
        if self._recordings is None:
            runs = [r for r in reversed(self._runs.values()) if scenario in (None, r.scenario)]
            return Page([to_record(r, len(r.log)) for r in runs[:limit]], len(runs) > limit)
        page = await self._recordings.recent(scenario, limit, before)
        for i, record in enumerate(page.records):
            run = self._runs.get(record.id)
            if run is not None:
                page.records[i] = to_record(run, len(run.log))
        return page

    def queue_position(self, run: Run) -> int | None:
        """1 for the next run to start; None if the run is not waiting."""
        if run.status != QUEUED:
            return None
        return next((i for i, queued in enumerate(self._queue, 1) if queued is run), None)

    def counts(self) -> dict[str, int]:
        return {"running": len(self._active), "queued": len(self._queue)}

    # ---- commands --------------------------------------------------------------------

    def submit(
        self,
        scenario: str,
        params: dict[str, Any] | None = None,
        mode: str = "free",
        seed: int | None = None,
        policy: str = "random",
        options: dict[str, Any] | None = None,
    ) -> Run:
        """Validate and queue a run; it starts as soon as a worker slot is free."""
        if self._stopping:
            raise Conflict("The server is shutting down; start the run again once it is back.")
        checked = check_scenario(scenario, params, mode)
        self._check_room()
        seed = secrets.randbelow(2**32) if seed is None else seed
        run = Run(scenario, checked, mode, seed, policy, dict(options or {}))
        self._runs[run.id] = run
        self._record(run, 0)
        self._queue.append(run)
        self._pump()
        return run

    async def delete(self, run_id: str, token: str | None) -> None:
        """Forget an ended run and delete its recording (its creator only)."""
        run = await self.find(run_id)
        authorize(run, token)
        if not run.is_over:
            raise Conflict(f"Run '{run.id}' is still {run.status}; cancel it first.")
        await self.recorded(run.id)  # its last batch first, or the delete would be undone
        self._drop(run.id)
        if self._recordings is not None:
            await self._recordings.delete(run.id)

    async def recorded(self, run_id: str) -> None:
        """Return once the run's recording is complete (or was never made)."""
        recorder = self._recorders.get(run_id)
        if recorder is not None:
            await asyncio.wait([recorder])

    async def cancel(self, run_id: str, token: str | None) -> Run:
        """Stop a run; returns once it has ended (its end event is in the log)."""
        run = await self.find(run_id)
        authorize(run, token)
        if run.is_over:
            raise Conflict(f"Run '{run.id}' has already ended ({run.status}).")
        if run.status == QUEUED:
            self._queue.remove(run)
            self._end(run, Outcome("cancelled", "The run was cancelled before it started."))
            return run
        active = self._active[run.id]
        active.supervisor.request_stop("cancel", CANCEL_GRACE)
        # The worker is killed at CANCEL_GRACE at the latest; then comes the analysis.
        # (asyncio.wait: a client hanging up does not cancel the run's task.)
        await asyncio.wait([active.task])
        return run

    async def step(self, run_id: str, token: str | None, thread: str) -> None:
        """Manual policy: let ``thread`` take its next step."""
        run = await self.find(run_id)
        authorize(run, token)
        if run.is_over:
            raise Conflict(f"Run '{run.id}' has already ended ({run.status}).")
        if run.mode != "controlled" or run.policy != "manual":
            raise Conflict(
                f"Run '{run.id}' is not stepped by hand (mode {run.mode!r}, policy "
                f"{run.policy!r}); start a controlled run with policy 'manual' to step it."
            )
        if run.status == QUEUED:
            raise Conflict(f"Run '{run.id}' is still queued; step it once it is running.")
        waiting = run.waiting
        if waiting is None:
            raise Conflict(f"Run '{run.id}' is not waiting for a step right now.")
        if thread not in waiting["runnable"]:
            runnable = ", ".join(waiting["runnable"]) or "none"
            raise Conflict(f"Thread {thread!r} cannot take a step now; runnable: {runnable}.")
        run.waiting = None  # until the worker asks again: a double click is not two steps
        run.log.drop_note("waiting")
        await self._active[run.id].supervisor.command(encode_command("step", thread=thread))

    # ---- running ---------------------------------------------------------------------

    def _check_room(self) -> None:
        slots, waiting = self.settings.max_runs, self.settings.queue_size
        if len(self._active) < slots or len(self._queue) < waiting:
            return
        loop = asyncio.get_running_loop()
        soonest = min((a.supervisor.deadline for a in self._active.values()), default=0.0)
        retry = max(1, math.ceil(soonest - loop.time()))
        raise QueueFull(
            f"All {slots} worker slots are busy and {len(self._queue)} runs are waiting; "
            f"try again in {retry} s.",
            retry,
        )

    def _pump(self) -> None:
        while self._queue and len(self._active) < self.settings.max_runs and not self._stopping:
            run = self._queue.popleft()
            supervisor = Supervisor(run, self._process(), self._spec(run))
            run.status, run.started = "running", now()
            task = asyncio.create_task(self._execute(run, supervisor), name=f"run {run.id}")
            self._active[run.id] = _Active(supervisor, task)

    def _process(self) -> WorkerProcess:
        argv = [self.settings.worker_python, "-m", self.settings.worker_module]
        return WorkerProcess(argv, worker_env())

    def _spec(self, run: Run) -> RunSpec:
        s = self.settings
        return {
            "scenario": run.scenario,
            "module": registry.get(run.scenario).module,
            "params": run.params,
            "mode": run.mode,
            "seed": run.seed,
            "policy": run.policy,
            "options": run.options,
            "limits": {
                "wall_time": s.wall_time,
                "max_events": s.max_events,
                "max_threads": s.max_threads,
                "idle_time": s.idle_time,
            },
        }

    async def _execute(self, run: Run, supervisor: Supervisor) -> None:
        outcome = Outcome("interrupted", "The server stopped while the run was running.")
        try:
            try:
                outcome = await supervisor.supervise()
            except Exception as exc:  # a bug here must end this run, not the server
                logger.exception("Supervising run %s failed", run.id)
                outcome = Outcome("failed", f"The run manager failed: {exc!r}.")
            await self._finish(run, outcome)
        except asyncio.CancelledError:  # only when the server stops and a run lingers
            self._end(run, outcome)
            raise
        finally:
            self._active.pop(run.id, None)
            self._pump()

    async def _finish(self, run: Run, outcome: Outcome) -> None:
        conclusion = None
        try:
            conclude = self._conclude or _default_conclude()
            # Off the event loop: analysing 200,000 events takes a while.
            conclusion = await asyncio.to_thread(
                conclude, run.scenario, run.params, run.log.events, outcome.status
            )
        except Exception:
            logger.exception("Analysing run %s failed", run.id)
        self._end(run, outcome, conclusion)

    def _end(self, run: Run, outcome: Outcome, conclusion: Any = None) -> None:
        """Set the final status and append the closing events (sync: nothing interleaves)."""
        if run.log.closed:
            return
        run.status, run.message, run.ended = outcome.status, outcome.message, now()
        run.waiting = None
        run.verdict = getattr(conclusion, "verdict", None)
        t = run.log.last_t
        deadlock = getattr(conclusion, "deadlock", None)
        if deadlock is not None:
            run.log.append(make(len(run.log) + 1, t, "deadlock", detail=deadlock))
        detail = {"status": run.status, "verdict": run.verdict, "message": run.message}
        if run.mode == "controlled":  # what reruns and undo need, in the recording too
            detail.update(python=run.python, schedule=run.schedule, steps=run.steps)
        run.log.append(make(len(run.log) + 1, t, "end", detail=detail))
        self._forget_old(run)

    def _record(self, run: Run, position: int) -> None:
        if self._recordings is None:
            return
        self._recordings.begin(run, position)
        task = asyncio.create_task(self._recording(run, position), name=f"record {run.id}")
        self._recorders[run.id] = task
        task.add_done_callback(lambda _: self._recorders.pop(run.id, None))

    async def _recording(self, run: Run, position: int) -> None:
        assert self._recordings is not None
        await self._recordings.record(run, position)
        if not self._stopping:
            for run_id in await self._recordings.prune(self.settings.keep_runs):
                self._drop(run_id)

    def _drop(self, run_id: str) -> None:
        """Forget an ended run from memory (its recording is not touched)."""
        run = self._runs.get(run_id)
        if run is None or not run.is_over:
            return
        del self._runs[run_id]
        if run_id in self._ended:
            self._ended.remove(run_id)
            self._ended_events -= len(run.log)

    def _forget_old(self, run: Run) -> None:
        # Memory is bounded: the newest ended runs stay in memory, up to keep_runs runs
        # and keep_events events (the newest run always stays, however big).
        self._ended.append(run.id)
        self._ended_events += len(run.log)
        while len(self._ended) > 1 and (
            len(self._ended) > self.settings.keep_runs
            or self._ended_events > self.settings.keep_events
        ):
            old = self._runs.pop(self._ended.popleft())
            self._ended_events -= len(old.log)


def worker_env() -> dict[str, str]:
    """The environment of a worker child: ours, plus what makes runs reproducible."""
    env = dict(os.environ)
    env.update(PYTHONPATH=str(ROOT), PYTHONHASHSEED="0", PYTHONUNBUFFERED="1")
    return env


def _default_conclude() -> Conclude:
    from app.analysis import conclude  # imported late: analysis is optional for the server

    return conclude


def check_scenario(scenario_id: str, params: dict[str, Any] | None, mode: str) -> dict[str, Any]:
    """The scenario's complete, checked params; ScenarioNotFound / InvalidRequest."""
    try:
        scenario = registry.get(scenario_id)
    except KeyError:
        raise ScenarioNotFound(scenario_id) from None
    if mode not in scenario.modes:
        modes = ", ".join(scenario.modes)
        raise InvalidRequest(
            f"Scenario '{scenario_id}' cannot run in {mode!r} mode; it runs in: {modes}."
        )
    try:
        return scenario.validate(params)
    except registry.ParamError as exc:
        raise InvalidParams(exc.name, exc.message) from None
