"""The Chrome trace export: lanes, state spans, operations and release→acquire flows;
the GIL lane (measured, no GIL, a controlled run's baton); child processes, asyncio tasks
and library threads — on hand-made logs and on real runs."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from typing import Any

import pytest

from app.analysis.trace import chrome_trace
from app.instrument.events import Event, make
from app.worker.trial import run_trial
from tests.unit.test_scenarios import run_worker


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


def rows_to_log(rows: list[tuple[Any, ...]]) -> list[Event]:
    return [make(i, t, k, th, s, o, None, d) for i, (t, k, th, s, o, d) in enumerate(rows, 1)]


def names(trace: dict[str, Any], kind: str = "thread_name") -> dict[tuple[int, int], Any]:
    """(pid, tid) → the metadata ``kind``'s value."""
    return {
        (e["pid"], e["tid"]): next(iter(e["args"].values()))
        for e in trace["traceEvents"]
        if e["ph"] == "M" and e["name"] == kind
    }


def spans(trace: dict[str, Any], tid: int, pid: int = 1) -> list[tuple[str, float, float]]:
    return [
        (e["name"], e["ts"], e["dur"])
        for e in trace["traceEvents"]
        if e["ph"] == "X" and (e["pid"], e["tid"]) == (pid, tid)
    ]


MEASURED = {"gil": True, "method": "sys.settrace line events", "resolution": "one line"}


def gil_log() -> list[Event]:
    """Two threads take turns with the GIL; T1 blocks (nobody holds it); the lane ends."""
    return rows_to_log(
        [
            (0.0, "create", "MainThread", "New", None, {}),
            (0.0, "start", "MainThread", "Runnable", None, {}),
            (0.0, "run", "MainThread", "Running", None, {}),
            (0.0, "gil", None, None, None, MEASURED),
            (0.000001, "gil", "MainThread", None, None, {}),
            (0.000002, "create", "T1", "New", None, {}),
            (0.000002, "start", "T1", "Runnable", None, {}),
            (0.000003, "run", "T1", "Running", None, {}),
            (0.000004, "gil", "T1", None, None, {}),
            (0.000010, "gil", "MainThread", None, None, {}),
            (0.000012, "gil", "T1", None, None, {}),
            (0.000015, "block", "T1", "Blocked", None, {"reason": "sleep", "seconds": 1}),
            (0.000015, "gil", None, None, None, {}),
            (0.000020, "gil", "MainThread", None, None, {}),
            (0.000030, "gil", None, None, None, {"off": "time"}),
            (0.000040, "wake", "T1", "Runnable", None, {"timed_out": False}),
            (0.000050, "exit", "MainThread", "Dead", None, {}),
        ]
    )


def test_the_gil_lane_is_one_slice_per_holding_span() -> None:
    trace = json.loads(json.dumps(chrome_trace(gil_log(), {"mode": "free"})))
    assert names(trace) == {(1, 0): "run", (1, 1): "MainThread", (1, 2): "T1", (1, 3): "GIL"}
    assert names(trace, "thread_sort_index") == {(1, 0): 0, (1, 3): 1, (1, 1): 2, (1, 2): 3}
    assert spans(trace, 3) == [
        ("MainThread holds the GIL", 1.0, 3.0),
        ("T1 holds the GIL", 4.0, 6.0),
        ("MainThread holds the GIL", 10.0, 2.0),
        ("T1 holds the GIL", 12.0, 3.0),  # then nobody: T1 sleeps
        ("MainThread holds the GIL", 20.0, 10.0),  # the lane stops measuring
    ]
    gil_x = [e for e in trace["traceEvents"] if e["ph"] == "X" and e["tid"] == 3]
    assert {e["cat"] for e in gil_x} == {"gil"} and gil_x[1]["args"] == {"holder": "T1", "seq": 9}
    notes = [(e["name"], e["ts"]) for e in trace["traceEvents"] if e["ph"] == "i"]
    assert notes == [("GIL lane", 0.0), ("GIL lane off: time", 30.0)]  # on the lane, not global
    assert all(e["tid"] == 3 and e["s"] == "t" for e in trace["traceEvents"] if e["ph"] == "i")
    # The hand-offs change no thread's spans: the same as without them.
    plain = chrome_trace([e for e in gil_log() if e["kind"] != "gil"])
    assert [spans(trace, tid) for tid in (1, 2)] == [spans(plain, tid) for tid in (1, 2)]
    assert spans(trace, 2) == [
        ("New", 2.0, 0.0), ("Runnable", 2.0, 1.0), ("Running", 3.0, 12.0),
        ("Blocked", 15.0, 25.0), ("Runnable", 40.0, 10.0),
    ]  # fmt: skip


