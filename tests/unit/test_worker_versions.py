"""The worker under other CPython versions than the server's (the ``worker_python``
setting): 3.12 and 3.13 where this machine has them (pyenv's, or on PATH).  There the
bytecode stepper uses ``sys.monitoring`` INSTRUCTION events and the GIL lane
``sys.monitoring`` LINE events instead of ``sys.settrace``: each is run for real and its
log checked.  A free-threaded build (3.13t) is the closest path untested here: a regular
3.13 is the nearest stand-in (docs/performance.md)."""

from __future__ import annotations

import glob
import os
import shutil
import sys
from typing import Any

import pytest

from app.analysis.history import check
from tests.fakes.procs import converse
from tests.fakes.pythons import ask
from tests.unit.test_gil_lane import holding

pytestmark = pytest.mark.timeout(120)

LIMITS = {"wall_time": 40, "max_events": 200_000, "max_threads": 64, "idle_time": 900}


def _interpreters() -> dict[str, str]:
    """minor version ("3.12") → an interpreter of it, other than this one."""
    found: dict[str, str] = {}
    home = os.path.expanduser("~/.pyenv/versions")
    for minor in ("3.12", "3.13"):
        candidates = [
            shutil.which(f"python{minor}"),
            *sorted(glob.glob(f"{home}/{minor}.*/bin/python3")),
        ]
        for python in filter(None, candidates):
            if _version(python) == minor:
                found[minor] = python
                break
    return found


def _version(python: str) -> str | None:
    return ask(python, "import sys; print('%d.%d' % sys.version_info[:2])")


PYTHONS = _interpreters()
VERSIONS = [pytest.param(v, id=v) for v in ("3.12", "3.13")]


def run(python: str, scenario: str, mode: str, **spec: Any) -> tuple[list[Any], dict[str, Any]]:
    if python not in PYTHONS.values() and python != sys.executable:
        pytest.skip(f"no {python} on this machine")
    full = {"scenario": scenario, "params": {}, "mode": mode, "seed": 1, "policy": "random"}
    full |= {"options": {}, "limits": LIMITS, **spec}
    events, messages, stderr = converse([python, "-m", "app.worker.runner"], full)
    assert messages and messages[-1]["msg"] == "done", stderr
    return events, messages[-1]


def other(minor: str) -> str:
    if minor not in PYTHONS:
        pytest.skip(f"no Python {minor} on this machine")
    return PYTHONS[minor]


@pytest.mark.parametrize("minor", VERSIONS)
def test_a_seed_gives_the_same_schedule_as_under_the_servers_python(minor: str) -> None:
    python = other(minor)
    _, here = run(sys.executable, "race", "controlled")
    events, there = run(python, "race", "controlled")
    assert there["python"].startswith(minor)
    assert there["status"] == here["status"] == "finished"
    assert there["facts"]["schedule"] == here["facts"]["schedule"]
    assert check(events) == []


@pytest.mark.parametrize("minor", VERSIONS)
def test_bytecode_steps_are_the_programs_instructions(minor: str) -> None:
    events, done = run(
        other(minor), "plus-equals", "controlled", options={"granularity": "bytecode"}
    )
    assert done["status"] == "finished"
    ops = {e["detail"]["op"] for e in events if e["kind"] == "preempt" and "op" in e["detail"]}
    # sys.monitoring INSTRUCTION events: the program's own load, add and store.
    assert {"LOAD_ATTR", "BINARY_OP", "STORE_ATTR"} <= ops
    assert not any("threadlab" in str(e["detail"].get("op")) for e in events)
    assert check(events) == []


@pytest.mark.parametrize("minor", VERSIONS)
def test_the_gil_lane_is_measured_with_sys_monitoring(minor: str) -> None:
    events, done = run(
        other(minor), "gil-cpu", "free", params={"tasks": 2, "millions": 5, "rounds": 1}
    )
    assert done["status"] == "finished"
    opened = next(e for e in events if e["kind"] == "gil")
    assert "sys.monitoring LINE events" in opened["detail"]["method"]
    held = holding(events)
    assert {"T1", "T2"} <= set(held)  # both threads held it, in turns
    handoffs = [e for e in events if e["kind"] == "gil" and e["thread"] in ("T1", "T2")]
    assert len(handoffs) >= 10
    assert any("off" in e["detail"] for e in events if e["kind"] == "gil")  # its budget ended
    assert check(events) == []  # one holder at a time, and it is Running
