"""Recorder: seq assigned on append, take() hands out the gap-free prefix in seq order
with t never decreasing, seal() ends the log."""

from __future__ import annotations

import json
import sys
import threading

from app.instrument.events import decode
from app.instrument.recorder import Recorder


class FakeClock:
    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def record(rec: Recorder, kind: str = "read", thread: str = "T1") -> None:
    rec.record(kind, thread, "Running", "counter", 3, {"value": 1})


def seqs(records: list) -> list[int]:
    return [r[0] for r in records]


def test_take_returns_new_records_in_order_once() -> None:
    clock = FakeClock()
    rec = Recorder(clock)
    assert rec.take() == []
    for i in range(3):
        clock.now += 1
        record(rec, thread=f"T{i}")
    batch = rec.take()
    assert seqs(batch) == [1, 2, 3]
    assert [r[3] for r in batch] == ["T0", "T1", "T2"]
    assert rec.take() == []
    record(rec)
    assert seqs(rec.take()) == [4]
    assert rec.recorded() == 4


def test_out_of_order_appends_wait_for_the_gap_then_come_out_sorted() -> None:
    # Two threads took seq 1 and 2, but the second appended first.
    clock = FakeClock()
    rec = Recorder(clock)
    one, two, three = rec.next_seq(), rec.next_seq(), rec.next_seq()
    rec.pending.append((three, 103.0, "read", "T3", "Running", None, None, {}))
    rec.pending.append((two, 102.0, "read", "T2", "Running", None, None, {}))
    assert rec.take() == []  # 1 is missing: nothing may go out yet
    assert rec.recorded() == 2
    rec.pending.append((one, 101.0, "read", "T1", "Running", None, None, {}))
    out = rec.take()
    assert seqs(out) == [1, 2, 3]
    assert [r[3] for r in out] == ["T1", "T2", "T3"]


def test_t_is_clamped_so_it_never_decreases() -> None:
    rec = Recorder(FakeClock(100.0))
    a, b, c = rec.next_seq(), rec.next_seq(), rec.next_seq()
    # seq 2 read the clock before seq 1 did (it was preempted between seq and clock).
    rec.pending += [
        (a, 100.5, "read", "T1", "Running", None, None, {}),
        (b, 100.2, "read", "T2", "Running", None, None, {}),
    ]
    events = [rec.to_event(r) for r in rec.take()]
    assert [e["t"] for e in events] == [0.5, 0.5]  # relative to the origin, clamped
    rec.pending.append((c, 100.1, "read", "T3", "Running", None, None, {}))
    assert [rec.to_event(r)["t"] for r in rec.take()] == [0.5]  # across batches too


def test_seal_appends_the_final_events_and_stops_recording() -> None:
    clock = FakeClock()
    rec = Recorder(clock)
    record(rec)
    lost = rec.next_seq()  # a thread cut off between taking its seq and appending
    rec.pending.append((lost + 1, 100.0, "read", "T2", "Running", None, None, {}))
    clock.now = 107.0
    out = rec.seal([("exit", "T2", "Dead", None, {"killed": "shutdown"})])
    assert seqs(out) == [1, 2]  # seq 3 (after the hole) is dropped, the exit follows 1
    assert out[1][2:5] == ("exit", "T2", "Dead")
    assert out[1][1] == 107.0
    record(rec)  # after the seal: ignored
    assert rec.take() == []
    assert rec.enabled is False


def test_event_limit_calls_back_once_at_the_limit() -> None:
    hits = []
    rec = Recorder(FakeClock(), max_events=3, on_limit=hits.append)
    for _ in range(5):
        record(rec)
    assert hits == [3]


def test_encode_batch_is_json_lines_of_valid_events() -> None:
    rec = Recorder(FakeClock())
    record(rec)
    rec.record("output", None, None, None, None, {"text": "héllo"})
    data = rec.encode_batch(rec.take())
    lines = data.decode().splitlines()
    assert len(lines) == 2 and data.endswith(b"\n")
    events = [decode(line) for line in lines]
    assert [e["seq"] for e in events] == [1, 2]
    assert lines[0].startswith('{"seq":1,"t":0.0,"kind":"read",')
    assert json.loads(lines[1])["detail"] == {"text": "héllo"}
    assert rec.encode_batch([]) == b""


def test_concurrent_records_come_out_gap_free_and_complete() -> None:
    rec = Recorder()
    taken: list = []
    stop = threading.Event()

    def drain() -> None:  # like the worker's writer thread
        while not stop.wait(0.001):
            taken.extend(rec.take())

    def work(name: str) -> None:
        for _ in range(2000):
            record(rec, thread=name)

    writer = threading.Thread(target=drain)
    writer.start()
    threads = [threading.Thread(target=work, args=(f"T{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    writer.join()
    taken.extend(rec.take())
    assert seqs(taken) == list(range(1, 8001))
    ts = [r[1] for r in taken]
    assert ts == sorted(ts)


def test_take_never_drops_a_record_appended_while_it_drains() -> None:
    """Regression: ``take`` copied ``pending`` and then emptied it in a second step; a
    record appended between the two was lost, its seq became a gap, and the worker
    never sent another event (about half of the browser runs of `race` failed with
    "expected seq 1, got N").  A switch interval of 1 µs makes that window easy to hit."""
    rec = Recorder()
    taken: list = []
    done = threading.Event()

    def work() -> None:
        for _ in range(20_000):
            record(rec, thread="T1")
        done.set()

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        while not done.is_set():
            taken.extend(rec.take())
        worker.join()
    finally:
        sys.setswitchinterval(old)
    taken.extend(rec.take())
    assert seqs(taken) == list(range(1, 20_001))