def test_without_a_gil_each_executing_thread_gets_a_lane() -> None:
    log = rows_to_log(
        [
            (0.0, "create", "T1", "New", None, {}),
            (0.0, "create", "T2", "New", None, {}),
            (0.0, "gil", None, None, None, {**MEASURED, "gil": False}),
            (0.000001, "gil", None, None, None, {"holders": ["T1"]}),
            (0.000002, "gil", None, None, None, {"holders": ["T1", "T2"]}),
            (0.000005, "gil", None, None, None, {"holders": ["T2"]}),
            (0.000007, "gil", None, None, None, {"holders": []}),
            (0.000009, "gil", None, None, None, {"holders": ["T1"]}),
            (0.000010, "exit", "T1", "Dead", None, {}),
        ]
    )
    trace = chrome_trace(log)
    assert names(trace) == {
        (1, 0): "run", (1, 1): "T1", (1, 2): "T2",
        (1, 3): "no GIL", (1, 4): "no GIL · T1", (1, 5): "no GIL · T2",
    }  # fmt: skip
    assert spans(trace, 3) == []  # the lane's own: its first event only
    assert spans(trace, 4) == [
        ("T1 executes bytecode", 1.0, 4.0),
        ("T1 executes bytecode", 9.0, 1.0),
    ]
    assert spans(trace, 5) == [("T2 executes bytecode", 2.0, 5.0)]
    assert (
        names(trace, "thread_sort_index")[(1, 5)] == 3 < names(trace, "thread_sort_index")[(1, 1)]
    )


def test_a_controlled_run_without_gil_events_draws_the_baton() -> None:
    trace = chrome_trace(log(), {"mode": "controlled"})
    assert names(trace)[(1, 3)] == "baton"
    assert spans(trace, 3) == [
        ("T1 has the baton", 1.0, 5.0),  # until T2 runs
        ("T2 has the baton", 6.0, 1.0),  # until it blocks
        ("T2 has the baton", 12.0, 8.0),  # T1's exit is not a hand-off: T2 had it
    ]
    assert (
        chrome_trace(log(), {"mode": "free"})["traceEvents"] == chrome_trace(log())["traceEvents"]
    )
    assert (1, 3) not in names(chrome_trace(log(), {"mode": "free"}))


def test_a_real_controlled_run_passes_the_baton_one_thread_at_a_time() -> None:
    trial = run_trial("race-locked", {"threads": 3, "iterations": 20}, 3, "random")
    trace = chrome_trace(trial.events, {"mode": "controlled"})
    (baton,) = (tid for (_, tid), name in names(trace).items() if name == "baton")
    slices = spans(trace, baton)
    runs = [e for e in trial.events if e["kind"] == "run"]
    assert len(slices) == len(runs) > 3
    for (_, ts, dur), (_, next_ts, _) in itertools.pairwise(slices):
        assert dur >= 0 and ts + dur <= next_ts  # never two holders at once


def process_log() -> list[Event]:
    """MainThread starts a child process (whose thread uses its own lock twice), runs an
    asyncio task, and a library thread runs by itself."""
    worker = "Process-1/Thread-1 (worker)"
    return rows_to_log(
        [
            (0.0, "create", "MainThread", "New", None, {}),
            (0.0, "run", "MainThread", "Running", None, {}),
            (0.000001, "create", "QueueFeederThread", "New", None,
             {"adopted": True, "internal": True}),
            (0.000002, "create", "Process-1/MainThread", "New", None,
             {"daemon": False, "pid": 4242, "target": "work"}),
            (0.000003, "start", "Process-1/MainThread", "Runnable", None, {"pid": 4242}),
            (0.000004, "run", "Process-1/MainThread", "Running", None, {}),
            (0.000005, "create", worker, "New", None, {"daemon": False}),
            (0.000006, "run", worker, "Running", None, {}),
            (0.000007, "acquire", "Process-1/MainThread", "Running", "Process-1/lock", {}),
            (0.000008, "release", "Process-1/MainThread", "Running", "Process-1/lock", {}),
            (0.000009, "acquire", worker, "Running", "Process-1/lock", {}),
            (0.000010, "create", "Task-1", "New", None,
             {"task": True, "loop": "MainThread", "target": "main"}),
            (0.000011, "create", "T2", "New", None, {}),
            (0.000012, "exit", worker, "Dead", None, {"killed": "its process ended (exit code 0)"}),
            (0.000012, "exit", "Process-1/MainThread", "Dead", None, {"pid": 4242, "exitcode": 0}),
        ]
    )  # fmt: skip


