"""Controlled runs through the real server and the real worker: manual stepping,
options, and "Break it" (issue 4)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from app.instrument.events import encode
from app.worker.trial import run_trial
from tests.fakes.procs import wait_until
from tests.integration.conftest import STARTED, Server, serve

pytestmark = pytest.mark.timeout(60)

PARAMS = {"threads": 2, "iterations": 2}


def _step(server: Server, run: dict[str, Any], thread: str, token: str | None = None) -> Any:
    headers = {"X-Control-Token": token if token is not None else run["control_token"]}
    return server.http.post(f"/api/runs/{run['id']}/step", json={"thread": thread}, headers=headers)


def test_stepping_by_hand_reproduces_an_interleaving_exactly(server: Server) -> None:
    """The teacher's schedule, stepped through the page's API, gives the very log a
    seeded run with the same picks gives: every student sees that interleaving."""
    reference = run_trial("race", PARAMS, 11, "random")
    schedule = list(reference.facts["schedule"])
    assert schedule
    run = server.start(params=PARAMS, mode="controlled", policy="manual", seed=0)
    events: list[dict[str, Any]] = []
    picks = iter(schedule)
    with server.http.stream("GET", run["links"]["events"]) as response:
        for frame in read_frames_live(response):
            if frame["event"] == "waiting":
                assert _step(server, run, next(picks)).status_code == 202
            elif frame["event"] == "end":
                end = frame["data"]
                break
            else:
                events.append(frame["data"])
    assert next(picks, None) is None, "every pick was asked for"
    assert end["detail"]["status"] == "finished"
    assert end["detail"]["schedule"] == schedule
    assert [encode(e) for e in events] == [encode(e) for e in reference.events]


def read_frames_live(response: Any) -> Any:
    """SSE messages as they arrive (the test must answer `waiting` before more come)."""
    event, data = None, ""
    for line in response.iter_lines():
        if line == "":
            if data:
                yield {"event": event, "data": json.loads(data)}
            event, data = None, ""
        elif line.startswith("event:"):
            event = line.partition(":")[2].strip()
        elif line.startswith("data:"):
            data = line.partition(":")[2].strip()


def test_the_time_a_person_takes_to_step_is_not_the_runs(tmp_path: Path) -> None:
    """A manual run's wall clock stops while it waits for a step: a class that talks
    over each step for longer than the wall-time limit still gets to the end."""
    with serve(tmp_path, THREADLAB_WALL_TIME="1") as small:
        run = small.start(params=PARAMS, mode="controlled", policy="manual", seed=0)
        steps = 0
        with small.http.stream("GET", run["links"]["events"]) as response:
            for frame in read_frames_live(response):
                if frame["event"] == "waiting":
                    if steps == 1:
                        # Thinking time, past the whole wall-time limit: time itself is
                        # what this test is about, so it must pass for real.
                        time.sleep(1.3)
                    runnable = frame["data"]["runnable"]
                    assert _step(small, run, runnable[0]).status_code == 202
                    steps += 1
                elif frame["event"] == "end":
                    end = frame["data"]
                    break
        assert end["detail"]["status"] == "finished", end["detail"]
        assert steps > 2


def test_only_the_creator_may_step(server: Server) -> None:
    run = server.start(params=PARAMS, mode="controlled", policy="manual", seed=0)
    try:
        wait_until(lambda: server.http.get(run["links"]["self"]).json()["waiting"] is not None)
        runnable = server.http.get(run["links"]["self"]).json()["waiting"]["runnable"]
        stranger = server.http.post(f"/api/runs/{run['id']}/step", json={"thread": runnable[0]})
        assert stranger.status_code == 403
        assert _step(server, run, runnable[0], token="guess").status_code == 403
        assert _step(server, run, "nobody").status_code == 409
        assert "runnable" in _step(server, run, "nobody").json()["detail"]
    finally:
        server.http.post(
            f"/api/runs/{run['id']}/cancel", headers={"X-Control-Token": run["control_token"]}
        )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"mode": "free", "options": {"granularity": "bytecode"}}, "only to mode 'controlled'"),
        ({"mode": "controlled", "options": {"depth": 99}}, "'options.depth'"),
        ({"mode": "controlled", "options": {"granularity": "atoms"}}, "'options.granularity'"),
        ({"mode": "controlled", "options": {"turbo": True}}, "'options.turbo'"),
        ({"mode": "controlled", "policy": "fastest"}, "'policy'"),
    ],
)
def test_bad_options_are_a_422_that_names_them(
    server: Server, body: dict[str, Any], words: str
) -> None:
    answer = server.http.post("/api/runs", json={"scenario": "race", **body})
    assert answer.status_code == 422
    assert words in answer.json()["detail"]


def test_a_bytecode_run_streams_bytecode_steps(server: Server) -> None:
    run = server.start(
        "plus-equals", mode="controlled", seed=3, options={"granularity": "bytecode"}
    )
    frames = server.events(run["id"])
    preempts = [f.json for f in frames if f.event is None and f.json["kind"] == "preempt"]
    assert any("op" in p["detail"] for p in preempts)
    assert frames[-1].json["detail"]["python"]


def test_break_it_finds_a_seed_and_links_the_run_that_shows_it(server: Server) -> None:
    asked = server.http.post(
        "/api/search",
        json={"scenario": "race", "params": PARAMS, "goal": "lost_update", "budget": 200},
    )
    assert asked.status_code == 202, asked.text
    url = asked.json()["links"]["self"]
    wait_until(lambda: server.http.get(url).json()["status"] == "done", timeout=30)
    search = server.http.get(url).json()
    assert search["found"] and search["run"], search
    end = server.events(search["run"]["id"])[-1]
    assert end.event == "end"
    assert end.json["detail"]["verdict"]["facts"]["lost"] > 0


def test_break_it_answers_not_found_as_a_normal_answer(server: Server) -> None:
    asked = server.http.post(
        "/api/search",
        json={"scenario": "race-locked", "params": PARAMS, "goal": "lost_update", "budget": 10},
    )
    url = asked.json()["links"]["self"]
    wait_until(lambda: server.http.get(url).json()["status"] == "done", timeout=30)
    search = server.http.get(url).json()
    assert search["found"] is False and search["tries"] == 10 and search["run"] is None


def test_break_it_checks_its_request(server: Server) -> None:
    unknown = server.http.post("/api/search", json={"scenario": "nope", "goal": "deadlock"})
    assert unknown.status_code == 404
    bad_goal = server.http.post("/api/search", json={"scenario": "race", "goal": "chaos"})
    assert bad_goal.status_code == 422 and "'goal'" in bad_goal.json()["detail"]
    free_only = server.http.post("/api/search", json={"scenario": "gil-cpu", "goal": "deadlock"})
    assert free_only.status_code == 422
    assert server.http.get("/api/search/unknown").status_code == 404


TASKS = """\
import asyncio


