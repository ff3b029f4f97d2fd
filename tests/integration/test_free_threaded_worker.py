"""A worker under a real free-threaded CPython (PEP 703, ``python3.13t``), through the
``worker_python`` setting: the GIL lane lists the threads executing at once, the
free-threaded scenario says which interpreter ran and what it measured, and the traced
primitives and the controlled scheduler keep their promises without a GIL.

Debian's packages have no free-threaded build, so this runs where one is found
(``tests/fakes/pythons.free_threaded``; docs/performance.md says how one was built from
Debian's source of 3.13).  Skipped elsewhere, CI included: building CPython is not part
of a submission's CI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.analysis.history import check
from tests.fakes.pythons import free_threaded
from tests.fakes.spinners import spinners
from tests.integration.conftest import Server, serve
from tests.integration.conftest import run_to_end as run

PYTHON = free_threaded()

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(180),
    pytest.mark.skipif(PYTHON is None, reason="no free-threaded CPython on this machine"),
]

TWO_SPINNERS = spinners(300_000)


@pytest.fixture(scope="module")
def nogil(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    assert PYTHON is not None
    with serve(tmp_path_factory.mktemp("nogil"), THREADLAB_WORKER_PYTHON=PYTHON) as running:
        yield running


def most_at_once(events: list[dict[str, Any]]) -> int:
    return max(len(e["detail"].get("holders", [])) for e in events if e["kind"] == "gil")


def test_the_lane_lists_threads_executing_at_once(nogil: Server) -> None:
    state, events = run(nogil, source=TWO_SPINNERS, gil_lane=True)
    assert state["status"] == "finished", state
    lane = [e for e in events if e["kind"] == "gil"]
    assert lane[0]["detail"]["gil"] is False
    assert "without a GIL" in lane[0]["detail"]["method"]
    assert all(e["thread"] is None for e in lane)  # nobody holds a GIL that is not there
    assert most_at_once(events) >= 2  # both spinners at once (MainThread waits in join)
    assert check(events) == []


def test_the_free_threaded_scenario_says_what_ran_and_measured(nogil: Server) -> None:
    state, events = run(
        nogil, scenario="free-threaded", params={"threads": 2, "millions": 1, "rounds": 1}
    )
    assert state["status"] == "finished", state
    said = "\n".join(e["detail"]["text"] for e in events if e["kind"] == "output")
    assert f"({PYTHON})" in said and "GIL enabled: False" in said, said
    assert "without the GIL ran 2 threads" in said, said
    facts = state["verdict"]["facts"]
    assert facts["free_threaded_build"] is True and facts["gil_enabled"] is False
    assert [row["variant"] for row in facts["table"]] == ["sequential", "2 threads"]
    assert most_at_once(events) >= 2
    assert check(events) == []


def test_a_seed_fixes_the_schedule_without_a_gil(nogil: Server) -> None:
    body = {"scenario": "race", "mode": "controlled", "seed": 7}
    first, events = run(nogil, **body)
    again, _ = run(nogil, **body)
    assert first["status"] == again["status"] == "finished", first
    assert first["schedule"] == again["schedule"] and len(first["schedule"]) > 10
    assert check(events) == []


def test_a_deadlock_is_found_without_a_gil(nogil: Server) -> None:
    state, events = run(nogil, scenario="deadlock")
    assert state["status"] == "deadlocked", state
    assert check(events) == []


def test_threads_start_within_the_runs_address_space(nogil: Server) -> None:
    # 3.13t's allocator reserves ~1 GiB of address space up front; the worker's limit
    # counts it on top (app/worker/limits.reserved), or "can't start new thread".
    state, events = run(nogil, scenario="gil-cpu", params={"tasks": 4, "millions": 1})
    assert state["status"] == "finished", state
    threads = {e["thread"] for e in events if e["kind"] == "exit" and e["thread"]}
    assert {"T1", "T2", "T3", "T4"} <= threads
    assert not [e for e in events if e["kind"] == "exit" and e["detail"].get("never_ran")]
