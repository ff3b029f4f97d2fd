"""Shared variables, sleep(), io() and measure(): plain outside a run, visible events
inside one."""

from __future__ import annotations

import time

import pytest

from app.instrument import Lock, Shared, Thread, io, measure, sleep
from tests.unit.conftest import Run, raises

pytestmark = pytest.mark.timeout(10)


def test_plain_outside_a_run() -> None:
    counter = Shared("counter", 0)
    counter.value += 1
    assert counter.value == 1 and counter.peek() == 1
    assert repr(counter) == "<Shared counter=1>"
    assert Shared("nothing").value is None
    sleep(0)
    io(0)
    measure("t", 1.0)  # nothing to record it in: a no-op
    with raises(ValueError, "sleep length must be non-negative"):
        time.sleep(-1)  # (the standard library's own message)
    with raises(ValueError, "sleep length must be non-negative"):
        sleep(-1)


def test_read_and_write_events(run: Run) -> None:
    counter = Shared("counter", 5)
    counter.value += 1
    assert counter.peek() == 6  # peek records nothing
    events = [(e["kind"], e["detail"]) for e in run.of("counter")]
    assert events == [
        ("declare", {"type": "Shared", "value": 5}),
        ("read", {"value": 5}),
        ("write", {"value": 6}),
    ]
    line = test_read_and_write_events.__code__.co_firstlineno + 2
    assert [e["line"] for e in run.of("counter")] == [line - 1, line, line]


def test_reads_always_show_the_last_write(run: Run) -> None:
    # The checker compares every read with the last recorded write (run's teardown).
    counter, lock = Shared("counter", 0), Lock(name="lock")

    def work() -> None:
        for _ in range(200):
            value = counter.value
            counter.value = value + 1
            with lock:
                counter.value = counter.value + 0

    threads = [Thread(target=work, name=f"T{i}") for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.peek() <= 800
    writes = run.of("counter", "write")
    assert writes[-1]["detail"]["value"] == counter.peek()


def test_locked_increments_lose_nothing(run: Run) -> None:
    counter, lock = Shared("counter", 0), Lock(name="lock")

    def work() -> None:
        for _ in range(300):
            with lock:
                counter.value += 1

    threads = [Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.peek() == 1200


def test_sleep_and_io_block_and_wake(run: Run) -> None:
    sleep(0.01)
    io(0.01, "download")
    mine = [(e["kind"], e["state"], e["detail"]) for e in run.events()][-8:]
    assert mine == [
        ("sleep", "Running", {"seconds": 0.01}),
        ("block", "Blocked", {"reason": "sleep", "seconds": 0.01}),
        ("wake", "Runnable", {}),
        ("run", "Running", {}),
        ("sleep", "Running", {"seconds": 0.01, "io": "download"}),
        ("block", "Blocked", {"reason": "io", "seconds": 0.01}),
        ("wake", "Runnable", {}),
        ("run", "Running", {}),
    ]
    with pytest.raises(ValueError):
        sleep(-0.5)


def test_sleep_really_waits(run: Run) -> None:
    start = time.perf_counter()
    sleep(0.03)
    assert time.perf_counter() - start >= 0.03


def test_measure_event(run: Run) -> None:
    measure("threaded", 1.25)
    ev = run.of(kind="measure")[0]
    assert ev["detail"] == {"name": "threaded", "value": 1.25, "unit": "s"}
    assert ev["thread"] == "MainThread"
