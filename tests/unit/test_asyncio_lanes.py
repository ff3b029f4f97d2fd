"""asyncio tasks as lanes (app/instrument/tasks.py, asyncio_prims.py): each task is a lane
with the five states on its loop's thread, one Running at a time, switching only at an
``await``; what a task awaits is named; a coroutine that blocks the loop is named in the
verdict; in controlled mode the choice of the next ready task is a scheduling point
(seeded, in turn, replayed from ``choices``), in virtual time.  In a real worker process."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.analysis.history import check, replay
from app.analysis.verdicts import verdict
from app.contract import OWN_CODE
from app.instrument import stdlib
from app.instrument.events import BLOCKED, DEAD, RUNNING, Event, encode, make, validate
from app.instrument.program import PROGRAM_MODULE
from tests.fakes.procs import converse
from tests.unit.test_program import LIMITS, WORKER, run_worker

THREE = """\
import asyncio


async def worker(n):
    for i in range(3):
        await asyncio.sleep(0.001 * n)
    return n


async def main():
    a = asyncio.create_task(worker(1))
    b = asyncio.create_task(worker(2), name="second")
    c = asyncio.create_task(worker(3))
    print(await a, await b, await c)


asyncio.run(main())
"""

NAMED = """\
import asyncio

lock = asyncio.Lock()
jobs = asyncio.Queue()


async def producer():
    for i in range(3):
        await jobs.put(i)
        await asyncio.sleep(0.002)


async def consumer():
    for _ in range(3):
        item = await jobs.get()
        async with lock:
            await asyncio.sleep(0.001)


async def holder():
    async with lock:
        await asyncio.sleep(0.003)


async def main():
    await asyncio.gather(consumer(), holder(), producer())
    async with asyncio.TaskGroup() as tg:
        tg.create_task(holder(), name="h1")
        tg.create_task(holder(), name="h2")
    await asyncio.wait([asyncio.create_task(holder(), name="h3")], timeout=5)


asyncio.run(main())
"""

BLOCKING = """\
import asyncio
import time


async def ticker():
    for _ in range(3):
        await asyncio.sleep(0.005)


async def sleepy():
    await asyncio.sleep(0.001)
    time.sleep(0.05)


async def offload():
    await asyncio.to_thread(time.sleep, 0.001)


async def main():
    await asyncio.gather(ticker(), sleepy(), offload())


asyncio.run(main())
"""


ENDINGS = """\
import asyncio

ready = asyncio.Event()
slots = asyncio.Semaphore(1)


async def waiter():
    await ready.wait()
    async with slots:
        await asyncio.sleep(0.001)


async def broken():
    async with slots:
        await asyncio.sleep(0.001)
    raise ValueError("no")


async def forever():
    await asyncio.sleep(60)


async def main():
    w = asyncio.create_task(waiter(), name="waiter")
    b = asyncio.create_task(broken(), name="broken")
    f = asyncio.create_task(forever(), name="forever")
    await asyncio.sleep(0.002)
    ready.set()
    await w
    f.cancel()
    results = await asyncio.gather(b, f, return_exceptions=True)
    print([type(r).__name__ for r in results])


with asyncio.Runner() as runner:
    runner.run(main())
"""


def run(source: str) -> tuple[list[Event], dict[str, Any]]:
    events, done = run_worker(source, "prog.py")
    assert done["status"] == "finished", done["message"]
    assert [e for e in events if validate(e) is not None] == []
    assert check(events) == []
    return events, done


def task_lanes(events: list[Event]) -> dict[str, str]:
    """Each task lane and its loop's thread, from its create."""
    return {
        e["thread"]: e["detail"]["loop"]
        for e in events
        if e["kind"] == "create" and e["detail"].get("task")
    }


def one_running_per_loop(events: list[Event]) -> None:
    lanes = task_lanes(events)
    running: dict[str, str] = {}  # loop → its task Running now
    for e in events:
        if e["thread"] not in lanes:
            continue
        loop = lanes[e["thread"]]
        if e["state"] == RUNNING:
            assert running.get(loop, e["thread"]) == e["thread"], (running, e)
            running[loop] = e["thread"]
        elif running.get(loop) == e["thread"]:
            del running[loop]


