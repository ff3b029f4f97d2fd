"""What recording costs: SQLite writes per event, by batch size, and a whole run.

    python bench/recording.py

1. The store alone: ``SqliteStore.save`` of N realistic events (the canonical JSON of
   a race run's events) in batches of 1, 16, 256 and 4,096, WAL mode, one writer.
2. Through the run manager: a flooding fake worker writes 200,000 events; we time the
   run from submit to the end event, then until its recording is complete, with and
   without a store.  The difference is what recording adds to a run's end.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.instrument.events import encode, make
from app.runs.manager import RunManager
from app.runs.recordings import to_record
from app.runs.run import Run
from app.runs.store import SqliteStore, StoredEvent
from app.settings import Settings

N = 100_000
FLOOD = 200_000


def bodies(n: int) -> list[bytes]:
    return [
        encode(make(i, i * 1e-6, "read", "T1", "Running", "counter", 12, {"value": i})).encode()
        for i in range(1, n + 1)
    ]


def store_cost(batch: int, data: Path) -> float:
    """Microseconds per event for N events written in batches of ``batch``."""
    store = SqliteStore(data / f"b{batch}.sqlite3")
    store.open()
    run = Run("race", {"threads": 4}, "free", 1, "random", {})
    events = [StoredEvent(i, b) for i, b in enumerate(bodies(N), 1)]
    begin = time.perf_counter()
    for start in range(0, N, batch):
        store.save(to_record(run, start + batch), events[start : start + batch])
    elapsed = time.perf_counter() - begin
    store.close()
    return elapsed / N * 1e6


async def flood(data: Path | None) -> tuple[float, float]:
    settings = Settings(
        worker_module="tests.fakes.worker", max_events=FLOOD * 2, data_dir=data or Path("/none")
    )
    store = SqliteStore(data / "flood.sqlite3") if data else None
    runs = RunManager(settings, conclude=lambda *a: None, store=store)
    await runs.start()
    begin = time.perf_counter()
    run = runs.submit("race", {}, options={"fake": "flood", "n": FLOOD})
    async for _ in run.log.follow():
        pass
    ended = time.perf_counter() - begin
    await runs.recorded(run.id)
    recorded = time.perf_counter() - begin
    await runs.stop()
    return ended, recorded


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        print(f"store alone, {N:,} events:")
        for batch in (1, 16, 256, 4096):
            cost = statistics.median(store_cost(batch, data / str(i)) for i in range(3))
            print(f"  batches of {batch:>5,}: {cost:6.2f} µs/event")
        plain = [asyncio.run(flood(None)) for _ in range(3)]
        stored = [asyncio.run(flood(data / f"f{i}")) for i in range(3)]
    off = statistics.median(e for e, _ in plain)
    on_end = statistics.median(e for e, _ in stored)
    on_done = statistics.median(r for _, r in stored)
    print(f"a flooding run of {FLOOD:,} events through the run manager:")
    print(f"  without a store: end event after {off:.2f} s ({FLOOD / off:,.0f} events/s)")
    print(f"  with recording:  end event after {on_end:.2f} s, recording complete {on_done:.2f} s")
    print(f"  recording adds {(on_end - off) / FLOOD * 1e6:.2f} µs/event to the live path")


if __name__ == "__main__":
    main()