def test_a_child_process_is_a_trace_process_of_its_own() -> None:
    trace = json.loads(json.dumps(chrome_trace(process_log(), {"scenario": "procs"})))
    assert names(trace, "process_name") == {
        (1, 0): "Threadlab: procs",
        (2, 0): "Process-1 (pid 4242)",
    }
    assert names(trace, "process_sort_index") == {(1, 0): 0, (2, 0): 1}
    assert names(trace) == {
        (1, 0): "run",
        (1, 1): "MainThread",
        (1, 2): "QueueFeederThread",
        (2, 3): "MainThread",
        (2, 4): "Thread-1 (worker)",
        (1, 5): "Task-1 (task on MainThread)",
        (1, 6): "T2",
    }
    order = names(trace, "thread_sort_index")
    main = sorted((k for k in order if k[0] == 1), key=order.__getitem__)
    assert [names(trace)[k] for k in main] == [
        "run", "MainThread", "Task-1 (task on MainThread)", "T2", "QueueFeederThread",
    ]  # fmt: skip
    assert order[(2, 3)] < order[(2, 4)]
    assert {(e["pid"], e["tid"]) for e in trace["traceEvents"] if e["ph"] == "X"} == {
        (1, 1), (1, 2), (2, 3), (2, 4), (1, 5), (1, 6),
    }  # fmt: skip
    ops = [(e["name"], e["pid"], e["tid"]) for e in trace["traceEvents"] if e["ph"] == "i"]
    assert ops == [
        ("acquire Process-1/lock", 2, 3),
        ("release Process-1/lock", 2, 3),
        ("acquire Process-1/lock", 2, 4),
    ]
    (start,), (finish,) = by_phase(trace)["s"], by_phase(trace)["f"]
    assert (start["pid"], start["tid"], finish["pid"], finish["tid"]) == (2, 3, 2, 4)


def test_a_thread_named_with_a_slash_stays_in_the_program() -> None:
    log = rows_to_log([(0.0, "create", "a/b", "New", None, {})])
    assert names(chrome_trace(log), "process_name") == {(1, 0): "Threadlab run"}


@pytest.mark.timeout(90)
def test_a_real_gil_lane_exports_every_hand_off() -> None:
    result = run_worker("gil-io", {"requests": 2, "latency": 0.05})
    assert result.status == "finished", result.message
    trace = chrome_trace(result.events, {"mode": "free"})
    threads = names(trace)
    (gil,) = (tid for (_, tid), name in threads.items() if name == "GIL")
    assert names(trace, "thread_sort_index")[(1, gil)] == 1
    handoffs = [e for e in result.events if e["kind"] == "gil" and e["thread"] is not None]
    slices = [e for e in trace["traceEvents"] if e["ph"] == "X" and e["tid"] == gil]
    assert len(slices) == len(handoffs) > 2
    for ev, x in zip(handoffs, slices, strict=True):
        assert x["name"] == f"{ev['thread']} holds the GIL" and x["args"]["seq"] == ev["seq"]
        assert x["ts"] == round(ev["t"] * 1_000_000, 3) and x["dur"] >= 0
    assert {x["args"]["holder"] for x in slices} <= set(threads.values())
    for x, after in itertools.pairwise(slices):
        assert x["ts"] + x["dur"] <= after["ts"] + 0.001  # one holder at a time
    assert not any(
        e["ph"] == "i" and e["s"] == "g" and e["name"] == "gil" for e in trace["traceEvents"]
    )
