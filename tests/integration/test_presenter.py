"""Presenter mode against a real server: followers on /presence get the presenter's
position (also for an ended run), strangers get 403, live event streams carry it too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Frame, Server, iter_frames

pytestmark = pytest.mark.integration


def present(server: Server, run: dict[str, Any], token: str | None, **body: Any) -> Any:
    headers = {"X-Control-Token": token} if token else {}
    return server.http.post(f"/api/runs/{run['id']}/presenter", json=body, headers=headers)


def next_named(frames: Any, name: str) -> Frame:
    return next(f for f in frames if f.event == name)


def test_a_follower_gets_the_presenters_position(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "events", "n": 5})
    fake_server.wait_ended(run["id"])  # ended: its event stream has closed
    path = f"/api/runs/{run['id']}/presence"
    with fake_server.http.stream("GET", path) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        frames = iter_frames(response)
        joined = next(frames)
        assert joined.event == "viewers" and joined.json == {"count": 1} and joined.id is None
        sent = present(fake_server, run, run["control_token"], seq=3, playing=True, speed=2)
        assert sent.status_code == 200 and sent.json()["viewers"] == 1
        got = next_named(frames, "presenter")
        assert got.id is None
        assert got.json == {k: v for k, v in sent.json().items() if k != "viewers"}
        assert (got.json["seq"], got.json["playing"], got.json["speed"]) == (3, True, 2.0)
        stop = fake_server.http.delete(
            f"/api/runs/{run['id']}/presenter", headers={"X-Control-Token": run["control_token"]}
        )
        assert next_named(frames, "presenter").json["active"] is False
        assert stop.json()["seq"] == 3
    # A viewer who comes later gets the latest position at once.
    with fake_server.http.stream("GET", path) as response:
        assert next_named(iter_frames(response), "presenter").json["version"] == 2


@pytest.mark.parametrize(("token", "status"), [(None, 403), ("guess", 403)])
def test_only_the_creator_presents(fake_server: Server, token: str | None, status: int) -> None:
    run = fake_server.start(options={"fake": "events", "n": 2})
    answer = present(fake_server, run, token, seq=1, playing=False)
    assert answer.status_code == status and "control token" in answer.json()["detail"]


def test_presenter_requests_are_checked(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "events", "n": 2})
    token = run["control_token"]
    assert present(fake_server, run, token, seq=-1, playing=True).status_code == 422
    assert present(fake_server, run, token, seq=1, playing=True, speed=0).status_code == 422
    assert present(fake_server, run, token, seq=1, playing=True, x=1).status_code == 422
    unknown = fake_server.http.post("/api/runs/nope/presenter", json={"seq": 1, "playing": True})
    assert unknown.status_code == 404
    assert fake_server.http.get("/api/runs/nope/presence").status_code == 404


def test_a_live_event_stream_carries_the_presenter_too(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "slow", "interval": 0.02})  # until cancelled
    token = {"X-Control-Token": run["control_token"]}
    with fake_server.http.stream("GET", f"/api/runs/{run['id']}/events") as response:
        frames = iter_frames(response)
        assert next(frames).id == "1"
        present(fake_server, run, run["control_token"], seq=1, playing=True, live=True)
        note = next_named(frames, "presenter")
        assert note.id is None and note.json["live"] is True
        fake_server.http.post(f"/api/runs/{run['id']}/cancel", headers=token)
        assert next_named(frames, "end").json["detail"]["status"] == "cancelled"
