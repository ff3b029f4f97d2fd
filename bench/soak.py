"""200 runs in a row: no leftover processes, flat server memory.

    python bench/soak.py [--runs 200]  (goals: 0 leftover processes; RSS flat)

Each run is the real worker running ``race`` (2 threads × 50 iterations), started with
POST /api/runs and followed on its SSE stream to ``end`` before the next one starts.
Processes: every live process whose environment carries the server's marker (workers,
their children, orphans), checked after each run and at the end.  Memory: the server's
VmRSS after the 10th run (warm) and every 50 runs.  Ended runs stay in memory up to
``keep_runs`` (default 500): they are the newest recordings, kept for fast replays, so
a soak longer than that is what shows the plateau; this one sets THREADLAB_KEEP_RUNS=50
to show the plateau within 200 runs, and also reports memory with the defaults.
"""

from __future__ import annotations

import argparse
import time

import httpx
from _server import threadlab_server

BODY = {"scenario": "race", "params": {"threads": 2, "iterations": 50}}


def soak(runs: int, **env: str) -> None:
    with threadlab_server(**env) as server, httpx.Client(base_url=server.url, timeout=60) as http:
        rss: dict[int, int] = {0: server.rss()}
        leftovers, statuses, begin = 0, set(), time.perf_counter()
        for i in range(1, runs + 1):
            run = http.post("/api/runs", json=BODY).json()
            with http.stream("GET", run["links"]["events"]) as response:
                for _ in response.iter_raw():
                    pass
            statuses.add(http.get(f"/api/runs/{run['id']}").json()["status"])
            deadline = time.monotonic() + 2  # a worker may still be exiting
            while server.started() and time.monotonic() < deadline:
                time.sleep(0.01)
            leftovers = max(leftovers, len(server.started()))
            if i == 10 or i % 50 == 0:
                rss[i] = server.rss()
        seconds = time.perf_counter() - begin
        label = ", ".join(f"{k}={v}" for k, v in env.items()) or "defaults"
        mb = "  ".join(f"#{i}: {v / 2**20:.1f}" for i, v in rss.items())
        print(
            f"[{label}] {runs} runs in {seconds:.1f} s ({seconds / runs * 1000:.0f} ms each), "
            f"statuses {sorted(statuses)}"
        )
        print(
            f"  leftover processes after any run: {leftovers}; at the end: {len(server.started())}"
        )
        print(f"  server RSS (MB) {mb}")
        print(f"  RSS run 10 -> run {runs}: {(rss[runs] - rss[10]) / 2**20:+.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    soak(args.runs, THREADLAB_KEEP_RUNS="50")
    soak(args.runs)


if __name__ == "__main__":
    main()
