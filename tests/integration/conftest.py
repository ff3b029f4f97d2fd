"""A real Threadlab server for integration tests: ``python -m app --port 0`` in a child.

The server runs in its own process (as a user runs it), so tests can send it Ctrl+C
and look for leftover worker processes: every process the server starts inherits a
unique marker in its environment, and ``Server.processes()`` finds them by it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.procs import with_environ

ROOT = Path(__file__).resolve().parents[2]
FAKE = {"THREADLAB_WORKER_MODULE": "tests.fakes.worker", "THREADLAB_TEST_HOOKS": "1"}


@dataclass
class Frame:
    """One SSE message."""

    id: str | None = None
    event: str | None = None
    data: str = ""
    comments: list[str] = field(default_factory=list)

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.data)


def iter_frames(response: httpx.Response) -> Iterator[Frame]:
    """Parse an SSE body into messages as they arrive."""
    current = Frame()
    for line in response.iter_lines():
        if line == "":
            if current.data or current.id or current.event:
                yield current
            current = Frame()
        elif line.startswith(":"):
            current.comments.append(line[1:].strip())
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "data":
                current.data = f"{current.data}\n{value}" if current.data else value
            elif name in ("id", "event"):
                setattr(current, name, value)


def read_frames(response: httpx.Response, limit: int | None = None) -> list[Frame]:
    """Parse an SSE body into messages; stop after ``limit`` messages with data."""
    frames: list[Frame] = []
    for frame in iter_frames(response):
        frames.append(frame)
        if limit is not None and len(frames) >= limit:
            break
    return frames


def fake_header(script: dict[str, Any]) -> dict[str, str]:
    """The header that scripts the fake worker (servers started with test_hooks only)."""
    return {"X-Threadlab-Fake": json.dumps(script)}


class Server:
    def __init__(self, proc: subprocess.Popen[bytes], url: str, marker: str, log: Path):
        self.proc, self.url, self.marker, self.log = proc, url, marker, log
        self.http = httpx.Client(base_url=url, timeout=15)

    def start(self, scenario: str = "race", **body: Any) -> dict[str, Any]:
        """POST a run; ``options`` with a ``fake`` key script the fake worker instead."""
        headers = {}
        if "fake" in body.get("options", {}):
            headers = fake_header(body.pop("options"))
        answer = self.http.post("/api/runs", json={"scenario": scenario, **body}, headers=headers)
        assert answer.status_code == 201, answer.text
        run: dict[str, Any] = answer.json()
        STARTED.append((self, run))
        return run

    def tidy(self, run: dict[str, Any]) -> None:
        """Cancel ``run`` if it is still live: the shared servers have few slots."""
        if self.proc.poll() is not None:
            return
        status = self.http.get(run["links"]["self"]).json().get("status")
        if status in ("queued", "running"):
            token = {"X-Control-Token": run["control_token"]}
            self.http.post(f"/api/runs/{run['id']}/cancel", headers=token)

    def events(self, run_id: str, limit: int | None = None, **kwargs: Any) -> list[Frame]:
        with self.http.stream("GET", f"/api/runs/{run_id}/events", **kwargs) as response:
            assert response.status_code == 200, response.read()
            assert response.headers["content-type"].startswith("text/event-stream")
            return read_frames(response, limit)

    def wait_ended(self, run_id: str) -> dict[str, Any]:
        """Follow the stream to its end event, then return the run."""
        frames = self.events(run_id)
        assert frames[-1].event == "end"
        return self.http.get(f"/api/runs/{run_id}").json()

    def processes(self) -> list[int]:
        """Live processes started by this server (workers and their children)."""
        return [pid for pid in with_environ(self.marker) if pid != self.proc.pid]

    def stop(self) -> float:
        """Ctrl+C; the seconds it took the server to exit."""
        begin = time.monotonic()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(10)
        finally:
            self.http.close()
        return time.monotonic() - begin


# Runs started through Server.start in the current test, cancelled after it.
STARTED: list[tuple[Server, dict[str, Any]]] = []


def run_to_end(server: Server, **body: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """POST ``body`` as a run, wait for its end: (its state, its events without the end)."""
    answer = server.http.post("/api/runs", json=body)
    assert answer.status_code == 201, answer.text
    STARTED.append((server, answer.json()))
    state = server.wait_ended(answer.json()["id"])
    return state, [f.json for f in server.events(state["id"]) if f.event != "end"]


@pytest.fixture(autouse=True)
def _tidy_runs() -> Iterator[None]:
    """Every test leaves the shared servers' worker slots free for the next one."""
    yield
    while STARTED:
        server, run = STARTED.pop()
        with contextlib.suppress(httpx.HTTPError):
            server.tidy(run)


@contextmanager
def serve(tmp: Path, **env: str) -> Iterator[Server]:
    marker = f"THREADLAB_TEST_MARK={uuid.uuid4().hex}"
    name, _, value = marker.partition("=")
    environ = {
        **os.environ,
        "THREADLAB_DATA_DIR": str(tmp / "data"),
        "THREADLAB_RUN_RATE": "0",  # tests start many runs from one address; 0: no limit
        name: value,
        **env,
    }
    log = tmp / "server.log"
    with log.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "--host", "127.0.0.1", "--port", "0"],
            cwd=ROOT,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=stderr,
            start_new_session=True,
        )
    server = None
    try:
        server = Server(proc, _read_url(proc, log), value, log)
        yield server
    finally:
        if server is not None:
            server.http.close()
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


def _read_url(proc: subprocess.Popen[bytes], log: Path, timeout: float = 20) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline().decode() if ready else ""
    found = re.search(r"http://\S+", line)
    if not found:
        proc.kill()
        raise RuntimeError(f"the server did not start: {line!r}\n{log.read_text()}")
    return found.group(0)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A shared server running the real worker with default limits."""
    with serve(tmp_path_factory.mktemp("server")) as running:
        yield running


@pytest.fixture(scope="session")
def fake_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A shared server whose workers are the scriptable fake: 2 slots, 1 queue place."""
    env = {
        **FAKE,
        "THREADLAB_MAX_RUNS": "2",
        "THREADLAB_QUEUE_SIZE": "1",
        "THREADLAB_KEEPALIVE": "0.3",
    }
    with serve(tmp_path_factory.mktemp("fake"), **env) as running:
        yield running
