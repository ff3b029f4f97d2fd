"""The GIL lane (app/instrument/gil.py): its log keeps the contract and the consistency
rules, and the GIL scenarios show what they teach with it — CPU-bound threads take
turns, sleeping threads hold nothing.  Each case is one real worker process."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from app.analysis.history import check, replay
from app.analysis.verdicts.gil import lane
from app.instrument.events import Event, make, validate
from app.instrument.gil import GilHook
from app.instrument.recorder import Recorder
from app.instrument.runtime import Runtime
from app.worker.protocol import is_event_line
from tests.unit.test_scenarios import ROOT, run_worker

pytestmark = pytest.mark.timeout(90)


def holding(events: list[Event]) -> dict[str, list[tuple[float, float]]]:
    """Each thread's intervals of holding the GIL, from the ``gil`` events."""
    marks = [(e["t"], e["thread"]) for e in events if e["kind"] == "gil"]
    end = events[-1]["t"]
    out: dict[str, list[tuple[float, float]]] = {}
    for (t, who), (t2, _) in zip(marks, [*marks[1:], (end, None)], strict=True):
        if who is not None:
            out.setdefault(who, []).append((t, t2))
    return out


def test_gil_cpu_two_threads_take_turns() -> None:
    result = run_worker("gil-cpu", {"tasks": 2, "millions": 5, "rounds": 1})
    assert result.status == "finished", result.message
    assert all(validate(e) is None for e in result.events)
    assert check(result.events) == []
    measured = result.verdict["facts"]["lane"]
    assert measured["handoffs"] >= 10
    assert set(measured["shares"]) == {"T1", "T2"}
    assert all(s["holding"] > 0 and s["wanting"] > 0 for s in measured["shares"].values())
    gil = [e for e in result.events if e["kind"] == "gil"]
    assert gil[0]["thread"] is None and "method" in gil[0]["detail"]
    assert any("off" in e["detail"] for e in gil)  # the timed rounds ran without it
    assert len(gil) < 2_000


def test_a_longer_switch_interval_makes_longer_slices() -> None:
    slices = {}
    for ms in (1.0, 20.0):
        result = run_worker("gil-cpu", {"tasks": 2, "millions": 5, "rounds": 1, "switch_ms": ms})
        slices[ms] = result.verdict["facts"]["lane"]["median_slice_ms"]
    assert slices[20.0] > 2 * slices[1.0]


def test_gil_io_sleeping_threads_hold_nothing() -> None:
    result = run_worker("gil-io", {"requests": 4, "latency": 0.1})
    assert result.status == "finished", result.message
    assert check(result.events) == []
    held = holding(result.events)
    sleeping: dict[str, list[tuple[float, float]]] = {}
    start: dict[str, float] = {}
    for e in result.events:
        if e["kind"] == "block" and e["detail"].get("reason") == "sleep":
            start[e["thread"]] = e["t"]
        elif e["kind"] == "wake" and e["thread"] in start:
            sleeping.setdefault(e["thread"], []).append((start.pop(e["thread"]), e["t"]))
    assert {f"T{i}" for i in range(1, 5)} <= set(sleeping) and set(sleeping) <= set(held)
    for name, sleeps in sleeping.items():
        overlap = sum(max(0.0, min(b, d) - max(a, c)) for a, b in sleeps for c, d in held[name])
        asleep = sum(b - a for a, b in sleeps)
        assert overlap < 0.01 * asleep, (name, overlap, asleep)


def run_with_lane(scenario_id: str) -> tuple[str, list[Event]]:
    """A free-mode run with the lane on (the run option), through the real worker."""
    spec = {
        "scenario": scenario_id,
        "params": {},
        "mode": "free",
        "seed": 0,
        "policy": "random",
        "options": {"gil_lane": True},
        "limits": {"wall_time": 20, "max_events": 20_000, "max_threads": 64, "idle_time": 900},
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.worker.runner"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(spec).encode() + b"\n")
    proc.stdin.flush()  # stdin stays open until "done": closing it cancels the run
    events: list[Event] = []
    status = "crashed"
    try:
        for line in proc.stdout:
            if is_event_line(line):
                events.append(json.loads(line))
            elif json.loads(line).get("msg") in ("done", "error"):
                status = str(json.loads(line).get("status"))
                break
    finally:
        proc.kill()
        proc.communicate()
    return status, events


@pytest.mark.parametrize("scenario", ["race-locked", "condition", "readers-writers", "deadlock"])
def test_the_lane_on_any_program_keeps_the_history_consistent(scenario: str) -> None:
    status, events = run_with_lane(scenario)
    assert status in ("finished", "deadlocked")
    assert check(events) == []
    holders = {e["thread"] for e in events if e["kind"] == "gil"} - {None}
    assert len(holders) >= 2


def _log(*rows: tuple[str, str | None, str | None, dict[str, Any]]) -> list[Event]:
    return [
        make(seq, seq / 1000, kind, thread, state, None, None, detail)
        for seq, (kind, thread, state, detail) in enumerate(rows, start=1)
    ]


def test_check_two_holders_and_a_blocked_holder() -> None:
    base = [
        ("create", "A", "New", {}),
        ("start", "A", "Runnable", {}),
        ("run", "A", "Running", {}),
        ("gil", None, None, {"gil": True, "method": "test"}),
        ("gil", "A", None, {}),
    ]
    assert check(_log(*base)) == []
    two = _log(*base, ("gil", None, None, {"holders": ["A", "B"]}))
    assert any("two GIL holders" in p for p in check(two))
    no_gil = _log(
        *base[:3], ("gil", None, None, {"gil": False}), ("gil", None, None, {"holders": ["A", "B"]})
    )
    assert check(no_gil) == []
    blocked = _log(
        *base[:4], ("block", "A", "Blocked", {"reason": "sleep"}), ("gil", "A", None, {})
    )
    assert any("holds the GIL while Blocked" in p for p in check(blocked))
    history = replay(_log(*base, ("output", None, None, {"text": "x"})))
    assert lane(history)["shares"]["A"]["holding"] > 0


def test_without_a_gil_the_lane_lists_every_thread_executing() -> None:
    """A free-threaded build (not this one: the hook is told so) records ``holders``."""
    hook = GilHook({"<none>"})
    hook.with_gil = False
    recorder = Recorder()
    rt = Runtime(recorder, hook, recorder.now)
    info = rt.new_thread("A", daemon=False)
    rt.bind(info)
    rt.emit("create", state="New", info=info, line=None)
    rt.emit("start", state="Runnable", info=info, line=None)
    hook.begin(rt, info)
    hook.sleep(rt, 0.001, "sleep")
    rt.emit("exit", state="Dead", info=info, line=None)
    hook.end(rt, info)
    events = [recorder.to_event(r) for r in recorder.take()]
    assert check(events) == []
    gil = [e["detail"] for e in events if e["kind"] == "gil"]
    assert gil[0]["gil"] is False and "method" in gil[0]
    assert [d["holders"] for d in gil[1:]] == [["A"], [], ["A"], []]