def is_await(source: str, line: int | None) -> bool:
    assert line is not None
    text = source.splitlines()[line - 1]
    return "await " in text or "async with" in text or "async for" in text


@pytest.mark.timeout(30)
def test_three_tasks_take_turns_at_awaits() -> None:
    events, _ = run(THREE)
    lanes = task_lanes(events)
    assert set(lanes) == {"Task-1", "Task-2", "second", "Task-3"}  # as CPython numbers them
    assert set(lanes.values()) == {"MainThread"}
    one_running_per_loop(events)
    task_events = [e for e in events if e["thread"] in lanes]
    assert all(e["detail"].get("task") is True for e in task_events)
    # Every switch away from a task is at an await of the program.
    switches = [e for e in task_events if e["kind"] in ("block", "preempt")]
    assert len(switches) >= 9
    assert all(is_await(THREE, e["line"]) for e in switches), switches
    sleeps = [e for e in switches if e["detail"].get("reason") == "sleep"]
    assert {e["detail"]["seconds"] for e in sleeps} >= {0.002, 0.003}
    # main awaits each task by name; every task ends Dead.
    joins = [e["obj"] for e in events if e["thread"] == "Task-1" and e["kind"] == "block"]
    assert joins and set(joins) <= {"Task-2", "second", "Task-3"}
    history = replay(events)
    assert {history.threads[t].state for t in lanes} == {DEAD}
    assert [e["detail"]["text"] for e in events if e["kind"] == "output"] == ["1 2 3"]


@pytest.mark.timeout(30)
def test_awaits_name_what_they_wait_for() -> None:
    events, _ = run(NAMED)
    one_running_per_loop(events)
    declared = {e["obj"]: e["detail"]["type"] for e in events if e["kind"] == "declare"}
    assert declared == {"lock": "Lock", "jobs": "Queue"}
    blocks = [e for e in events if e["kind"] == "block" and e["detail"].get("task")]
    reasons = {(e["detail"]["reason"], e["obj"]) for e in blocks}
    assert ("get", "jobs") in reasons
    assert ("acquire", "lock") in reasons
    gather = next(e for e in blocks if "gather" in e["detail"])
    assert gather["thread"] == "Task-1" and gather["detail"]["reason"] == "join"
    assert gather["detail"]["gather"] == ["Task-2", "Task-3", "Task-4"]
    group = next(e for e in blocks if "taskgroup" in e["detail"])
    assert group["detail"]["taskgroup"] == ["h1", "h2"] and group["obj"] in ("h1", "h2")
    assert all(is_await(NAMED, e["line"]) for e in blocks)
    # The lock is held by one task at a time, by the lanes that took it.
    takers = {e["thread"] for e in events if e["kind"] == "acquire" and e["obj"] == "lock"}
    assert takers == {"Task-2", "Task-3", "h1", "h2", "h3"}
    waited = next(e for e in blocks if "tasks" in e["detail"])
    assert (waited["obj"], waited["detail"]["tasks"], waited["detail"]["timeout"]) == (
        "h3",
        ["h3"],
        5,
    )
    puts = [e for e in events if e["kind"] == "put" and e["obj"] == "jobs"]
    assert [e["detail"]["item"] for e in puts] == ["0", "1", "2"]
    # A blocked task wakes (Runnable) before it runs again.
    history = replay(events)
    assert all(history.threads[t].state == DEAD for t in task_lanes(events))


