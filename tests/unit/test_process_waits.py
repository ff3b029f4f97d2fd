"""A controlled run's waits for a pool's or a process executor's results
(``processes.awaiting``), through the real worker: children run free, so such a wait is
real, outside the schedule; the watchdog takes it as it takes a ``join`` — no stall
while the children live, a deadlock only if they can never end.  Each test's children
compute for longer than the (lowered) stall limit: with the fix off, these runs fail
with "ran for 0.5 s without a traced operation".  Then the rest of what a program's
pools can be: ``multiprocessing.pool``'s own ``Pool`` and ``ThreadPool``,
``multiprocessing.dummy``, and a ``Manager``'s server process."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.analysis.history import check
from app.instrument.events import Event
from tests.fakes.procs import is_running, wait_until
from tests.unit.test_process_lanes import CHILD_DEADLOCK, SHORT_STALL, run_with_short_stall
from tests.unit.test_program import run_worker

pytestmark = pytest.mark.timeout(90)

BUSY = 0.8  # seconds each child computes: past SHORT_STALL (0.5 s)
assert BUSY > SHORT_STALL

PREAMBLE = f"""\
import concurrent.futures
import multiprocessing
import time


def busy(x, seconds={BUSY}):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return x * x


def pair(x, y):
    return busy(x) + y
"""

POOL_MAP = (
    PREAMBLE
    + """

def main():
    with multiprocessing.Pool(2) as pool:
        print("map", pool.map(busy, [1, 2]))
"""
)

EXECUTOR_RESULT = (
    PREAMBLE
    + """

def main():
    executor = concurrent.futures.ProcessPoolExecutor(2)
    print("result", executor.submit(busy, 3).result())
    executor.shutdown(wait=True)
"""
)

# Every other way to wait for a pool's or an executor's results, one after another
# (forkserver here: the other start method a program may ask for beside spawn).
EVERY_WAIT = (
    PREAMBLE
    + """

def main():
    ctx = multiprocessing.get_context("forkserver")
    pool = ctx.Pool(2)
    print("apply", pool.apply(busy, (2,)))
    print("get", pool.apply_async(busy, (3,)).get())
    waited = pool.map_async(busy, [1])
    waited.wait()
    print("wait", waited.get())
    print("starmap", pool.starmap(pair, [(1, 1), (2, 2)]))
    print("imap", list(pool.imap(busy, [1, 2])))
    print("imap chunks", sorted(pool.imap_unordered(busy, [1, 2, 3, 4], chunksize=2)))
    pool.apply_async(busy, (5,))
    pool.close()
    pool.join()
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as executor:
        print("executor map", list(executor.map(busy, [1, 2])))
        failed = executor.submit(pair, 1, None)
        print("exception", type(failed.exception()).__name__)
        executor.submit(busy, 6)
    print("done")
"""
)

# A pool's only worker deadlocks inside its task: the wait for it can never end.
DEADLOCKED_WORKER = (
    CHILD_DEADLOCK.partition("def main():")[0]  # two threads taking two locks crosswise
    + """def main():
    with multiprocessing.Pool(1) as pool:
        pool.apply(crossed)
"""
)

# One task deadlocks in its worker, the other returns at once: its worker then idles,
# waiting inside the library for a task that never comes.
IDLE_SIBLING = (
    CHILD_DEADLOCK.partition("def main():")[0]
    + """def task(n):
    if n:
        crossed()
    return n


def main():
    with multiprocessing.Pool(2) as pool:
        pool.map(task, [0, 1])
"""
)

SPINS_MEANWHILE = (
    PREAMBLE
    + """

def main():
    pool = multiprocessing.Pool(1)
    pool.map_async(busy, [1, 2])
    while True:  # its own stall: not a wait for the pool
        pass
