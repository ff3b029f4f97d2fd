"""What the sandbox costs a run's start: POST /api/runs → first event of an own-code
run, on a server with the sandbox and one without, side by side (alternating runs).

    python bench/sandbox_start.py          (target: the sandbox adds ≤ 50 ms)

Both servers run the real worker; the one without the sandbox has no bwrap on its PATH
(``sandbox.status()`` then says so).  An own-code POST starts two confined workers: the
compile check, then the run.  The second table is the launch alone, in this process:
``WorkerProcess.start()`` → the worker's ``ready`` line, with and without bwrap.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _server import threadlab

from app.runs import process, sandbox

RUNS = 20
PROGRAM = """\
import threading


def main():
    t = threading.Thread(target=print, args=("hello",))
    t.start()
    t.join()
"""


def first_event_ms(http: httpx.Client) -> float:
    begin = time.perf_counter()
    answer = http.post("/api/runs", json={"source": PROGRAM, "mode": "free"})
    assert answer.status_code == 201, answer.text
    latency = None
    with http.stream("GET", answer.json()["links"]["events"]) as response:
        for line in response.iter_lines():
            if latency is None and line.startswith("id: "):
                latency = (time.perf_counter() - begin) * 1000
    assert latency is not None, "the run sent no event"
    return latency


def through_the_api() -> tuple[list[float], list[float]]:
    on: list[float] = []
    off: list[float] = []
    with (
        threadlab() as boxed_url,
        threadlab(PATH="/nonexistent") as bare_url,
        httpx.Client(base_url=boxed_url, timeout=30) as boxed,
        httpx.Client(base_url=bare_url, timeout=30) as bare,
    ):
        first_event_ms(boxed), first_event_ms(bare)  # warm-up: imports, caches, probes
        for _ in range(RUNS):
            on.append(first_event_ms(boxed))
            off.append(first_event_ms(bare))
    return on, off


async def ready_ms() -> float:
    worker = process.worker(sys.executable, "app.worker.runner")
    begin = time.perf_counter()
    await worker.start()
    spec = {"source": PROGRAM, "mode": "free", "seed": 1, "policy": "random", "options": {}}
    spec.update(params={}, limits={"wall_time": 10, "max_events": 1000, "max_threads": 8})
    await worker.send((json.dumps(spec) + "\n").encode())
    line = await worker.readline()
    elapsed = (time.perf_counter() - begin) * 1000
    assert json.loads(line).get("msg") == "ready", line
    await worker.close()
    return elapsed


def launches() -> tuple[list[float], list[float]]:
    unavailable = sandbox.SandboxStatus(False, None, "turned off for the benchmark")
    real: Callable[[], sandbox.SandboxStatus] = sandbox.status

    async def both() -> tuple[list[float], list[float]]:
        on: list[float] = []
        off: list[float] = []
        for round_ in range(RUNS + 1):  # round 0 warms up
            sandbox.status = real  # type: ignore[assignment]
            boxed = await ready_ms()
            sandbox.status = lambda: unavailable  # type: ignore[assignment]
            bare = await ready_ms()
            if round_:
                on.append(boxed)
                off.append(bare)
        sandbox.status = real  # type: ignore[assignment]
        return on, off

    return asyncio.run(both())


def report(what: str, on: list[float], off: list[float]) -> None:
    with_, without = statistics.median(on), statistics.median(off)
    print(
        f"{what}: sandbox {with_:.1f} ms, none {without:.1f} ms (medians of {RUNS}): "
        f"+{with_ - without:.1f} ms, ×{with_ / without:.2f}"
    )


def main() -> None:
    if not sandbox.status().available:
        sys.exit(f"No sandbox to measure here: {sandbox.status().reason}.")
    report("POST -> first event", *through_the_api())
    report("launch -> ready    ", *launches())


if __name__ == "__main__":
    main()
