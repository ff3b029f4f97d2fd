"""The Chrome trace export: lanes, state spans, operations and release→acquire flows,
on a hand-made log and on a real controlled run."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from app.analysis.trace import chrome_trace
from app.instrument.events import Event, make
from app.worker.trial import run_trial


def log() -> list[Event]:
    rows: list[tuple[Any, ...]] = [
        (0.0, "create", "T1", "New", None, {}),
        (0.0, "start", "T1", "Runnable", None, {}),
        (0.000001, "run", "T1", "Running", None, {}),
        (0.000002, "declare", "T1", "Running", "lock", {"type": "Lock"}),
        (0.000003, "acquire", "T1", "Running", "lock", {}),
        (0.000004, "create", "T2", "New", None, {}),
        (0.000005, "start", "T2", "Runnable", None, {}),
        (0.000006, "run", "T2", "Running", None, {}),
        (0.000007, "block", "T2", "Blocked", "lock", {"reason": "acquire", "timeout": None}),
        (0.000010, "release", "T1", "Running", "lock", {}),
        (0.000011, "wake", "T2", "Runnable", "lock", {}),
        (0.000012, "run", "T2", "Running", None, {}),
        (0.000012, "acquire", "T2", "Running", "lock", {}),
        (0.000013, "exit", "T1", "Dead", None, {}),
        (0.000020, "output", None, None, None, {"text": "done"}),
    ]
    return [make(i, t, k, th, s, o, 3, d) for i, (t, k, th, s, o, d) in enumerate(rows, 1)]


def by_phase(trace: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    phases: dict[str, list[dict[str, Any]]] = {}
    for ev in trace["traceEvents"]:
        phases.setdefault(ev["ph"], []).append(ev)
    return phases


def test_lanes_spans_operations_and_a_flow() -> None:
    trace = chrome_trace(log(), {"scenario": "race", "status": "finished"})
    assert trace["otherData"]["scenario"] == "race" and trace["displayTimeUnit"] == "ms"
    ph = by_phase(json.loads(json.dumps(trace)))
    names = {e["tid"]: e["args"]["name"] for e in ph["M"] if e["name"] == "thread_name"}
    assert names == {0: "run", 1: "T1", 2: "T2"}
    t2 = [(e["name"], e["ts"], e["dur"]) for e in ph["X"] if e["tid"] == 2]
    assert t2 == [
        ("New", 4.0, 1.0),
        ("Runnable", 5.0, 1.0),
        ("Running", 6.0, 1.0),
        ("Blocked", 7.0, 4.0),
        ("Runnable", 11.0, 1.0),
        ("Running", 12.0, 8.0),  # still running when the log ends
    ]
    blocked = next(e for e in ph["X"] if e["name"] == "Blocked")
    assert blocked["args"]["on"] == "lock" and blocked["args"]["reason"] == "acquire"
    assert [e["name"] for e in ph["X"] if e["tid"] == 1][-1] == "Running"  # Dead: no span
    ops = Counter(e["name"] for e in ph["i"] if e["s"] == "t")
    assert ops == {"declare lock": 1, "acquire lock": 2, "release lock": 1}
    assert all(e["cat"] == "Lock" for e in ph["i"] if e["s"] == "t")
    (output,) = (e for e in ph["i"] if e["s"] == "g")
    assert output["name"] == "output: done" and output["tid"] == 0
    (start,), (finish,) = ph["s"], ph["f"]
    assert start["id"] == finish["id"] and finish["bp"] == "e"
    assert (start["tid"], start["ts"], finish["tid"], finish["ts"]) == (1, 10.0, 2, 12.0)


def test_a_real_controlled_run_exports_a_well_formed_trace() -> None:
    trial = run_trial("race-locked", {"threads": 3, "iterations": 20}, 3, "random")
    ph = by_phase(chrome_trace(trial.events))
    threads = {e["args"]["name"] for e in ph["M"] if e["name"] == "thread_name"}
    assert {"MainThread", "T1", "T2", "T3"} <= threads
    for ev in ph["X"]:
        assert ev["dur"] >= 0 and {"ts", "pid", "tid", "name"} <= set(ev)
    assert any(e["name"].startswith("acquire ") for e in ph["i"])
    assert len(ph["s"]) == len(ph["f"]) > 0
    assert {e["id"] for e in ph["s"]} == {e["id"] for e in ph["f"]}
