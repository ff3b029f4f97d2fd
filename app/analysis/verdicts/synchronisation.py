"""Verdicts of the Synchronisation group: races, locks, semaphores, conditions, queues,
events and barriers."""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.analysis.history import History
from app.analysis.timeline import Timeline
from app.analysis.verdicts.base import (
    Verdict,
    listing,
    n,
    plural,
    said,
    seconds,
    status_text,
    unfinished,
    verdict_for,
)
from app.analysis.waitfor import find_cycle
from app.contract import Status
from app.instrument.events import TIMED_OUT


@verdict_for("race", "race-locked")
def counter(params: dict[str, Any], history: History, status: str) -> Verdict:
    threads, iterations = params["threads"], params["iterations"]
    expected = threads * iterations
    res = history.resources.get("counter")
    actual = res.value if res is not None else None
    facts: dict[str, Any] = {"expected": expected, "actual": actual, "lost": None}
    if status != Status.FINISHED or not isinstance(actual, int):
        return {"summary": status_text(status), "facts": facts}
    lost = expected - actual
    facts["lost"] = lost
    head = f"{threads} threads × {n(iterations)} increments: expected {n(expected)}, "
    if lost > 0:
        tail = f"got {n(actual)} — {plural(lost, 'update')} lost."
    else:
        tail = f"got {n(actual)} — no update lost."
    return {"summary": head + tail, "facts": facts}


def _depths(tl: Timeline, lock: str) -> dict[str, int]:
    """Deepest recursion each thread reached on an RLock."""
    deepest: dict[str, int] = {}
    for op in tl.ops_of(lock, "acquire"):
        deepest[op.thread] = max(deepest.get(op.thread, 0), int(op.detail.get("depth", 1)))
    return deepest


@verdict_for("rlock")
def rlock(params: dict[str, Any], history: History, status: str) -> Verdict:
    deepest = _depths(history.timeline, "rlock")
    at_once = history.max_holders["rlock"]
    visited = history.resources["visited"].value if "visited" in history.resources else None
    facts: dict[str, Any] = {"depth": deepest, "max_holders": at_once, "visited": visited}
    if (early := unfinished(status, facts)) is not None:
        return early
    levels = sorted(set(deepest.values()))
    how_deep = f"{levels[0]} levels deep" if len(levels) == 1 else "down to its depth"
    summary = (
        f"{listing(deepest)} {'each ' if len(deepest) > 1 else ''}re-entered rlock "
        f"{how_deep} without blocking on itself, and only {plural(at_once, 'thread')} held "
        f"it at a time; visited = {visited}."
    )
    return {"summary": summary, "facts": facts}


@verdict_for("lock-reentry")
def lock_reentry(params: dict[str, Any], history: History, status: str) -> Verdict:
    acquired = len(history.timeline.ops_of("lock", "acquire"))
    cycle = find_cycle(history) if status == Status.DEADLOCKED else []
    facts: dict[str, Any] = {"acquired": acquired, "cycle": cycle}
    if status == Status.DEADLOCKED and cycle:
        who = cycle[0]
        summary = (
            f"Deadlock with a single thread: {who} holds lock from level 1 and waits for it "
            f"again at level {acquired + 1} — a plain Lock doesn't know its owner, so {who} "
            "waits for itself, forever."
        )
        return said(summary, ["An RLock would have counted the second acquire."], facts)
    if status == Status.FINISHED:
        return {
            "summary": "The lock was only taken once (depth 1): nothing to re-enter, no hang.",
            "facts": facts,
        }
    return {"summary": status_text(status), "facts": facts}


@verdict_for("semaphore")
def semaphore(params: dict[str, Any], history: History, status: str) -> Verdict:
    res = history.resources.get("pool")
    limit = res.value if res is not None else None
    at_once = history.max_holders["pool"]
    waited = history.timeline.blocked_on("pool")
    workers = [name for name in history.timeline.created if name != "MainThread"]
    facts: dict[str, Any] = {
        "limit": limit,
        "max_holders": at_once,
        "waited": len(waited),
        "acquired": len(history.timeline.ops_of("pool", "acquire")),
    }
    if (early := unfinished(status, facts)) is not None:
        return early
    summary = (
        f"{plural(len(workers), 'worker')} shared {plural(limit or 0, 'permit')}: at most "
        f"{at_once} held pool at once (the limit is {limit}); "
        f"{plural(len(waited), 'worker')} had to wait for a permit."
    )
    return {"summary": summary, "facts": facts}