async def worker(n):
    for i in range(2):
        await asyncio.sleep(0)
        print(n, i)


async def main():
    await asyncio.gather(worker(0), worker(1))


asyncio.run(main())
"""


def test_a_manual_run_of_an_asyncio_program_steps_the_task_a_person_picks(
    server: Server,
) -> None:
    """The loop's next ready task is a scheduler point: a manual run asks for it (the
    task lanes are the runnable ones), runs the one picked — here always the last, not
    the loop's own first-in-first-out — its schedule replays the same run, and undo
    (all picks but the last) asks for the last pick again."""
    body = {"source": TASKS, "mode": "controlled", "policy": "manual", "seed": 0}
    answer = server.http.post("/api/runs", json=body)
    assert answer.status_code == 201, answer.text
    run = answer.json()
    STARTED.append((server, run))
    events: list[dict[str, Any]] = []
    picks: list[str] = []
    offered: list[list[str]] = []
    with server.http.stream("GET", run["links"]["events"]) as response:
        for frame in read_frames_live(response):
            if frame["event"] == "waiting":
                runnable = frame["data"]["runnable"]
                lanes = {e["thread"] for e in events if e["detail"].get("task")}
                assert set(runnable) <= lanes, (runnable, lanes)
                picks.append(runnable[-1])
                offered.append(runnable)
                assert _step(server, run, runnable[-1]).status_code == 202
            elif frame["event"] == "end":
                end = frame["data"]
                break
            else:
                events.append(frame["data"])
    assert end["detail"]["status"] == "finished", end["detail"]
    assert picks and end["detail"]["schedule"] == picks
    texts = [e["detail"]["text"] for e in events if e["kind"] == "output"]
    assert texts == ["1 0", "1 1", "0 0", "0 1"]  # FIFO would alternate
    body = {"source": TASKS, "mode": "controlled", "seed": 5, "options": {"choices": picks}}
    again = server.http.post("/api/runs", json=body)
    assert again.status_code == 201, again.text
    STARTED.append((server, again.json()))
    frames = server.events(again.json()["id"])
    replayed = [f.json for f in frames if f.event is None]
    assert [encode(e) for e in replayed] == [encode(e) for e in events]
    body = {**body, "policy": "manual", "options": {"choices": picks[:-1]}}
    undo = server.http.post("/api/runs", json=body)
    assert undo.status_code == 201, undo.text
    STARTED.append((server, undo.json()))
    url = undo.json()["links"]["self"]
    wait_until(lambda: server.http.get(url).json()["waiting"] is not None)
    assert server.http.get(url).json()["waiting"]["runnable"] == offered[-1]
