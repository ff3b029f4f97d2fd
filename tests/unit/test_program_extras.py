"""A plain program, as a student writes it, that uses what part D added to the traced
``threading``, ``queue`` and ``concurrent.futures``: loaded and run the way the worker
runs programs (``app/worker/program.py``), under the controlled scheduler."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.contract import Status
from app.worker.program import load_source
from app.worker.trial import TrialResult, run_controlled

pytestmark = pytest.mark.timeout(30)

SOURCE = """\
import queue
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, as_completed, wait

results = queue.PriorityQueue()
undo = queue.LifoQueue()
log = queue.SimpleQueue()
context = threading.local()
failures = []


def fetch(n):
    context.job = n
    time.sleep(0.1 * (3 - n))
    results.put((n, threading.current_thread().name))
    undo.put(n)
    log.put(f"fetched {context.job}")
    return n * 10


def broken():
    raise ValueError("no route to host")


def remember(args):
    failures.append((args.thread.name, str(args.exc_value)))


def main(jobs=3):
    threading.excepthook = remember
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(fetch, n) for n in range(jobs)]
        done, pending = wait(futures, return_when=FIRST_COMPLETED)
        print("first", [f.result() for f in done], len(pending) <= jobs - 1)
        print("all", sorted(f.result() for f in as_completed(futures)))
    alarm = threading.Timer(5.0, print, args=("alarm",))
    alarm.start()
    late = threading.Timer(60.0, print, args=("never",))
    late.start()
    late.cancel()
    t = threading.Thread(target=broken)
    t.start()
    t.join()
    alarm.join()
    late.join()
    print(threading.current_thread().name, threading.active_count(), failures)
    print([results.get()[0] for _ in range(jobs)], [undo.get() for _ in range(jobs)])
    print(sorted(log.get() for _ in range(jobs)))


if __name__ == "__main__":
    main()
"""


def _run(seed: int) -> TrialResult:
    program = load_source(SOURCE, "/programs/extras.py")
    return run_controlled(program, {}, seed, "random")


def _outputs(result: TrialResult) -> list[str]:
    return [e["detail"]["text"] for e in result.events if e["kind"] == "output"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_program_behaves_as_under_python(seed: int) -> None:
    result = _run(seed)
    assert result.status == Status.FINISHED, result.message
    lifo = ", ".join(str(n) for n in _lifo(result))
    assert _outputs(result) == [
        "first [10] True",  # fetch(1) sleeps 0.2 s, the shortest of the first two
        "all [0, 10, 20]",
        "alarm",
        "MainThread 1 [('Thread-3 (broken)', 'no route to host')]",
        f"[0, 1, 2] [{lifo}]",
        "['fetched 0', 'fetched 1', 'fetched 2']",
    ]
    assert _lifo(result)[-1] == 1  # put first (at 0.2 s): got last


def _lifo(result: TrialResult) -> list[int]:
    """The LifoQueue's items as the program gets them: last put, first out."""
    puts = [e for e in result.events if e["kind"] == "put" and e["obj"] == "undo"]
    return [int(e["detail"]["item"]) for e in reversed(puts)]


def test_its_threads_and_objects_are_named_from_the_code() -> None:
    result = _run(0)
    threads = {e["thread"] for e in result.events if e["kind"] == "create"}
    assert threads == {
        "MainThread",
        "ThreadPoolExecutor-0_0",
        "ThreadPoolExecutor-0_1",
        "Thread-1",
        "Thread-2",
        "Thread-3 (broken)",
    }
    declared = {e["obj"]: e["detail"] for e in result.events if e["kind"] == "declare"}
    assert declared["results"] == {"type": "Queue", "value": 0, "class": "PriorityQueue"}
    assert declared["undo"]["class"] == "LifoQueue" and declared["log"]["class"] == "SimpleQueue"
    assert {"futures[0]", "futures[1]", "futures[2]", "Thread-1.finished"} <= set(declared)


def test_a_seed_repeats_the_run_exactly() -> None:
    first, again = _run(4), _run(4)
    assert json.dumps(first.events) == json.dumps(again.events)


WORKER_SOURCE = """\
import threading
from concurrent.futures import ThreadPoolExecutor

pool = ThreadPoolExecutor(max_workers=2)  # module level, never shut down


def broken():
    raise KeyError("missing")


def main():
    futures = [pool.submit(pow, 2, n) for n in range(4)]
    print([f.result() for f in futures])
    pool.submit(print, "after main")
    t = threading.Thread(target=broken)
    t.start()
    t.join()
"""


def test_in_the_worker_process_free_mode() -> None:
    """The real worker: a pool never shut down still ends the run (as at interpreter
    exit), its threads are the run's own, and a thread's traceback is in the output."""
    import subprocess
    import sys
    from dataclasses import asdict
    from pathlib import Path

    from app.contract import DEFAULT_LIMITS, Mode, Policy

    spec = {
        "source": WORKER_SOURCE,
        "filename": "/programs/pool.py",
        "params": {},
        "mode": Mode.FREE,
        "seed": 1,
        "policy": Policy.RANDOM,
        "options": {},
        "limits": asdict(DEFAULT_LIMITS),
    }
    # Stdin stays open until ``done``: closing it is how the manager cancels a run.
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.worker.runner"],
        cwd=Path(__file__).resolve().parents[2],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines: list[dict[str, Any]] = []
    try:
        proc.stdin.write((json.dumps(spec) + "\n").encode())
        proc.stdin.flush()
        for line in proc.stdout:
            lines.append(json.loads(line))
            if lines[-1].get("msg") in ("done", "error"):
                break
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)
        proc.stdout.close()
    assert lines[-1].get("status") == Status.FINISHED, lines[-1]
    events = [e for e in lines if "kind" in e]
    out = [e["detail"]["text"] for e in events if e["kind"] == "output"]
    assert out[0] == "[1, 2, 4, 8]" and "after main" in out
    start = out.index("Exception in thread Thread-1 (broken):")
    assert out[start + 1] == "Traceback (most recent call last):" and "KeyError: 'missing'" in out
    creates = {e["thread"]: e["detail"] for e in events if e["kind"] == "create"}
    assert "adopted" not in creates["ThreadPoolExecutor-0_0"]
    exits = {e["thread"]: e["detail"] for e in events if e["kind"] == "exit"}
    assert not any("killed" in d for d in exits.values())  # every pool thread ended itself
