"""The run queue: places in line, worker slots, and QueueFull with the seconds until the
soonest slot frees; then the same through the run manager and a fake worker."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import cast

import pytest

from app.errors import QueueFull
from app.runs.queue import RunQueue
from app.runs.run import Run
from app.runs.supervisor import Supervisor
from tests.fakes.runs import end_detail, manager, submit

pytestmark = pytest.mark.anyio


def new_run() -> Run:
    return Run("race", {}, "free", 1, "random", {})


def occupy(queue: RunQueue, run: Run, seconds_left: float) -> None:
    """Put ``run`` in a slot, with a stand-in supervisor whose deadline is that near."""
    deadline = asyncio.get_running_loop().time() + seconds_left
    task = asyncio.ensure_future(asyncio.sleep(0))
    supervisor = cast(Supervisor, SimpleNamespace(deadline=deadline))  # only that is read
    queue.occupy(run, supervisor, task)


async def test_a_run_waits_in_line_until_a_slot_frees() -> None:
    queue = RunQueue(slots=1, size=1)
    first, second = new_run(), new_run()
    queue.add(first)
    assert queue.position(first) == 1
    assert queue.next() is first and queue.position(first) is None
    occupy(queue, first, 10)
    queue.add(second)
    assert queue.next() is None  # the only slot is taken
    assert queue.counts() == {"running": 1, "queued": 1}
    queue.release(first.id)
    assert queue.next() is second and queue.counts() == {"running": 0, "queued": 0}


async def test_the_line_is_capped_only_while_every_slot_is_busy() -> None:
    queue = RunQueue(slots=2, size=1)
    waiting = [new_run() for _ in range(3)]
    for run in waiting:  # slots are free: the manager starts these at once
        queue.add(run)
    assert [queue.position(run) for run in waiting] == [1, 2, 3]
    for seconds_left in (30, 3.5):
        occupy(queue, queue.next() or new_run(), seconds_left)
    with pytest.raises(QueueFull, match="All 2 worker slots are busy and 1 runs") as full:
        queue.add(new_run())
    assert full.value.retry_after == 4  # the soonest deadline, rounded up


async def test_withdraw_and_drain_keep_the_order() -> None:
    queue = RunQueue(slots=1, size=5)
    runs = [new_run() for _ in range(4)]
    for run in runs:
        queue.add(run)
    queue.withdraw(runs[1])
    assert queue.position(runs[2]) == 2 and queue.position(runs[1]) is None
    assert queue.drain() == [runs[0], runs[2], runs[3]]
    assert queue.next() is None and queue.counts() == {"running": 0, "queued": 0}


async def test_queue_cap_and_positions() -> None:
    async with manager(max_runs=2, queue_size=1, wall_time=30) as runs:
        first, second, third = (submit(runs, "hang") for _ in range(3))
        assert [r.status for r in (first, second, third)] == ["running", "running", "queued"]
        assert runs.queue_position(third) == 1 and runs.queue_position(first) is None
        with pytest.raises(QueueFull, match="All 2 worker slots are busy") as full:
            submit(runs, "hang")
        assert 1 <= full.value.retry_after <= 30
        await runs.cancel(third.id, third.control_token)
        assert third.status == "cancelled" and end_detail(third)["status"] == "cancelled"
        fourth = submit(runs, "hang")
        await runs.cancel(first.id, first.control_token)
        assert fourth.status == "running" and runs.counts() == {"running": 2, "queued": 0}
