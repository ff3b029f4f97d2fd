"""Recordings against real servers: a run streams the very same bytes after a restart,
a run live when the server is SIGKILLed comes back ``interrupted`` with its events,
the recent-runs listing, delete, exports."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path

import pytest

from tests.fakes.procs import wait_until
from tests.integration.conftest import FAKE, Server, serve

pytestmark = pytest.mark.integration


def raw(server: Server, run_id: str, **kwargs: object) -> bytes:
    with server.http.stream("GET", f"/api/runs/{run_id}/events", **kwargs) as response:
        assert response.status_code == 200
        return response.read()


def test_a_recording_after_a_restart_is_the_run_it_was(tmp_path: Path) -> None:
    with serve(tmp_path) as first:
        run = first.start("deadlock", mode="controlled", seed=7, policy="pct")
        live = raw(first, run["id"])
        state = first.http.get(f"/api/runs/{run['id']}").json()
        resumed = raw(first, run["id"], headers={"Last-Event-ID": "5"})
    assert state["status"] == "deadlocked" and live.endswith(b"\n\n")
    with serve(tmp_path) as second:
        assert raw(second, run["id"]) == live
        assert raw(second, run["id"], headers={"Last-Event-ID": "5"}) == resumed
        assert second.http.get(f"/api/runs/{run['id']}").json() == state
        done = second.http.get(f"/api/runs/{run['id']}/events", params={"after": 10_000})
        assert done.status_code == 204
        assert second.http.get(f"/runs/{run['id']}").status_code == 200
        listed = second.http.get("/api/runs", params={"scenario": "deadlock"}).json()
        assert listed["runs"][0]["id"] == run["id"] and listed["keep_runs"] == 500
        assert listed["runs"][0]["summary"] == state["verdict"]["summary"]
        assert "newest 500 runs" in listed["retention"]
        stranger = second.http.delete(f"/api/runs/{run['id']}")
        assert stranger.status_code == 403
        token = {"X-Control-Token": run["control_token"]}
        assert second.http.delete(f"/api/runs/{run['id']}", headers=token).status_code == 204
        assert second.http.get(f"/api/runs/{run['id']}").status_code == 404
        assert second.http.delete(f"/api/runs/{run['id']}", headers=token).status_code == 404


def stored_events(data: Path, run_id: str) -> int:
    with sqlite3.connect(data / "recordings.sqlite3") as db:
        return db.execute("SELECT count(*) FROM events WHERE run_id = ?", (run_id,)).fetchone()[0]


def test_a_run_live_when_the_server_is_killed_comes_back_interrupted(tmp_path: Path) -> None:
    with serve(tmp_path, **FAKE) as first:
        run = first.start(options={"fake": "slow", "interval": 0.02})
        seen = first.events(run["id"], limit=5)
        # Nothing signals "batch committed" across processes: poll the file.
        wait_until(lambda: stored_events(tmp_path / "data", run["id"]) >= 5, what="5 events")
        os.kill(first.proc.pid, signal.SIGKILL)
        first.proc.wait(5)
        # Its worker sees its pipes close and exits: nothing is left behind.
        wait_until(lambda: not first.processes(), timeout=5, what="the orphaned worker to exit")
    with serve(tmp_path, **FAKE) as second:
        state = second.http.get(f"/api/runs/{run['id']}").json()
        assert state["status"] == "interrupted"
        assert "stopped unexpectedly" in state["message"]
        frames = second.events(run["id"])
        assert [f.data for f in frames[:5]] == [f.data for f in seen]
        assert [int(f.id) for f in frames] == list(range(1, len(frames) + 1))
        assert frames[-1].event == "end" and frames[-1].json["detail"]["status"] == "interrupted"
        assert state["counts"]["events"] == len(frames)
        again = second.start(options={"fake": "events", "n": 3})  # and it carries on
        assert second.wait_ended(again["id"])["status"] == "finished"


def test_recent_runs_page_newest_first(fake_server: Server) -> None:
    runs = [fake_server.start(options={"fake": "events", "n": 2}) for _ in range(3)]
    for run in runs:
        fake_server.wait_ended(run["id"])
    page = fake_server.http.get("/api/runs", params={"limit": 2}).json()
    assert [r["id"] for r in page["runs"]] == [runs[2]["id"], runs[1]["id"]]
    entry = page["runs"][0]
    assert entry["links"] == {"self": f"/api/runs/{entry['id']}", "page": f"/runs/{entry['id']}"}
    assert entry["title"] == "Race condition: lost updates" and entry["status"] == "finished"
    rest = fake_server.http.get(page["next"]).json()
    assert rest["runs"][0]["id"] == runs[0]["id"]
    bad = fake_server.http.get("/api/runs", params={"before": "gone"})
    assert bad.status_code == 422 and "'before'" in bad.json()["detail"]


def test_delete_of_a_live_run_is_a_409(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "slow"})
    token = {"X-Control-Token": run["control_token"]}
    try:
        answer = fake_server.http.delete(f"/api/runs/{run['id']}", headers=token)
        assert answer.status_code == 409 and "cancel it first" in answer.json()["detail"]
    finally:
        fake_server.http.post(f"/api/runs/{run['id']}/cancel", headers=token)


def test_exports_trace_and_json_lines(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "events", "n": 6})
    frames = fake_server.events(run["id"])
    trace = fake_server.http.get(f"/api/runs/{run['id']}/trace")
    assert trace.status_code == 200 and trace.headers["content-type"] == "application/json"
    assert "attachment" in trace.headers["content-disposition"]
    phases = {e["ph"] for e in trace.json()["traceEvents"]}
    assert {"M", "X", "i"} <= phases
    lines = fake_server.http.get(f"/api/runs/{run['id']}/events.jsonl")
    assert lines.headers["content-disposition"].endswith(f'-{run["id"]}.jsonl"')
    assert lines.text.splitlines() == [f.data for f in frames]
    assert [json.loads(line)["seq"] for line in lines.text.splitlines()] == list(range(1, 8))
    missing = fake_server.http.get("/api/runs/nope/trace")
    assert missing.status_code == 404
