"""The run manager's side of the store: runs are written as they stream, and come back.

    record(run) ──▶ row now ──wait──▶ the run's log grows ──▶ batch: every frame since the
                last write ──▶ writer thread: store.save(row, batch)  (one transaction)
            … end event ──▶ the last batch and the final row, in one transaction
                        ──▶ prune: ended runs past the newest ``keep`` are deleted

One writer thread makes every write, in order: SQLite never sees two writers, and a
run's batches land in seq order.  While one batch is written the next builds up, so
batches grow with the event rate: one transaction per batch, never one per event.
Reads (a recording) run in other threads; WAL lets them read meanwhile.

A recording comes back as a ``Run`` whose log holds the very frames it streamed live:
each event's stored JSON goes through ``RunLog.append`` again, which frames it exactly
as it did the first time.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import fields
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from app.runs.log import body
from app.runs.run import Run, RunFacts, iso
from app.runs.store import Page, RunRecord, RunStore, StoredEvent

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_BATCH = 10_000  # events per transaction at most (a flooding worker, a recovered run)
# Seconds the server, when it stops, waits for the last batches of the runs it ended: a
# flood may leave a backlog (~2 µs an event to write).  A recording cut short here is
# recovered as interrupted at the next start.
RECORD_GRACE = 5.0
SHARED = [facts.name for facts in fields(RunFacts)]  # what a run and its row both hold


def to_record(run: Run, events: int) -> RunRecord:
    """The run's row, as of its first ``events`` events."""
    return RunRecord(
        **{name: getattr(run, name) for name in SHARED},
        created=iso(run.created),
        started=iso(run.started),
        ended=iso(run.ended),
        events=events,
        threads=len(run.threads),
    )


def restore(record: RunRecord, bodies: list[bytes]) -> Run:
    """The run as it was recorded: its metadata, and a log with every recorded event."""
    run = Run(
        **{name: getattr(record, name) for name in SHARED},
        control_token="",  # only its digest was kept
        created=datetime.fromisoformat(record.created),
        started=_moment(record.started),
        ended=_moment(record.ended),
    )
    for text in bodies:
        event = json.loads(text)
        run.log.append(event, text)  # checks the contract and frames it as live
        if event["thread"] is not None:
            run.threads.add(event["thread"])
    return run


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Recordings:
    """Writes runs to a ``RunStore`` as they stream, keeping the newest ``keep`` ended
    runs; loads them back off the loop.  ``forget(run id)`` is called for every run the
    retention deletes."""

    def __init__(self, store: RunStore, keep: int, forget: Callable[[str], None]) -> None:
        self.store = store
        self.keep = keep
        self._forget = forget
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="threadlab-recorder")
        self._loading: dict[str, asyncio.Future[Run | None]] = {}
        self._recorders: dict[str, asyncio.Task[None]] = {}  # run id → its recording
        self._pruning = True

    async def open(self) -> list[str]:
        """Open the store; the ids of runs that were live when the last server died."""
        await self._write(self.store.open)
        return await self._write(self.store.unfinished)

    def stop_pruning(self) -> None:
        """The server is stopping: the writer's time is for the runs' last batches now;
        retention applies again at the next start."""
        self._pruning = False

    async def close(self) -> None:
        """Wait ≤ RECORD_GRACE for the recordings still being written, then close."""
        self.stop_pruning()
        if self._recorders:
            _, unwritten = await asyncio.wait(self._recorders.values(), timeout=RECORD_GRACE)
            for task in unwritten:
                task.cancel()
        await asyncio.to_thread(self._writer.shutdown, True)
        self.store.close()

    # ---- writing ---------------------------------------------------------------------

    def record(self, run: Run, position: int = 0) -> None:
        """Record the run from event ``position`` on, until its end (in a task)."""
        self._begin(run, position)
        task = asyncio.create_task(self._recording(run, position), name=f"record {run.id}")
        self._recorders[run.id] = task
        task.add_done_callback(lambda _: self._recorders.pop(run.id, None))

    async def recorded(self, run_id: str) -> None:
        """Return once the run's recording is complete (or was never made)."""
        recorder = self._recorders.get(run_id)
        if recorder is not None:
            await asyncio.wait([recorder])

    async def prune(self) -> None:
        """Delete the ended runs past the newest ``keep``."""
        for run_id in await self._write(self.store.prune, self.keep):
            self._forget(run_id)

    def _begin(self, run: Run, position: int) -> None:
        """Queue the run's row for writing now (synchronously: a listing asked for right
        after ``submit`` shows the run, since the listing reads on the writer thread)."""
        self._writer.submit(self.store.save, to_record(run, position)).add_done_callback(
            _log_failure
        )

    async def _recording(self, run: Run, position: int) -> None:
        await self._write_all(run, position)
        if self._pruning:
            await self.prune()

    async def _write_all(self, run: Run, position: int) -> None:
        """Write the run from event ``position`` on, batch by batch, until its end event
        and final row are written.  A failed write stops this run's recording (logged):
        a recording with a gap would not be the run."""
        log = run.log
        try:
            while True:
                await log.wait(position)
                frames = log.frames[position : position + MAX_BATCH]
                done = log.closed and position + len(frames) == len(log)
                record = to_record(run, position + len(frames))
                await self._write(self._save, record, position, frames)
                position += len(frames)
                if done:
                    return
        except Exception:
            logger.exception("Recording run %s failed; it is no longer recorded", run.id)

    def _save(self, record: RunRecord, position: int, frames: list[bytes]) -> None:
        events = [StoredEvent(position + i, body(f)) for i, f in enumerate(frames, 1)]
        self.store.save(record, events)

    async def delete(self, run_id: str) -> None:
        await self.recorded(run_id)  # its last batch first, or the delete would be undone
        await self._write(self.store.delete, run_id)

    async def _write(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, partial(fn, *args))

    # ---- reading ---------------------------------------------------------------------

    async def load(self, run_id: str) -> Run | None:
        """The recorded run, or None.  Viewers asking at once share one load, and a
        viewer that hangs up does not cancel it for the others."""
        pending = self._loading.get(run_id)
        if pending is None:
            pending = asyncio.ensure_future(asyncio.to_thread(self._load, run_id))
            self._loading[run_id] = pending
            pending.add_done_callback(lambda _: self._loading.pop(run_id, None))
        return await asyncio.shield(pending)

    def _load(self, run_id: str) -> Run | None:
        record = self.store.get(run_id)
        return None if record is None else restore(record, self.store.events(run_id))

    async def recent(self, scenario: str | None, limit: int, before: str | None) -> Page:
        # On the writer thread: after every write queued before it (a small query).
        return await self._write(self.store.recent, scenario, limit, before)


def _log_failure(future: Future[None]) -> None:
    if future.exception() is not None:
        logger.error("Recording a run failed: %r", future.exception())