"""
)


def printed(events: list[Event]) -> list[str]:
    return [e["detail"]["text"] for e in events if e["kind"] == "output"]


def process_lanes(events: list[Event]) -> set[str]:
    return {e["thread"] for e in events if e["thread"] and e["thread"].endswith("/MainThread")}


def test_a_controlled_run_waiting_for_a_pools_map_is_no_stall() -> None:
    events, done = run_with_short_stall(POOL_MAP, "map.py")
    assert done["status"] == "finished", done["message"]
    assert printed(events) == ["map [1, 4]"]
    assert {"SpawnPoolWorker-1/MainThread", "SpawnPoolWorker-2/MainThread"} <= process_lanes(events)
    assert check(events) == []


def test_a_controlled_run_waiting_for_a_process_futures_result_is_no_stall() -> None:
    events, done = run_with_short_stall(EXECUTOR_RESULT, "result.py")
    assert done["status"] == "finished", done["message"]
    assert printed(events) == ["result 9"]
    assert any(lane.startswith("SpawnProcess-") for lane in process_lanes(events))
    assert check(events) == []


def test_every_wait_for_a_pools_or_an_executors_results_is_no_stall() -> None:
    events, done = run_with_short_stall(EVERY_WAIT, "every.py")
    assert done["status"] == "finished", done["message"]
    assert printed(events) == [
        "apply 4",
        "get 9",
        "wait [1]",
        "starmap [2, 6]",
        "imap [1, 4]",
        "imap chunks [1, 4, 9, 16]",
        "executor map [1, 4]",
        "exception TypeError",
        "done",
    ]
    lanes = process_lanes(events)
    assert {"ForkServerPoolWorker-1/MainThread", "ForkServerPoolWorker-2/MainThread"} <= lanes
    assert any(lane.startswith("ForkServerProcess-") for lane in lanes)


def test_a_controlled_run_waiting_for_a_deadlocked_pool_worker_is_deadlocked() -> None:
    events, done = run_with_short_stall(DEADLOCKED_WORKER, "crossed.py")
    assert done["status"] == "deadlocked", done["message"]
    assert "SpawnPoolWorker-1/Thread-1 (one)" in done["message"]
    assert events[-1]["t"] < 5  # by the watchdog, not at the wall time


@pytest.mark.timeout(30)  # without the fix: no verdict, the run hangs to its wall time
def test_an_idle_sibling_does_not_mask_a_deadlocked_pool_worker() -> None:
    begin = time.monotonic()
    events, done = run_with_short_stall(IDLE_SIBLING, "idle.py")
    assert done["status"] == "deadlocked", done["message"]
    assert "Thread-1 (one)" in done["message"] and "Thread-2 (one)" in done["message"]
    assert time.monotonic() - begin < 10  # by the watchdog (a controlled log's t is not)
    assert check(events) == []


def test_a_thread_that_spins_while_its_pool_computes_still_stalls() -> None:
    _events, done = run_with_short_stall(SPINS_MEANWHILE, "spin.py")
    assert done["status"] == "failed", done["message"]
    assert "without a traced operation" in done["message"]


SUBMODULE_POOLS = """\
import multiprocessing.dummy
import multiprocessing.pool
import threading

lock = threading.Lock()
total = 0


def square(x):
    global total
    with lock:
        total += x
    return x * x


def main():
    with multiprocessing.pool.Pool(2) as pool:
        print("pool", pool.map(square, [1, 2]))
    with multiprocessing.pool.ThreadPool(2) as pool:
        print("threads", pool.map(square, [3, 4]))
    with multiprocessing.dummy.Pool(2) as pool:
        print("dummy", pool.map(square, [5, 6]))
    print("total", total)
"""


def created(events: list[Event]) -> dict[str, dict[str, Any]]:
    return {e["thread"]: e["detail"] for e in events if e["kind"] == "create" and e["thread"]}


def test_multiprocessing_pool_and_dummy_pools_are_traced() -> None:
    events, done = run_worker(SUBMODULE_POOLS, "submodules.py")
    assert done["status"] == "finished", done["message"]
    assert check(events) == []
    # 18, not 21: a process pool's children add to their own copy of the total.
    assert printed(events) == ["pool [1, 4]", "threads [9, 16]", "dummy [25, 36]", "total 18"]
    lanes = created(events)
    assert {"SpawnPoolWorker-1/MainThread", "SpawnPoolWorker-2/MainThread"} <= set(lanes)
    # A thread pool's workers are internal lanes from their start, and what they do
    # (the lock) is on their lane.
    workers = [name for name in lanes if name.endswith("(worker)")]
    assert len(workers) == 4, lanes
    assert all(lanes[w].get("internal") and lanes[w].get("adopted") for w in workers)
    holders = {e["thread"] for e in events if e["kind"] == "acquire" and e["obj"] == "lock"}
    assert holders and holders <= set(workers)
    handlers = [name for name in lanes if "(_handle_" in name]
    assert len(handlers) == 9 and all(lanes[h].get("internal") for h in handlers)


def test_a_pool_imported_from_multiprocessing_pool_is_traced() -> None:
    source = "from multiprocessing.pool import Pool\n" + POOL_MAP.replace(
        "multiprocessing.Pool", "Pool"
    )
    events, done = run_worker(source, "frompool.py")
    assert done["status"] == "finished", done["message"]
    assert "SpawnPoolWorker-1/MainThread" in created(events)


def test_a_thread_pool_is_refused_in_a_controlled_run_with_a_clear_message() -> None:
    _events, done = run_with_short_stall(SUBMODULE_POOLS, "submodules.py")
    assert done["status"] == "failed"
    refused = "ThreadPool (multiprocessing.dummy.Pool) cannot run under the controlled"
    assert refused in done["message"]


MANAGER = """\
import multiprocessing


