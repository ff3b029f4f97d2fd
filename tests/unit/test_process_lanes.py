"""Child processes as lanes (``app/instrument/processes.py``), through the real worker:
each child process is a group of lanes of the run (``Process-1/MainThread``) with its
start (``create``, ``pid``) and its end (``exit``, ``exitcode``); its events join the
run's one log, which stays a consistent history; no child outlives its run."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
from typing import Any

import pytest

from app.analysis.history import check, replay
from app.analysis.waitfor import describe
from app.instrument import process_substitutes, stdlib
from app.instrument.events import Event, validate
from app.instrument.program import PROGRAM_MODULE
from tests.fakes.procs import converse, is_running, wait_until
from tests.unit.test_program import LIMITS, ROOT, WORKER, run_worker
from tests.unit.test_stdlib import run_as

pytestmark = pytest.mark.timeout(60)

TWO_CPU_PROCESSES = """\
import multiprocessing
import threading


def count_down(n):
    while n > 0:
        n -= 1
    print("counted", n)


def main(n=8_000_000):
    procs = [multiprocessing.Process(target=count_down, args=(n,)) for _ in range(2)]
    for p in procs:
        p.start()
    print("threads", threading.active_count())  # a process is not a thread
    for p in procs:
        p.join()
    print("exit codes", [p.exitcode for p in procs])
"""

POOLS_AND_FORK = """\
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool, get_context

lock = threading.Lock()
total = 0


def square(x):
    return x * x


def add(k):
    global total
    with lock:
        total += k


