"""Ctrl+C stops the server within 2 s even with viewers attached to live streams, and
leaves no worker process behind.

Regression guard: a plain StreamingResponse keeps uvicorn's shutdown waiting until every
stream closes; sse-starlette's EventSourceResponse ends live streams on exit.
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fakes.procs import wait_until
from tests.integration.conftest import FAKE, Server, serve

pytestmark = pytest.mark.integration


def open_live_stream(server: Server, run_id: str) -> socket.socket:
    """A viewer on a raw socket that reads the first event, then just sits there."""
    url = urlsplit(server.url)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    request = f"GET /api/runs/{run_id}/events HTTP/1.1\r\nHost: {url.netloc}\r\n\r\n"
    sock.sendall(request.encode())
    received = b""
    while b"\nid: 1\n" not in received:
        chunk = sock.recv(65536)
        assert chunk, f"the stream closed early: {received!r}"
        received += chunk
    return sock


@pytest.mark.parametrize("fake", ["slow", "hang"])
def test_ctrl_c_with_live_viewers_stops_within_2_s(tmp_path: Path, fake: str) -> None:
    with serve(tmp_path, **FAKE, THREADLAB_MAX_RUNS="3") as server:
        runs = [server.start(options={"fake": fake, "interval": 0.05}) for _ in range(2)]
        if fake == "hang":  # a worker that sends nothing: view another, chatty run
            runs.append(server.start(options={"fake": "slow"}))
        viewers = [open_live_stream(server, runs[-1]["id"]) for _ in range(3)]
        assert server.processes()
        try:
            elapsed = server.stop()
        finally:
            for viewer in viewers:
                viewer.close()
        print(f"shutdown took {elapsed:.2f} s")
        assert elapsed < 2.0, f"shutdown took {elapsed:.2f} s"
        assert server.proc.returncode == 0
        log = server.log.read_text()
        assert "Traceback" not in log and "ERROR" not in log, log
        wait_until(lambda: not server.processes(), timeout=2, what="every worker to die")
