"""Verdicts of the GIL group, built from what the programs printed (``label: 1.234 s``
lines, read back by ``measurements``): the wall times measured in the run, on the
worker's interpreter, never canned figures."""

from __future__ import annotations

from typing import Any

from app.analysis.history import History
from app.analysis.measurements import flags, numbers
from app.analysis.verdicts.base import (
    Verdict,
    plural,
    said,
    seconds,
    status_text,
    verdict_for,
)
from app.contract import Status

NOISE = 1.25  # a "speed-up" below this is no speed-up: timing noise on a busy machine
MAIN = "MainThread"


def table(
    times: dict[str, float], names: list[str], labels: dict[str, str]
) -> list[dict[str, Any]]:
    """Rows {variant, seconds, speedup}; speed-up relative to the first name."""
    base = times.get(names[0])
    rows = []
    for name in names:
        if name in times:
            value = times[name]
            speedup = round(base / value, 2) if base and value else None
            rows.append(
                {"variant": labels.get(name, name), "seconds": round(value, 6), "speedup": speedup}
            )
    return rows


def missing(status: str, facts: dict[str, Any]) -> Verdict:
    text = status_text(status) if status != Status.FINISHED else "Nothing was measured."
    return {"summary": text, "facts": facts}


def _handoffs(history: History) -> int:
    """How often consecutive progress ticks of the threaded phase came from different
    threads: the GIL changing hands (ticks are writes to ``progress['T1']``… by the
    threads; main's ticks in the sequential phase do not count)."""
    tl = history.timeline
    names = [name for name in tl.ops if name.startswith("progress[")]
    last, count = None, 0
    for _obj, op in tl.merged(*names):
        if op.kind == "write" and op.thread != MAIN:
            count += last is not None and op.thread != last
            last = op.thread
    return count


