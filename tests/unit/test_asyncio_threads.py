"""asyncio's threads on task lanes (app/instrument/asyncio_threads.py, tasks.py): a
``to_thread`` made a task by ``gather`` or ``create_task`` is a lane; the loop's thread
and its helpers carry the program's lines, not asyncio's; in a controlled run a loop
waiting for a ``call_soon_threadsafe`` from the program's own thread lets the scheduler
run that thread.  In a real worker process."""

from __future__ import annotations

from typing import Any

import pytest

from app.instrument.events import Event, encode
from tests.unit.test_asyncio_lanes import (
    OFFLOAD,
    one_running_per_loop,
    outputs,
    run,
    run_controlled,
    task_lanes,
)

GATHERED = """\
import asyncio
import threading

lock = threading.Lock()
done = []


def work(name):
    with lock:
        done.append(name)
    return name


async def main():
    print(await asyncio.gather(asyncio.to_thread(work, "f"), asyncio.to_thread(work, "g")))
    print(await asyncio.create_task(asyncio.to_thread(work, "h"), name="h"))


asyncio.run(main())
"""


def check_gathered(events: list[Event]) -> None:
    lanes = task_lanes(events)
    assert lanes == dict.fromkeys(("Task-1", "Task-2", "Task-3", "h"), "MainThread")
    assert outputs(events) == ["['f', 'g']", "h"]
    creates = {e["thread"]: e for e in events if e["kind"] == "create" and e["thread"] in lanes}
    lines = GATHERED.splitlines()
    gather_line = next(i for i, text in enumerate(lines, 1) if "gather(" in text)
    assert [creates[t]["line"] for t in ("Task-2", "Task-3")] == [gather_line, gather_line]
    assert {creates[t]["detail"]["target"] for t in ("Task-2", "Task-3", "h")} == {"to_thread"}
    main = [e for e in events if e["thread"] == "Task-1" and e["kind"] == "block"]
    assert main[0]["detail"]["gather"] == ["Task-2", "Task-3"]
    assert (main[0]["detail"]["reason"], main[0]["obj"]) == ("join", "Task-2")
    assert (main[-1]["detail"]["reason"], main[-1]["obj"]) == ("join", "h")
    for lane in ("Task-2", "Task-3", "h"):  # each waits for its thread, on its own lane
        waits = [e for e in events if e["thread"] == lane and e["kind"] == "block"]
        assert [e["detail"]["to_thread"] for e in waits] == ["work"]
        assert [e["kind"] for e in events if e["thread"] == lane][-1] == "exit"


@pytest.mark.timeout(60)
def test_a_to_thread_gathered_or_made_a_task_is_a_lane() -> None:
    for seed in (1, 2, 3):
        events, _ = run_controlled(GATHERED, seed=seed)
        check_gathered(events)
    events, _ = run(GATHERED)  # free mode
    check_gathered(events)


def out_of_program(source: str, events: list[Event]) -> list[tuple[Any, ...]]:
    last = len(source.splitlines())
    return [
        (e["seq"], e["thread"], e["kind"], e["line"])
        for e in events
        if e["line"] is not None and not 1 <= e["line"] <= last
    ]


@pytest.mark.timeout(60)
def test_events_of_a_run_using_to_thread_carry_the_programs_lines() -> None:
    """The loop's thread submits the job and takes its result inside asyncio's own code:
    those events are on the program's nearest line (the await, or ``asyncio.run``)."""
    for seed in (1, 2):
        events, _ = run_controlled(OFFLOAD, seed=seed)
        assert out_of_program(OFFLOAD, events) == []
        lines = OFFLOAD.splitlines()
        offload = lines.index("    return await asyncio.to_thread(work, 3)") + 1
        runs = lines.index("asyncio.run(main())") + 1
        puts = [e for e in events if e["kind"] == "put" and e["thread"] == "MainThread"]
        assert puts[0]["line"] == offload
        waits = [e for e in events if e["kind"] == "wait" and e["thread"] == "MainThread"]
        assert waits and {e["line"] for e in waits} == {runs}
    events, _ = run(OFFLOAD)
    assert out_of_program(OFFLOAD, events) == []


POKED = """\
import asyncio
import threading


def poke(loop, box):
    loop.call_soon_threadsafe(box.set_result, "poked")


async def main():
    loop = asyncio.get_running_loop()
    box = loop.create_future()
    side = threading.Thread(target=poke, args=(loop, box), name="poker")
    side.start()
    print(await box)
    side.join()


asyncio.run(main())
"""


@pytest.mark.timeout(60)
def test_a_loop_waiting_for_a_call_from_the_programs_thread_lets_it_run() -> None:
    """No executor job, no timer: the loop's wait for the poker's call is a traced wait
    of its thread (not a real ``select`` holding the baton), which the call ends."""
    logs = {}
    for seed in (1, 2, 3, 1):
        events, _ = run_controlled(POKED, seed=seed)
        assert outputs(events) == ["poked"]
        assert events[-1]["t"] < 1  # virtual time: no real wait
        if seed in logs:
            assert [encode(e) for e in events] == [encode(e) for e in logs[seed]]
        logs[seed] = events
    one_running_per_loop(events)


@pytest.mark.timeout(60)
def test_a_future_no_thread_will_set_is_a_deadlock_not_a_stall() -> None:
    source = POKED.replace("    side.start()\n", "")
    source = source.replace("    side.join()\n", "")
    events, done = run_controlled(source, status="deadlocked")
    last = [e for e in events if e["thread"] == "MainThread"][-1]
    assert (last["kind"], last["detail"]) == (
        "block",
        {"reason": "wait", "timeout": None, "loop": True},
    )
    assert "MainThread is blocked" in done["message"]


TICKING = POKED.replace(
    "    print(await box)\n",
    "    tick = asyncio.create_task(ticker())\n    print(await box)\n    await tick\n",
).replace(
    "async def main():",
    'async def ticker():\n    await asyncio.sleep(10)\n    print("ticked")\n\n\nasync def main():',
)


@pytest.mark.timeout(60)
def test_a_call_from_the_programs_thread_ends_the_loops_wait_for_its_timer() -> None:
    """With a timer due in 10 s, the loop still takes the poker's call when it comes
    (as a real loop would), not at the timer."""
    for seed in (1, 2, 3):
        events, _ = run_controlled(TICKING, seed=seed)
        assert outputs(events) == ["poked", "ticked"]
        printed = [e["t"] for e in events if e["kind"] == "output"]
        assert printed[0] < 1 <= 10 <= printed[1]
