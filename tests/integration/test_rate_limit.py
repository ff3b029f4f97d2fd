"""The per-client rate limit on POST /api/runs: 429, Retry-After, a sentence to act on."""

from __future__ import annotations

from pathlib import Path

from tests.integration.conftest import FAKE, fake_header, serve


def test_runs_past_the_client_rate_get_429_with_retry_after(tmp_path: Path) -> None:
    env = {**FAKE, "THREADLAB_RUN_RATE": "3", "THREADLAB_MAX_RUNS": "2"}
    with serve(tmp_path, **env) as server:
        body = {"scenario": "race"}
        fake = fake_header({"fake": "events", "n": 5})
        bad = server.http.post("/api/runs", json={"scenario": "no-such-scenario"})
        assert bad.status_code == 404  # refused presses do not count
        for _ in range(3):
            assert server.http.post("/api/runs", json=body, headers=fake).status_code == 201
        answer = server.http.post("/api/runs", json=body, headers=fake)
        assert answer.status_code == 429, answer.text
        retry = int(answer.headers["Retry-After"])
        assert 1 <= retry <= 60
        assert answer.json()["detail"] == (
            f"You started 3 runs in the last minute; wait {retry} s."
        )
        search = {"scenario": "race", "goal": "lost_update", "budget": 1}
        assert server.http.post("/api/search", json=search).status_code == 429
        assert server.http.get("/healthz").status_code == 200