@pytest.mark.timeout(30)
def test_a_coroutine_that_blocks_the_loop_is_named_in_the_verdict() -> None:
    events, done = run(BLOCKING)
    one_running_per_loop(events)
    lanes = task_lanes(events)
    line = BLOCKING.splitlines().index("    time.sleep(0.05)") + 1
    # The loop's thread sleeps while sleepy's task stays Running: one long segment.
    sleep = next(e for e in events if e["kind"] == "block" and e["line"] == line)
    assert sleep["thread"] == "MainThread" and sleep["state"] == BLOCKED
    states = {}
    for e in events:
        if e["seq"] == sleep["seq"]:
            break
        states[e["thread"]] = e["state"]
    sleepy = next(t for t, s in states.items() if t in lanes and s == RUNNING)
    assert sleepy == "Task-3"
    facts_verdict = verdict(OWN_CODE, {}, replay(events), done["status"])
    summary = facts_verdict["summary"]
    assert summary.startswith("Task-3 (sleepy) blocked the event loop for 0.05 s")
    assert f"time.sleep at line {line}" in summary
    assert facts_verdict["facts"]["loop_blocked"][0]["task"] == "Task-3"
    assert facts_verdict["facts"]["ok"] is False
    # to_thread's pool thread is the library's own: internal.
    internal = [e for e in events if e["kind"] == "create" and e["detail"].get("internal")]
    assert [e["thread"] for e in internal] == ["asyncio_0"]
    waits = [e for e in events if e["kind"] == "block" and "to_thread" in e["detail"]]
    assert [e["thread"] for e in waits] == ["Task-4"]


@pytest.mark.timeout(30)
def test_events_semaphores_errors_and_cancels() -> None:
    events, _ = run(ENDINGS)
    one_running_per_loop(events)
    assert set(task_lanes(events)) == {"Task-1", "waiter", "broken", "forever"}  # a Runner
    declared = {e["obj"]: e["detail"] for e in events if e["kind"] == "declare"}
    assert declared["ready"]["type"] == "Event" and declared["slots"]["value"] == 1
    wait = next(e for e in events if e["kind"] == "block" and e["thread"] == "waiter")
    assert (wait["detail"]["reason"], wait["obj"]) == ("wait", "ready")
    set_ = next(e for e in events if e["kind"] == "set")
    assert set_["thread"] == "Task-1" and set_["detail"]["woken"] == 1
    takes = [e for e in events if e["kind"] == "acquire" and e["obj"] == "slots"]
    assert {e["thread"] for e in takes} == {"waiter", "broken"}
    assert {e["detail"]["value"] for e in takes} == {0}
    exits = {e["thread"]: e for e in events if e["kind"] == "exit"}
    assert exits["broken"]["detail"]["error"] == "ValueError: no"
    assert exits["broken"]["line"] == ENDINGS.splitlines().index('    raise ValueError("no")') + 1
    assert exits["forever"]["detail"]["cancel"] is True
    assert [e["detail"]["text"] for e in events if e["kind"] == "output"] == [
        "['ValueError', 'CancelledError']"
    ]


TURNS = """\
import asyncio


async def worker(n):
    for i in range(3):
        await asyncio.sleep(0)
        print(n, i)


async def main():
    await asyncio.gather(*(worker(n) for n in range(3)))
    await asyncio.sleep(30)
    print("slept")


asyncio.run(main())
"""


@pytest.mark.timeout(60)
def test_controlled_mode_a_seed_orders_the_ready_tasks_in_virtual_time() -> None:
    runs: dict[int, list[list[Event]]] = {}
    for seed in (1, 1, 2, 3, 4):
        events, done = run_worker(TURNS, "prog.py", "controlled", seed=seed)
        assert done["status"] == "finished", done["message"]
        assert check(events) == []
        one_running_per_loop(events)
        runs.setdefault(seed, []).append(events)
    first, again = runs[1]
    assert [encode(e) for e in first] == [encode(e) for e in again]  # byte for byte
    orders = {
        seed: tuple(e["detail"]["text"] for e in logs[0] if e["kind"] == "output")
        for seed, logs in runs.items()
    }
    assert len(set(orders.values())) > 1  # the seed decides which ready task runs
    for order in orders.values():
        assert order[-1] == "slept"
        for n in range(3):  # each task's own steps stay in order
            assert [x for x in order if x.startswith(f"{n} ")] == [f"{n} {i}" for i in range(3)]
    # asyncio.sleep(30) took virtual time: the loop's thread slept it through the scheduler.
    assert 30 <= first[-1]["t"] < 31
    nap = [e for e in first if e["thread"] == "MainThread" and e["kind"] == "block"]
    assert [e["detail"]["seconds"] for e in nap] == [30]


