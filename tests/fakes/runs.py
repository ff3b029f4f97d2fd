"""A ``RunManager`` on the fake worker (``tests/fakes/worker.py``), and what tests ask of
its runs: submit one that misbehaves on request, wait for its end, read its end event."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

from app.runs.manager import RunManager
from app.runs.run import Run
from app.settings import Settings


def conclude(scenario: str, params: dict, events: list[dict], status: str) -> Any:
    """A stand-in analysis: a verdict that names the status, and a cycle if deadlocked."""
    return SimpleNamespace(
        verdict={"summary": f"{status} after {len(events)} events", "facts": {}},
        deadlock={"cycle": ["T1", "L1", "T2", "L2"]} if status == "deadlocked" else None,
    )


@asynccontextmanager
async def manager(**overrides: Any) -> AsyncIterator[RunManager]:
    """A started manager (2 slots, 1 place in line unless overridden), stopped after."""
    analysis = overrides.pop("conclude", conclude)
    store = overrides.pop("store", None)
    settings = Settings(
        **{"worker_module": "tests.fakes.worker", "max_runs": 2, "queue_size": 1, **overrides}
    )
    runs = RunManager(settings, conclude=analysis, store=store)
    await runs.start()
    try:
        yield runs
    finally:
        await runs.stop()


def submit(runs: RunManager, fake: str, **options: Any) -> Run:
    return runs.submit("race", {}, options={"fake": fake, **options})


async def ended(run: Run, timeout: float = 10) -> Run:
    """Wait until the run's log has its end event."""

    async def drain() -> None:
        async for _ in run.log.follow():
            pass

    await asyncio.wait_for(drain(), timeout)
    return run


def end_detail(run: Run) -> dict[str, Any]:
    last = run.log.events[-1]
    assert last["kind"] == "end" and last["thread"] is None
    return last["detail"]


def assert_consistent(run: Run) -> None:
    events = run.log.events
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert all(a["t"] <= b["t"] for a, b in itertools.pairwise(events))
    assert [e["kind"] for e in events].count("end") == 1
