"""Faults against real servers: a worker SIGKILLed mid-run, viewers dropping and
resuming at random points, and scenarios (tests/scenarios) that spin, deadlock on a
plain threading.Lock or print without end — each ended by its own limit."""

from __future__ import annotations

import os
import random
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.procs import wait_until
from tests.integration.conftest import Server, iter_frames, serve

pytestmark = pytest.mark.integration


@pytest.mark.timeout(20)
def test_a_worker_killed_mid_run_fails_the_run_and_the_server_carries_on(
    fake_server: Server,
) -> None:
    run = fake_server.start(options={"fake": "slow", "interval": 0.02})
    with fake_server.http.stream("GET", f"/api/runs/{run['id']}/events") as viewer:
        frames = iter_frames(viewer)
        next(frames)  # it is running
        (worker,) = fake_server.processes()
        os.kill(worker, signal.SIGKILL)
        last = list(frames)[-1]
    assert last.event == "end" and last.json["detail"]["status"] == "failed"
    state = fake_server.http.get(f"/api/runs/{run['id']}").json()
    assert state["status"] == "failed"
    assert "killed by SIGKILL" in state["message"]
    again = fake_server.start(options={"fake": "events", "n": 3})
    assert fake_server.wait_ended(again["id"])["status"] == "finished"


@pytest.mark.timeout(20)
@pytest.mark.parametrize("seed", [1, 2])
def test_viewers_resuming_at_random_points_lose_nothing(fake_server: Server, seed: int) -> None:
    rng = random.Random(seed)
    run = fake_server.start(options={"fake": "paced", "n": 150, "interval": 0.002})
    seen: list[int] = []
    datas: list[str] = []
    while not seen or datas[-1].find('"kind":"end"') < 0:
        headers = {"Last-Event-ID": str(seen[-1])} if seen else {}
        if seen and rng.random() < 0.3:  # the other way to resume
            headers, params = {}, {"after": seen[-1]}
        else:
            params = {}
        with fake_server.http.stream(
            "GET", f"/api/runs/{run['id']}/events", headers=headers, params=params
        ) as response:
            assert response.status_code == 200
            for taken, frame in enumerate(_events(iter_frames(response))):
                seen.append(int(frame.id))
                datas.append(frame.data)
                if taken >= rng.randint(0, 25):  # drop the connection here
                    break
    assert seen == list(range(1, len(seen) + 1))
    assert datas == [frame.data for frame in fake_server.events(run["id"])]
    assert len(seen) == 151  # 150 events and the end event


def _events(frames: Iterator) -> Iterator:
    return (frame for frame in frames if frame.id is not None)


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real worker, the tests' misbehaving scenarios, tight limits, 6 slots."""
    env = {
        "THREADLAB_TEST_HOOKS": "1",
        "THREADLAB_WALL_TIME": "4",
        "THREADLAB_MAX_EVENTS": "300",
        "THREADLAB_MAX_RUNS": "6",
    }
    with serve(tmp_path_factory.mktemp("limited"), **env) as running:
        yield running


LIMITS = [
    ("test-spin", "free", "timed_out", "wall-time limit of 4 s"),
    ("test-spin", "controlled", "failed", "without a traced operation"),
    ("test-plain-lock", "free", "timed_out", "wall-time limit of 4 s"),
    ("test-plain-lock", "controlled", "failed", "plain threading primitive"),
    ("test-flood-print", "free", "failed", "after 300 events (the event limit)"),
]


@pytest.mark.timeout(30)
def test_runaway_scenarios_end_by_their_limits(limited: Server) -> None:
    runs = [limited.start(scenario, mode=mode) for scenario, mode, _, _ in LIMITS]
    for run, (scenario, mode, status, words) in zip(runs, LIMITS, strict=True):
        state = limited.wait_ended(run["id"])
        assert (state["status"], scenario, mode) == (status, scenario, mode)
        assert words in state["message"], state["message"]
    wait_until(lambda: not limited.processes(), timeout=3, what="every worker to die")
    assert limited.http.get("/healthz").status_code == 200


def test_test_scenarios_are_not_in_the_library(fake_server: Server, tmp_path: Path) -> None:
    from app.scenarios import registry

    assert registry.TEST_PACKAGE == "tests.scenarios"
    assert not any(s.id.startswith("test-") for s in registry._build().values())
