"""The GIL lane for any free run (issue 12): a request's ``gil_lane``, against a real
server and real workers.  Your own program with it has ``gil`` events and says so in its
options (a rerun or a shared run keeps it); without it, none; a controlled request is
refused (there the scheduler's baton is the lane); a GIL scenario keeps its own lane."""

from __future__ import annotations

import pytest

from tests.fakes.spinners import spinners
from tests.integration.conftest import STARTED, Server
from tests.integration.conftest import run_to_end as run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

SPIN = spinners(30_000)


def test_a_free_program_with_gil_lane_has_gil_events_and_keeps_the_option(
    server: Server,
) -> None:
    state, events = run(server, source=SPIN, gil_lane=True)
    assert state["status"] == "finished", state
    assert state["options"] == {"gil_lane": True}
    lane = [e for e in events if e["kind"] == "gil"]
    assert lane, "no gil events"
    holders = {e["thread"] for e in lane} - {None}
    assert {"S0", "S1"} & holders, holders


def test_without_it_there_are_no_gil_events(server: Server) -> None:
    state, events = run(server, source=SPIN)
    assert state["status"] == "finished", state
    assert state["options"] == {}
    assert not [e for e in events if e["kind"] == "gil"]


def test_a_controlled_run_refuses_it_and_false_is_fine(server: Server) -> None:
    answer = server.http.post(
        "/api/runs", json={"source": SPIN, "mode": "controlled", "gil_lane": True}
    )
    assert answer.status_code == 422, answer.text
    assert "gil_lane applies only to mode 'free'" in answer.json()["detail"]
    answer = server.http.post(
        "/api/runs", json={"source": "pass", "mode": "controlled", "seed": 1, "gil_lane": False}
    )
    assert answer.status_code == 201, answer.text
    STARTED.append((server, answer.json()))


def test_a_string_is_not_true(server: Server) -> None:
    answer = server.http.post("/api/runs", json={"source": "pass", "gil_lane": "yes"})
    assert answer.status_code == 422, answer.text


def test_a_gil_scenario_keeps_its_own_lane(server: Server) -> None:
    state, events = run(server, scenario="gil-io", params={"requests": 2}, gil_lane=True)
    assert state["status"] == "finished", state
    assert "gil_lane" not in state["options"]  # its own lane, always on
    assert [e for e in events if e["kind"] == "gil"]
