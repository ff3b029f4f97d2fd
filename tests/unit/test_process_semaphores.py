"""No named semaphore outlives a run: the scenarios that use a ProcessPoolExecutor
end without multiprocessing's resource tracker warning "leaked semaphore objects",
under every interpreter the worker may run on (the ``worker_python`` setting).

The tracker is a process of its own that warns on stderr after the worker has gone:
the worker's stderr is a pipe read to its end, which comes once the tracker (holding
a copy of it) has exited too."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from tests.fakes.procs import ROOT
from tests.unit.test_worker_versions import PYTHONS

pytestmark = pytest.mark.timeout(120)

LIMITS = {"wall_time": 40, "max_events": 200_000, "max_threads": 64, "idle_time": 900}
SCENARIOS = {
    "gil-cpu": {"tasks": 2, "millions": 1, "rounds": 1},
    "concurrency-models": {"tasks": 2, "millions": 1, "wait": 0.01, "rounds": 1},
}


def _run(python: str, scenario: str) -> tuple[list[dict[str, object]], str]:
    """The worker's messages and its whole stderr, the resource tracker's included."""
    spec = {"scenario": scenario, "params": SCENARIOS[scenario], "mode": "free", "seed": 1}
    spec |= {"policy": "random", "options": {}, "limits": LIMITS}
    pipe = subprocess.PIPE
    argv = [python, "-m", "app.worker.runner"]
    with subprocess.Popen(argv, cwd=ROOT, stdin=pipe, stdout=pipe, stderr=pipe) as proc:
        assert proc.stdin and proc.stdout and proc.stderr
        err: list[bytes] = []
        reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))  # type: ignore[union-attr]
        reader.start()
        proc.stdin.write((json.dumps(spec) + "\n").encode())
        proc.stdin.flush()
        lines = [json.loads(line) for line in proc.stdout]
        reader.join()  # EOF: every holder of the pipe, the tracker too, has exited
    messages = [m for m in lines if "msg" in m]
    return messages, b"".join(err).decode(errors="replace")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
@pytest.mark.parametrize("minor", ["3.11", "3.12", "3.13"])
def test_no_semaphore_is_leaked(minor: str, scenario: str) -> None:
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    python = sys.executable if minor == here else PYTHONS.get(minor)
    if python is None:
        pytest.skip(f"no Python {minor} on this machine")
    messages, stderr = _run(python, scenario)
    assert messages[-1]["msg"] == "done" and messages[-1]["status"] == "finished", messages
    assert "leaked semaphore" not in stderr, stderr
