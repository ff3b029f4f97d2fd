"""30 Run presses in the same second, and /healthz while gil-cpu burns both cores.

    python bench/run_storm.py [--presses 30]
    (goals: runs queue with a position; at most max_runs workers at any moment; presses
     past the queue cap get 429 + Retry-After; /healthz p99 ≤ 50 ms throughout)

Part 1 (fake worker, default limits max_runs=2, queue_size=8, rate limit off): 30
POST /api/runs fired together from one asyncio client; each accepted run is a fake
``paced`` run of ~1 s.  Meanwhile one thread polls every accepted run's status and queue
position, one counts the server's worker processes (its direct children, from /proc,
every 25 ms), and one times GET /healthz every 20 ms.
Part 2 (real worker): two ``gil-cpu`` runs (both worker slots, CPU-bound threads and
processes on both cores), /healthz timed the same way until they end.
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable

import httpx
from _server import Served, fake_header, threadlab_server

OVER = {"finished", "deadlocked", "failed", "timed_out", "cancelled", "interrupted"}


class Sampler(threading.Thread):
    """Calls ``probe`` every ``every`` s until stopped; keeps what it returns."""

    def __init__(self, probe: Callable[[], object], every: float) -> None:
        super().__init__(daemon=True)
        self.probe, self.every = probe, every
        self.values: list[object] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(self.every):
            self.values.append(self.probe())

    def stop(self) -> list[object]:
        self.halt.set()
        self.join(10)
        return self.values


def healthz(url: str) -> Sampler:
    http = httpx.Client(base_url=url, timeout=10)

    def probe() -> float:
        begin = time.perf_counter()
        assert http.get("/healthz").status_code == 200
        return time.perf_counter() - begin

    return Sampler(probe, 0.02)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def latency_line(values: list[float]) -> str:
    return (
        f"{len(values)} probes, p50 {pct(values, 0.5) * 1000:.1f} ms, "
        f"p99 {pct(values, 0.99) * 1000:.1f} ms, max {max(values) * 1000:.1f} ms"
    )


async def press(url: str, presses: int) -> tuple[list[httpx.Response], float]:
    body, script = {"scenario": "race"}, fake_header({"fake": "paced", "n": 10, "interval": 0.1})
    limits = httpx.Limits(max_connections=presses)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as http:
        begin = time.perf_counter()
        answers = await asyncio.gather(
            *(http.post("/api/runs", json=body, headers=script) for _ in range(presses))
        )
        return list(answers), time.perf_counter() - begin


def storm(server: Served, presses: int) -> None:
    health = healthz(server.url)
    workers = Sampler(lambda: len(server.children()), 0.025)
    health.start()
    workers.start()
    time.sleep(0.3)
    answers, spread = asyncio.run(press(server.url, presses))
    accepted = [a.json()["id"] for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code == 429]
    statuses: dict[str, set[str]] = {run: set() for run in accepted}
    positions: dict[str, list[int]] = {run: [] for run in accepted}
    with httpx.Client(base_url=server.url, timeout=10) as http:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            live = 0
            for run in accepted:
                state = http.get(f"/api/runs/{run}").json()
                statuses[run].add(state["status"])
                seen = positions[run]
                if state["queue_position"] is not None and seen[-1:] != [state["queue_position"]]:
                    seen.append(state["queue_position"])
                live += state["status"] not in OVER
            if not live:
                break
            time.sleep(0.1)
    latencies = [float(x) for x in health.stop()]  # type: ignore[arg-type]
    counts = [int(x) for x in workers.stop()]  # type: ignore[call-overload]
    codes = Counter(a.status_code for a in answers)
    print(
        f"presses:                {presses} in {spread * 1000:.0f} ms -> "
        f"{dict(sorted(codes.items()))}"
    )
    if refused:
        retry = sorted({a.headers.get("Retry-After") for a in refused})
        print(
            f"429 Retry-After (s):    {', '.join(map(str, retry))} "
            f"(on all {len(refused)} refused presses)"
        )
        print(f"429 message:            {refused[0].json()['detail']}")
    seen = Counter(s for run in accepted for s in statuses[run])
    print(f"statuses seen (runs):   {dict(seen)}")
    queued = sorted((p for p in positions.values() if p), key=lambda p: p[0])
    paths = "  ".join("→".join(map(str, p)) for p in queued)
    print(f"queue positions seen:   {len(queued)} runs queued, each run's positions: {paths}")
    print(
        f"worker processes:       max {max(counts)} at once over {len(counts)} samples "
        f"(max_runs 2); now {len(server.children())}"
    )
    print(f"/healthz during storm:  {latency_line(latencies)}")


def gil(server: Served) -> None:
    health = healthz(server.url)
    workers = Sampler(lambda: len(server.children()), 0.05)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        health.start()
        workers.start()
        begin = time.perf_counter()
        runs = [http.post("/api/runs", json={"scenario": "gil-cpu"}).json() for _ in range(2)]
        for run in runs:
            with http.stream("GET", run["links"]["events"]) as response:
                for _ in response.iter_raw():
                    pass
        seconds = time.perf_counter() - begin
        status = [http.get(f"/api/runs/{run['id']}").json()["status"] for run in runs]
    latencies = [float(x) for x in health.stop()]  # type: ignore[arg-type]
    counts = [int(x) for x in workers.stop()]  # type: ignore[call-overload]
    print(f"gil-cpu ×2 (real):      {seconds:.1f} s, {status}, max {max(counts)} workers")
    print(f"/healthz during gil-cpu: {latency_line(latencies)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=30)
    args = parser.parse_args()
    fake = {"THREADLAB_WORKER_MODULE": "tests.fakes.worker", "THREADLAB_TEST_HOOKS": "1"}
    with threadlab_server(**fake) as server:
        storm(server, args.presses)
    with threadlab_server() as server:
        gil(server)


if __name__ == "__main__":
    main()
