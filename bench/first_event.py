"""POST /api/runs → first event on the SSE stream: median latency of 20 runs.

    python bench/first_event.py          (target: median ≤ 150 ms)

Uses the real worker and the ``race`` scenario with its defaults; each run is followed
to its end before the next one starts, so no run waits in the queue.
"""

from __future__ import annotations

import statistics
import time

import httpx
from _server import threadlab

RUNS = 20


def first_event_ms(http: httpx.Client) -> float:
    begin = time.perf_counter()
    run = http.post("/api/runs", json={"scenario": "race"}).json()
    latency = None
    with http.stream("GET", run["links"]["events"]) as response:
        for line in response.iter_lines():
            if latency is None and line.startswith("id: "):
                latency = (time.perf_counter() - begin) * 1000
    assert latency is not None, "the run sent no event"
    return latency


def main() -> None:
    with threadlab() as url, httpx.Client(base_url=url, timeout=30) as http:
        first_event_ms(http)  # warm-up: imports, caches
        samples = [first_event_ms(http) for _ in range(RUNS)]
    print(
        f"POST -> first event: median {statistics.median(samples):.1f} ms "
        f"(min {min(samples):.1f}, max {max(samples):.1f}, n={RUNS})"
    )


if __name__ == "__main__":
    main()
