"""A thread the OS refuses to start (``RuntimeError: can't start new thread``: out of
address space or tasks) raises in the program as it does untraced, its lane ends where it
started (Runnable → Dead, with the error), and the run ends: nothing waits for a thread
that never ran.  Real workers; the refusal is real too (the program lowers its own
address-space limit below what a thread's stack needs)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from app.analysis.history import check
from tests.fakes.procs import converse

pytestmark = pytest.mark.timeout(60)

REFUSED = """\
import resource
import threading


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        size = int(f.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (size + 2 * 2**20, hard))  # no room for a stack
    t = threading.Thread(target=print, args=("never printed",), name="T1")
    try:
        t.start()
    except RuntimeError as e:
        print("refused:", e)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    try:
        t.join()
    except RuntimeError as e:
        print("join:", e)
"""


def run(mode: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    spec = {
        "source": REFUSED,
        "filename": "refused.py",
        "params": {},
        "mode": mode,
        "seed": 1,
        "policy": "random",
        "options": {},
        "limits": {"wall_time": 20, "max_events": 10_000, "max_threads": 16, "idle_time": 900},
    }
    events, messages, stderr = converse([sys.executable, "-m", "app.worker.runner"], spec)
    assert messages and messages[-1]["msg"] == "done", stderr
    return events, messages[-1]


@pytest.mark.parametrize("mode", ["free", "controlled"])
def test_a_refused_thread_raises_and_its_lane_ends(mode: str) -> None:
    events, done = run(mode)
    assert done["status"] == "finished", done
    said = [e["detail"]["text"] for e in events if e["kind"] == "output"]
    assert said == [
        "refused: can't start new thread",
        "join: cannot join thread before it is started",
    ]
    lane = [(e["kind"], e["state"]) for e in events if e["thread"] == "T1"]
    assert lane == [("create", "New"), ("start", "Runnable"), ("exit", "Dead")]
    end = next(e for e in events if e["thread"] == "T1" and e["kind"] == "exit")
    assert end["detail"]["error"] == "RuntimeError: can't start new thread"
    assert end["detail"]["never_ran"] is True
    assert check(events) == []
