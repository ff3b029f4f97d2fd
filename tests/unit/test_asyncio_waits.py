"""asyncio's own waits on task lanes (app/instrument/asyncio_waits.py): a task awaiting
an ``asyncio.Condition``, ``asyncio.wait_for``, ``asyncio.as_completed`` or a block under
``asyncio.timeout`` is Blocked on what it waits for, by name, with the same five states
and the same event contract as the traced primitives.  Exact assertions from controlled
runs (virtual time: the same order every time), in a real worker process."""

from __future__ import annotations

from typing import Any

import pytest

from app.instrument.events import encode
from tests.unit.test_asyncio_lanes import one_running_per_loop, run, run_controlled, task_lanes

CONDITION = """\
import asyncio

cond = asyncio.Condition()
items = []


async def consumer():
    async with cond:
        await cond.wait_for(lambda: items)
        return items.pop()


async def producer():
    await asyncio.sleep(0.01)
    async with cond:
        items.append(1)
        cond.notify()
        await asyncio.sleep(0.01)


async def main():
    print(await asyncio.gather(consumer(), producer()))


asyncio.run(main())
"""

WAIT_FOR = """\
import asyncio

ready = asyncio.Event()


async def slow():
    await asyncio.sleep(5)


async def quick():
    await asyncio.sleep(0.01)
    return 7


async def main():
    try:
        await asyncio.wait_for(slow(), 0.02)
    except TimeoutError:
        print("slow timed out")
    print(await asyncio.wait_for(quick(), 1))
    try:
        await asyncio.wait_for(ready.wait(), 0.5)
    except TimeoutError:
        print("never set")


asyncio.run(main())
"""

AS_COMPLETED = """\
import asyncio


async def nap(seconds):
    await asyncio.sleep(seconds)
    return seconds


async def main():
    naps = [asyncio.create_task(nap(s), name=f"nap{s}") for s in (0.03, 0.01, 0.02)]
    for each in asyncio.as_completed(naps):
        print(await each)


asyncio.run(main())
"""

TIMEOUT = """\
import asyncio


async def main():
    async with asyncio.timeout(2):
        await asyncio.sleep(0.5)
    try:
        async with asyncio.timeout(1):
            await asyncio.sleep(3)
    except TimeoutError:
        print("cut off")


asyncio.run(main())
"""


def lane(events: list[Any], name: str) -> list[tuple[Any, ...]]:
    """A lane's state changes after its start: (kind, reason, obj, timeout)."""
    return [
        (e["kind"], e["detail"].get("reason"), e["obj"], e["detail"].get("timeout"))
        for e in events
        if e["thread"] == name and e["kind"] in ("block", "wake", "exit")
    ]


def blocks(events: list[Any], name: str) -> list[dict[str, Any]]:
    return [e for e in events if e["thread"] == name and e["kind"] == "block"]


def outputs(events: list[Any]) -> list[str]:
    return [e["detail"]["text"] for e in events if e["kind"] == "output"]


@pytest.mark.timeout(60)
def test_a_condition_wait_and_its_lock_are_named() -> None:
    for seed in (1, 2, 3):
        events, _ = run_controlled(CONDITION, seed=seed)
        declared = {e["obj"]: e["detail"] for e in events if e["kind"] == "declare"}
        assert declared["cond"] == {"type": "Condition", "asyncio": True}
        # The consumer waits on cond; notified while the producer still holds it, it
        # waits to take cond again; each wait ends in a wake naming cond.
        assert lane(events, "Task-2") == [
            ("block", "wait", "cond", None),
            ("wake", None, "cond", None),
            ("block", "acquire", "cond", None),
            ("wake", None, "cond", None),
            ("exit", None, None, None),
        ]
        line = CONDITION.splitlines().index("        await cond.wait_for(lambda: items)") + 1
        assert [e["line"] for e in blocks(events, "Task-2")] == [line, line]
        assert outputs(events) == ["[1, None]"]


@pytest.mark.timeout(60)
def test_wait_for_names_the_task_or_primitive_it_waits_for_with_its_timeout() -> None:
    events, done = run_controlled(WAIT_FOR, seed=1)
    assert outputs(events) == ["slow timed out", "7", "never set"]
    main = blocks(events, "Task-1")
    # slow() and quick() become tasks of their own (lanes); ready.wait() a plain one,
    # so the wait is read through it: on ready itself.
    assert [(e["detail"]["reason"], e["obj"], e["detail"]["timeout"]) for e in main] == [
        ("join", "Task-2", 0.02),
        ("join", "Task-2", 0.02),  # the timeout fired: it waits for slow to be cancelled
        ("join", "Task-3", 1),
        ("wait", "ready", 0.5),
        ("wait", "ready", 0.5),
    ]
    exits = {e["thread"]: e["detail"] for e in events if e["kind"] == "exit"}
    assert exits["Task-2"].get("cancel") is True
    again, redone = run_controlled(WAIT_FOR, seed=1)  # virtual time: the same run
    assert [encode(e) for e in again] == [encode(e) for e in events]
    assert redone["facts"]["schedule"] == done["facts"]["schedule"]


