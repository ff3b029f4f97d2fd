"""Verdicts of the Classic problems group: deadlocks, the dining philosophers, readers
and writers."""

from __future__ import annotations

import re
from typing import Any

from app.analysis.history import History
from app.analysis.timeline import Timeline
from app.analysis.verdicts.base import (
    Verdict,
    listing,
    plural,
    said,
    seconds,
    status_text,
    unfinished,
    verdict_for,
)
from app.analysis.waitfor import describe
from app.contract import Status


def _cycle_text(history: History) -> tuple[list[str], str]:
    """The threads of the deadlock cycle and 'T1 holds a and waits for b; …'."""
    found = describe(history)
    parts = []
    for entry in found["cycle"]:
        holds = f"holds {' and '.join(entry['holds'])} and " if entry["holds"] else ""
        parts.append(f"{entry['thread']} {holds}waits for {entry['waits_for']}")
    return list(found["threads"]), "; ".join(parts)


def _lock_orders(tl: Timeline, locks: tuple[str, ...]) -> dict[str, list[str]]:
    """Each thread's first two acquires among ``locks``, in order."""
    orders: dict[str, list[str]] = {}
    for obj, op in tl.merged(*locks):
        if op.kind == "acquire" and len(orders.setdefault(op.thread, [])) < 2:
            orders[op.thread].append(obj)
    return orders


@verdict_for("deadlock")
def deadlock(params: dict[str, Any], history: History, status: str) -> Verdict:
    both = sum(1 for by, text in history.timeline.printed if text == "got both locks")
    facts: dict[str, Any] = {Status.DEADLOCKED: status == Status.DEADLOCKED, "got_both": both}
    if status == Status.DEADLOCKED:
        cycle, text = _cycle_text(history)
        facts["cycle"] = cycle
        return said(
            f"Deadlock: {text}.",
            ["Each waits for a lock the other holds — a cycle, so neither can ever go on."],
            facts,
        )
    if status == Status.FINISHED:
        return said(
            "No deadlock this time: one thread got both locks before the other took its first.",
            ["The bug is still there — raise pause and it deadlocks every time."],
            facts,
        )
    return {"summary": status_text(status), "facts": facts}


@verdict_for("deadlock-ordered")
def deadlock_ordered(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    orders = _lock_orders(tl, ("lock_a", "lock_b"))
    rounds = {name: len(tl.ops_of("lock_b", "acquire", name)) for name in orders}
    facts: dict[str, Any] = {
        Status.DEADLOCKED: status == Status.DEADLOCKED,
        "order": orders,
        "rounds": rounds,
    }
    if status == Status.DEADLOCKED:
        _cycle, text = _cycle_text(history)
        return {"summary": f"Deadlock (unexpected with one lock order): {text}.", "facts": facts}
    if (early := unfinished(status, facts)) is not None:
        return early
    same = len({tuple(order) for order in orders.values()}) == 1
    first = next(iter(orders.values()), [])
    how = f"took {' before '.join(first)}" if same else "took the locks in different orders"
    summary = (
        f"{listing(orders)} both {how}, {plural(sum(rounds.values()), 'transfer')} in all, "
        "and the run finished: with one lock order a cycle cannot form."
    )
    return {"summary": summary, "facts": facts}


MEAL = re.compile(r"P\d+ eats meal \d+")  # what a philosopher prints at each meal


def _meals(tl: Timeline, diners: list[str]) -> dict[str, int]:
    """How many meals each philosopher announced."""
    meals = dict.fromkeys(diners, 0)
    for by, text in tl.printed:
        if by in meals and MEAL.fullmatch(text.strip()):
            meals[by] += 1
    return meals


@verdict_for("dining-philosophers")
def dining_philosophers(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    diners = sorted(name for name in tl.created if name.startswith("P"))
    meals = _meals(tl, diners)
    fix = params.get("fix", "none")
    facts: dict[str, Any] = {
        "fix": fix,
        "meals": meals,
        Status.DEADLOCKED: status == Status.DEADLOCKED,
        "max_seated": history.max_holders["waiter"] if fix == "waiter" else None,
    }
    if status == Status.DEADLOCKED:
        cycle, _text = _cycle_text(history)
        facts["cycle"] = cycle
        ring = " → ".join(f"{name} → {history.threads[name].waiting_for}" for name in cycle)
        summary = (
            f"Deadlock: {plural(len(cycle), 'philosopher')} each hold one fork and wait for "
            f"the next: {ring} → {cycle[0]}."
        )
        return said(summary, [f"Meals eaten before it: {sum(meals.values())}."], facts)
    if (early := unfinished(status, facts)) is not None:
        return early
    how = {
        "none": "this time nobody closed the circle (the deadlock is still possible)",
        "ordered": "each took its lower-numbered fork first, so the circle cannot close",
        "waiter": f"the waiter seated at most {facts['max_seated']} at once, so one "
        "could always eat",
    }[fix]
    counts = set(meals.values())
    each = f"{plural(counts.pop(), 'meal')} each" if len(counts) == 1 else "their meals"
    summary = (
        f"All {plural(len(diners), 'philosopher')} ate {each} "
        f"({sum(meals.values())} in all) with no deadlock: {how}."
    )
    return {"summary": summary, "facts": facts}


def _field(tl: Timeline, name: str) -> str:
    """The resource that is the lock's field ``name``: ``rw.readers`` (named after its
    owner) or ``ReadWriteLock.readers``; ``name`` itself if there is none."""
    found = sorted(obj for obj in tl.ops if obj == name or obj.endswith("." + name))
    return found[0] if found else name


@verdict_for("readers-writers")
def readers_writers(params: dict[str, Any], history: History, status: str) -> Verdict:
    tl = history.timeline
    inside, writing, most = 0, False, 0
    overlap = 0  # events where a writer and a reader were inside together
    arrived: float | None = None
    entered: float | None = None
    overtook = 0
    fields = {_field(tl, name): name for name in ("readers", "writing", "writers_waiting")}
    for obj, op in tl.merged(*fields):
        if op.kind != "write":
            continue
        value = op.detail["value"]
        if fields[obj] == "readers":
            if int(value) > inside and arrived is not None and entered is None:
                overtook += 1  # a reader went in while the writer was waiting
            inside = int(value)
            most = max(most, inside)
        elif fields[obj] == "writing":
            writing = bool(value)
            if writing and entered is None:
                entered = op.t
        elif value and arrived is None:  # writers_waiting went up: the writer arrived
            arrived = op.t
        overlap += writing and inside > 0
    waited = (entered - arrived) if arrived is not None and entered is not None else None
    prefer = params.get("prefer", "readers")
    facts: dict[str, Any] = {
        "prefer": prefer,
        "max_readers": most,
        "writer_waited": round(waited, 6) if waited is not None else None,
        "reads_overtaking": overtook,
        "broken": overlap > 0,
    }
    if (early := unfinished(status, facts)) is not None:
        return early
    if waited is None:
        return {"summary": "The writer never got in.", "facts": facts}
    head = f"Up to {plural(most, 'reader')} read at once; the writer waited {seconds(waited)}"
    if prefer == "readers":
        why = (
            f" while {plural(overtook, 'read')} went ahead of it (readers first: as long as "
            "readers overlap, a writer starves)"
        )
    else:
        why = " — new readers waited behind it (writers first)"
    if overlap:
        tail = ", and wrote while a reader was inside: the lock is broken."
    else:
        tail = ", and never wrote while anyone read."
    return {"summary": head + why + tail, "facts": facts}
