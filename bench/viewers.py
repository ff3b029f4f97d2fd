"""200 concurrent SSE viewers of one live run of 10,000 events, against a bare broadcast.

    python bench/viewers.py [--viewers 200] [--events 10000]
    (goals: every viewer gets every event exactly once, in order; ratio ≥ 0.5)

Threadlab side: the fake worker (``tests/fakes/worker.py``, behaviour ``stamped``) waits
until the viewers are connected, then writes the events in batches of 50 every 20 ms
(~4 s of live streaming), each stamped with its wall-clock send time (``detail.wall``).
Every viewer checks that the ids it got are exactly 1…N in order; delivery latency is
receive time minus that stamp (worker → manager → log → SSE → client).  Server CPU is
``/proc/<pid>/stat`` utime+stime from just before the run to the last viewer's end
(the worker is a separate process and not counted), per delivered event.
Bare side: a minimal Starlette app in its own process broadcasts the very same
pre-encoded frames, released on the same schedule, to the same number of viewers
(one shared list, one wake-up per batch, each viewer holding a position); same CPU
measure.  Ratio = bare CPU per event / Threadlab CPU per event (1.0: no overhead).
All viewers run in this one client process (asyncio + httpx) on the same 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from _server import cpu_seconds, fake_header, threadlab_server

BATCH, INTERVAL, WAIT = 50, 0.02, 3.0
ID = re.compile(rb"^id: (\d+)$", re.M)
WALL = re.compile(rb'"wall":([0-9.]+)')


class Viewer:
    def __init__(self) -> None:
        self.ids: list[int] = []
        self.latencies: list[float] = []
        self.body = bytearray()
        self.keep = False  # the first viewer keeps the bytes, for the bare side
        self.chunks = 0  # reads that brought bytes: wake-ups × writes, roughly

    async def follow(self, http: httpx.AsyncClient, path: str, ready: asyncio.Event) -> None:
        async with http.stream("GET", path) as response:
            assert response.status_code == 200, response.status_code
            ready.set()
            rest = b""
            async for chunk in response.aiter_raw():
                now = time.time()
                self.chunks += 1
                if self.keep:
                    self.body += chunk
                data = rest + chunk
                cut = data.rfind(b"\n\n") + 2  # 0 when no frame is complete yet
                if cut == 1:
                    cut = 0
                whole, rest = data[:cut], data[cut:]
                self.ids.extend(map(int, ID.findall(whole)))
                self.latencies.extend(now - float(w) for w in WALL.findall(whole))


async def watch(url: str, path: str, viewers: int, go: str | None = None) -> list[Viewer]:
    """``viewers`` streams of ``path``; once all have their headers, GET ``go`` (if any)."""
    limits = httpx.Limits(max_connections=viewers + 10, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        crowd = [Viewer() for _ in range(viewers)]
        crowd[0].keep = True
        ready = [asyncio.Event() for _ in crowd]
        tasks = [
            asyncio.create_task(v.follow(http, path, r)) for v, r in zip(crowd, ready, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 30)
        if go:
            await http.get(go)
        await asyncio.wait_for(asyncio.gather(*tasks), 120)
        return crowd


def check(crowd: list[Viewer], n: int) -> int:
    """How many viewers got exactly seq 1…n, in order, once each (plus the end event);
    prints what went wrong for the others."""
    expected = list(range(1, n + 2))  # the manager appends the ``end`` event
    for i, v in enumerate(crowd):
        if v.ids != expected:
            wrong = next(
                (k for k, (a, b) in enumerate(zip(v.ids, expected, strict=False)) if a != b), None
            )
            print(f"viewer {i}: {len(v.ids)} ids, first difference at index {wrong}")
    return sum(v.ids == expected for v in crowd)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


BARE_APP = """
import asyncio, sys, time
import uvicorn
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route

frames = open(sys.argv[1], "rb").read().split(b"\\n\\n")[:-1]
frames = [f + b"\\n\\n" for f in frames]
batch, interval = int(sys.argv[3]), float(sys.argv[4])
log, changed, done = [], asyncio.Event(), False