@verdict_for("bounded-semaphore")
def bounded_semaphore(params: dict[str, Any], history: History, status: str) -> Verdict:
    plain, bounded = history.resources.get("plain"), history.resources.get("bounded")
    errors = dict(history.errors)
    facts: dict[str, Any] = {
        "plain": {"start": plain.value, "end": plain.permits} if plain else None,
        "bounded": {"start": bounded.value, "end": bounded.permits} if bounded else None,
        "errors": errors,
        "value_error": any(e.startswith("ValueError") for e in errors.values()),
    }
    if (early := unfinished(status, facts)) is not None or not (plain and bounded):
        return early or {"summary": status_text(status), "facts": facts}
    parts = []
    if plain.permits is not None and plain.permits > plain.value:
        parts.append(
            f"plain (a Semaphore) silently grew from {plain.value} to {plain.permits} permits"
        )
    else:
        parts.append(f"plain (a Semaphore) ended with {plain.permits} permits")
    failed = [(who, e) for who, e in errors.items() if e.startswith("ValueError")]
    if failed:
        who, error = failed[0]
        parts.append(f"bounded (a BoundedSemaphore) raised {error} in {who}")
    else:
        parts.append(f"bounded (a BoundedSemaphore) ended with {bounded.permits} permits")
    return {"summary": "; ".join(parts) + ".", "facts": facts}


def _buffer_moves(tl: Timeline, name: str) -> tuple[list[Any], Counter[str]]:
    """Items appended to a shared list, and how many each thread popped, from its writes."""
    added: list[Any] = []
    taken: Counter[str] = Counter()
    for op in tl.ops_of(name, "write"):
        call, args = op.detail.get("op"), list(op.detail.get("args") or [])
        if call == "append" and args:
            added.append(args[0])
        elif call == "pop" and "error" not in op.detail:
            taken[op.thread] += op.detail.get("result") is not None  # a stop sign is no item
    return added, taken


