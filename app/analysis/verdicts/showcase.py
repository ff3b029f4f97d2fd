"""Verdicts of the showcase scenarios — concurrency-models and api-fanout: the same work
as threads, processes and asyncio tasks, compared in a table of what the programs
printed, and what the log shows of each group of lanes (who held the GIL, how many
processes ran at once, where the tasks switched)."""

from __future__ import annotations

from typing import Any

from app.analysis.history import History
from app.analysis.measurements import numbers
from app.analysis.verdicts.base import Verdict, plural, said, seconds, verdict_for
from app.analysis.verdicts.gil import NOISE, lane, missing, table
from app.contract import Status

MODELS = ("sequential", "threads", "processes", "asyncio")


def _winners(rows: list[dict[str, Any]]) -> list[str]:
    """The models clearly faster than sequential and close to the fastest."""
    others = [r for r in rows if r["variant"] != "sequential" and r["speedup"]]
    top = max((r["speedup"] for r in others), default=0.0)
    return [r["variant"] for r in others if r["speedup"] >= max(0.8 * top, NOISE)]


def _speedups(rows: list[dict[str, Any]]) -> str:
    return ", ".join(
        f"{r['variant']} {r['speedup']}×" for r in rows if r["variant"] != "sequential"
    )


def _advice(cpu: list[str], io: list[str], gil: bool = True) -> list[str]:
    if "processes" in cpu:
        first = "compute in processes"
    else:
        first = "nothing sped up the computation on this machine (too few free cores?)"
    cheap = [model for model in io if model in ("threads", "asyncio")]
    second = f"wait in {' or '.join(cheap)}" if cheap else "overlap the waits"
    texts = [f"The numbers say: {first}; {second}."]
    noisy = [model for model in cpu if model in ("threads", "asyncio")]
    if noisy and gil:  # one thread at a time runs Python: a speed-up there is noise
        texts.append(
            f"{' and '.join(noisy).capitalize()} beat sequential on the CPU-bound job by more "
            "than one thread can: the machine was busy during another variant — run it again."
        )
    return texts


def _running(history: History, name: str) -> list[tuple[float, float]]:
    """The intervals lane ``name`` was Running, from its state changes in the log."""
    steps = history.timeline.steps.get(name, [])
    out = []
    for step, after in zip(steps, [*steps[1:], None], strict=True):
        if step.after == "Running":
            out.append((step.t, after.t if after is not None else history.last_t))
    return out


def _at_once(intervals: list[tuple[float, float]]) -> tuple[int, float]:
    """The most intervals open at one instant, and the seconds two or more were (an
    interval that ends where another starts does not overlap it)."""
    edges = sorted([(a, 1) for a, _ in intervals] + [(b, -1) for _, b in intervals])
    most = open_ = 0
    overlap, since = 0.0, 0.0
    for t, delta in edges:
        if open_ >= 2:
            overlap += t - since
        open_ += delta
        since = t
        most = max(most, open_)
    return most, round(overlap, 6)


def _lanes(history: History, prefix: str, task: bool = False) -> list[str]:
    """The program's lanes named ``prefix-1``, ``prefix-2``… (threads, processes'
    MainThread or asyncio tasks), in order of creation."""
    created = history.timeline.created
    return [
        name
        for name, detail in created.items()
        if name.startswith(prefix) and bool(detail.get("task")) == task
    ]


def _watched(history: History) -> dict[str, Any]:
    """What the log shows of concurrency-models' watch phase (not timed): the threads
    taking turns on the GIL lane, the processes Running at once, the tasks Running one at
    a time and resuming only at an ``await`` (the lines they resumed at)."""
    threads = _lanes(history, "thread-")
    processes = [n for n in _lanes(history, "process-") if n.endswith("/MainThread")]
    tasks = _lanes(history, "async-", task=True)
    out: dict[str, Any] = {}
    if threads:
        measured = lane(history, threads)
        holders = {who for _t, who in history.gil if who in threads}
        out["threads"] = {
            "lanes": len(threads),
            "held_the_gil": len(holders),
            "handoffs": measured.get("handoffs"),
            "median_slice_ms": measured.get("median_slice_ms"),
            "most_running_at_once": _at_once([i for n in threads for i in _running(history, n)])[0],
        }
    if processes:
        most, overlap = _at_once([i for n in processes for i in _running(history, n)])
        out["processes"] = {
            "lanes": len(processes),
            "most_running_at_once": most,
            "overlap": overlap,
        }
    if tasks:
        most, _ = _at_once([i for n in tasks for i in _running(history, n)])
        resumed = [  # every resume but the first (at its ``async def`` line)
            s
            for n in tasks
            for s in [s for s in history.timeline.steps.get(n, []) if s.kind == "run"][1:]
        ]
        out["tasks"] = {
            "lanes": len(tasks),
            "most_running_at_once": most,
            "switches": len(resumed),
            "resumed_at_lines": sorted({s.line for s in resumed if s.line is not None}),
        }
    return out