async def broadcast():
    global changed, done
    for i in range(0, len(frames), batch):
        log.extend(frames[i : i + batch])
        changed.set(); changed = asyncio.Event()
        await asyncio.sleep(interval)
    done = True
    changed.set()

async def start(request):
    asyncio.get_running_loop().create_task(broadcast())
    return PlainTextResponse("ok")

async def stream(request):
    async def body():
        position = 0
        while True:
            chunk = log[position : position + 512]
            if chunk:
                position += len(chunk)
                yield b"".join(chunk)
            elif done:
                return
            else:
                await changed.wait()
    return StreamingResponse(body(), media_type="text/event-stream")

app = Starlette(routes=[Route("/events", stream), Route("/start", start)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bare(body: bytes, viewers: int) -> tuple[float, int, int, float]:
    """Bare broadcast: (server CPU seconds, events delivered, viewers complete, reads per
    viewer)."""
    with tempfile.TemporaryDirectory() as tmp:
        frames = Path(tmp) / "frames.bin"
        frames.write_bytes(body)
        port = free_port()
        argv = [sys.executable, "-c", BARE_APP, str(frames), str(port), str(BATCH), str(INTERVAL)]
        proc = subprocess.Popen(argv)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 20
            while True:  # wait until it listens
                try:
                    httpx.get(f"{url}/nothing")
                    break
                except httpx.ConnectError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            before = cpu_seconds(proc.pid)
            crowd = asyncio.run(watch(url, "/events", viewers, go="/start"))
            used = cpu_seconds(proc.pid) - before
            n = body.count(b"\n\n")
            complete = sum(v.ids == list(range(1, n + 1)) for v in crowd)
            reads = statistics.fmean(v.chunks for v in crowd)
            return used, sum(len(v.ids) for v in crowd), complete, reads
        finally:
            proc.terminate()
            proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--events", type=int, default=10_000)
    args = parser.parse_args()
    n, viewers = args.events, args.viewers
    env = {"THREADLAB_WORKER_MODULE": "tests.fakes.worker", "THREADLAB_TEST_HOOKS": "1"}
    with threadlab_server(**env) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        options = {"fake": "stamped", "n": n, "batch": BATCH, "interval": INTERVAL}
        before = server.cpu()
        begin = time.perf_counter()
        run = http.post(
            "/api/runs", json={"scenario": "race"}, headers=fake_header({**options, "wait": WAIT})
        )
        run.raise_for_status()
        events = run.json()["links"]["events"]
        crowd = asyncio.run(watch(server.url, events, viewers))
        seconds = time.perf_counter() - begin
        used = server.cpu() - before
        status = http.get(f"/api/runs/{run.json()['id']}").json()["status"]
    complete = check(crowd, n)
    delivered = sum(len(v.ids) for v in crowd)
    latencies = [x for v in crowd for x in v.latencies]
    first = crowd[0].body
    body = first[: first.rfind(b"event: end")]  # the bare side sends the events only
    bare_cpu, bare_delivered, bare_complete, bare_reads = bare(bytes(body), viewers)
    reads = statistics.fmean(v.chunks for v in crowd)
    ours = used / delivered
    theirs = bare_cpu / bare_delivered
    print(f"viewers × events:             {viewers} × {n:,} (+ end), run {status}")
    print(f"viewers with every event once, in order: {complete}/{viewers}")
    print(f"events delivered:             {delivered:,} in {seconds:.1f} s (incl. {WAIT:g} s wait)")
    print(
        f"delivery latency p50 / p99:   {pct(latencies, 0.5) * 1000:.1f} / "
        f"{pct(latencies, 0.99) * 1000:.1f} ms  (max {max(latencies) * 1000:.1f} ms)"
    )
    print(f"server CPU:                   {used:.2f} s = {ours * 1e6:.2f} µs per delivered event")
    print(
        f"bare broadcast CPU:           {bare_cpu:.2f} s = {theirs * 1e6:.2f} µs per delivered "
        f"event ({bare_complete}/{viewers} complete)"
    )
    print(f"reads per viewer:             {reads:.0f} (bare: {bare_reads:.0f})")
    print(f"ratio bare / Threadlab:       {theirs / ours:.2f}  (goal ≥ 0.5)")
    print(f"mean latency:                 {statistics.fmean(latencies) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
