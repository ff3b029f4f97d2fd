"""The run manager: accepts runs and sees each one through, from ``submit`` to its end.

    submit() ──▶ RunQueue ──(a slot frees)──▶ running: Supervisor + worker child
                   │                           │ events ──▶ run.log ──▶ viewers
                   │ cancel                    ▼ outcome
                   └──────────────▶ _finish(): conclude() ──▶ [deadlock] + end event

It only coordinates: ``RunQueue`` (queue.py) keeps the places in line and the worker
slots, ``RunCache`` (cache.py) the runs in memory, ``Recordings`` (recordings.py) writes
every run as it streams, and a ``Supervisor`` (supervisor.py) watches each worker.
Every run, however it ends, gets exactly one ``end`` event, appended here.

With a store, every run is recorded from ``submit`` on, and ``find`` loads a run that is
no longer in memory from its recording.  At start, runs that were live when the last
server died get their ``end`` (status ``interrupted``); the newest ``keep_runs``
recordings are kept, older ones deleted.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from app import analysis
from app.analysis import Conclusion
from app.contract import DEFAULT_MODE, DEFAULT_POLICY, OWN_CODE, SEED, Mode, Policy, Status
from app.errors import Conflict, InvalidParams, InvalidRequest, RunNotFound, ScenarioNotFound
from app.instrument.events import DEADLOCK, Event, make
from app.runs.cache import RunCache
from app.runs.process import worker
from app.runs.queue import RunQueue
from app.runs.recordings import Recordings, to_record
from app.runs.run import Run, authorize, now
from app.runs.store import Page, RunStore
from app.runs.supervisor import CANCEL_GRACE, Outcome, Supervisor, spec_of
from app.scenarios import registry
from app.settings import Settings

logger = logging.getLogger(__name__)

STOP_GRACE = 1.0  # seconds the server waits for runs to wind down when it stops
RUN_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what a run id can look like
CRASHED = (
    "The server stopped unexpectedly while this run was live; "
    "the events recorded until then are kept."
)

# What a run's log shows once it ended (``app.analysis.conclude``; tests pass their own).
Conclude = Callable[[str, dict[str, Any], list[Event], str], Conclusion]


class RunManager:
    def __init__(
        self, settings: Settings, conclude: Conclude | None = None, store: RunStore | None = None
    ) -> None:
        self.settings = settings
        self._conclude = conclude or analysis.conclude
        self._queue = RunQueue(settings.max_runs, settings.queue_size)
        self._cache = RunCache(settings.keep_runs, settings.keep_events)
        self._recordings = (
            None if store is None else Recordings(store, settings.keep_runs, self._cache.drop)
        )
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
                self._cache.add(run)
                self._recordings.record(run, len(run.log))
                await self._finish(run, Outcome(Status.INTERRUPTED, CRASHED))
        await self._recordings.prune()

    async def stop(self) -> None:
        """Interrupt every queued and running run; kill every worker group; write the
        last of every recording."""
        self._stopping = True
        if self._recordings is not None:
            self._recordings.stop_pruning()
        for run in self._queue.drain():
            message = "The server stopped before the run started."
            self._end(run, Outcome(Status.INTERRUPTED, message))
        slots = self._queue.running()
        for slot in slots:
            slot.supervisor.request_stop("interrupt", 0)
        if slots:
            _, pending = await asyncio.wait([slot.task for slot in slots], timeout=STOP_GRACE)
            for task in pending:  # e.g. a slow analysis: give up on it, end the run anyway
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=STOP_GRACE)
        if self._recordings is not None:
            await self._recordings.close()

    # ---- queries ---------------------------------------------------------------------

    def get(self, run_id: str) -> Run:
        """A run in memory (live, or ended recently); RunNotFound otherwise."""
        run = self._cache.get(run_id)
        if run is None:
            raise RunNotFound(run_id)
        return run

    async def find(self, run_id: str) -> Run:
        """A run in memory, else loaded from its recording; RunNotFound if neither."""
        run = self._cache.get(run_id)
        if run is not None:
            return run
        if self._recordings is None or not RUN_ID.fullmatch(run_id):
            raise RunNotFound(run_id)
        loaded = await self._recordings.load(run_id)
        if loaded is None:
            raise RunNotFound(run_id)
        return self._cache.add(loaded)

    async def recent(self, scenario: str | None, limit: int, before: str | None) -> Page:
        """Runs newest first (recorded ones, with the live state of those in memory)."""
        if self._recordings is None:
            runs = [r for r in self._cache.newest_first() if scenario in (None, r.scenario)]
            return Page([to_record(r, len(r.log)) for r in runs[:limit]], len(runs) > limit)
        page = await self._recordings.recent(scenario, limit, before)
        for i, record in enumerate(page.records):
            run = self._cache.get(record.id)
            if run is not None:
                page.records[i] = to_record(run, len(run.log))
        return page

    def queue_position(self, run: Run) -> int | None:
        """1 for the next run to start; None if the run is not waiting."""
        return self._queue.position(run)

    def counts(self) -> dict[Status, int]:
        """How many runs are running and how many are queued."""
        return self._queue.counts()

    # ---- commands --------------------------------------------------------------------

    def submit(
        self,
        scenario: str,
        params: dict[str, Any] | None = None,
        mode: Mode = DEFAULT_MODE,
        seed: int | None = None,
        policy: Policy = DEFAULT_POLICY,
        options: dict[str, Any] | None = None,
        source: str | None = None,
    ) -> Run:
        """Validate and queue a run; it starts as soon as a worker slot is free.  A run
        of someone's own program has ``source`` (already compiled by the checker,
        ``compile_check.py``) and the scenario id ``OWN_CODE``."""
        if self._stopping:
            raise Conflict("The server is shutting down; start the run again once it is back.")
        if source is None:
            checked = check_scenario(scenario, params, mode)
        else:
            scenario, checked = OWN_CODE, {}
        seed = secrets.randbelow(SEED.high + 1) if seed is None else seed
        run = Run(scenario, checked, mode, seed, policy, dict(options or {}), source=source)
        self._queue.add(run)  # QueueFull past the cap: nothing else has happened yet
        self._cache.add(run)
        if self._recordings is not None:
            self._recordings.record(run)
        self._pump()
        return run

    async def delete(self, run_id: str, token: str | None) -> None:
        """Forget an ended run and delete its recording (its creator only)."""
        run = await self.find(run_id)
        authorize(run, token)
        if not run.is_over:
            raise Conflict(f"Run '{run.id}' is still {run.status}; cancel it first.")
        if self._recordings is not None:
            await self._recordings.delete(run.id)
        self._cache.drop(run.id)

    async def recorded(self, run_id: str) -> None:
        """Return once the run's recording is complete (or was never made)."""
        if self._recordings is not None:
            await self._recordings.recorded(run_id)

    async def cancel(self, run_id: str, token: str | None) -> Run:
        """Stop a run; returns once it has ended (its end event is in the log)."""
        run = await self.find(run_id)
        authorize(run, token)
        if run.is_over:
            raise Conflict(f"Run '{run.id}' has already ended ({run.status}).")
        if run.status == Status.QUEUED:
            self._queue.withdraw(run)
            self._end(run, Outcome(Status.CANCELLED, "The run was cancelled before it started."))
            return run
        slot = self._queue.slot(run.id)
        slot.supervisor.request_stop("cancel", CANCEL_GRACE)
        # The worker is killed at CANCEL_GRACE at the latest; then comes the analysis.
        # (asyncio.wait: a client hanging up does not cancel the run's task.)
        await asyncio.wait([slot.task])
        return run

    async def step(self, run_id: str, token: str | None, thread: str) -> None:
        """Manual policy: let ``thread`` take its next step."""
        run = await self.find(run_id)
        authorize(run, token)
        if run.is_over:
            raise Conflict(f"Run '{run.id}' has already ended ({run.status}).")
        if run.mode != Mode.CONTROLLED or run.policy != Policy.MANUAL:
            raise Conflict(
                f"Run '{run.id}' is not stepped by hand (mode {run.mode.value!r}, policy "
                f"{run.policy.value!r}); start a controlled run with policy "
                f"{Policy.MANUAL.value!r} to step it."
            )
        if run.status == Status.QUEUED:
            raise Conflict(f"Run '{run.id}' is still queued; step it once it is running.")
        await self._queue.slot(run.id).supervisor.step(thread)

    # ---- running ---------------------------------------------------------------------

    def _pump(self) -> None:
        """Start waiting runs while worker slots are free."""
        while not self._stopping and (run := self._queue.next()) is not None:
            s = self.settings
            process = worker(s.worker_python, s.worker_module)
            supervisor = Supervisor(run, process, spec_of(run, s), s.tree_memory_mib)
            run.status, run.started = Status.RUNNING, now()
            task = asyncio.create_task(self._execute(run, supervisor), name=f"run {run.id}")
            self._queue.occupy(run, supervisor, task)

    async def _execute(self, run: Run, supervisor: Supervisor) -> None:
        outcome = Outcome(Status.INTERRUPTED, "The server stopped while the run was running.")
        try:
            try:
                outcome = await supervisor.supervise()
            except Exception as exc:  # a bug here must end this run, not the server
                logger.exception("Supervising run %s failed", run.id)
                outcome = Outcome(Status.FAILED, f"The run manager failed: {exc!r}.")
            await self._finish(run, outcome)
        except asyncio.CancelledError:  # only when the server stops and a run lingers
            self._end(run, outcome)
            raise
        finally:
            self._queue.release(run.id)
            self._pump()

    async def _finish(self, run: Run, outcome: Outcome) -> None:
        conclusion = None
        try:
            # Off the event loop: analysing 200,000 events takes a while.
            conclusion = await asyncio.to_thread(
                self._conclude, run.scenario, run.params, run.log.events, outcome.status
            )
        except Exception:
            logger.exception("Analysing run %s failed", run.id)
        self._end(run, outcome, conclusion)

    def _end(self, run: Run, outcome: Outcome, conclusion: Conclusion | None = None) -> None:
        """Set the final status and append the closing events (sync: nothing interleaves)."""
        if run.log.closed:
            return
        run.status, run.message, run.ended = outcome.status, outcome.message, now()
        run.verdict = None if conclusion is None else conclusion.verdict
        t = run.log.last_t
        if conclusion is not None and conclusion.deadlock is not None:
            detail = conclusion.deadlock
            run.log.append(make(len(run.log) + 1, t, DEADLOCK, detail=detail))
        end: dict[str, Any] = {"status": run.status, "verdict": run.verdict, "message": run.message}
        if run.mode == Mode.CONTROLLED:  # what reruns and undo need, in the recording too
            end.update(python=run.python, schedule=run.schedule, steps=run.steps)
        run.log.append(make(len(run.log) + 1, t, "end", detail=end))
        self._cache.ended(run)


def check_scenario(scenario_id: str, params: dict[str, Any] | None, mode: str) -> dict[str, Any]:
    """The scenario's complete, checked params; ScenarioNotFound / InvalidRequest."""
    try:
        scenario = registry.get(scenario_id)
    except KeyError:
        raise ScenarioNotFound(scenario_id) from None
    if mode not in scenario.modes:
        modes = ", ".join(scenario.modes)
        raise InvalidRequest(
            f"Scenario '{scenario_id}' cannot run in {str(mode)!r} mode; it runs in: {modes}."
        )
    try:
        return scenario.validate(params)
    except registry.ParamError as exc:
        raise InvalidParams(exc.name, exc.message) from None
