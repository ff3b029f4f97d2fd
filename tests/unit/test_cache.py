"""The runs in memory: live runs always stay; ended ones up to keep_runs runs and
keep_events events, oldest forgotten first, the newest however big; then the same
through the run manager."""

from __future__ import annotations

import pytest

from app.errors import RunNotFound
from app.instrument.events import make
from app.runs.cache import RunCache
from app.runs.run import Run
from tests.fakes.runs import ended, manager, submit

pytestmark = pytest.mark.anyio


def run_with(events: int, status: str = "finished") -> Run:
    run = Run("race", {}, "free", 1, "random", {}, status=status)
    for seq in range(1, events + 1):
        run.log.append(make(seq, 0.0, "read", "T1", "Running", "counter", 1, {}))
    return run


def end(cache: RunCache, run: Run) -> None:
    """What the manager does: the run is in memory while live, then it ends."""
    run.status = "running"
    cache.add(run)
    run.status = "finished"
    cache.ended(run)


def test_ended_runs_past_keep_runs_are_forgotten_oldest_first() -> None:
    cache = RunCache(keep_runs=2, keep_events=1000)
    live = run_with(0, status="running")
    cache.add(live)
    old, middle, new = run_with(1), run_with(1), run_with(1)
    for run in (old, middle, new):
        end(cache, run)
    assert cache.get(old.id) is None
    assert cache.get(middle.id) is middle and cache.get(new.id) is new
    assert cache.get(live.id) is live  # not over: never forgotten


def test_ended_runs_past_keep_events_are_forgotten_but_the_newest_stays() -> None:
    cache = RunCache(keep_runs=100, keep_events=25)
    runs = [run_with(10) for _ in range(3)]
    for run in runs:
        end(cache, run)
    assert cache.get(runs[0].id) is None and cache.get(runs[1].id) is runs[1]
    huge = run_with(40)
    end(cache, huge)
    assert cache.newest_first() == [huge]


def test_a_loaded_run_counts_as_ended_and_a_second_load_gets_the_first() -> None:
    cache = RunCache(keep_runs=1, keep_events=1000)
    first = run_with(2)
    assert cache.add(first) is first
    twin = Run("race", {}, "free", 1, "random", {}, id=first.id, status="finished")
    assert cache.add(twin) is first  # loaded meanwhile by another request
    second = run_with(2)
    cache.add(second)
    assert cache.get(first.id) is None and cache.get(second.id) is second


def test_drop_forgets_an_ended_run_and_its_count_never_a_live_one() -> None:
    cache = RunCache(keep_runs=2, keep_events=1000)
    live = run_with(0, status="running")
    cache.add(live)
    a, b, c = run_with(1), run_with(1), run_with(1)
    end(cache, a)
    end(cache, b)
    cache.drop(a.id)
    cache.drop(live.id)
    end(cache, c)
    assert cache.get(a.id) is None and cache.get(live.id) is live
    assert cache.get(b.id) is b and cache.get(c.id) is c  # a's place was freed


async def test_only_the_newest_runs_stay_in_memory() -> None:
    async with manager(keep_runs=2) as runs:
        done = [await ended(submit(runs, "events", n=1)) for _ in range(3)]
        with pytest.raises(RunNotFound):
            runs.get(done[0].id)
        assert runs.get(done[2].id) is done[2]


async def test_memory_is_bounded_by_events_too() -> None:
    async with manager(keep_events=25) as runs:
        done = [await ended(submit(runs, "events", n=10)) for _ in range(3)]
        with pytest.raises(RunNotFound):
            runs.get(done[0].id)
        assert runs.get(done[1].id) is done[1]
