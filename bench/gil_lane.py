"""The GIL lane's cost and its event rate (docs/performance.md, "The GIL lane").

    python bench/gil_lane.py [--rounds 5] [--millions 2]

1. Overhead: a CPU-bound loop (``while n > 0: n -= 1``, the gil-cpu program's) in a
   program file, in one thread, with the lane's tracer installed and without it,
   in alternation in one run; best of --rounds each; printed as a ratio.  Also the
   same for the other candidate hook: ``sys.setprofile`` (call events only), which
   costs nothing in this loop but sees no hand-off inside it.
2. Events: gil-cpu's two-thread phase run with the lane as the worker runs it
   (``GilHook``, a real recorder): hand-offs recorded, per second of run time, and
   the median slice against ``sys.getswitchinterval()``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.analysis.history import replay
from app.analysis.measurements import numbers
from app.instrument.gil import GilHook
from app.instrument.recorder import Recorder
from app.worker.protocol import is_event_line

FILE = "<gil-lane-bench>"
SOURCE = """
def count_down(n):
    while n > 0:
        n -= 1
"""
namespace: dict[str, Any] = {}
exec(compile(SOURCE, FILE, "exec"), namespace)
count_down = namespace["count_down"]


def stub_runtime() -> Any:
    return SimpleNamespace(recorder=Recorder(time.perf_counter))


def timed(n: int, tracer: Any = None, profiler: Any = None) -> float:
    """Seconds to count ``n`` down in a fresh thread with ``tracer`` installed."""
    out: list[float] = []

    def body() -> None:
        if tracer is not None:
            sys.settrace(tracer)
        if profiler is not None:
            sys.setprofile(profiler)
        start = time.perf_counter()
        count_down(n)
        out.append(time.perf_counter() - start)
        sys.settrace(None)
        sys.setprofile(None)

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    return out[0]


def overhead(rounds: int, n: int) -> dict[str, float]:
    hook = GilHook({FILE})
    rt = stub_runtime()
    off, on, prof = [], [], []
    for _ in range(rounds):  # in alternation: both see the same machine load
        off.append(timed(n))
        on.append(timed(n, tracer=hook.tracer(rt, "T")))
        prof.append(timed(n, profiler=lambda *a: None))
    best_off, best_on = min(off), min(on)
    return {
        "off_s": best_off,
        "lane_s": best_on,
        "lane_ratio": best_on / best_off,
        "setprofile_ratio": min(prof) / best_off,
        "ns_per_line_off": best_off / (2 * n) * 1e9,  # two lines per loop step
        "ns_per_line_lane": best_on / (2 * n) * 1e9,
    }


def handoffs(n: int, threads: int = 2) -> dict[str, float]:
    """``threads`` threads count ``n`` down each, at once, with the lane on."""
    hook = GilHook({FILE})
    rt = stub_runtime()

    def work(name: str) -> None:
        sys.settrace(hook.tracer(rt, name))
        count_down(n)

    workers = [threading.Thread(target=work, args=(f"T{i}",)) for i in range(1, threads + 1)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.perf_counter() - start
    records = rt.recorder.take()
    times = [r[1] for r in records]
    slices = [b - a for a, b in itertools.pairwise(times)]
    return {
        "threads": threads,
        "seconds": seconds,
        "handoffs": len(records),
        "per_second": len(records) / seconds,
        "median_slice_ms": statistics.median(slices) * 1e3 if slices else 0.0,
        "switch_interval_ms": sys.getswitchinterval() * 1e3,
    }


def worker_run(scenario: str, params: dict[str, Any], lane: Any = None) -> list[dict[str, Any]]:
    """One free-mode run of ``scenario`` in a real worker process, as the manager starts
    it; ``lane``: the ``gil_lane`` option (None: the scenario's own; False: off)."""
    options = {} if lane is None else {"gil_lane": lane}
    spec = {
        "scenario": scenario,
        "params": params,
        "mode": "free",
        "seed": 0,
        "policy": "random",
        "options": options,
        "limits": {"wall_time": 60, "max_events": 200_000, "max_threads": 64, "idle_time": 900},
    }
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.worker.runner"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(spec).encode() + b"\n")
    proc.stdin.flush()  # stdin stays open until "done": closing it cancels the run
    events = []
    for line in proc.stdout:
        if is_event_line(line):
            events.append(json.loads(line))
        elif json.loads(line).get("msg") in ("done", "error"):
            break
    proc.kill()
    proc.communicate()
    return events


def printed(events: list[dict[str, Any]]) -> dict[str, float]:
    return numbers(replay(events).timeline)


def gil_cpu_rate(params: dict[str, Any]) -> dict[str, float]:
    """gil-cpu as the page runs it: the lane's hand-offs per second of the part it
    measured, and all events per second of run time."""
    events = worker_run("gil-cpu", params)
    gil = [e for e in events if e["kind"] == "gil"]
    off = next((e["t"] for e in gil if "off" in e["detail"]), events[-1]["t"])
    return {
        "events": len(events),
        "run_s": events[-1]["t"],
        "gil_events": len(gil),
        "lane_s": off - gil[0]["t"],
        "gil_per_s": len(gil) / (off - gil[0]["t"]),
        "events_per_s": len(events) / events[-1]["t"],
    }


def on_off(scenario: str, params: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """The same run with the lane on and off, in alternation: the printed timings."""
    out: dict[str, Any] = {}
    for lane in (False, True, False, True):
        values = printed(worker_run(scenario, params, lane))
        for label in labels:
            key = f"{label} ({'on' if lane else 'off'})"
            out[key] = min(out.get(key, float("inf")), values.get(label, float("nan")))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--millions", type=float, default=2)
    args = parser.parse_args()
    n = int(args.millions * 1_000_000)
    print(f"Python {sys.version.split()[0]}, {n:,} loop steps")
    cost = overhead(args.rounds, n)
    print(
        f"CPU-bound loop, one thread: lane off {cost['off_s']:.3f} s, on {cost['lane_s']:.3f} s "
        f"— ×{cost['lane_ratio']:.2f} ({cost['ns_per_line_off']:.0f} → "
        f"{cost['ns_per_line_lane']:.0f} ns a line); sys.setprofile ×{cost['setprofile_ratio']:.2f}"
    )
    rate = gil_cpu_rate({"tasks": 2, "millions": 5, "rounds": 1})
    print(
        f"gil-cpu (2 tasks, 5 M): {rate['gil_events']} gil events over the {rate['lane_s']:.2f} s "
        f"the lane measured ({rate['gil_per_s']:,.0f}/s); {rate['events']} events in "
        f"{rate['run_s']:.2f} s of run ({rate['events_per_s']:,.0f}/s)"
    )
    convoy = on_off(
        "gil-convoy",
        {"rounds": 100},
        [
            "alone",
            "beside a CPU-bound thread",
            "alone, after the reply",
            "beside a CPU-bound thread, after the reply",
        ],
    )
    print(
        "gil-convoy, µs, best of 2 with the lane on / off: "
        + ", ".join(f"{k} {v:,.0f}" for k, v in convoy.items())
    )
    io = on_off("gil-io", {"requests": 8, "latency": 0.1}, ["sequential", "threads"])
    print(
        "gil-io, s, best of 2 with the lane on / off: "
        + ", ".join(f"{k} {v:.3f}" for k, v in io.items())
    )
    for threads in (2, 4):
        rate = handoffs(n, threads)
        print(
            f"{threads} CPU-bound threads with the lane: {rate['handoffs']:,} hand-offs in "
            f"{rate['seconds']:.2f} s = {rate['per_second']:,.0f}/s; median slice "
            f"{rate['median_slice_ms']:.2f} ms (switch interval {rate['switch_interval_ms']:g} ms)"
        )


if __name__ == "__main__":
    main()
