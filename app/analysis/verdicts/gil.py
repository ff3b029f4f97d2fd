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


def _missing(status: str, facts: dict[str, Any]) -> Verdict:
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
        return _missing(status, facts)
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
    return {"summary": head + "; ".join(parts) + "." + _lane_text(facts), "facts": facts}


def _lane_text(facts: dict[str, Any]) -> str:
    """The warm-up as the GIL lane measured it (the timed rounds ran without it)."""
    measured = facts.get("lane")
    if not measured or not measured["shares"]:
        return ""
    total = sum(s["holding"] for s in measured["shares"].values()) or 1.0
    shares = ", ".join(
        f"{name} {s['holding'] / total:.0%}" for name, s in measured["shares"].items()
    )
    text = f" The GIL lane (warm-up, not timed): the GIL changed hands {measured['handoffs']} times"
    if measured["median_slice_ms"] is not None:
        text += f", a median slice of {measured['median_slice_ms']:g} ms"
        if facts.get("switch_interval_ms"):
            text += f" (switch interval {facts['switch_interval_ms']:g} ms)"
    return text + f"; shares of the holding: {shares}. The timed rounds ran without its tracer."


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
        return _missing(status, facts)
    seq, par = rows
    summary = (
        f"{plural(n, 'request')} of {seconds(params.get('latency', 0.2))}: sequential "
        f"{seconds(seq['seconds'])}, {par['variant']} {seconds(par['seconds'])} — "
        f"{par['speedup']}× faster (at most {n}×): the waits overlapped, because a thread "
        "waiting for I/O releases the GIL."
    )
    if measured and measured["seconds"]:
        summary += (
            f" The GIL lane: nobody held the GIL for {measured['nobody'] / measured['seconds']:.0%}"
            " of the run — the sleeping threads did not need it."
        )
    return {"summary": summary, "facts": facts}


@verdict_for("gil-convoy")
def gil_convoy(params: dict[str, Any], history: History, status: str) -> Verdict:
    times = numbers(history.timeline)  # in µs, as printed
    alone, busy = times.get("alone"), times.get("beside a CPU-bound thread")
    interval = times.get("switch interval")
    facts: dict[str, Any] = {
        "table": [
            {"variant": "alone", "microseconds": alone},
            {"variant": "beside a CPU-bound thread", "microseconds": busy},
        ],
        "switch_interval_us": interval,
        "slowdown": round(busy / alone, 1) if alone and busy else None,
        # The wait after each reply: from the server's send (a timestamp taken in the
        # server process, outside the waiting thread) to the thread running again.
        "after_reply_us": {
            "alone": times.get("alone, after the reply"),
            "beside a CPU-bound thread": times.get("beside a CPU-bound thread, after the reply"),
        },
    }
    measured = lane(history, ["io-busy", "cpu"])
    if measured:
        facts["lane"] = measured
        facts["lane"]["takeovers"] = _takeovers(history, "cpu", "io-busy")
    if status != Status.FINISHED or alone is None or busy is None:
        return _missing(status, facts)
    rounds = params.get("rounds", 100)
    head = (
        f"Alone, the I/O thread got each reply in {alone:,.0f} µs (median of {rounds}); "
        f"beside a CPU-bound thread, in {busy:,.0f} µs"
    )
    if facts["slowdown"] >= 2:
        tail = (
            f" — {facts['slowdown']}× slower: after every reply it waited for the GIL, up "
            f"to the {interval:,.0f} µs switch interval."
        )
    else:
        tail = (
            f" — {facts['slowdown']}×: hardly a convoy this time; this interpreter hands "
            "the GIL back quickly to threads returning from I/O."
        )
    waited = facts["after_reply_us"]
    if waited["alone"] is not None and waited["beside a CPU-bound thread"] is not None:
        tail += (
            f" Timed from the moment the server sent each reply (its clock, outside the "
            f"waiting thread): {waited['alone']:,.0f} µs alone, "
            f"{waited['beside a CPU-bound thread']:,.0f} µs beside the CPU-bound thread."
        )
    for variant, value in waited.items():  # drawn as bars beside the replies
        if value is not None:
            facts["table"].append(
                {"variant": f"{variant}: wait after the reply", "microseconds": value}
            )
    if "lane" in facts:
        tail += (
            f" The GIL lane saw the GIL go from cpu to io-busy {facts['lane']['takeovers']} times."
        )
    return {"summary": head + tail, "facts": facts}


