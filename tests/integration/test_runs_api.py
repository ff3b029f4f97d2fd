"""The runs and scenarios API against a real server: answers, errors, queue, control."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Server, fake_header

pytestmark = pytest.mark.integration


def test_healthz(fake_server: Server) -> None:
    answer = fake_server.http.get("/healthz")
    assert answer.status_code == 200 and answer.json()["status"] == "ok"


def test_scenarios_list_and_detail(fake_server: Server) -> None:
    listed = fake_server.http.get("/api/scenarios").json()
    assert "race" in [s["id"] for s in listed]
    race = fake_server.http.get("/api/scenarios/race").json()
    assert "counter += 1" in race["source"] and race["explanation"]
    missing = fake_server.http.get("/api/scenarios/nope")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Scenario 'nope' not found."}


def test_post_answers_201_with_links_and_a_control_token(fake_server: Server) -> None:
    answer = fake_server.http.post(
        "/api/runs", json={"scenario": "race"}, headers=fake_header({"fake": "events"})
    )
    assert answer.status_code == 201
    run = answer.json()
    assert set(run) == {"id", "status", "links", "control_token"}
    assert run["links"] == {
        "self": f"/api/runs/{run['id']}",
        "events": f"/api/runs/{run['id']}/events",
        "page": f"/runs/{run['id']}",
        "trace": f"/api/runs/{run['id']}/trace",
    }
    assert answer.headers["location"] == run["links"]["self"]
    assert len(run["id"]) >= 16 and len(run["control_token"]) >= 32


def test_get_run_shows_status_counts_and_times(fake_server: Server) -> None:
    run = fake_server.start(params={"threads": 2}, seed=7, options={"fake": "events", "n": 8})
    state = fake_server.wait_ended(run["id"])
    assert state["status"] == "finished" and state["scenario"] == "race"
    assert state["params"]["threads"] == 2 and state["seed"] == 7
    assert state["mode"] == "free" and state["policy"] == "random"
    assert state["counts"] == {"events": 9, "threads": 2}
    assert state["created"] <= state["started"] <= state["ended"]
    assert state["queue_position"] is None and "control_token" not in state


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"scenario": "nope"}, 404, "Scenario 'nope' not found."),
        ({"scenario": "race", "params": {"threads": 99}}, 422, "'threads' must be between 1"),
        ({"scenario": "race", "params": {"colour": 1}}, 422, "has no parameter 'colour'"),
        ({"scenario": "race", "mode": "fast"}, 422, "'mode': Input should be 'free'"),
        ({"scenario": "race", "policy": "lottery"}, 422, "'policy'"),
        ({"scenario": "race", "extra": 1}, 422, "'extra': Extra inputs are not permitted"),
        ({"scenario": "race", "seed": -1}, 422, "'seed'"),
        ({}, 422, "give exactly one of scenario (a scenario's id) and source"),
    ],
)
def test_post_refuses_bad_requests(
    fake_server: Server, body: dict[str, Any], status: int, words: str
) -> None:
    answer = fake_server.http.post("/api/runs", json=body)
    assert answer.status_code == status
    assert words in answer.json()["detail"]


def test_bad_params_name_the_parameter(fake_server: Server) -> None:
    answer = fake_server.http.post("/api/runs", json={"scenario": "race", "params": {"threads": 0}})
    assert answer.json() == {
        "detail": "'threads' must be between 1 and 16; got 0.",
        "param": "threads",
    }


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"{bad", "not valid JSON"), (b"[1, 2]", "Input should be a valid dictionary")],
)
def test_malformed_json_is_a_422(fake_server: Server, content: bytes, words: str) -> None:
    answer = fake_server.http.post(
        "/api/runs", content=content, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422 and words in answer.json()["detail"]


def test_a_form_post_is_refused(fake_server: Server) -> None:
    answer = fake_server.http.post("/api/runs", data={"scenario": "race"})
    assert answer.status_code == 422 and "Content-Type: application/json" in answer.text


def test_unknown_run_is_a_404(fake_server: Server) -> None:
    for path in ("/api/runs/nope", "/api/runs/nope/events"):
        answer = fake_server.http.get(path)
        assert answer.status_code == 404 and answer.json() == {"detail": "Run 'nope' not found."}


def test_queue_full_is_a_429_with_retry_after(fake_server: Server) -> None:
    """2 slots and 1 queue place: the fourth concurrent run is refused."""
    runs = [fake_server.start(options={"fake": "slow"}) for _ in range(3)]
    try:
        assert [r["status"] for r in runs] == ["running", "running", "queued"]
        queued = fake_server.http.get(runs[2]["links"]["self"]).json()
        assert queued["queue_position"] == 1
        refused = fake_server.http.post(
            "/api/runs", json={"scenario": "race"}, headers=fake_header({"fake": "slow"})
        )
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert "worker slots are busy" in refused.json()["detail"]
    finally:
        for run in reversed(runs):
            cancel(fake_server, run)


def cancel(server: Server, run: dict[str, Any]) -> Any:
    return server.http.post(
        f"/api/runs/{run['id']}/cancel", headers={"X-Control-Token": run["control_token"]}
    )


def test_cancel_needs_the_token_and_ends_the_run(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "slow"})
    denied = fake_server.http.post(f"/api/runs/{run['id']}/cancel")
    assert denied.status_code == 403 and "control token" in denied.json()["detail"]
    wrong = fake_server.http.post(
        f"/api/runs/{run['id']}/cancel", headers={"X-Control-Token": "guess"}
    )
    assert wrong.status_code == 403
    answer = cancel(fake_server, run)
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    frames = fake_server.events(run["id"])
    assert frames[-1].event == "end" and frames[-1].json["detail"]["status"] == "cancelled"
    again = cancel(fake_server, run)
    assert again.status_code == 409 and "already ended" in again.json()["detail"]


def step(server: Server, run: dict[str, Any], thread: str) -> Any:
    return server.http.post(
        f"/api/runs/{run['id']}/step",
        json={"thread": thread},
        headers={"X-Control-Token": run["control_token"]},
    )


def test_step_is_a_409_unless_the_run_waits_for_one(fake_server: Server) -> None:
    free = fake_server.start(options={"fake": "slow"})
    manual = fake_server.start(mode="controlled", policy="manual", options={"fake": "slow"})
    try:
        fake_server.events(manual["id"], limit=1)  # it is running
        answer = step(fake_server, free, "T1")
        assert answer.status_code == 409 and "not stepped by hand" in answer.json()["detail"]
        answer = step(fake_server, manual, "T1")
        assert answer.status_code == 409 and "not waiting for a step" in answer.json()["detail"]
    finally:
        cancel(fake_server, free)
        cancel(fake_server, manual)


def test_manual_steps_with_waiting_notes_on_the_stream(fake_server: Server) -> None:
    run = fake_server.start(mode="controlled", policy="manual", options={"fake": "steps"})
    try:
        frames = fake_server.events(run["id"], limit=3)
        waiting = frames[2]
        assert waiting.event == "waiting" and waiting.id is None
        assert waiting.json == {"runnable": ["T1", "T2"], "step": 0}
        assert fake_server.http.get(run["links"]["self"]).json()["waiting"] == waiting.json
        refused = step(fake_server, run, "T9")
        assert refused.status_code == 409 and "runnable: T1, T2" in refused.json()["detail"]
        assert step(fake_server, run, "T2").status_code == 202
        after = fake_server.events(run["id"], headers={"Last-Event-ID": "2"}, limit=2)
        assert after[0].id == "3" and after[0].json["thread"] == "T2"
        assert after[1].event == "waiting" and after[1].json["step"] == 1
    finally:
        cancel(fake_server, run)