OFFLOAD = """\
import asyncio
import threading
import time

lock = threading.Lock()
total = 0


def work(n):
    global total
    for _ in range(n):
        with lock:
            total += 1
    time.sleep(0.1)
    return n


async def ticker():
    global total
    for _ in range(3):
        await asyncio.sleep(0)
        with lock:
            total += 10


async def offload():
    return await asyncio.to_thread(work, 3)


async def main():
    done = await asyncio.gather(offload(), ticker())
    loop = asyncio.get_running_loop()
    print(done[0], await loop.run_in_executor(None, work, 1), total)


asyncio.run(main())
"""


@pytest.mark.timeout(60)
def test_controlled_mode_runs_to_thread_on_an_internal_thread_the_scheduler_steers() -> None:
    logs = {}
    for seed in (1, 2, 3, 4):
        events, done = run_controlled(OFFLOAD, seed=seed)
        assert outputs(events) == ["3 1 34"]
        creates = {e["thread"]: e["detail"] for e in events if e["kind"] == "create"}
        assert creates["asyncio_0"] == {"daemon": False, "target": "_worker", "internal": True}
        waits = [e for e in events if e["kind"] == "block" and "to_thread" in e["detail"]]
        assert [(e["thread"], e["detail"]["to_thread"]) for e in waits] == [("Task-2", "work")]
        # The helper's steps are the scheduler's: picks between it and the loop's thread.
        assert "asyncio_0" in done["facts"]["schedule"]
        # Its sleeps took virtual time: 0.1 s each call.
        assert 0.2 <= events[-1]["t"] < 0.3
        logs[seed] = events
    again, _ = run_controlled(OFFLOAD, seed=1)
    assert [encode(e) for e in again] == [encode(e) for e in logs[1]]  # a seed repeats
    orders = {
        seed: tuple(e["thread"] for e in log if e["kind"] == "acquire" and e["obj"] == "lock")
        for seed, log in logs.items()
    }
    assert len(set(orders.values())) > 1  # the seed decides the interleaving


def test_only_the_program_gets_the_traced_asyncio() -> None:
    stdlib.install_import_hook()
    stdlib.reset()
    program: dict[str, Any] = {"__name__": PROGRAM_MODULE}
    exec("import asyncio\nfrom asyncio import Queue", program)
    traced = program["asyncio"]
    assert traced.run is not asyncio.run and traced.Lock is not asyncio.Lock
    assert traced.get_running_loop is asyncio.get_running_loop
    assert program["Queue"] is traced.Queue and issubclass(traced.Queue, asyncio.Queue)
    other: dict[str, Any] = {"__name__": "somebody"}
    exec("import asyncio", other)
    assert other["asyncio"] is asyncio
    # Outside a run, the traced ones behave as the plain ones.
    assert traced.run(traced.sleep(0, "x")) == "x"


def test_two_tasks_of_one_loop_running_at_once_is_inconsistent() -> None:
    events: list[Event] = []

    def add(kind: str, thread: str, state: str, detail: dict[str, Any] | None = None) -> None:
        events.append(make(len(events) + 1, 0.0, kind, thread, state, detail=detail))

    add("create", "MainThread", "New")
    add("start", "MainThread", "Runnable")
    add("run", "MainThread", "Running")
    for task in ("Task-1", "Task-2"):
        add("create", task, "New", {"task": True, "loop": "MainThread"})
        add("start", task, "Runnable", {"task": True})
    add("run", "Task-1", "Running", {"task": True})
    assert check(events) == []
    add("run", "Task-2", "Running", {"task": True})
    assert check(events) == ["seq 9: Task-2 and Task-1 of the loop on MainThread both Running"]
    events.pop()
    add("block", "Task-1", "Blocked", {"task": True, "reason": "sleep"})
    add("run", "Task-2", "Running", {"task": True})
    assert check(events) == []