def add(shared, lock, log, k):
    with lock:
        shared["total"] = shared.get("total", 0) + k
        log.append(k)


def main():
    with multiprocessing.Manager() as manager:
        shared = manager.dict()
        lock = manager.Lock()
        log = manager.list()
        procs = [multiprocessing.Process(target=add, args=(shared, lock, log, k)) for k in (1, 2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        print("total", shared["total"], sorted(log))
"""


@pytest.mark.parametrize("mode", ["free", "controlled"])
def test_a_managers_server_is_a_lane_and_nothing_is_left_behind(mode: str) -> None:
    if mode == "free":
        events, done = run_worker(MANAGER, "manager.py")
    else:
        events, done = run_with_short_stall(MANAGER, "manager.py")
    assert done["status"] == "finished", done["message"]
    assert check(events) == []
    assert printed(events) == ["total 3 [1, 2]"]
    lanes = created(events)
    assert lanes["SyncManager-1/MainThread"]["target"] == "_run_server"
    exits = {e["thread"]: e["detail"] for e in events if e["kind"] == "exit"}
    pids = [detail["pid"] for name, detail in lanes.items() if "pid" in detail]
    assert len(pids) == 3  # the manager's server and the two children
    for name in ("SyncManager-1", "Process-2", "Process-3"):
        assert exits[f"{name}/MainThread"]["exitcode"] == 0, exits
    wait_until(lambda: not any(is_running(pid) for pid in pids), what="every child to end")


COMPLETION = """\
import concurrent.futures


def square(x):
    return x * x


def main():
    with concurrent.futures.ProcessPoolExecutor(2) as executor:
        futures = [executor.submit(square, x) for x in range(3)]
        done, _ = concurrent.futures.wait(futures)
        print("wait", sorted(f.result() for f in done))
        print("as_completed", sorted(f.result() for f in concurrent.futures.as_completed(futures)))
"""


def test_wait_and_as_completed_take_a_process_executors_futures() -> None:
    events, done = run_worker(COMPLETION, "completion.py")
    assert done["status"] == "finished", done["message"]
    assert check(events) == []
    assert printed(events) == ["wait [0, 1, 4]", "as_completed [0, 1, 4]"]
    waits = [e for e in events if e["kind"] == "wait" and e["thread"] == "MainThread"]
    assert waits and all(e["obj"].startswith("ProcessFuture-") for e in waits)
    assert any(lane.startswith("SpawnProcess-") for lane in process_lanes(events))


SLOW_COMPLETION = (
    PREAMBLE
    + """

def main():
    with concurrent.futures.ProcessPoolExecutor(2) as executor:
        futures = [executor.submit(busy, x) for x in range(3)]
        done, _ = concurrent.futures.wait(futures)
        print("wait", sorted(f.result() for f in done))
        more = [executor.submit(busy, x) for x in (3, 4)]
        print("as_completed", sorted(f.result() for f in concurrent.futures.as_completed(more)))
"""
)


def test_wait_and_as_completed_on_process_futures_wait_for_the_children() -> None:
    # In a controlled run they wait for real (children run free), seen as waits for the
    # children: no stall while they compute past the stall limit.
    events, done = run_with_short_stall(SLOW_COMPLETION, "completion.py")
    assert done["status"] == "finished", done["message"]
    assert printed(events) == ["wait [0, 1, 4]", "as_completed [9, 16]"]
    assert check(events) == []


MIXED = """import concurrent.futures


def square(x):
    return x * x


def main():
    with concurrent.futures.ProcessPoolExecutor(1) as processes:
        with concurrent.futures.ThreadPoolExecutor(1) as threads:
            both = [processes.submit(square, 2), threads.submit(square, 3)]
            concurrent.futures.wait(both)
"""


def test_waiting_on_process_and_thread_futures_together_is_refused_clearly() -> None:
    # The scheduler cannot wait for real and schedule a thread in one wait: refused.
    _events, done = run_with_short_stall(MIXED, "mixed.py")
    assert done["status"] == "failed"
    refused = "cannot wait for a ProcessPoolExecutor's futures together with"
    assert refused in done["message"]
