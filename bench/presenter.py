"""Presenter mode: time from the presenter's POST to each of 100 followers' streams.

    python bench/presenter.py        (target: p95 ≤ 200 ms with 100 followers, loopback)

A server with the fake worker records one short run.  100 followers open its presence
stream (``GET /api/runs/{id}/presence``) with httpx in one asyncio process; once all are
counted, the presenter POSTs ROUNDS positions, one after another.  Each sample is one
follower's latency for one POST: from just before the POST is sent to the moment that
follower has parsed the message.  The followers' own parsing (100 streams in one Python
process) is part of every sample, as a browser's would be.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time

import httpx
from _server import fake_header, threadlab

FOLLOWERS = 100
ROUNDS = 50


class Follower:
    def __init__(self, received: dict[int, list[float]], joined: asyncio.Event) -> None:
        self.received, self.joined = received, joined

    async def follow(self, http: httpx.AsyncClient, path: str) -> None:
        event = None
        async with http.stream("GET", path) as response:
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                    if event == "presenter":
                        self.received.setdefault(data["version"], []).append(time.perf_counter())
                    elif event == "viewers" and data["count"] >= FOLLOWERS:
                        self.joined.set()


async def bench(url: str) -> list[float]:
    limits = httpx.Limits(max_connections=FOLLOWERS + 10, max_keepalive_connections=10)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        script = fake_header({"fake": "events", "n": 200})
        run = (await http.post("/api/runs", json={"scenario": "race"}, headers=script)).json()
        async with http.stream("GET", run["links"]["events"]) as response:
            await response.aread()  # the run has ended
        received: dict[int, list[float]] = {}
        joined = asyncio.Event()
        path = f"/api/runs/{run['id']}/presence"
        tasks = [
            asyncio.create_task(Follower(received, joined).follow(http, path))
            for _ in range(FOLLOWERS)
        ]
        await asyncio.wait_for(joined.wait(), 30)
        latencies = []
        token = {"X-Control-Token": run["control_token"]}
        presenter = f"/api/runs/{run['id']}/presenter"
        for version in range(1, ROUNDS + 1):
            sent = time.perf_counter()
            body = {"seq": version, "playing": version % 2 == 0, "speed": 1}
            answer = await http.post(presenter, json=body, headers=token)
            assert answer.json()["version"] == version
            while len(received.get(version, [])) < FOLLOWERS:  # yield to the followers
                await asyncio.sleep(0.001)
            latencies += [t - sent for t in received[version]]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return latencies


def main() -> None:
    env = {"THREADLAB_WORKER_MODULE": "tests.fakes.worker", "THREADLAB_TEST_HOOKS": "1"}
    with threadlab(**env) as url:
        latencies = sorted(asyncio.run(bench(url)))
    ms = [s * 1000 for s in latencies]
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(f"followers: {FOLLOWERS}, presenter messages: {ROUNDS}, samples: {len(ms)}")
    print(f"p50 {statistics.median(ms):.1f} ms   p95 {p95:.1f} ms   max {ms[-1]:.1f} ms")
    print("target: p95 ≤ 200 ms —", "met" if p95 <= 200 else "NOT met")


if __name__ == "__main__":
    main()