@pytest.mark.timeout(60)
def test_as_completed_waits_for_the_pending_tasks_by_name() -> None:
    events, _ = run_controlled(AS_COMPLETED, seed=1)
    assert outputs(events) == ["0.01", "0.02", "0.03"]
    main = blocks(events, "Task-1")
    assert [(e["detail"]["reason"], e["obj"], e["detail"]["as_completed"]) for e in main] == [
        ("join", "nap0.03", ["nap0.03", "nap0.01", "nap0.02"]),
        ("join", "nap0.03", ["nap0.03", "nap0.02"]),
        ("join", "nap0.03", ["nap0.03"]),
    ]
    line = AS_COMPLETED.splitlines().index("        print(await each)") + 1
    assert {e["line"] for e in main} == {line}


@pytest.mark.timeout(60)
def test_a_wait_under_asyncio_timeout_carries_the_seconds_left() -> None:
    events, _ = run_controlled(TIMEOUT, seed=1)
    assert outputs(events) == ["cut off"]
    main = blocks(events, "Task-1")
    assert [(e["detail"]["reason"], e["detail"]["seconds"]) for e in main] == [
        ("sleep", 0.5),
        ("sleep", 3),
    ]
    assert [e["detail"]["timeout"] for e in main] == [pytest.approx(2), pytest.approx(1)]
    exit_ = next(e for e in events if e["kind"] == "exit" and e["thread"] == "Task-1")
    assert "error" not in exit_["detail"]


@pytest.mark.timeout(60)
def test_free_mode_names_the_same_waits() -> None:
    for source in (CONDITION, WAIT_FOR, AS_COMPLETED, TIMEOUT):
        events, _ = run(source)  # consistent, every event valid
        one_running_per_loop(events)
        assert all(e["detail"].get("task") for e in events if e["thread"] in task_lanes(events))
    events, _ = run(CONDITION)
    assert ("block", "wait", "cond", None) in lane(events, "Task-2")
    events, _ = run(AS_COMPLETED)
    first = blocks(events, "Task-1")[0]
    assert first["detail"]["as_completed"] == ["nap0.03", "nap0.01", "nap0.02"]


BEHIND = """\
import asyncio


async def worker(name):
    print(name)


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(worker("a"))
    loop.call_soon(print, "callback")
    b = asyncio.create_task(worker("b"))
    await asyncio.gather(a, b)


asyncio.run(main())
"""


@pytest.mark.timeout(60)
def test_a_task_step_queued_behind_a_callback_is_offered_too() -> None:
    """The loop's ready queue holds a's step, a plain callback, then b's step: both task
    steps are offered, so b may run first; the callback keeps its place after a."""
    orders = set()
    for seed in range(1, 7):
        events, done = run_controlled(BEHIND, seed=seed)
        orders.add(tuple(outputs(events)))
    assert orders == {("a", "callback", "b"), ("b", "a", "callback")}
    events, done = run_controlled(BEHIND, "manual", choices=["Task-3"])  # b first, by name
    assert outputs(events) == ["b", "a", "callback"]
    assert done["facts"]["schedule"] == ["Task-3"]


NOTIFY = """\
import asyncio

cond = asyncio.Condition()


async def waiter():
    async with cond:
        await cond.wait()


async def main():
    waiters = [asyncio.create_task(waiter(), name=n) for n in ("a", "b", "c")]
    await asyncio.sleep(0.01)
    async with cond:
        cond.notify()
        cond.notify_all()
    await asyncio.gather(*waiters)
    print("all woken")


asyncio.run(main())
"""


@pytest.mark.timeout(60)
def test_a_conditions_notify_is_recorded_with_the_tasks_it_wakes() -> None:
    """As a threading.Condition's: ``notify``/``notify_all`` on the condition, by the
    notifying task's lane, ``woken`` the task lanes it wakes, ``waiting`` those left."""
    for seed in (1, 2, 3):
        events, _ = run_controlled(NOTIFY, seed=seed)
        assert outputs(events) == ["all woken"]
        waited = [e["thread"] for e in events if e["kind"] == "block" and e["obj"] == "cond"]
        first, *rest = waited[:3]  # the order they began to wait in (the seed's)
        notes = [e for e in events if e["kind"] in ("notify", "notify_all")]
        assert [(e["kind"], e["thread"], e["obj"], e["detail"]) for e in notes] == [
            ("notify", "Task-1", "cond", {"woken": [first], "waiting": 2, "task": True}),
            ("notify_all", "Task-1", "cond", {"woken": rest, "waiting": 0, "task": True}),
        ]
        line = NOTIFY.splitlines().index("        cond.notify()") + 1
        assert [e["line"] for e in notes] == [line, line + 1]
        assert all(e["state"] == "Running" for e in notes)
    events, _ = run(NOTIFY)  # free mode: the same events, consistent
    assert [e["kind"] for e in events if e["kind"].startswith("notify")] == ["notify", "notify_all"]
