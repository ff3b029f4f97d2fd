"""The run's memory budget holds for its whole process tree (``memory_guard.MemoryGuard``):
the worker's rlimits are per process, so four children of 400 MB each stay under each
one's limit; their sum passes the run's budget (set lower here), and the server ends
the run with a message and kills every process of it.  A normal run with children is
left alone.  A "Break it" search's worker is held to the same budget."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.runs.process import tree_memory
from tests.fakes.procs import wait_until
from tests.integration.conftest import Server, serve
from tests.integration.test_processes_sandboxed import run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(90)]

BUDGET_MIB = 1000  # four children of 400 MB pass it together, none alone

HOGS = """\
import multiprocessing


def hog(ready):
    data = b"x" * (400 * 2**20)  # written, so resident
    ready.release()
    multiprocessing.Event().wait()  # holds it until the run is ended


def main():
    ready = multiprocessing.Semaphore(0)
    hogs = [multiprocessing.Process(target=hog, args=(ready,)) for _ in range(4)]
    for p in hogs:
        p.start()
    for _ in hogs:
        ready.acquire()
    print("all four hold their memory")
    for p in hogs:
        p.join()
"""

SMALL = """\
import multiprocessing


def square(x):
    return x * x


def main():
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(4)))
"""


@pytest.fixture(scope="module")
def budgeted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp: Path = tmp_path_factory.mktemp("tree-limits")
    env = {
        "THREADLAB_WALL_TIME": "30",
        "THREADLAB_OWN_CODE": "auto",
        "THREADLAB_TREE_MEMORY_MIB": str(BUDGET_MIB),  # the setting tree_memory_mib
    }
    with serve(tmp, **env) as server:
        yield server


def test_children_that_together_pass_the_budget_end_the_run(budgeted: Server) -> None:
    state, events = run(budgeted, HOGS)
    assert state["status"] == "failed", state
    message = str(state["message"])
    assert message.startswith("The run was stopped at its memory limit"), message
    assert f"past its {BUDGET_MIB:,} MiB" in message
    # Stopped by the budget, long before the wall time, with every process of the run.
    assert isinstance(events[-1]["t"], float) and events[-1]["t"] < 20
    wait_until(lambda: not budgeted.processes(), timeout=5, what="every process to die")


def test_a_run_with_children_under_the_budget_is_left_alone(budgeted: Server) -> None:
    state, events = run(budgeted, SMALL)
    assert state["status"] == "finished", state["message"]
    assert [e["detail"]["text"] for e in events if e["kind"] == "output"] == ["[0, 1, 4, 9]"]  # type: ignore[index]


def test_the_tree_is_summed_over_every_process_below_the_root() -> None:
    used, count = tree_memory(os.getpid())
    assert count >= 1 and used > 0
    assert tree_memory(2**22 + 12345) == (0, 0)  # no such process


SEARCH_BUDGET_MIB = 200  # the search worker's own memory is far below, the hoard above

HOARDS = """\
def main():
    hoard = b"x" * (400 * 2**20)  # written, so resident; held while it spins
    while hoard:
        pass
"""


@pytest.fixture(scope="module")
def small_budget(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp: Path = tmp_path_factory.mktemp("search-limits")
    env = {
        "THREADLAB_OWN_CODE": "auto",
        "THREADLAB_SEARCH_TIME": "60",
        "THREADLAB_TREE_MEMORY_MIB": str(SEARCH_BUDGET_MIB),
    }
    with serve(tmp, **env) as server:
        yield server


def test_a_search_whose_program_passes_the_budget_is_stopped(small_budget: Server) -> None:
    body = {"source": HOARDS, "goal": "deadlock", "budget": 5}
    asked = small_budget.http.post("/api/search", json=body)
    assert asked.status_code == 202, asked.text
    url = asked.json()["links"]["self"]
    # Without the guard: each try spins for its 10 s timeout, holding 400 MiB.
    wait_until(lambda: small_budget.http.get(url).json()["status"] == "done", timeout=20)
    search = small_budget.http.get(url).json()
    assert search["found"] is False and search["run"] is None, search
    message = str(search["message"])
    assert message.startswith("The search was stopped at its memory limit"), message
    assert f"past its {SEARCH_BUDGET_MIB:,} MiB" in message
    wait_until(lambda: not small_budget.processes(), timeout=5, what="every process to die")
