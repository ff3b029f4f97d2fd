"""asyncio task lanes under the worker's other CPython versions (3.12, 3.13, where this
machine has them, as in test_worker_versions.py): the same program shows the same
waits as under 3.11.  Controlled runs (virtual time), in a real worker process."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from app.analysis.history import check
from tests.fakes.procs import converse
from tests.unit.test_asyncio_lanes import OFFLOAD, one_running_per_loop, task_lanes
from tests.unit.test_asyncio_threads import GATHERED, POKED, check_gathered, out_of_program
from tests.unit.test_asyncio_waits import NOTIFY, WAIT_FOR, blocks, outputs
from tests.unit.test_program import LIMITS
from tests.unit.test_worker_versions import other

VERSIONS = [pytest.param(v, id=v) for v in ("3.11", "3.12", "3.13")]


def run_under(minor: str, source: str, seed: int = 1) -> list[Any]:
    """A controlled run of ``source`` by the worker under Python ``minor``: its events."""
    python = sys.executable if minor == "3.11" else other(minor)
    spec = {"source": source, "filename": "prog.py", "params": {}, "mode": "controlled"}
    spec |= {"seed": seed, "policy": "random", "options": {}, "limits": LIMITS}
    events, messages, stderr = converse([python, "-m", "app.worker.runner"], spec)
    assert messages and messages[-1]["msg"] == "done", stderr
    assert messages[-1]["python"].startswith(minor)
    assert messages[-1]["status"] == "finished", messages[-1]
    assert check(events) == []
    one_running_per_loop(events)
    return events


def _collapsed(marks: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Repeats in a row once: 3.11 waits twice for a timed-out task's cancel, 3.12 once."""
    return [m for i, m in enumerate(marks) if i == 0 or marks[i - 1] != m]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("minor", VERSIONS)
def test_wait_for_on_a_coroutine_waits_for_its_task_as_on_3_11(minor: str) -> None:
    """3.12 runs a coroutine given to ``wait_for`` in the awaiting task itself (the block
    would be its inner sleep); the traced ``wait_for`` makes it a task, as 3.11 did."""
    events = run_under(minor, WAIT_FOR)
    assert outputs(events) == ["slow timed out", "7", "never set"]
    assert set(task_lanes(events)) == {"Task-1", "Task-2", "Task-3"}
    main = [
        (e["detail"]["reason"], e["obj"], e["detail"]["timeout"]) for e in blocks(events, "Task-1")
    ]
    assert _collapsed(main) == [
        ("join", "Task-2", 0.02),
        ("join", "Task-3", 1),
        ("wait", "ready", 0.5),
    ]
    exits = {e["thread"]: e["detail"] for e in events if e["kind"] == "exit"}
    assert exits["Task-2"].get("cancel") is True


@pytest.mark.timeout(120)
@pytest.mark.parametrize("minor", VERSIONS)
def test_to_thread_lanes_notify_lines_and_threadsafe_calls_on_every_version(minor: str) -> None:
    """What asyncio's private parts (a waiter's callbacks, the loop's selector) are read
    for works the same on each version."""
    check_gathered(run_under(minor, GATHERED))
    notes = [e for e in run_under(minor, NOTIFY) if e["kind"].startswith("notify")]
    assert [(e["kind"], len(e["detail"]["woken"])) for e in notes] == [
        ("notify", 1),
        ("notify_all", 2),
    ]
    assert out_of_program(OFFLOAD, run_under(minor, OFFLOAD)) == []
    assert outputs(run_under(minor, POKED)) == ["poked"]
