"""Recording runs through the run manager (fake worker, real SQLite): a recording comes
back as the very same run, a run left live by a dead server ends ``interrupted``,
retention and delete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from app.errors import Conflict, Forbidden, RunNotFound
from app.runs.log import body
from app.runs.manager import CRASHED, RunManager
from app.runs.recordings import to_record
from app.runs.run import Run
from app.runs.store import SqliteStore, StoredEvent
from app.settings import Settings
from tests.fakes.runs import conclude, ended, submit

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def manager(tmp: Path, **overrides: Any) -> AsyncIterator[RunManager]:
    settings = {"worker_module": "tests.fakes.worker", "data_dir": tmp, **overrides}
    runs = RunManager(Settings(**settings), conclude=conclude, store=SqliteStore(tmp / "r.db"))
    await runs.start()
    try:
        yield runs
    finally:
        await runs.stop()


async def test_a_recording_comes_back_as_the_same_run(tmp_path: Path) -> None:
    async with manager(tmp_path) as runs:
        run = await ended(submit(runs, "deadlock"))
        token = run.control_token
    async with manager(tmp_path) as runs:
        back = await runs.find(run.id)
        assert back is not run
        assert back.log.frames == run.log.frames
        assert back.log.events == run.log.events and back.log.closed
        assert back.public() == run.public()
        assert await runs.find(run.id) is back  # loaded once, then from memory
        with pytest.raises(Forbidden):
            await runs.delete(run.id, "guess")
        await runs.delete(run.id, token)  # the creator's token outlives the server
        with pytest.raises(RunNotFound):
            await runs.find(run.id)
    async with manager(tmp_path) as runs:
        with pytest.raises(RunNotFound):
            await runs.find(run.id)


async def test_viewers_asking_at_once_share_one_load(tmp_path: Path) -> None:
    async with manager(tmp_path) as runs:
        run = await ended(submit(runs, "events", n=50))
    async with manager(tmp_path) as runs:
        found = await asyncio.gather(*(runs.find(run.id) for _ in range(5)))
        assert all(f is found[0] for f in found)


async def test_a_run_left_live_is_interrupted_at_the_next_start(tmp_path: Path) -> None:
    """What a SIGKILLed server leaves: a row that says running, and some events."""
    async with manager(tmp_path) as runs:
        run = await ended(submit(runs, "events", n=6))
    store = SqliteStore(tmp_path / "r.db")
    live = Run("race", {}, "free", 1, "random", {}, status="running")
    for event in run.log.events[:4]:  # the events of a run cut short
        live.log.append(event)
    store.open()
    store.save(
        to_record(live, 4), [StoredEvent(i, body(f)) for i, f in enumerate(live.log.frames, 1)]
    )
    store.close()
    async with manager(tmp_path) as runs:
        back = await runs.find(live.id)
        assert back.status == "interrupted" and back.message == CRASHED
        assert back.log.frames[:4] == live.log.frames
        end = back.log.events[-1]
        assert end["kind"] == "end" and end["seq"] == 5
        assert end["detail"]["status"] == "interrupted"
    async with manager(tmp_path) as runs:  # and it stays that way
        again = await runs.find(live.id)
        assert again.log.frames == back.log.frames and again.status == "interrupted"


async def test_retention_keeps_the_newest_runs(tmp_path: Path) -> None:
    async with manager(tmp_path, keep_runs=2) as runs:
        done = [await ended(submit(runs, "events", n=2)) for _ in range(3)]
        await runs.recorded(done[2].id)
        with pytest.raises(RunNotFound):  # gone from memory and from the store
            await runs.find(done[0].id)
        page = await runs.recent(None, 10, None)
        assert [r.id for r in page.records] == [done[2].id, done[1].id]
    async with manager(tmp_path, keep_runs=1) as runs:  # a lower setting applies at start
        assert [r.id for r in (await runs.recent(None, 10, None)).records] == [done[2].id]


async def test_a_live_run_cannot_be_deleted(tmp_path: Path) -> None:
    async with manager(tmp_path) as runs:
        run = submit(runs, "slow")
        await run.log.wait(0)  # running: a stop now reaches the worker
        with pytest.raises(Conflict, match="still running; cancel it first"):
            await runs.delete(run.id, run.control_token)
        page = await runs.recent(None, 10, None)
        assert page.records[0].id == run.id and page.records[0].status == "running"
        await runs.cancel(run.id, run.control_token)