def run_controlled(
    source: str, policy: str = "random", seed: int = 1, status: str = "finished", **options: Any
) -> tuple[list[Event], dict[str, Any]]:
    """A controlled run of ``source`` in a real worker process, with ``policy`` and
    ``options`` (``choices``): (events, done message); it must end with ``status``,
    consistent."""
    spec = {
        "source": source,
        "filename": "prog.py",
        "params": {},
        "mode": "controlled",
        "seed": seed,
        "policy": policy,
        "options": options,
        "limits": LIMITS,
    }
    events, messages, _ = converse(WORKER, spec)
    done = messages[-1] if messages else {}
    assert done.get("status") == status, done
    assert check(events) == []
    one_running_per_loop(events)
    return events, done


def outputs(events: list[Event]) -> list[str]:
    return [e["detail"]["text"] for e in events if e["kind"] == "output"]


MIXED = """\
import asyncio
import threading

total = 0
lock = threading.Lock()


def bump():
    global total
    for _ in range(3):
        with lock:
            total += 1


async def worker(n):
    global total
    for _ in range(3):
        await asyncio.sleep(0)
        with lock:
            total += 1


async def main():
    await asyncio.gather(worker(0), worker(1))


side = threading.Thread(target=bump)
other = threading.Thread(target=asyncio.run, args=(main(),), name="loop2")
side.start()
other.start()
asyncio.run(main())
side.join()
other.join()
print(total)
"""


@pytest.mark.timeout(60)
def test_controlled_task_picks_are_in_the_schedule_and_replay_from_it() -> None:
    """The pick of the next ready task is a scheduler point: it is in ``schedule``, and
    a run given that schedule as ``choices`` (under another seed) is the same run, byte
    for byte — what undo and exact reruns rely on."""
    for source, seed in ((TURNS, 1), (TURNS, 4), (MIXED, 2), (MIXED, 7), (OFFLOAD, 3)):
        events, done = run_controlled(source, seed=seed)
        schedule = done["facts"]["schedule"]
        lanes = set(task_lanes(events))
        assert lanes & set(schedule), schedule  # tasks were picked at scheduler points
        again, redone = run_controlled(source, seed=seed + 1000, choices=schedule)
        assert redone["facts"]["schedule"] == schedule
        assert [encode(e) for e in again] == [encode(e) for e in events]
    # TURNS has one loop and one thread: every pick in its schedule is a task's.
    events, done = run_controlled(TURNS, seed=1)
    assert set(done["facts"]["schedule"]) <= set(task_lanes(events))


@pytest.mark.timeout(30)
def test_a_replayed_task_pick_that_cannot_run_goes_off_course() -> None:
    # At the first pick, main (Task-1) waits in its gather: only its workers are ready.
    _, done = run_controlled(TURNS, status="failed", choices=["Task-1"])
    assert done["message"].startswith("Replay went off course: Task-1 was not runnable")
    assert "(runnable: Task-2, Task-3, Task-4)" in done["message"]


@pytest.mark.timeout(30)
def test_round_robin_takes_the_ready_tasks_in_turn() -> None:
    events, done = run_controlled(TURNS, "round_robin")
    assert outputs(events) == [f"{n} {i}" for i in range(3) for n in range(3)] + ["slept"]
    schedule = done["facts"]["schedule"]
    assert schedule[:9] == ["Task-2", "Task-3", "Task-4"] * 3


@pytest.mark.timeout(60)
def test_mixed_threads_and_loops_stay_consistent_under_every_policy() -> None:
    for policy, seed in (("random", 1), ("random", 5), ("pct", 2), ("round_robin", 0)):
        events, _ = run_controlled(MIXED, policy, seed)
        assert outputs(events) == ["15"]
        assert set(task_lanes(events).values()) == {"MainThread", "loop2"}
        again, _ = run_controlled(MIXED, policy, seed)
        assert [encode(e) for e in again] == [encode(e) for e in events]


@pytest.mark.timeout(30)
def test_controlled_mode_still_names_a_coroutine_that_blocks_the_loop() -> None:
    source = BLOCKING.replace("sleepy(), offload()", "sleepy()")
    events, done = run_controlled(source, seed=3)
    facts_verdict = verdict(OWN_CODE, {}, replay(events), done["status"])
    assert facts_verdict["summary"].startswith("Task-3 (sleepy) blocked the event loop for 0.05 s")
    assert facts_verdict["facts"]["ok"] is False
