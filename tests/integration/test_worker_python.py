"""The ``worker_python`` setting (issue 12, item 6): the worker runs under the named
interpreter, not the server's.  These machines have no free-threaded build, so a second
regular one stands in: Debian's ``/usr/bin/python3`` (3.11.2) beside the venv's 3.11.7.
The worker imports only the standard library and ``app/``, and the sandbox binds that
interpreter's own prefixes (``sandbox.interpreter()``).  Skipped where that interpreter
does not exist, except in CI (``CI`` set; Debian, where it always does)."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.pythons import ask
from tests.fakes.spinners import spinners
from tests.integration.conftest import Server, serve
from tests.integration.conftest import run_to_end as run

OTHER = "/usr/bin/python3"


def _version(python: str) -> str | None:
    return ask(python, "import platform; print(platform.python_version())")


VERSION = _version(OTHER)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.timeout(180),
    pytest.mark.skipif(
        VERSION is None and not os.environ.get("CI"), reason=f"no {OTHER} on this machine"
    ),
]

SPIN = spinners(
    20_000, 'print(sys.version.split()[0], getattr(sys, "_is_gil_enabled", lambda: True)())'
)


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("other"), THREADLAB_WORKER_PYTHON=OTHER) as running:
        yield running


def test_the_other_interpreter_is_not_the_servers() -> None:
    assert VERSION is not None, f"{OTHER} must exist in CI"
    # CI's venv is made by Debian's python3 itself: the same binary, nothing to tell apart
    # (the other tests still check that a run names the worker's interpreter).
    if Path(OTHER).resolve() == Path(sys.executable).resolve():
        pytest.skip(f"the server runs {OTHER} itself")
    if platform.python_version() == VERSION:
        pytest.skip(f"{OTHER} is the server's own version ({VERSION}): nothing to tell apart")


def test_a_scenario_runs_under_it_and_says_so(other: Server) -> None:
    state, _ = run(other, scenario="race", params={"threads": 2, "iterations": 50})
    assert state["status"] in ("finished", "failed"), state
    assert state["python"] == VERSION  # e.g. 3.11.2, where the server runs 3.11.7


def test_your_program_with_the_gil_lane_runs_under_it(other: Server) -> None:
    state, events = run(other, source=SPIN, gil_lane=True)
    assert state["status"] == "finished", state
    assert state["python"] == VERSION
    said = [e["detail"]["text"] for e in events if e["kind"] == "output"]
    assert any(text.startswith(f"{VERSION} True") for text in said), said
    assert [e for e in events if e["kind"] == "gil"]


def test_a_controlled_run_runs_under_it(other: Server) -> None:
    state, _ = run(other, source=SPIN, mode="controlled", seed=3)
    assert state["status"] == "finished", state
    assert state["python"] == VERSION


def test_the_free_threaded_scenario_names_the_interpreter(other: Server) -> None:
    state, events = run(
        other, scenario="free-threaded", params={"threads": 2, "millions": 1, "rounds": 1}
    )
    assert state["status"] == "finished" and state["python"] == VERSION, state
    said = "".join(e["detail"].get("text", "") for e in events if e["kind"] == "output")
    assert f"Python {VERSION} ({OTHER}" in said, said
    assert f"So Python {VERSION} with the GIL ran 2 threads" in said, said
    lane = [e for e in events if e["kind"] == "gil"]
    assert lane[0]["detail"]["gil"] is True  # a regular build: hand-offs, not holders
    assert {e["thread"] for e in lane} & {"T1", "T2"}
    assert any(e["detail"].get("off") for e in lane)  # off before the timed rounds
    summary = state["verdict"]["summary"]
    assert summary.startswith("This worker runs a standard build of CPython"), summary
