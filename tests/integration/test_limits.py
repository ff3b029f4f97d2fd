"""Limits against a real server and the real worker: a run past its wall time is killed
with its whole process group, and the server answers promptly meanwhile."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from tests.fakes.procs import wait_until
from tests.integration.conftest import serve

pytestmark = pytest.mark.integration

BIG_RACE = {"threads": 16, "iterations": 100_000, "switch_interval_us": 1}


def test_a_run_past_its_wall_time_is_killed(tmp_path: Path) -> None:
    env = {"THREADLAB_WALL_TIME": "3", "THREADLAB_MAX_EVENTS": "5000000"}
    with serve(tmp_path, **env) as server:
        run = server.start(params=BIG_RACE)
        server.events(run["id"], limit=1)  # it is running
        assert server.processes(), "the worker should be running"
        answers = []
        for _ in range(5):  # the CPU-bound run is in its own process: the server is free
            begin = time.monotonic()
            assert server.http.get("/healthz").status_code == 200
            answers.append(time.monotonic() - begin)
        assert statistics.median(answers) < 0.5, answers
        state = server.wait_ended(run["id"])
        assert state["status"] == "timed_out"
        assert state["message"] == "The run was stopped at its wall-time limit of 3 s."
        wait_until(lambda: not server.processes(), timeout=3, what="the worker's group to die")
