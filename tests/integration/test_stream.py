"""The SSE stream against a real server: replay, resume, live follow, the end frame."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Server

pytestmark = pytest.mark.integration


def seqs(frames: list) -> list[int]:
    return [int(f.id) for f in frames]


def test_run_stream_end(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "events", "n": 25})
    frames = fake_server.events(run["id"])
    assert seqs(frames) == list(range(1, 27))
    assert all(f.event is None for f in frames[:-1])
    assert [f.json["seq"] for f in frames] == seqs(frames)
    end = frames[-1]
    assert end.event == "end" and end.json["kind"] == "end"
    assert end.json["detail"]["status"] == "finished"


@pytest.mark.parametrize("how", ["header", "query"])
def test_resume_a_finished_run_gives_exactly_the_rest(fake_server: Server, how: str) -> None:
    run = fake_server.start(options={"fake": "events", "n": 30})
    whole = fake_server.events(run["id"])
    resumed = (
        fake_server.events(run["id"], headers={"Last-Event-ID": "12"})
        if how == "header"
        else fake_server.events(run["id"], params={"after": 12})
    )
    assert [f.data for f in resumed] == [f.data for f in whole[12:]]


def test_resume_a_live_run_mid_stream(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "paced", "n": 40, "interval": 0.01})
    first = fake_server.events(run["id"], limit=10)
    rest = fake_server.events(run["id"], headers={"Last-Event-ID": first[-1].id})
    assert seqs(first + rest) == list(range(1, 42))
    assert rest[-1].event == "end"


def test_last_event_id_wins_over_after(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "events", "n": 10})
    frames = fake_server.events(run["id"], params={"after": 2}, headers={"Last-Event-ID": "8"})
    assert seqs(frames) == [9, 10, 11]


def test_a_late_viewer_gets_everything(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "events", "n": 5})
    fake_server.wait_ended(run["id"])
    assert seqs(fake_server.events(run["id"])) == [1, 2, 3, 4, 5, 6]
    done = fake_server.http.get(f"/api/runs/{run['id']}/events", params={"after": 6})
    assert done.status_code == 204  # EventSource: stop reconnecting


def test_keep_alive_comments_on_a_quiet_stream(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "paced", "n": 2, "interval": 0.7})
    with fake_server.http.stream("GET", f"/api/runs/{run['id']}/events") as response:
        body = response.read().decode()
    assert ": keep-alive\n\n" in body and body.endswith("\n\n")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"headers": {"Last-Event-ID": "abc"}}, "Last-Event-ID must be an event seq"),
        ({"headers": {"Last-Event-ID": "-3"}}, "Last-Event-ID must be an event seq"),
        ({"params": {"after": "x"}}, "'query.after'"),
        ({"params": {"after": "-1"}}, "'query.after'"),
    ],
)
def test_a_bad_resume_point_is_a_422(fake_server: Server, kwargs: dict, words: str) -> None:
    run = fake_server.start(options={"fake": "events", "n": 1})
    fake_server.wait_ended(run["id"])  # the shared server has two slots: free them
    answer = fake_server.http.get(f"/api/runs/{run['id']}/events", **kwargs)
    assert answer.status_code == 422 and words in answer.json()["detail"]


def test_stream_of_an_unknown_run_is_a_404(fake_server: Server) -> None:
    answer = fake_server.http.get("/api/runs/nope/events")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Run 'nope' not found."}


def test_race_through_the_real_worker(server: Server) -> None:
    run = server.start(params={"threads": 2, "iterations": 200})
    frames = server.events(run["id"])
    events = [f.json for f in frames]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["kind"] == "end"
    state = server.http.get(f"/api/runs/{run['id']}").json()
    assert state["status"] == "finished", state["message"]
    assert state["verdict"]["facts"]["expected"] == 400
    assert state["counts"]["events"] == len(events)
