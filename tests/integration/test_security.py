"""Security against a real server: headers on every kind of answer, static files stay
in static/, creator-only actions refuse everyone else."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from tests.integration.conftest import Server

pytestmark = pytest.mark.integration


def check_headers(headers: object) -> None:
    csp = headers["content-security-policy"]  # type: ignore[index]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["referrer-policy"]  # type: ignore[index]


@pytest.mark.timeout(20)
def test_security_headers_on_every_kind_of_answer(fake_server: Server) -> None:
    run = fake_server.start(options={"fake": "events", "n": 2})
    answers = {
        "json": fake_server.http.get("/api/scenarios"),
        "page": fake_server.http.get("/"),
        "static": fake_server.http.get("/static/favicon.svg"),
        "static 404": fake_server.http.get("/static/nope.js"),
        "api 404": fake_server.http.get("/api/runs/nope"),
        "422": fake_server.http.post("/api/runs", json={}),
        "405": fake_server.http.put("/api/runs"),
        "413": fake_server.http.post("/api/runs", content=b"x" * (2 << 20)),
        "openapi": fake_server.http.get("/openapi.json"),
    }
    for name, answer in answers.items():
        assert answer.status_code < 500, name
        check_headers(answer.headers)
    with fake_server.http.stream("GET", f"/api/runs/{run['id']}/events") as sse:
        check_headers(sse.headers)
    assert answers["405"].headers["allow"] == "GET, POST"
    page = answers["page"].text
    assert "<script>" not in page and '<script type="module">' not in page


def raw_get(server: Server, path: str) -> tuple[int, bytes]:
    """A request with its path exactly as given (httpx would normalise the dots)."""
    url = urlsplit(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return int(data.split(b" ", 2)[1]), data


@pytest.mark.parametrize(
    "path",
    [
        "/static/../app/settings.py",
        "/static/%2e%2e/app/settings.py",
        "/static/%2E%2E%2Fapp%2Fsettings.py",
        "/static/..%2f..%2fpyproject.toml",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/js/../../app/settings.py",
    ],
)
def test_static_files_cannot_escape_static(fake_server: Server, path: str) -> None:
    status, data = raw_get(fake_server, path)
    assert status in (400, 404), data[:300]
    assert b"BaseSettings" not in data and b"root:" not in data and b"[project]" not in data


CREATOR_ONLY = [
    ("POST", "/cancel", None),
    ("POST", "/step", {"thread": "T1"}),
    ("POST", "/presenter", {"seq": 1, "playing": True}),
    ("DELETE", "/presenter", None),
    ("DELETE", "", None),
]


@pytest.mark.timeout(20)
@pytest.mark.parametrize(("method", "suffix", "body"), CREATOR_ONLY)
@pytest.mark.parametrize("token", [None, "not-the-token", ""])
def test_creator_only_actions_refuse_everyone_else(
    fake_server: Server, method: str, suffix: str, body: dict | None, token: str | None
) -> None:
    run = fake_server.start(options={"fake": "steps"})
    headers = {} if token is None else {"X-Control-Token": token}
    try:
        answer = fake_server.http.request(
            method, f"/api/runs/{run['id']}{suffix}", json=body, headers=headers
        )
        assert answer.status_code == 403, answer.text
        assert "token" in answer.json()["detail"].lower()
        state = fake_server.http.get(f"/api/runs/{run['id']}").json()
        assert state["status"] == "running"
    finally:
        mine = {"X-Control-Token": run["control_token"]}
        fake_server.http.post(f"/api/runs/{run['id']}/cancel", headers=mine)
