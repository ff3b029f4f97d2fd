"""Your own code through the HTTP API, against real servers and real workers: a
program's text in place of a scenario, its compile errors with their line (and no run
kept), who may run code, the source kept in the run and its recording, "Break it" on an
``assert``, and a found run that fails the same way again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fakes.procs import wait_until
from tests.integration.conftest import STARTED, Server, serve

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

RACY = """\
import threading

counter = 0


def work():
    global counter
    for _ in range(200):
        counter += 1


def main():
    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert counter == 400, f"lost {400 - counter} updates"
"""

CRASH = """\
import threading


def work():
    items = []
    return items[3]


def main():
    t = threading.Thread(target=work, name="reader")
    t.start()
    t.join()
    print("main goes on")
"""


def post(server: Server, path: str = "/api/runs", **body: Any) -> Any:
    answer = server.http.post(path, json=body)
    if answer.status_code == 201:
        STARTED.append((server, answer.json()))
    return answer


def ended(server: Server, run: dict[str, Any]) -> dict[str, Any]:
    return server.wait_ended(run["id"])


def line_of(source: str, text: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if text in line)


def test_a_program_that_does_not_compile_is_a_422_on_its_line_and_no_run(server: Server) -> None:
    before = server.http.get("/api/runs", params={"scenario": "code"}).json()["runs"]
    answer = post(server, source="import threading\n\ndef main(:\n    pass\n")
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["detail"].startswith("The program does not compile: invalid syntax at line 3")
    assert body["syntax"]["line"] == 3 and body["syntax"]["column"] == 10
    after = server.http.get("/api/runs", params={"scenario": "code"}).json()["runs"]
    assert [r["id"] for r in after] == [r["id"] for r in before]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"scenario": "race", "source": "pass"}, "exactly one of scenario"),
        ({"mode": "free"}, "exactly one of scenario"),
        ({"source": "pass", "params": {"threads": 2}}, "params are a scenario's"),
        ({"source": "x = 1\n" * 20_000}, "longer than 64 KiB"),
        ({"source": "é" * 40_000}, "longer than 64 KiB"),
    ],
)
def test_a_request_with_no_program_or_two_is_refused(
    server: Server, body: dict[str, Any], says: str
) -> None:
    answer = post(server, **body)
    assert answer.status_code == 422, answer.text
    assert says in answer.json()["detail"]


def test_an_exception_in_a_thread_is_on_its_line_and_the_run_ends(server: Server) -> None:
    answer = post(server, source=CRASH, mode="controlled", seed=1)
    assert answer.status_code == 201, answer.text
    state = ended(server, answer.json())
    assert state["status"] == "finished" and state["scenario"] == "code"
    assert state["source"] == CRASH and state["params"] == {}
    events = [frame.json for frame in server.events(state["id"]) if frame.event != "end"]
    (died,) = [e for e in events if e["kind"] == "exit" and e["thread"] == "reader"]
    assert died["detail"]["error"] == "IndexError: list index out of range"
    assert died["line"] == line_of(CRASH, "return items[3]")
    said = [e["detail"]["text"] for e in events if e["kind"] == "output"]
    assert "main goes on" in said


def test_break_it_finds_the_failing_assert_and_its_run_fails_the_same_way(server: Server) -> None:
    started = server.http.post(
        "/api/search", json={"source": RACY, "goal": "any_failure", "budget": 50}
    )
    assert started.status_code == 202, started.text
    url = started.json()["links"]["self"]
    wait_until(lambda: server.http.get(url).json()["status"] == "done", timeout=60)
    found = server.http.get(url).json()
    assert found["found"] is True and found["source"] == RACY, found
    run = server.http.get(found["run"]["links"]["self"]).json()
    state = server.wait_ended(run["id"])
    assert state["status"] == "failed" and state["source"] == RACY
    assert "AssertionError: lost" in (state["message"] or "")
    # The found link again: the same seed and policy fail the same way.
    again = post(server, source=RACY, mode="controlled", seed=state["seed"], policy=state["policy"])
    assert again.status_code == 201
    assert ended(server, again.json())["message"] == state["message"]
    # And a try that passed, to show beside it (the search's first tries rarely fail).
    passed = found["passed"]
    if found["tries"] > 1:
        beside = post(server, source=RACY, mode="controlled", **passed)
        assert ended(server, beside.json())["status"] == "finished"
    else:
        assert passed is None


def test_a_recorded_program_comes_back_after_a_restart_with_its_source(tmp_path: Path) -> None:
    with serve(tmp_path) as first:
        answer = first.http.post("/api/runs", json={"source": CRASH})
        assert answer.status_code == 201
        state = first.wait_ended(answer.json()["id"])
    with serve(tmp_path) as second:
        again = second.http.get(f"/api/runs/{state['id']}").json()
        assert again == state and again["source"] == CRASH
        listed = second.http.get("/api/runs", params={"scenario": "code"}).json()["runs"]
        assert listed[0]["id"] == state["id"] and listed[0]["title"] == "Your own code"


def test_own_code_off_is_a_403_that_says_how_to_turn_it_on(tmp_path: Path) -> None:
    with serve(tmp_path, THREADLAB_OWN_CODE="off") as server:
        answer = server.http.post("/api/runs", json={"source": "print('hi')\n"})
        assert answer.status_code == 403
        assert "THREADLAB_OWN_CODE=auto" in answer.json()["detail"]
        search = server.http.post("/api/search", json={"source": "pass", "goal": "any_failure"})
        assert search.status_code == 403
        # Scenarios still run.
        assert server.http.post("/api/runs", json={"scenario": "race"}).status_code == 201
