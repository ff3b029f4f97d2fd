"""The run manager's side of the store: runs are written as they stream, and come back.

    submit ──▶ record(run) ──wait──▶ the run's log grows ──▶ batch: every frame since the
               last write ──▶ writer thread: store.save(row, batch)  (one transaction)
           … end event ──▶ the last batch and the final row, in one transaction

One writer thread makes every write, in order: SQLite never sees two writers, and a
run's batches land in seq order.  While one batch is written the next builds up, so
batches grow with the event rate: one transaction per batch, never one per event.
Reads (a recording, the listing) run in other threads; WAL lets them read meanwhile.

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
from datetime import datetime
from functools import partial
from typing import Any, TypeVar

from app.runs.log import body
from app.runs.run import Run, iso
from app.runs.store import Page, RunRecord, RunStore, StoredEvent

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_BATCH = 10_000  # events per transaction at most (a flooding worker, a recovered run)


def to_record(run: Run, events: int) -> RunRecord:
    """The run's row, as of its first ``events`` events."""
    return RunRecord(
        id=run.id,
        token_digest=run.token_digest,
        scenario=run.scenario,
        params=run.params,
        mode=run.mode,
        seed=run.seed,
        policy=run.policy,
        options=run.options,
        status=run.status,
        created=iso(run.created) or "",
        started=iso(run.started),
        ended=iso(run.ended),
        verdict=run.verdict,
        message=run.message,
        python=run.python,
        schedule=run.schedule,
        steps=run.steps,
        events=events,
        threads=len(run.threads),
    )


def restore(record: RunRecord, bodies: list[bytes]) -> Run:
    """The run as it was recorded: its metadata, and a log with every recorded event."""
    run = Run(
        record.scenario,
        record.params,
        record.mode,
        record.seed,
        record.policy,
        record.options,
        id=record.id,
        control_token="",
        token_digest=record.token_digest,
        status=record.status,
        created=datetime.fromisoformat(record.created),
        started=_moment(record.started),
        ended=_moment(record.ended),
        message=record.message,
        verdict=record.verdict,
        python=record.python,
        schedule=record.schedule,
        steps=record.steps,
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
    """Writes runs to a ``RunStore`` as they stream; loads them back off the loop."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="threadlab-recorder")
        self._loading: dict[str, asyncio.Future[Run | None]] = {}

    async def open(self) -> list[str]:
        """Open the store; the ids of runs that were live when the last server died."""
        await self._write(self.store.open)
        return await self._write(self.store.unfinished)

    async def close(self) -> None:
        await asyncio.to_thread(self._writer.shutdown, True)
        self.store.close()

    # ---- writing ---------------------------------------------------------------------

    def begin(self, run: Run, position: int = 0) -> None:
        """Queue the run's row for writing now (synchronously: a listing asked for right
        after ``submit`` shows the run, since the listing reads on the writer thread)."""
        self._writer.submit(self.store.save, to_record(run, position)).add_done_callback(
            _log_failure
        )

    async def record(self, run: Run, position: int = 0) -> None:
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

    async def delete(self, run_id: str) -> bool:
        return await self._write(self.store.delete, run_id)

    async def prune(self, keep: int) -> list[str]:
        return await self._write(self.store.prune, keep)

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