def lane(history: History, threads: list[str] | None = None) -> dict[str, Any]:
    """What the GIL lane measured (``gil`` events, app/instrument/gil.py): hand-offs
    (the holder changed from one thread to another), the median slice (how long a
    thread held the GIL before another took it), and per thread the seconds it held the
    GIL, wanted it (alive and not Blocked, but not holding: Runnable as the lane shows
    it) and did not want it (Blocked), over the part of the run the lane measured.
    ``threads``: only these (default: every thread that held it).  Empty: no lane."""
    marks = history.gil
    if not marks:
        return {}
    start = marks[0][0]
    end = history.gil_off if history.gil_off is not None else history.last_t
    tl = history.timeline
    held: dict[str, float] = {}
    slices: list[float] = []
    handoffs = 0
    nobody = 0.0  # seconds nobody held the GIL (every thread blocked, asleep or in C)
    last_holder: str | None = None
    for (t, who), nxt in zip(marks, [*marks[1:], (end, None)], strict=True):
        if t >= end:
            break
        if who is None:
            nobody += max(min(nxt[0], end) - t, 0.0)
        else:
            length = min(nxt[0], end) - t
            held[who] = held.get(who, 0.0) + length
            if last_holder is not None and who != last_holder:
                handoffs += 1
            if nxt[1] is not None and nxt[1] != who:
                slices.append(length)
            last_holder = who
    names = threads if threads is not None else sorted(held)
    shares: dict[str, dict[str, float]] = {}
    for name in names:
        steps = tl.steps.get(name, [])
        alive = blocked = 0.0
        for step, after in zip(steps, [*steps[1:], None], strict=True):
            a = max(step.t, start)
            b = min(after.t if after is not None else end, end)
            if b <= a or step.after in ("New", "Dead"):
                continue
            alive += b - a
            if step.after == "Blocked":
                blocked += b - a
        holding = held.get(name, 0.0)
        shares[name] = {
            "holding": round(holding, 6),
            "wanting": round(max(alive - blocked - holding, 0.0), 6),
            "not_wanting": round(blocked, 6),
        }
    slices.sort()
    return {
        "handoffs": handoffs,
        "median_slice_ms": round(slices[len(slices) // 2] * 1e3, 3) if slices else None,
        "shares": shares,
        "seconds": round(end - start, 6),
        "nobody": round(nobody, 6),
    }


@verdict_for("gil-cpu")
def gil_cpu(params: dict[str, Any], history: History, status: str) -> Verdict:
    times = numbers(history.timeline)
    tasks = params.get("tasks", 4)
    labels = {
        "sequential": "sequential",
        "threads": f"{tasks} threads",
        "processes": f"{tasks} processes",
    }
    rows = table(times, ["sequential", "threads", "processes"], labels)
    cores = times.get("cores")
    gil = flags(history.timeline).get("GIL enabled")
    facts: dict[str, Any] = {
        "table": rows,
        "cores": int(cores) if cores is not None else None,
        "gil_enabled": gil,
        "handoffs": _handoffs(history),
        "process_startup": times.get("process start-up"),
        "switch_interval_ms": params.get("switch_ms", 5.0),
    }
    measured = lane(history)
    if measured:
        measured["shares"] = {k: v for k, v in measured["shares"].items() if k != MAIN}
        facts["lane"] = measured
    if status != Status.FINISHED or len(rows) < 2:
        return missing(status, facts)
    parts = [f"sequential {seconds(rows[0]['seconds'])}"]
    threads = rows[1]
    how = f"{threads['variant']} {seconds(threads['seconds'])} ({threads['speedup']}×"
    if threads["speedup"] < NOISE:
        how += " — no speed-up: one thread at a time runs Python, and the GIL changed hands "
        how += f"{facts['handoffs']} times)"
    elif gil is False:
        how += " — no GIL on this interpreter: the threads really ran in parallel)"
    else:
        how += " — more than the GIL allows: the machine was busy during another run; "
        how += "run it again)"
    parts.append(how)
    if len(rows) > 2:
        procs = rows[2]
        on = f" on {plural(facts['cores'], 'core')}" if cores else ""
        procs_text = f"{procs['variant']} {seconds(procs['seconds'])} ({procs['speedup']}×{on}"
        if facts["process_startup"] is not None:
            procs_text += f", once started: that took {seconds(facts['process_startup'])}"
        parts.append(procs_text + ")")
    head = f"Best of {params.get('rounds', 1)}: " if params.get("rounds", 1) > 1 else ""
    return said(head + "; ".join(parts) + ".", _lane_text(facts), facts)


def _lane_text(facts: dict[str, Any]) -> list[str]:
    """The warm-up as the GIL lane measured it (the timed rounds ran without it)."""
    measured = facts.get("lane")
    if not measured or not measured["shares"]:
        return []
    total = sum(s["holding"] for s in measured["shares"].values()) or 1.0
    shares = ", ".join(
        f"{name} {s['holding'] / total:.0%}" for name, s in measured["shares"].items()
    )
    text = f"The GIL lane (warm-up, not timed): the GIL changed hands {measured['handoffs']} times"
    if measured["median_slice_ms"] is not None:
        text += f", a median slice of {measured['median_slice_ms']:g} ms"
        if facts.get("switch_interval_ms"):
            text += f" (switch interval {facts['switch_interval_ms']:g} ms)"
    return [
        text + f"; shares of the holding: {shares}.",
        "The timed rounds ran without its tracer.",
    ]


@verdict_for("gil-io")
def gil_io(params: dict[str, Any], history: History, status: str) -> Verdict:
    times = numbers(history.timeline)
    n = params.get("requests", 8)
    rows = table(times, ["sequential", "threads"], {"threads": f"{n} threads"})
    facts: dict[str, Any] = {"table": rows, "ideal_speedup": n}
    measured = lane(history)
    if measured:
        facts["lane"] = measured
    if status != Status.FINISHED or len(rows) < 2:
        return missing(status, facts)
    seq, par = rows
    summary = (
        f"{plural(n, 'request')} of {seconds(params.get('latency', 0.2))}: sequential "
        f"{seconds(seq['seconds'])}, {par['variant']} {seconds(par['seconds'])} — "
        f"{par['speedup']}× faster (at most {n}×): the waits overlapped, because a thread "
        "waiting for I/O releases the GIL."
    )
    details = []
    if measured and measured["seconds"]:
        details.append(
            f"The GIL lane: nobody held the GIL for {measured['nobody'] / measured['seconds']:.0%}"
            " of the run — the sleeping threads did not need it."
        )
    return said(summary, details, facts)


@verdict_for("free-threaded")
def free_threaded(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    build, gil = flags(tl).get("free-threaded build"), flags(tl).get("GIL enabled")
    n = params.get("threads", 4)
    rows = table(numbers(tl), ["sequential", "threads"], {"threads": f"{n} threads"})
    facts: dict[str, Any] = {
        "free_threaded_build": build,
        "gil_enabled": gil,
        "table": rows,
    }
    if status != Status.FINISHED or len(rows) < 2:
        return missing(status, facts)
    speed = f"{n} threads {seconds(rows[1]['seconds'])} vs {seconds(rows[0]['seconds'])} "
    speed += f"sequentially ({rows[1]['speedup']}×)"
    if build and not gil:
        return said(
            f"A free-threaded build with the GIL off: {speed} — the threads ran in parallel.",
            [],
            facts,
        )
    if build:
        return said(
            f"A free-threaded build, but the GIL is on (an extension or PYTHON_GIL=1 turned "
            f"it back on): {speed}.",
            [],
            facts,
        )
    return said(
        f"This worker runs a standard build of CPython, with the GIL: {speed}.",
        [
            "To see threads run in parallel, install python3.13t (or later) and start "
            "Threadlab with THREADLAB_WORKER_PYTHON=python3.13t."
        ],
        facts,
    )