@verdict_for("condition")
def condition(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    added, taken = _buffer_moves(tl, "buffer")
    items = [item for item in added if item is not None]
    waits = tl.ops_of("changed", "wait")
    timeouts = tl.timed_out("changed")
    errors = dict(history.errors)
    facts: dict[str, Any] = {
        "produced": len(items),
        "consumed": sum(taken.values()),
        "by_consumer": dict(taken),
        "waits": len(waits),
        TIMED_OUT: timeouts,
        "notifies": len(tl.ops_of("changed", "notify")),
        "errors": errors,
    }
    if (early := unfinished(status, facts)) is not None:
        return early
    if errors:
        died = sorted(errors)
        error = errors[died[0]]
        summary = (
            f"{listing(died)} woke from wait() to an empty buffer and died of {error}: an if "
            "checks only once, before the wait. "
            f"{facts['consumed']} of {len(items)} items were consumed."
        )
        return {"summary": summary, "facts": facts}
    shares = listing(f"{who} {count}" for who, count in sorted(taken.items()))
    summary = (
        f"{plural(len(items), 'item')} produced, {facts['consumed']} consumed ({shares}); "
        f"the consumers waited {plural(len(waits), 'time')}, and "
        f"{plural(timeouts, 'wait')} ended by timeout with nothing to take — the while loop "
        "checked again and went back to waiting."
    )
    return {"summary": summary, "facts": facts}


@verdict_for("notify-all")
def notify_all(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    calls = tl.ops_of("gate", "notify") + tl.ops_of("gate", "notify_all")
    call = calls[0] if calls else None
    woken = list(call.detail.get("woken", [])) if call else []
    late = {
        op.thread: round(op.t - call.t, 6)
        for op in tl.ops_of("gate", "wake")
        if call and op.detail.get(TIMED_OUT) and op.t >= call.t
    }
    facts: dict[str, Any] = {
        "call": call.kind if call else None,
        "woken": woken,
        "left_waiting": int(call.detail.get("waiting", 0)) if call else 0,
        "late": late,
    }
    if (early := unfinished(status, facts)) is not None:
        return early
    if call is None:
        return {"summary": "main never notified the gate.", "facts": facts}
    if not late:
        summary = (
            f"{call.kind}() woke {plural(len(woken), 'waiting thread')} at once "
            f"({listing(woken)}); each went through the gate in turn as it got gate.lock."
        )
        return {"summary": summary, "facts": facts}
    worst = max(late.values())
    summary = (
        f"{call.kind}() woke only {listing(woken)}; {listing(late)} slept on although the "
        f"gate was open, and got through only when their timeout made them look again — "
        f"up to {seconds(worst)} late."
    )
    return {"summary": summary, "facts": facts}


@verdict_for("queue")
def queue(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    put = Counter(op.detail.get("item") for op in tl.ops_of("jobs", "put"))
    got = Counter(op.detail.get("item") for op in tl.ops_of("jobs", "get"))
    put.pop("None", None)
    got.pop("None", None)
    blocks = Counter(
        s.reason
        for steps in tl.steps.values()
        for s in steps
        if s.kind == "block" and s.obj == "jobs"
    )
    sizes = [int(op.detail.get("size", 0)) for op in tl.ops_of("jobs", "put")]
    facts: dict[str, Any] = {
        "put": sum(put.values()),
        "got": sum(got.values()),
        "twice": sorted(item for item, count in got.items() if count > 1),
        "missing": sorted(item for item in put if item not in got),
        "waited_full": blocks["put"],
        "waited_empty": blocks["get"],
        "max_size": max(sizes, default=0),
        "task_done": len(tl.ops_of("jobs", "task_done")),
    }
    if (early := unfinished(status, facts)) is not None:
        return early
    exact = not facts["twice"] and not facts["missing"] and put == got
    head = f"{plural(facts['put'], 'job')} put, {facts['got']} got"
    head += ", each exactly once" if exact else " — not one to one"
    summary = (
        f"{head}; producers waited {plural(blocks['put'], 'time')} for a free slot (queue "
        f"full), consumers {plural(blocks['get'], 'time')} for a job (queue empty); "
        "jobs.join() returned once every job was task_done()."
    )
    return {"summary": summary, "facts": facts}


@verdict_for("event")
def event(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    sets = tl.ops_of("go", "set")
    clears = tl.ops_of("go", "clear")
    woken = [int(op.detail.get("woken", 0)) for op in sets]
    timeouts = tl.timed_out("go")
    facts: dict[str, Any] = {
        "sets": len(sets),
        "clears": len(clears),
        "woken_per_set": woken,
        TIMED_OUT: timeouts,
        "waits": len(tl.ops_of("go", "wait")),
    }
    if (early := unfinished(status, facts)) is not None:
        return early
    wakes = listing(f"{count}" for count in woken)
    summary = (
        f"go was set {plural(len(sets), 'time')} and cleared {plural(len(clears), 'time')}; "
        f"the sets woke {wakes} waiting {'worker' if woken == [1] else 'workers'} at once, "
        f"and {plural(timeouts, 'wait')} returned False (timed out) while the flag was clear."
    )
    return {"summary": summary, "facts": facts}


@verdict_for("barrier")
def barrier(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    ops = tl.ops_of("barrier")
    phases = sum(1 for op in ops if op.kind == "notify_all" and op.detail.get("phase_done"))
    abort = next((op for op in ops if op.kind == "abort"), None)
    waiting: list[str] = []
    if abort is not None:
        for op in ops:
            if op.t > abort.t:
                break
            if op.kind == "notify_all":
                waiting = []
            elif op.kind == "wait":
                waiting.append(op.thread)
    parties = history.resources["barrier"].value if "barrier" in history.resources else None
    facts: dict[str, Any] = {
        "parties": parties,
        "phases_completed": phases,
        "aborted_by": abort.thread if abort else None,
        "broken_for": waiting,
    }
    if (early := unfinished(status, facts)) is not None:
        return early
    met = f"{plural(parties or 0, 'thread')} met at the barrier {plural(phases, 'time')}"
    if abort is None:
        return {
            "summary": f"{met}: after each phase the fastest waited for the slowest.",
            "facts": facts,
        }
    summary = f"{met}; then {abort.thread} called abort()"
    if waiting:
        summary += f": {listing(waiting)}, waiting there, got BrokenBarrierError."
    else:
        summary += ": the others got BrokenBarrierError as they arrived."
    return {"summary": summary, "facts": facts}