def _watched_text(watched: dict[str, Any], cores: float | None) -> list[str]:
    parts = []
    threads, procs, tasks = (watched.get(k) for k in ("threads", "processes", "tasks"))
    if threads and threads["handoffs"]:
        parts.append(
            f"the {threads['lanes']} threads took turns holding the GIL "
            f"({threads['handoffs']} hand-offs, a median slice of "
            f"{threads['median_slice_ms']:g} ms)"
        )
    if procs:
        on = f" on {plural(int(cores), 'core')}" if cores else ""
        parts.append(
            f"up to {procs['most_running_at_once']} of the {procs['lanes']} processes were "
            f"Running at once{on}, for {seconds(procs['overlap'])}"
        )
    if tasks:
        lines = ", ".join(map(str, tasks["resumed_at_lines"])) or "?"
        parts.append(
            f"the {tasks['lanes']} tasks ran one at a time and switched "
            f"{tasks['switches']} times, each at an await (line {lines})"
        )
    return ["Watched, not timed: " + "; ".join(parts) + "."] if parts else []


@verdict_for("concurrency-models")
def concurrency_models(params: dict[str, Any], history: History, status: str) -> Verdict:
    times = numbers(history.timeline)
    tables = {
        kind: table(
            {m: times[f"{kind}/{m}"] for m in MODELS if f"{kind}/{m}" in times}, list(MODELS), {}
        )
        for kind in ("cpu", "io")
    }
    rows = [{"job": kind, **row} for kind, kind_rows in tables.items() for row in kind_rows]
    cores = times.get("cores")
    facts: dict[str, Any] = {
        "table": rows,
        "process_startup": times.get("process start-up"),
        "cores": int(cores) if cores is not None else None,
        "watched": _watched(history),
    }
    if status != Status.FINISHED or not tables["cpu"] or not tables["io"]:
        return missing(status, facts)
    cpu, io = _winners(tables["cpu"]), _winners(tables["io"])
    facts["winners"] = {"cpu": cpu, "io": io}
    summary = (
        f"Speed-ups against sequential, measured in this run — CPU-bound: "
        f"{_speedups(tables['cpu'])}; I/O-bound: {_speedups(tables['io'])}"
    )
    if facts["process_startup"] is not None:
        summary += f" (plus {seconds(facts['process_startup'])} to start the processes)"
    details = _advice(cpu, io, history.gil_enabled) + _watched_text(facts["watched"], cores)
    return said(summary + ".", details, facts)


@verdict_for("api-fanout")
def api_fanout(params: dict[str, Any], history: History, status: str) -> Verdict:
    times = numbers(history.timeline)
    workers = params.get("max_workers", 4)
    pool = f"pool of {workers}"
    rows = table(times, ["sequential", "a thread per call", pool, "asyncio tasks"], {})
    calls = params.get("calls", 12)
    tl = history.timeline
    pool_threads = sorted(name for name in tl.created if name.startswith("pool"))
    call_threads = [n for n, d in tl.created.items() if n.startswith("call") and not d.get("task")]
    tasks = [n for n, d in tl.created.items() if n.startswith("async-") and d.get("task")]
    facts: dict[str, Any] = {
        "table": rows,
        "pool_threads": len(pool_threads),
        "rounds_in_pool": -(-calls // workers),
        # From the lanes: the most calls waiting at the same instant, each way.
        "most_waiting_at_once": {
            "threads": _at_once([i for n in call_threads for i in _blocked(history, n)])[0],
            "tasks": _at_once([i for n in tasks for i in _blocked(history, n)])[0],
        },
    }
    measured = lane(history, [])
    if measured:
        facts["lane"] = measured
    if status != Status.FINISHED or len(rows) < 3:
        return missing(status, facts)
    seq, each, pooled = rows[:3]
    summary = (
        f"{plural(calls, 'call')} of {seconds(params.get('latency', 0.2))}: sequential "
        f"{seconds(seq['seconds'])}; a thread per call {seconds(each['seconds'])} "
        f"({each['speedup']}×); a pool of {workers} {seconds(pooled['seconds'])} "
        f"({pooled['speedup']}× — {plural(facts['rounds_in_pool'], 'round')} of at most "
        f"{workers} calls at once)"
    )
    if len(rows) > 3:
        summary += (
            f"; asyncio tasks {seconds(rows[3]['seconds'])} ({rows[3]['speedup']}×, one thread)"
        )
    waiting = facts["most_waiting_at_once"]
    detail = (
        f"Up to {waiting['threads']} call threads and {waiting['tasks']} tasks were "
        "waiting at the same instant"
    )
    if measured and measured["seconds"]:
        detail += (
            f"; nobody held the GIL for {measured['nobody'] / measured['seconds']:.0%} of the run"
        )
    return said(summary + ".", [detail + "."], facts)


def _blocked(history: History, name: str) -> list[tuple[float, float]]:
    """The intervals lane ``name`` was Blocked."""
    steps = history.timeline.steps.get(name, [])
    return [
        (step.t, after.t if after is not None else history.last_t)
        for step, after in zip(steps, [*steps[1:], None], strict=True)
        if step.after == "Blocked"
    ]
