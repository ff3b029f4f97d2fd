"""A free run's waits for a pool's or a process executor's results, seen by the
deadlock watchdog (``processes.awaiting``, ``runner.free_stuck``): a pool worker that
deadlocks inside its task ends the run ``deadlocked`` within seconds, with the child's
cycle — not at the wall time — for ``Pool`` and ``ProcessPoolExecutor`` ("spawn"),
``concurrent.futures.wait`` and ``as_completed`` on its futures included (beside a
thread's future: only once that thread is stuck too);
workers that are busy (computing, sleeping) or idle, and a wait with a timeout, are
never a deadlock.  Without the fix the deadlocked runs hang (the parent's wait for the
results is untraced, the pool's handler threads look Running): each such test has a
short timeout."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.analysis.history import check, replay
from app.analysis.waitfor import describe
from app.instrument.events import Event
from app.instrument.library_threads import RELAY
from app.instrument.processes import WAITS_FOR
from app.instrument.runtime import ThreadInfo
from app.worker.runner import _free_stuck
from tests.unit.test_process_lanes import CHILD_DEADLOCK
from tests.unit.test_program import run_worker

pytestmark = pytest.mark.timeout(60)

CROSSED = CHILD_DEADLOCK.partition("def main():")[0]  # two threads taking two locks crosswise
VERDICT_WITHIN = 10.0  # seconds, the worker's start included (the wall time is 20 s)

TASK = """
import concurrent.futures


def task(n):
    if n == 0:
        crossed()
    return n

"""

# A deadlocking task and every way the parent waits for it, in free mode.
DEADLOCKED: dict[str, str] = {
    "pool map": "with multiprocessing.Pool(1) as pool:\n        pool.map(task, [0])",
    "pool apply_async get": "pool = multiprocessing.Pool(1)\n"
    "    pool.apply_async(task, (0,)).get()",
    "pool imap": "with multiprocessing.Pool(1) as pool:\n        print(list(pool.imap(task, [0])))",
    "pool idle sibling": "with multiprocessing.Pool(2) as pool:\n        pool.map(task, [0, 1])",
    "executor result": "with concurrent.futures.ProcessPoolExecutor(1) as executor:\n"
    "        executor.submit(task, 0).result()",
    "executor map": "with concurrent.futures.ProcessPoolExecutor(2) as executor:\n"
    "        print(list(executor.map(task, [1, 0])))",
    # concurrent.futures.wait and as_completed on the executor's futures (completion.py)
    "futures wait": "with concurrent.futures.ProcessPoolExecutor(1) as executor:\n"
    "        concurrent.futures.wait([executor.submit(task, 0)])",
    "futures wait first completed": "with concurrent.futures.ProcessPoolExecutor(2) as executor:\n"
    "        concurrent.futures.wait([executor.submit(task, 0)], return_when='FIRST_COMPLETED')",
    "futures as_completed": "with concurrent.futures.ProcessPoolExecutor(1) as executor:\n"
    "        for future in concurrent.futures.as_completed([executor.submit(task, 0)]):\n"
    "            print(future.result())",
}


def program(body: str) -> str:
    return CROSSED + TASK + "\ndef main():\n    " + body + "\n"


def printed(events: list[Event]) -> list[str]:
    return [e["detail"]["text"] for e in events if e["kind"] == "output"]


def timed_run(source: str, filename: str) -> tuple[list[Event], dict[str, Any], float]:
    begin = time.monotonic()
    events, done = run_worker(source, filename)
    return events, done, time.monotonic() - begin


@pytest.mark.timeout(30)  # without the fix: no verdict, the run hangs
@pytest.mark.parametrize("case", list(DEADLOCKED))
def test_a_free_run_waiting_for_a_deadlocked_pool_worker_is_deadlocked(case: str) -> None:
    events, done, took = timed_run(program(DEADLOCKED[case]), "crossed.py")
    assert done["status"] == "deadlocked", done["message"]
    assert took < VERDICT_WITHIN, took  # by the watchdog, not at the wall time
    assert events[-1]["t"] < 5
    assert check(events) == []
    # The verdict names the child's threads, and the log alone shows the child's cycle.
    found = describe(replay(events))
    worker = found["threads"][0].partition("/")[0]
    assert worker.startswith(("SpawnPoolWorker-", "SpawnProcess-")), found["threads"]
    assert set(found["threads"]) == {f"{worker}/Thread-1 (one)", f"{worker}/Thread-2 (one)"}
    assert {tuple(e["holds"]) for e in found["cycle"]} == {(f"{worker}/a",), (f"{worker}/b",)}
    for thread in found["threads"]:
        assert thread in done["message"]


BUSY = """
import concurrent.futures
import multiprocessing
import time


