"""Child processes as lanes through the real API, in the sandbox: a program's processes
(a ``Pool`` and two CPU-bound ``Process``es) are lanes of its run, its log is a
consistent history, and a run that times out takes every child process with it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.analysis.history import check
from app.runs import sandbox
from tests.fakes.procs import wait_until
from tests.integration.conftest import STARTED, Server, serve
from tests.unit.test_process_lanes import FOREVER

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(60),
    pytest.mark.skipif(
        not sandbox.status().available and not os.environ.get("CI"),
        reason=f"no working sandbox here: {sandbox.status().reason}",
    ),
]

PROGRAM = """\
import multiprocessing


def count_down(n):
    while n > 0:
        n -= 1
    return n


def main(n=2_000_000):
    with multiprocessing.Pool(2) as pool:
        print("pool", pool.map(count_down, [10, 20]))
    procs = [multiprocessing.Process(target=count_down, args=(n,)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("exit codes", [p.exitcode for p in procs])
"""


@pytest.fixture(scope="module")
def boxed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp: Path = tmp_path_factory.mktemp("process-lanes")
    env = {"THREADLAB_WALL_TIME": "4", "THREADLAB_OWN_CODE": "auto"}
    with serve(tmp, **env) as server:
        yield server


def run(server: Server, source: str) -> tuple[dict[str, object], list[dict[str, object]]]:
    answer = server.http.post("/api/runs", json={"source": source, "mode": "free"})
    assert answer.status_code == 201, answer.text
    STARTED.append((server, answer.json()))
    state = server.wait_ended(answer.json()["id"])
    events = [f.json for f in server.events(answer.json()["id"]) if f.id is not None]
    return state, events


def test_processes_are_lanes_in_the_sandbox(boxed: Server) -> None:
    state, events = run(boxed, PROGRAM)
    assert state["status"] == "finished", state["message"]
    assert check(events[:-1]) == []  # the log, without the server's end event
    lanes = {e["thread"] for e in events if isinstance(e["thread"], str)}
    # As Python names them: the pool's workers took numbers 1 and 2.
    assert {"Process-3/MainThread", "Process-4/MainThread"} <= lanes
    assert {"SpawnPoolWorker-1/MainThread", "SpawnPoolWorker-2/MainThread"} <= lanes
    printed = [e["detail"]["text"] for e in events if e["kind"] == "output"]  # type: ignore[index]
    assert printed[-2:] == ["pool [0, 0]", "exit codes [0, 0]"]
    wait_until(lambda: not boxed.processes(), timeout=5, what="every worker to die")


def test_a_run_that_times_out_takes_its_children_with_it(boxed: Server) -> None:
    state, events = run(boxed, FOREVER)
    assert state["status"] == "timed_out", state
    assert sum(1 for e in events if e["kind"] == "create" and "pid" in e["detail"]) == 2  # type: ignore[operator]
    wait_until(lambda: not boxed.processes(), timeout=5, what="the run's processes to die")
