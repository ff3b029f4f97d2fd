"""Events per second to one SSE viewer, against a bare SSE endpoint.

    python bench/sse_throughput.py       (target: ≥ 50,000 events/s and ≥ 50% of bare)

Threadlab side: a run of the scriptable fake worker (``tests/fakes/worker.py``, behaviour
``flood``) writes N events as fast as the pipe takes them.  We measure one viewer
following it live (first byte to end), and one viewer replaying the finished run.
Live, the bound is the manager's ingest: parse, check and encode each worker line.
Bare side: a minimal Starlette app in its own process streams the very same
pre-encoded frames from a list, in the same batches, with nothing else in the way.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _server import fake_header, threadlab

N = 200_000
REPEAT = 15


def count_events(response: httpx.Response) -> tuple[int, bytes, float]:
    """Count SSE messages (blank-line terminated) in a stream; also return the body and
    the moment its first bytes arrived."""
    body = bytearray()
    first = 0.0
    for chunk in response.iter_raw(1 << 16):
        first = first or time.perf_counter()
        body += chunk
    return bytes(body).count(b"\n\n"), bytes(body), first


def timed_stream(http: httpx.Client, path: str) -> tuple[float, int, bytes]:
    begin = time.perf_counter()
    with http.stream("GET", path) as response:
        count, body, _ = count_events(response)
    return time.perf_counter() - begin, count, body


BARE_APP = """
import sys
import uvicorn
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route

frames = open(sys.argv[1], "rb").read().split(b"\\n\\n")[:-1]
frames = [f + b"\\n\\n" for f in frames]

async def stream(request):
    async def body():
        for i in range(0, len(frames), 512):
            yield b"".join(frames[i : i + 512])
    return StreamingResponse(body(), media_type="text/event-stream")

app = Starlette(routes=[Route("/events", stream)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bare_rate(body: bytes, tmp: Path) -> float:
    frames = tmp / "frames.bin"
    frames.write_bytes(body)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE_APP, str(frames), str(port)])
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            deadline = time.monotonic() + 20
            while True:  # wait until it listens (nothing to await on)
                try:
                    http.get("/nothing")
                    break
                except httpx.ConnectError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            return best_rate(http, "/events")
    finally:
        proc.terminate()
        proc.wait(10)


def best_rate(http: httpx.Client, path: str) -> float:
    """Median events/s of REPEAT streams after a warm-up (one stream is too short to time)."""
    timed_stream(http, path)
    rates = []
    for _ in range(REPEAT):
        seconds, count, _ = timed_stream(http, path)
        rates.append(count / seconds)
    return statistics.median(rates)


def main() -> None:
    env = {
        "THREADLAB_WORKER_MODULE": "tests.fakes.worker",
        "THREADLAB_TEST_HOOKS": "1",
        "THREADLAB_MAX_EVENTS": str(N * 2),
    }
    with threadlab(**env) as url, httpx.Client(base_url=url, timeout=60) as http:
        script = fake_header({"fake": "flood", "n": N})
        run = http.post("/api/runs", json={"scenario": "race"}, headers=script).json()
        with http.stream("GET", run["links"]["events"]) as response:
            live_count, _, first = count_events(response)
        live = live_count / (time.perf_counter() - first)
        _, count, replayed = timed_stream(http, run["links"]["events"])
        replay = best_rate(http, run["links"]["events"])
    with tempfile.TemporaryDirectory() as tmp:
        bare = bare_rate(replayed, Path(tmp))
    print(f"events in the run:          {count:,}")
    print(f"one viewer, live:           {live:,.0f} events/s (bound: the manager's ingest)")
    print(f"one viewer, replay:         {replay:,.0f} events/s")
    print(f"bare SSE endpoint:          {bare:,.0f} events/s")
    print(f"ratio replay / bare:        {replay / bare:.0%}")


if __name__ == "__main__":
    main()