def compute(n, seconds=1.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return n


def rest(n, seconds=1.0):
    time.sleep(seconds)
    return n


def square(n):
    return n * n

"""

# Pools whose workers are busy or idle: never a deadlock, however long it lasts.
FINE: dict[str, tuple[str, list[str]]] = {
    "pool computing": (
        "with multiprocessing.Pool(2) as pool:\n        print(pool.map(compute, [1, 2]))",
        ["[1, 2]"],
    ),
    "pool sleeping": (
        "with multiprocessing.Pool(2) as pool:\n        print(pool.map(rest, [1, 2]))",
        ["[1, 2]"],
    ),
    "executor computing": (
        "with concurrent.futures.ProcessPoolExecutor(1) as executor:\n"
        "        print(executor.submit(compute, 3).result())",
        ["3"],
    ),
    "executor sleeping": (
        "with concurrent.futures.ProcessPoolExecutor(2) as executor:\n"
        "        print(list(executor.map(rest, [1, 2])))",
        ["[1, 2]"],
    ),
    # Idle workers: many short tasks, each result on its way while the workers idle;
    # and a pool left idle while the parent sleeps, then used.
    "pool idle between many tasks": (
        "with multiprocessing.Pool(2) as pool:\n"
        "        print(sum(pool.apply(square, (n,)) for n in range(60)))\n"
        "        time.sleep(1.0)\n"
        "        print(pool.map(square, [1, 2]))",
        ["70210", "[1, 4]"],
    ),
    "executor idle between many tasks": (
        "with concurrent.futures.ProcessPoolExecutor(2) as executor:\n"
        "        print(sum(executor.submit(square, n).result() for n in range(60)))\n"
        "        time.sleep(1.0)\n"
        "        print(list(executor.map(square, [1, 2])))",
        ["70210", "[1, 4]"],
    ),
    # concurrent.futures.wait and as_completed on busy and on idle workers.
    "futures wait computing": (
        "with concurrent.futures.ProcessPoolExecutor(2) as executor:\n"
        "        done, _ = concurrent.futures.wait([executor.submit(compute, n) for n in (1, 2)])\n"
        "        print(sorted(future.result() for future in done))",
        ["[1, 2]"],
    ),
    "futures as_completed sleeping and idle": (
        "with concurrent.futures.ProcessPoolExecutor(2) as executor:\n"
        "        futures = [executor.submit(rest, n, 0.5 * n) for n in (1, 2, 3)]\n"
        "        print([f.result() for f in concurrent.futures.as_completed(futures)])\n"
        "        futures = [executor.submit(square, n) for n in range(60)]\n"
        "        print(sum(f.result() for f in concurrent.futures.as_completed(futures)))",
        ["[1, 2, 3]", "70210"],
    ),
}


@pytest.mark.parametrize("case", list(FINE))
def test_busy_or_idle_pool_workers_are_never_a_deadlock(case: str) -> None:
    body, expected = FINE[case]
    events, done, _took = timed_run(BUSY + "\ndef main():\n    " + body + "\n", "fine.py")
    assert done["status"] == "finished", done["message"]
    assert printed(events) == expected
    assert check(events) == []


# The parent waits for a deadlocked worker with a timeout: the wait ends by itself, and
# the pool's terminate (the ``with`` exit) kills the worker — the run finishes.
TIMED: dict[str, str] = {
    "get with a timeout": "with multiprocessing.Pool(1) as pool:\n"
    "        result = pool.apply_async(task, (0,))\n"
    "        try:\n"
    "            result.get(timeout=1.0)\n"
    "        except multiprocessing.TimeoutError:\n"
    "            print('timed out')",
    "wait with a timeout": "with multiprocessing.Pool(1) as pool:\n"
    "        result = pool.map_async(task, [0])\n"
    "        result.wait(1.0)\n"
    "        print('timed out' if not result.ready() else 'ready')",
    "imap next with a timeout": "with multiprocessing.Pool(1) as pool:\n"
    "        items = pool.imap(task, [0])\n"
    "        try:\n"
    "            items.next(timeout=1.0)\n"
    "        except multiprocessing.TimeoutError:\n"
    "            print('timed out')",
}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("case", list(TIMED))
def test_a_wait_with_a_timeout_for_a_deadlocked_worker_is_no_deadlock(case: str) -> None:
    events, done, _took = timed_run(program(TIMED[case]), "timed.py")
    assert done["status"] == "finished", done["message"]
    assert printed(events) == ["timed out"]
    assert check(events) == []


def test_a_process_futures_result_with_a_timeout_is_no_deadlock() -> None:
    # Polled with a timeout while the worker computes: each wait ends by itself.
    source = BUSY + (
        "\ndef main():\n"
        "    with concurrent.futures.ProcessPoolExecutor(1) as executor:\n"
        "        future = executor.submit(rest, 7, 1.5)\n"
        "        while True:\n"
        "            try:\n"
        "                print(future.result(timeout=0.2))\n"
        "                break\n"
        "            except concurrent.futures.TimeoutError:\n"
        "                pass\n"
    )
    events, done, _took = timed_run(source, "poll.py")
    assert done["status"] == "finished", done["message"]
    assert printed(events) == ["7"]


def test_a_sibling_that_keeps_answering_beside_a_deadlocked_worker_is_no_deadlock() -> None:
    # One worker is deadlocked; the parent waits, task after task, for results its
    # sibling computes: each wait ends (the results come through the pool's handler
    # threads), so none is a deadlock; then it gives up on the deadlocked task.
    source = program(
        "with multiprocessing.Pool(2) as pool:\n"
        "        stuck = pool.apply_async(task, (0,))\n"
        "        print(sum(pool.apply(task, (n,)) for n in range(1, 41)))\n"
        "        try:\n"
        "            stuck.get(timeout=1.0)\n"
        "        except multiprocessing.TimeoutError:\n"
        "            print('timed out')"
    )
    events, done, _took = timed_run(source, "sibling.py")
    assert done["status"] == "finished", done["message"]
    assert printed(events) == ["820", "timed out"]
    assert check(events) == []


# A ProcessPoolExecutor's deadlocked worker beside other futures: wait and as_completed
# wait (free mode) for a thread's future, another executor's busy worker, or a timeout.
OTHERS = """
def slow(seconds, say=True):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    if say:  # not in a child: killed, its output may be lost
        print("slow done")
    return "slow"


def main():
    with concurrent.futures.ProcessPoolExecutor(1) as processes:
        with concurrent.futures.{other}(1) as others:
            stuck = processes.submit(task, 0)
            {body}
            for child in multiprocessing.active_children():
                child.terminate()  # the stuck worker: the executors' exits can end
"""
FIRST = "return_when=concurrent.futures.FIRST_COMPLETED"
OTHER_FUTURES: dict[str, tuple[str, str, str, list[str]]] = {
    # The thread's future completes (then it is the only wait left: a deadlock).
    "thread future, wait for all": (
        "ThreadPoolExecutor",
        "concurrent.futures.wait([stuck, others.submit(slow, 1.5)])",
        "deadlocked",
        ["slow done"],
    ),
    "thread future, wait for the first": (
        "ThreadPoolExecutor",
        f"done, _ = concurrent.futures.wait([stuck, others.submit(slow, 1.5)], {FIRST})\n"
        "            print([future.result() for future in done])",
        "finished",
        ["slow done", "['slow']"],
    ),
    "thread future, as_completed": (
        "ThreadPoolExecutor",
        "print([f.result() for f in concurrent.futures.as_completed("
        "[stuck, others.submit(slow, 1.5)])])",
        "deadlocked",
        ["slow done"],
    ),
    # Every thread stuck too: the thread's future can never complete either.
    "thread future stuck too": (
        "ThreadPoolExecutor",
        f"concurrent.futures.wait([stuck, others.submit(crossed)], {FIRST})",
        "deadlocked",
        [],
    ),
    # Another executor's worker computes: its future completes.
    "busy executor, wait for the first": (
        "ProcessPoolExecutor",
        f"done, _ = concurrent.futures.wait([stuck, others.submit(slow, 1.5, False)], {FIRST})\n"
        "            print([future.result() for future in done])",
        "finished",
        ["['slow']"],
    ),
    "wait with a timeout": (
        "ThreadPoolExecutor",
        "print(len(concurrent.futures.wait([stuck], timeout=1.0).not_done))",
        "finished",
        ["1"],
    ),
    "as_completed with a timeout": (
        "ThreadPoolExecutor",
        "try:\n"
        "                next(concurrent.futures.as_completed([stuck], timeout=1.0))\n"
        "            except TimeoutError:\n"
        "                print('timed out')",
        "finished",
        ["timed out"],
    ),
}


@pytest.mark.timeout(30)  # without the fix: the deadlocked ones hang
@pytest.mark.parametrize("case", list(OTHER_FUTURES))
def test_waits_for_a_deadlocked_workers_future_beside_others(case: str) -> None:
    other, body, status, expected = OTHER_FUTURES[case]
    source = CROSSED + TASK + OTHERS.format(other=other, body=body)
    events, done, took = timed_run(source, "others.py")
    assert done["status"] == status, done["message"]
    assert sorted(printed(events)) == sorted(expected)  # a child's output comes late
    assert took < VERDICT_WITHIN, took
    assert check(events) == []


@pytest.mark.timeout(30)  # without the fix: the run hangs
def test_as_completed_yields_the_results_before_a_deadlocked_workers() -> None:
    source = program(
        "with concurrent.futures.ProcessPoolExecutor(2) as executor:\n"
        "        futures = [executor.submit(task, n) for n in (1, 2, 0)]\n"
        "        for future in concurrent.futures.as_completed(futures):\n"
        "            print(future.result())"
    )
    events, done, took = timed_run(source, "yields.py")
    assert done["status"] == "deadlocked", done["message"]
    assert sorted(printed(events)) == ["1", "2"]
    assert took < VERDICT_WITHIN, took


def lane(name: str, state: str, blocked_on: Any = None, daemon: bool = False) -> ThreadInfo:
    t = ThreadInfo(name, daemon)
    t.state, t.blocked_on = state, blocked_on
    return t


FOREVER = ("L", "acquire", None)
IDLE = ("W/<tasks>", "get", None)


def parent_waiting_for(*views: ThreadInfo, mark: bool = True) -> list[ThreadInfo]:
    """The parent's lanes: MainThread in an untraced wait for one pool worker (marked
    unless ``mark`` is false: a wait with a timeout), a relay, the worker's lane."""
    worker = lane("W/MainThread", "Runnable", daemon=True)
    worker.extra["lanes"] = {v.name: v for v in views}
    main = lane("MainThread", "Running")
    main.extra[WAITS_FOR] = [worker] if mark else None
    relay = lane("Thread-1 (_handle_results)", "Running", daemon=True)
    relay.extra[RELAY] = True
    return [main, relay, worker]


def test_the_rule_a_wait_for_workers_that_can_never_end_is_stuck() -> None:
    views = [lane("W/MainThread", "Blocked", ("W/T1", "join", None), True)]
    views += [lane("W/T1", "Blocked", FOREVER), lane("W/T2", "Blocked", FOREVER)]
    names = [t.name for t in _free_stuck(parent_waiting_for(*views))]
    assert names == ["MainThread", "W/MainThread", "W/T1", "W/T2"]
    # Not with a timeout; not beside a worker that sleeps or computes; not all idle.
    assert _free_stuck(parent_waiting_for(*views, mark=False)) == []
    assert (
        _free_stuck(parent_waiting_for(*views, lane("W/T3", "Blocked", (None, "sleep", None))))
        == []
    )
    assert _free_stuck(parent_waiting_for(*views, lane("W/T3", "Running"))) == []
    assert _free_stuck(parent_waiting_for(lane("W/MainThread", "Blocked", IDLE, True))) == []
    # Another thread of the parent that can go on keeps the run going.
    threads = [*parent_waiting_for(*views), lane("Thread-9", "Running")]
    assert _free_stuck(threads) == []
