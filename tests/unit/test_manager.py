"""The run manager with a fake worker: how runs end, limits, queue, cancel, faults.

The fake (``tests/fakes/worker.py``) speaks the worker protocol and misbehaves on
request, so every way a worker can go wrong is tested without depending on scenarios.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from app.errors import Conflict, Forbidden, InvalidParams, RunNotFound, ScenarioNotFound
from app.runs.run import Run
from tests.fakes.procs import wait_until, with_environ
from tests.fakes.runs import (
    assert_consistent,
    conclude,
    end_detail,
    ended,
    manager,
    submit,
)

pytestmark = pytest.mark.anyio


async def test_a_run_ends_with_the_analysis_verdict() -> None:
    async with manager() as runs:
        run = await ended(submit(runs, "events", n=30))
    assert run.status == "finished" and run.python == "3.11.fake"
    assert len(run.log) == 31 and run.threads == {"T1", "T2"}
    assert end_detail(run) == {
        "status": "finished",
        "verdict": {"summary": "finished after 30 events", "facts": {}},
        "message": None,
    }
    assert run.verdict == end_detail(run)["verdict"] and run.ended is not None
    assert_consistent(run)


async def test_a_deadlock_gets_its_event_before_the_end() -> None:
    async with manager() as runs:
        run = await ended(submit(runs, "deadlock"))
    assert run.status == "deadlocked"
    deadlock = run.log.events[-2]
    assert deadlock["kind"] == "deadlock" and deadlock["thread"] is None
    assert deadlock["detail"] == {"cycle": ["T1", "L1", "T2", "L2"]}
    assert end_detail(run)["message"] == "Both threads wait for each other."
    assert_consistent(run)


async def test_a_crash_fails_the_run_with_the_exit_code_and_stderr() -> None:
    async with manager() as runs:
        run = await ended(submit(runs, "crash"))
    assert run.status == "failed" and len(run.log) == 3
    assert "exited with code 3" in run.message and "RuntimeError: boom" in run.message


@pytest.mark.parametrize(
    ("fake", "words"),
    [
        ("garbage", "not JSON: 'this is not json'"),
        ("badseq", "expected seq 1, got 2"),
        ("endevent", "only the run manager ends a run"),
        ("longline", "longer than 1 MiB"),
        ("truncate", "exited with code 0 before it finished"),
    ],
)
async def test_a_broken_worker_fails_its_own_run_only(fake: str, words: str) -> None:
    async with manager() as runs:
        healthy = submit(runs, "paced", n=10, interval=0.01)
        broken = await ended(submit(runs, fake))
        assert broken.status == "failed" and words in broken.message
        assert_consistent(broken)
        assert (await ended(healthy)).status == "finished"


def marked(monkeypatch: pytest.MonkeyPatch) -> str:
    """A marker in this test's workers' environment (they keep ``THREADLAB_*``): the pids
    a worker reports are its own PID namespace's inside the sandbox, not the host's."""
    mark = uuid.uuid4().hex
    monkeypatch.setenv("THREADLAB_TEST_MARK", mark)
    return mark


async def test_wall_time_kills_the_whole_process_group(monkeypatch: pytest.MonkeyPatch) -> None:
    mark = marked(monkeypatch)
    async with manager(wall_time=0.5) as runs:
        run = submit(runs, "orphan")
        await run.log.wait(0)
        assert with_environ(mark), "the worker and its grandchild run"
        run = await ended(run)
    assert run.status == "timed_out"
    assert run.message == "The run was stopped at its wall-time limit of 0.5 s."
    wait_until(lambda: not with_environ(mark), what="the worker and its grandchild to die")


async def test_cancel_stops_a_cooperative_worker() -> None:
    async with manager() as runs:
        run = submit(runs, "slow", interval=0.01)
        await run.log.wait(3)
        assert await runs.cancel(run.id, run.control_token) is run
        assert run.status == "cancelled" and run.message == "Stopped on request."
        assert end_detail(run)["status"] == "cancelled"


async def test_cancel_kills_a_worker_that_ignores_stop() -> None:
    async with manager() as runs:
        run = submit(runs, "hang")
        await runs.cancel(run.id, run.control_token)
        assert run.status == "cancelled" and run.message == "The run was cancelled."


async def test_control_needs_the_runs_token() -> None:
    async with manager() as runs:
        run = submit(runs, "hang")
        with pytest.raises(Forbidden, match="needs its control token"):
            await runs.cancel(run.id, None)
        with pytest.raises(Forbidden, match="not the control token"):
            await runs.cancel(run.id, run.control_token[:-1] + "x")
        with pytest.raises(Forbidden):
            await runs.step(run.id, "nope", "T1")
        with pytest.raises(RunNotFound, match=r"Run 'nope' not found\."):
            await runs.cancel("nope", run.control_token)
        await runs.cancel(run.id, run.control_token)
        with pytest.raises(Conflict, match=r"already ended \(cancelled\)"):
            await runs.cancel(run.id, run.control_token)


async def test_stop_interrupts_queued_and_running_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    mark = marked(monkeypatch)
    async with manager(max_runs=1, queue_size=1) as runs:
        running, queued = submit(runs, "orphan"), submit(runs, "hang")
        await running.log.wait(0)
        assert with_environ(mark), "the worker and its grandchild run"
        await runs.stop()
        with pytest.raises(Conflict, match="shutting down"):
            submit(runs, "hang")
    assert running.status == queued.status == "interrupted"
    assert end_detail(queued)["message"] == "The server stopped before the run started."
    wait_until(lambda: not with_environ(mark), what="the worker and its grandchild to die")


async def test_step_needs_a_manual_run_that_waits_for_one() -> None:
    async with manager() as runs:
        free = submit(runs, "slow")
        with pytest.raises(Conflict, match="not stepped by hand"):
            await runs.step(free.id, free.control_token, "T1")
        manual = runs.submit("race", mode="controlled", policy="manual", options={"fake": "slow"})
        await manual.log.wait(0)
        with pytest.raises(Conflict, match="not waiting for a step right now"):
            await runs.step(manual.id, manual.control_token, "T1")


async def waiting_for(run: Run, step: int) -> None:
    while run.waiting is None or run.waiting["step"] != step:  # woken by the log's note
        await run.log.wait(len(run.log), run.log._note_version)


async def test_step_reaches_the_worker() -> None:
    async with manager() as runs:
        run = runs.submit("race", mode="controlled", policy="manual", options={"fake": "steps"})
        await asyncio.wait_for(waiting_for(run, 0), 10)
        assert run.public()["waiting"] == {"runnable": ["T1", "T2"], "step": 0}
        with pytest.raises(Conflict, match="'T9' cannot take a step now; runnable: T1, T2"):
            await runs.step(run.id, run.control_token, "T9")
        await runs.step(run.id, run.control_token, "T2")
        with pytest.raises(Conflict, match="not waiting"):  # a double click is one step
            await runs.step(run.id, run.control_token, "T2")
        await asyncio.wait_for(waiting_for(run, 1), 10)
        assert run.log.events[2]["kind"] == "run" and run.log.events[2]["thread"] == "T2"
        await runs.cancel(run.id, run.control_token)
        assert run.waiting is None and run.public()["waiting"] is None


async def test_nobody_waits_for_a_step_once_the_worker_is_gone() -> None:
    """The supervisor alone owns ``waiting``: it is cleared, with its note, when the
    worker ends, even while the run is still being analysed."""
    analysing, release = asyncio.Event(), asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow_conclude(*args: Any) -> Any:
        loop.call_soon_threadsafe(analysing.set)
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result(10)
        return conclude(*args)

    async with manager(conclude=slow_conclude) as runs:
        run = runs.submit("race", mode="controlled", policy="manual", options={"fake": "steps"})
        await asyncio.wait_for(waiting_for(run, 0), 10)
        assert "waiting" in run.log._notes
        cancelling = asyncio.create_task(runs.cancel(run.id, run.control_token))
        await asyncio.wait_for(analysing.wait(), 10)
        assert not run.is_over and run.waiting is None and "waiting" not in run.log._notes
        with pytest.raises(Conflict, match="not waiting for a step right now"):
            await runs.step(run.id, run.control_token, "T1")
        release.set()
        await cancelling
    assert run.status == "cancelled"


async def test_submit_checks_the_scenario_and_its_params() -> None:
    async with manager() as runs:
        with pytest.raises(ScenarioNotFound, match=r"Scenario 'nope' not found\."):
            runs.submit("nope")
        with pytest.raises(InvalidParams, match="'threads' must be between 1 and 16") as bad:
            runs.submit("race", {"threads": 17})
        assert bad.value.name == "threads"
        run = runs.submit("race", {"threads": 3}, seed=42, options={"fake": "events"})
        assert run.params == {"threads": 3, "iterations": 1000, "switch_interval_us": 100}
        assert run.seed == 42


async def test_a_failing_analysis_still_ends_the_run() -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("analysis bug")

    async with manager(conclude=broken) as runs:
        run = await ended(submit(runs, "events"))
    assert run.status == "finished" and run.verdict is None


async def test_cancel_while_the_run_is_being_analysed() -> None:
    """Regression: cancelling between the worker's exit and the end event rescheduled
    an exited asyncio.Timeout (RuntimeError)."""
    analysing = asyncio.Event()
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def slow_conclude(*args: Any) -> Any:
        loop.call_soon_threadsafe(analysing.set)
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result(10)
        return conclude(*args)

    async with manager(conclude=slow_conclude) as runs:
        run = submit(runs, "events")
        await asyncio.wait_for(analysing.wait(), 10)
        cancelling = asyncio.create_task(runs.cancel(run.id, run.control_token))
        await asyncio.sleep(0)  # cancel() runs up to its first await: the stop request
        release.set()
        await cancelling
    assert run.status == "finished"
