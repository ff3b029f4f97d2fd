"""Bad input against a real server: a 4xx with a message, and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Server

pytestmark = pytest.mark.integration


def count_runs(server: Server) -> int:
    return len(server.http.get("/api/runs", params={"limit": 200}).json()["runs"])


BODIES: list[tuple[bytes, int, str]] = [
    (b'{"scenario": "race", "seed": NaN}', 422, "seed"),
    (b'{"scenario": "race", "seed": Infinity}', 422, "seed"),
    (b'{"scenario": "race", "seed": 1e400}', 422, "seed"),
    (b'{"scenario": "race", "seed": 99999999999999999999999}', 422, "seed"),
    (b'{"scenario": "race", "seed": [7]}', 422, "seed"),
    (b'{"scenario": "race", "params": {"threads": NaN}}', 422, "finite"),
    (b'{"scenario": "race", "params": {"threads": -Infinity}}', 422, "finite"),
    (b'{"scenario": "race", "params": {"threads": 1e308}}', 422, "between"),
    (b'{"scenario": "race", "params": {"threads": 10000000000000000000000}}', 422, "between"),
    (b'{"scenario": "race", "params": {"threads": "4"}}', 422, "whole number"),
    (b'{"scenario": "race", "params": {"threads": true}}', 422, "whole number"),
    (b'{"scenario": "race", "params": {"nope": 1}}', 422, "no parameter"),
    (b'{"scenario": "race", "params": []}', 422, "params"),
    (b'{"scenario": "race", "colour": "red"}', 422, "colour"),
    (b'{"scenario": "race", "mode": "controlled", "options": {"depth": NaN}}', 422, "depth"),
    (b'{"scenario": "race", "options": {"x": 1}}', 422, "controlled"),
    (b'{"scenario": 7}', 422, "scenario"),
    (b'{"scenario": "race"', 422, "JSON"),
    (b'{"scenario": "\xff"}', 400, "UTF-8"),
    (b'{"scenario": "' + b"x" * (2 << 20) + b'"}', 413, "limit"),
]


@pytest.mark.parametrize(("body", "status", "words"), BODIES, ids=lambda v: str(v)[:40])
def test_bad_run_requests_are_a_4xx_and_start_nothing(
    fake_server: Server, body: bytes, status: int, words: str
) -> None:
    before = count_runs(fake_server)
    answer = fake_server.http.post(
        "/api/runs", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == status, answer.text[:300]
    assert words in answer.json()["detail"], answer.json()["detail"]
    assert count_runs(fake_server) == before


def test_a_chunked_body_past_the_cap_is_a_413(fake_server: Server) -> None:
    before = count_runs(fake_server)

    def chunks() -> Any:
        for _ in range(40):
            yield b"x" * 65536

    answer = fake_server.http.post(
        "/api/runs", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413 and "limit" in answer.json()["detail"]
    assert count_runs(fake_server) == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"headers": {"Last-Event-ID": "abc"}},
        {"headers": {"Last-Event-ID": "-3"}},
        {"headers": {"Last-Event-ID": "1e5"}},
        {"headers": {"Last-Event-ID": "9" * 5000}},
        {"params": {"after": "NaN"}},
        {"params": {"after": "-1"}},
        {"params": {"after": "9" * 5000}},
    ],
    ids=lambda v: str(v)[:40],
)
def test_garbage_resume_points_are_a_422(fake_server: Server, kwargs: dict) -> None:
    run = fake_server.start(options={"fake": "events", "n": 2})
    fake_server.wait_ended(run["id"])  # the shared server has two slots: free them
    answer = fake_server.http.get(f"/api/runs/{run['id']}/events", **kwargs)
    assert answer.status_code == 422, answer.text[:300]
    assert answer.json()["detail"]