def _takeovers(history: History, src: str, dst: str) -> int:
    """How often the GIL lane shows ``dst`` taking the GIL right after ``src`` held it."""
    count, last = 0, None
    for _t, who in history.gil:
        if who is None:
            continue
        count += last == src and who == dst
        last = who
    return count


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


def _advice(cpu: list[str], io: list[str], gil: bool = True) -> str:
    if "processes" in cpu:
        first = "compute in processes"
    else:
        first = "nothing sped up the computation on this machine (too few free cores?)"
    cheap = [model for model in io if model in ("threads", "asyncio")]
    second = f"wait in {' or '.join(cheap)}" if cheap else "overlap the waits"
    text = f"The numbers say: {first}; {second}."
    noisy = [model for model in cpu if model in ("threads", "asyncio")]
    if noisy and gil:  # one thread at a time runs Python: a speed-up there is noise
        text += (
            f" ({' and '.join(noisy)} beat sequential on the CPU-bound job by more than one "
            "thread can: the machine was busy during another variant — run it again.)"
        )
    return text


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


def _watched_text(watched: dict[str, Any], cores: float | None) -> str:
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
    return " Watched, not timed: " + "; ".join(parts) + "." if parts else ""


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
        return _missing(status, facts)
    cpu, io = _winners(tables["cpu"]), _winners(tables["io"])
    facts["winners"] = {"cpu": cpu, "io": io}
    summary = (
        f"Speed-ups against sequential, measured in this run — CPU-bound: "
        f"{_speedups(tables['cpu'])}; I/O-bound: {_speedups(tables['io'])}"
    )
    if facts["process_startup"] is not None:
        summary += f" (plus {seconds(facts['process_startup'])} to start the processes)"
    summary += ". " + _advice(cpu, io, history.gil_enabled)
    summary += _watched_text(facts["watched"], cores)
    return {"summary": summary, "facts": facts}


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
        return _missing(status, facts)
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
    summary += (
        f". Up to {waiting['threads']} call threads and {waiting['tasks']} tasks were "
        "waiting at the same instant"
    )
    if measured and measured["seconds"]:
        summary += (
            f"; nobody held the GIL for {measured['nobody'] / measured['seconds']:.0%} of the run"
        )
    return {"summary": summary + ".", "facts": facts}


def _blocked(history: History, name: str) -> list[tuple[float, float]]:
    """The intervals lane ``name`` was Blocked."""
    steps = history.timeline.steps.get(name, [])
    return [
        (step.t, after.t if after is not None else history.last_t)
        for step, after in zip(steps, [*steps[1:], None], strict=True)
        if step.after == "Blocked"
    ]


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
        return _missing(status, facts)
    speed = f"{n} threads {seconds(rows[1]['seconds'])} vs {seconds(rows[0]['seconds'])} "
    speed += f"sequentially ({rows[1]['speedup']}×)"
    if build and not gil:
        summary = f"A free-threaded build with the GIL off: {speed} — the threads ran in parallel."
    elif build:
        summary = (
            f"A free-threaded build, but the GIL is on (an extension or PYTHON_GIL=1 turned "
            f"it back on): {speed}."
        )
    else:
        summary = (
            f"This worker runs a standard build of CPython, with the GIL: {speed}. To see "
            "threads run in parallel, install python3.13t (or later) and start Threadlab "
            "with THREADLAB_WORKER_PYTHON=python3.13t."
        )
    return {"summary": summary, "facts": facts}