def threaded(n):
    workers = [threading.Thread(target=add, args=(i,)) for i in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if total != sum(range(n)):
        raise SystemExit(3)


def fails():
    raise SystemExit(7)


class Counter(multiprocessing.Process):
    def run(self):
        threaded(2)


def main():
    with Pool(2) as pool:
        print("pool", pool.map(square, range(4)))
    with ProcessPoolExecutor(2) as executor:
        print("executor", list(executor.map(square, range(4))))
    forked = get_context("fork").Process(target=threaded, args=(3,))
    forked.start()
    forked.join()
    spawned = get_context("spawn").Process(target=threaded, args=(2,), name="helper")
    spawned.start()
    spawned.join()
    failing = get_context("spawn").Process(target=fails)
    failing.start()
    failing.join()
    counter = Counter(name="counter")
    counter.start()
    counter.join()
    print("exit codes", forked.exitcode, spawned.exitcode, failing.exitcode)
"""

FOREVER = """\
import multiprocessing


def spin():
    while True:
        pass


def main():
    for _ in range(2):
        multiprocessing.Process(target=spin, daemon=True).start()
    spin()
"""


def test_a_program_gets_a_traced_multiprocessing_and_everyone_else_the_real_one() -> None:
    stdlib.reset()
    imports = (
        "import multiprocessing\n"
        "from multiprocessing import Pool, get_context\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
    )
    ns = run_as(PROGRAM_MODULE, imports)
    assert ns["multiprocessing"].get_start_method() == "spawn"  # the worker has threads
    assert issubclass(ns["multiprocessing"].Process, multiprocessing.Process)
    assert ns["multiprocessing"].Process is process_substitutes.Process
    assert isinstance(ns["get_context"]("fork"), process_substitutes.ForkContext)
    assert ns["ProcessPoolExecutor"] is process_substitutes.ProcessPoolExecutor
    assert ns["multiprocessing"].Queue is not multiprocessing.Queue
    # The real module is untouched: the worker, the library and the tests keep it.
    real = run_as("somebody", "import multiprocessing")
    assert real["multiprocessing"] is multiprocessing
    assert multiprocessing.Process is not process_substitutes.Process


def lanes_of(events: list[Event], process: str) -> list[Event]:
    return [e for e in events if (e["thread"] or "").startswith(f"{process}/")]


def interval(events: list[Event], lane: str) -> tuple[float, float]:
    """When the lane ran: its ``run``, to its ``exit``."""
    (run,) = [e["t"] for e in events if e["thread"] == lane and e["kind"] == "run"]
    (exit_,) = [e["t"] for e in events if e["thread"] == lane and e["kind"] == "exit"]
    return run, exit_


def test_two_cpu_bound_processes_run_at_the_same_time() -> None:
    events, done = run_worker(TWO_CPU_PROCESSES, "two.py")
    assert done["status"] == "finished", done["message"]
    assert [e for e in events if validate(e) is not None] == []
    assert check(events) == []
    t = [e["t"] for e in events]
    assert t == sorted(t) and [e["seq"] for e in events] == list(range(1, len(events) + 1))
    first, second = (interval(events, f"Process-{n}/MainThread") for n in (1, 2))
    assert first[0] < second[1] and second[0] < first[1], (first, second)  # overlapping
    for n in (1, 2):
        lane = f"Process-{n}/MainThread"
        create = next(e for e in events if e["thread"] == lane and e["kind"] == "create")
        exit_ = next(e for e in events if e["thread"] == lane and e["kind"] == "exit")
        assert isinstance(create["detail"]["pid"], int)
        assert create["detail"]["target"] == "count_down"
        assert exit_["detail"] == {"pid": create["detail"]["pid"], "exitcode": 0}
    printed = [
        (e["detail"]["text"], e["detail"].get("by")) for e in events if e["kind"] == "output"
    ]
    assert ("counted 0", "Process-1/MainThread") in printed
    assert ("counted 0", "Process-2/MainThread") in printed
    assert printed[-1] == ("exit codes [0, 0]", "MainThread")
    assert ("threads 1", "MainThread") in printed


def test_pools_forks_and_threads_in_children_are_lanes() -> None:
    events, done = run_worker(POOLS_AND_FORK, "pools.py")
    assert done["status"] == "finished", done["message"]
    assert check(events) == []
    lanes = {e["thread"] for e in events if e["thread"]}
    processes = {lane.rpartition("/")[0] for lane in lanes if "/" in lane}
    assert {"SpawnPoolWorker-1", "SpawnPoolWorker-2", "helper"} <= processes
    assert any(p.startswith("SpawnProcess-") for p in processes)  # the executor's workers
    forked = next(p for p in processes if p.startswith("ForkProcess-"))
    assert {e["thread"] for e in lanes_of(events, forked)} == {
        f"{forked}/MainThread",
        *(f"{forked}/Thread-{n} (add)" for n in (1, 2, 3)),
    }
    # A child's resources and shared data are its own: prefixed, apart from the parent's.
    assert {e["obj"] for e in lanes_of(events, forked) if e["kind"] == "acquire"} == {
        f"{forked}/lock"
    }
    # A subclass of Process, in a spawned child: its threads and its lock are traced.
    assert {e["obj"] for e in lanes_of(events, "counter") if e["kind"] == "acquire"} == {
        "counter/lock"
    }
    assert {e["thread"] for e in lanes_of(events, "counter")} == {
        "counter/MainThread",
        "counter/Thread-1 (add)",
        "counter/Thread-2 (add)",
    }
    # The threads the library starts for itself are lanes marked internal: the pool's
    # three handlers, the executor's manager; nothing else is adopted.
    internal = [
        e["thread"] for e in events if e["kind"] == "create" and e["detail"].get("internal")
    ]
    assert len(internal) == 4, internal
    assert {e["thread"] for e in events if e["detail"].get("adopted")} == set(internal)
    ends = {e["thread"] for e in events if e["kind"] == "exit"}
    assert set(internal) <= ends  # they end with their pool and executor
    exits = {
        e["thread"].rpartition("/")[0]: e["detail"]["exitcode"]
        for e in events
        if e["kind"] == "exit" and (e["thread"] or "").endswith("/MainThread")
    }
    assert exits[forked] == 0 and exits["helper"] == 0
    failing = [p for p in exits if p not in (forked, "helper") and exits[p] == 7]
    assert len(failing) == 1
    assert [e["detail"]["text"] for e in events if e["kind"] == "output"][-1] == (
        "exit codes 0 0 7"
    )


def test_children_die_with_their_worker_even_by_sigkill() -> None:
    spec = {
        "source": FOREVER,
        "filename": "forever.py",
        "params": {},
        "mode": "free",
        "seed": 1,
        "policy": "random",
        "options": {},
        "limits": LIMITS,
    }
    proc = subprocess.Popen(
        WORKER, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None
    pids: list[int] = []
    running: set[str] = set()
    try:
        proc.stdin.write((json.dumps(spec) + "\n").encode())
        proc.stdin.flush()
        for line in proc.stdout:
            event: dict[str, Any] = json.loads(line)
            if event.get("kind") == "create" and "pid" in event["detail"]:
                pids.append(event["detail"]["pid"])
            if event.get("kind") == "run" and "/" in (event["thread"] or ""):
                running.add(event["thread"])
            if len(running) == 2:
                break
        assert len(pids) == 2 and all(is_running(pid) for pid in pids)
        os.kill(proc.pid, signal.SIGKILL)  # the worker alone, not its group
        proc.wait(timeout=10)
        wait_until(lambda: not any(is_running(pid) for pid in pids), what="the children to die")
    finally:
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            assert stream is not None
            stream.close()
        for pid in pids:  # never leave one behind, even when the test fails
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)


NESTED = """\
import multiprocessing


def leaf(x):
    print("leaf", x)


def middle():
    p = multiprocessing.Process(target=leaf, args=(1,))
    p.start()
    p.join()


def main():
    p = multiprocessing.Process(target=middle)
    p.start()
    p.join()
"""


def test_a_childs_child_is_a_group_of_lanes_within_its_parents() -> None:
    events, done = run_worker(NESTED, "nested.py")
    assert done["status"] == "finished", done["message"]
    assert check(events) == []
    grandchild = "Process-1/Process-1:1/MainThread"  # as Python names it, prefixed
    lifecycle = [e["kind"] for e in events if e["thread"] == grandchild]
    assert lifecycle == ["create", "start", "run", "exit"]
    said = [(e["detail"]["text"], e["detail"]["by"]) for e in events if e["kind"] == "output"]
    assert said == [("leaf 1", grandchild)]


LATE = """\
import concurrent.futures


def square(x):
    return x * x


def main():
    with concurrent.futures.ProcessPoolExecutor(2) as executor:  # reached for only here
        print(list(executor.map(square, range(3))))
"""


def test_a_process_pool_reached_for_only_in_main_finds_the_programs_functions() -> None:
    events, done = run_worker(LATE, "late.py")
    assert done["status"] == "finished", done["message"]
    assert check(events) == []
    assert [e["detail"]["text"] for e in events if e["kind"] == "output"] == ["[0, 1, 4]"]


CHILD_DEADLOCK = """\
import multiprocessing
import threading
import time

a = threading.Lock()
b = threading.Lock()


def one(first, second):
    with first:
        time.sleep(0.1)
        with second:
            pass


def crossed():
    threads = [threading.Thread(target=one, args=pair) for pair in ((a, b), (b, a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main():
    p = multiprocessing.Process(target=crossed)
    p.start()
    p.join()
"""


def test_a_deadlock_inside_a_child_process_ends_the_run_as_deadlocked() -> None:
    events, done = run_worker(CHILD_DEADLOCK, "crossed.py")
    assert done["status"] == "deadlocked", done["message"]
    assert "Process-1/Thread-1 (one)" in done["message"]
    assert "Process-1/Thread-2 (one)" in done["message"]
    assert events[-1]["t"] < 5  # by the watchdog, not at the wall time
    # The log alone shows the child's cycle (the deadlock event's detail).
    found = describe(replay(events))
    assert set(found["threads"]) == {"Process-1/Thread-1 (one)", "Process-1/Thread-2 (one)"}
    assert {tuple(e["holds"]) for e in found["cycle"]} == {("Process-1/a",), ("Process-1/b",)}
    assert "Each waits for the next" in found["text"]


def test_a_deadlock_left_behind_by_a_childs_target_is_seen_too() -> None:
    # The target returns without joining: the child's MainThread waits for its
    # non-daemon threads (as the interpreter does at exit), a traced wait.
    source = CHILD_DEADLOCK.replace("    for t in threads:\n        t.join()\n", "")
    assert source != CHILD_DEADLOCK
    events, done = run_worker(source, "left.py")
    assert done["status"] == "deadlocked", done["message"]
    assert check(events) == []
    waits = [e for e in events if e["thread"] == "Process-1/MainThread" and e["kind"] == "block"]
    assert [(e["obj"], e["detail"]["reason"]) for e in waits] == [
        ("Process-1/Thread-1 (one)", "join")
    ]
    found = describe(replay(events))
    assert set(found["threads"]) == {"Process-1/Thread-1 (one)", "Process-1/Thread-2 (one)"}


BUSY_CHILD = """\
import multiprocessing


def busy(seconds):
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def main():
    p = multiprocessing.Process(target=busy, args=(1.5,))
    p.start()
    p.join()
    print("joined", p.exitcode)
"""

SHORT_STALL = 0.5  # CONTROLLED_STALL, for these tests: the child is busy for 1.5 s


def run_with_short_stall(source: str, filename: str) -> tuple[list[Event], dict[str, Any]]:
    """A controlled run in a real worker whose stall limit is ``SHORT_STALL``."""
    code = (
        "import app.worker.runner as runner\n"
        f"runner.CONTROLLED_STALL = {SHORT_STALL}\n"
        "runner.main()\n"
    )
    spec = {
        "source": source,
        "filename": filename,
        "params": {},
        "mode": "controlled",
        "seed": 1,
        "policy": "random",
        "options": {},
        "limits": LIMITS,
    }
    events, messages, _ = converse([sys.executable, "-c", code], spec)
    return events, messages[-1] if messages else {}


def test_a_controlled_run_joining_a_busy_child_is_no_stall() -> None:
    events, done = run_with_short_stall(BUSY_CHILD, "busy.py")
    assert done["status"] == "finished", done["message"]
    assert [e["detail"]["text"] for e in events if e["kind"] == "output"] == ["joined 0"]


def test_a_controlled_run_still_stalls_elsewhere() -> None:
    # MainThread spins while its child lives: its own stall, not a wait for the child.
    source = BUSY_CHILD.replace("p.join()", "while True:\n        pass")
    _events, done = run_with_short_stall(source, "spin.py")
    assert done["status"] == "failed", done["message"]
    assert "without a traced operation" in done["message"]


def test_a_controlled_run_joining_a_deadlocked_child_is_deadlocked() -> None:
    events, done = run_with_short_stall(CHILD_DEADLOCK, "crossed.py")
    assert done["status"] == "deadlocked", done["message"]
    found = describe(replay(events))
    assert set(found["threads"]) == {"Process-1/Thread-1 (one)", "Process-1/Thread-2 (one)"}
